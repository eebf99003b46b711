"""The confirm step of an irreversible action (ADR 0026).

Selling, cancelling, paying a claim, a final response and a notice of cancellation
cannot be undone. The first POST of such a form shows what will happen, with the
figures (premium, refund, amount, effective date), and changes nothing; only a POST
that carries ``confirm=yes`` (sent by the confirm page's button, with the same
fields) acts. A script or a double click without the confirm step does nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirm"


def confirmed(request: HttpRequest) -> bool:
    """Did the user press the button on the confirm page?"""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "yes"


def confirm_page(
    request: HttpRequest,
    *,
    title: str,
    rows: Sequence[tuple[str, Any]],
    button: str,
    back: str,
    warning: str = "This cannot be undone.",
    paragraphs: Iterable[str] = (),
    rule: str = "",
) -> HttpResponse:
    """Show the figures and re-post the same fields with ``confirm=yes``."""
    hidden = [
        (k, v)
        for k in request.POST
        if k not in ("csrfmiddlewaretoken", CONFIRM_FIELD)
        for v in request.POST.getlist(k)
    ]
    return render(
        request,
        "web/confirm.html",
        {
            "title": title,
            "rows": rows,
            "button": button,
            "back": back,
            "warning": warning,
            "paragraphs": list(paragraphs),
            "hidden": hidden,
            "action": request.path,
            "rule": rule,
        },
    )
