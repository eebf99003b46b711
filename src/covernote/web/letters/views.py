"""The letter catalogue page (PLT-7): every letter and document type, staff only.

The page reads the one registry (``covernote.documents.catalogue``), as the CLI and the
golden tests do; each sample opens in every format, rendered from fixed demo data.
Anyone who is not the intermediary's staff gets "no such page" (PLT-4).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from covernote.accounts.selectors import request_user
from covernote.documents.catalogue import BY_KEY, CATALOGUE
from covernote.documents.rendering import OutputFormat, render_text
from covernote.documents.selectors import document_get
from covernote.domain.errors import DomainError
from covernote.parties.selectors import customer_get_for

#: The formats offered on the page, with their link text.
FORMATS = (
    (OutputFormat.STANDARD, "Standard PDF"),
    (OutputFormat.LARGE_PRINT, "Large print PDF"),
    (OutputFormat.TEXT, "Plain text"),
)


def _staff(request: HttpRequest) -> None:
    if not request_user(request).is_intermediary_staff:
        raise Http404("no such page")


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    _staff(request)
    products: dict[str, list[dict[str, object]]] = {}
    for t in CATALOGUE:
        links = [(f.value, label) for f, label in FORMATS if f in t.outputs]
        products.setdefault(t.product, []).append({"t": t, "links": links})
    return render(
        request, "letters/catalogue.html", {"products": products.items(), "count": len(CATALOGUE)}
    )


@login_required
def sample(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    _staff(request)
    letter = BY_KEY.get(key)
    try:
        output = OutputFormat.parse(fmt)
    except ValueError:
        raise Http404("no such format") from None
    if letter is None or output not in letter.outputs:
        raise Http404("no such letter or format")
    data = letter.render_sample(output)
    if output.is_pdf:
        response = HttpResponse(data, content_type="application/pdf")
    else:
        response = HttpResponse(data, content_type="text/plain; charset=utf-8")
    name = f"{letter.key}-sample.{output.value}.{output.extension}"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def document_text(request: HttpRequest, document_id: int) -> HttpResponse:
    """A stored document as plain text: what the print house turns into audio or Braille
    (PLT-2), and what an email body carries (PLT-7). Staff, within their scope (PLT-4)."""
    _staff(request)
    doc = document_get(document_id)
    if doc is None:
        raise Http404("no such document")
    try:
        customer_get_for(request_user(request), doc.customer_id)
    except DomainError:
        raise Http404("no such document") from None
    response = HttpResponse(render_text(doc.html), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{doc.kind}-{doc.pk}.txt"'
    return response
