"""The fake hosted payment page for development and tests (YD-PAY-2, issue 12).

Served only while the recording adapter is configured: it plays the provider's part,
showing the amount and posting a signed result back to the return URL of the session.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from covernote.billing.payment_page import recording_page
from covernote.domain.errors import DomainError


def dev_payment_page(request: HttpRequest, token: str) -> HttpResponse:
    conf = getattr(settings, "COVERNOTE_PAYMENT_PAGE", {})
    if conf.get("ADAPTER", "recording") != "recording":
        raise Http404("no such page")
    page = recording_page()
    try:
        session = page.open_session(token)
    except DomainError as exc:
        raise Http404("no such payment session") from exc
    return render(
        request,
        "web/payment_page.html",
        {
            "session": session,
            "paid": page.sign_result(session, "paid"),
            "declined": page.sign_result(session, "declined"),
        },
    )
