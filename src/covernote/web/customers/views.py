"""Customer records (issue 12): the list with filters and CSV, create (with the duplicate
check), edit (with the version guard), the search box, and a scoped PDF download."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods

from covernote.accounts.models import Firm, FirmKind, Role, User
from covernote.accounts.scoping import get_in_scope
from covernote.accounts.selectors import request_user
from covernote.audit.services import audit_record
from covernote.documents.models import Document
from covernote.documents.services import (
    document_large_print_pdf,
    document_reprint,
    document_resend,
    large_print_available,
)
from covernote.domain.errors import DomainError, ErrorCode
from covernote.parties.models import NATION_CHOICES, Customer
from covernote.parties.selectors import customer_get_for, customer_list_for, customer_scope
from covernote.parties.services import DuplicateCustomerError, customer_create, customer_update
from covernote.web import search as finder
from covernote.web.csv_export import csv_response
from covernote.web.customers.forms import FORM_FIELDS, CustomerForm
from covernote.web.search import customer_url

PER_PAGE = 25


def _seller(request: HttpRequest) -> User:
    """Staff and brokers; anyone else is told the page does not exist."""
    user = request_user(request)
    if not (user.is_intermediary_staff or user.role == Role.BROKER):
        raise Http404("no such page")
    return user


# ---------------------------------------------------------------- the customer list


@dataclass(frozen=True)
class CustomerFilters:
    search: str
    firm: str  # "" all, "direct", or a firm id (staff only)
    nation: str
    needs: bool  # only customers with a reasonable adjustment in force

    @classmethod
    def from_request(cls, request: HttpRequest, user: User) -> CustomerFilters:
        g = request.GET
        firm = g.get("firm", "").strip() if user.is_intermediary_staff else ""
        if firm not in ("", "direct") and not firm.isdigit():
            firm = ""
        nation = g.get("nation", "").strip()
        if nation not in dict(NATION_CHOICES):
            nation = ""
        return cls(
            search=g.get("q", "").strip(),
            firm=firm,
            nation=nation,
            needs=g.get("needs") == "1",
        )

    def queryset(self, user: User) -> Any:
        return customer_list_for(
            user,
            search=self.search,
            firm_id=int(self.firm) if self.firm.isdigit() else None,
            direct=self.firm == "direct",
            nation=self.nation,
            with_adjustments=self.needs,
        )

    def query(self) -> str:
        """The filters as a query string, for the pager and the CSV link."""
        pairs = {"q": self.search, "firm": self.firm, "nation": self.nation}
        if self.needs:
            pairs["needs"] = "1"
        return urlencode({k: v for k, v in pairs.items() if v})


def customer_list_context(request: HttpRequest, user: User) -> dict[str, Any]:
    """What the list partial needs: the page of customers and the filters in force."""
    filters = CustomerFilters.from_request(request, user)
    customers = filters.queryset(user)
    page: Page[Customer] = Paginator(customers, PER_PAGE).get_page(request.GET.get("page"))
    return {
        "page": page,
        "filters": filters,
        "search": filters.search,
        "filter_query": filters.query(),
        "nations": NATION_CHOICES,
        "firms": Firm.objects.filter(kind=FirmKind.BROKER).order_by("name")
        if user.is_intermediary_staff
        else [],
        "customer_count": page.paginator.count,
    }


@login_required
def customers_csv(request: HttpRequest) -> HttpResponse:
    user = _seller(request)
    filters = CustomerFilters.from_request(request, user)
    rows = (
        [
            c.reference,
            c.full_name,
            c.date_of_birth,
            c.postcode,
            c.email,
            c.phone_display,
            c.get_contact_channel_display(),
            c.firm.name if c.firm else "Direct",
            "; ".join(a.get_kind_display() for a in c.active_adjustment_list),
        ]
        for c in filters.queryset(user).iterator(chunk_size=500)
    )
    header = [
        "Reference",
        "Name",
        "Date of birth",
        "Postcode",
        "Email",
        "Phone",
        "Preferred contact",
        "Broker",
        "Reasonable adjustments",
    ]
    return csv_response("customers.csv", header, rows)


# ---------------------------------------------------------------- create and edit


@login_required
@require_http_methods(["GET", "POST"])
def customer_new(request: HttpRequest) -> HttpResponse:
    """A broker's customer is its own firm's (never chosen); staff choose the firm."""
    user = _seller(request)
    choose_firm = user.is_intermediary_staff
    form = CustomerForm(request.POST or None, choose_firm=choose_firm)
    duplicates: list[Customer] = []
    if request.method == "POST" and form.is_valid():
        try:
            customer = customer_create(
                actor=user,
                data=form.service_data(),
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
            )
        except DuplicateCustomerError as exc:
            duplicates = exc.existing
        except DomainError as exc:
            form.show_error(exc)
        else:
            messages.success(request, f"Customer {customer.reference} created.")
            return redirect(customer_url(user, customer.pk))
    return render(
        request,
        "web/customer_form.html",
        {
            "form": form,
            "duplicates": [(c, customer_url(user, c.pk)) for c in duplicates],
            "creating": True,
            "firm": user.firm if user.role == Role.BROKER else None,
        },
    )


STALE = (
    "Someone else changed this customer's details while you were editing. "
    "Your changes have not been saved: reload the page to see theirs, then make yours again."
)


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    user = _seller(request)
    try:
        customer = customer_get_for(user, customer_id)
    except DomainError as exc:
        raise Http404("no such customer") from exc
    initial = {f: getattr(customer, f) for f in FORM_FIELDS}
    initial["phone"] = customer.phone_display
    initial["version"] = customer.version
    form = CustomerForm(request.POST or None, initial=initial)
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        changed = {k: v for k, v in data.items() if getattr(customer, k) != v}
        try:
            customer_update(
                actor=user,
                customer=customer,
                data=changed,
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            if exc.code == ErrorCode.CONFLICT:
                stale = True
                form.add_error(None, STALE)
            else:
                form.show_error(exc)
        else:
            messages.success(request, "Customer details saved.")
            return redirect(customer_url(user, customer.pk))
    return render(
        request,
        "web/customer_form.html",
        {
            "form": form,
            "customer": customer,
            "creating": False,
            "stale": stale,
            "adjustments": customer.active_adjustments(),
        },
    )


# ---------------------------------------------------------------- search


def _search_context(request: HttpRequest, user: User) -> dict[str, Any]:
    term = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if kind not in finder.KINDS:
        kind = ""
    groups = finder.search(user, term, kind=kind)
    return {"term": term, "kind": kind, "groups": groups}


@login_required
def search_view(request: HttpRequest) -> HttpResponse:
    user = _seller(request)
    ctx = _search_context(request, user)
    groups = ctx["groups"]
    shown = []
    for group in groups:
        if ctx["kind"]:
            page = finder.paginate(group.hits, request.GET.get("page"))
        else:
            page = finder.paginate(group.hits, "1", per_page=10)
        shown.append({"group": group, "page": page})
    ctx.update(
        {
            "shown": shown,
            "kinds": finder.KINDS,
            "total": sum(g.count for g in groups),
            "too_short": bool(ctx["term"]) and len(ctx["term"]) < finder.MIN_TERM,
            "query": urlencode(
                {"q": ctx["term"], **({"kind": ctx["kind"]} if ctx["kind"] else {})}
            ),
        }
    )
    return render(request, "web/search.html", ctx)


@login_required
def search_csv(request: HttpRequest) -> HttpResponse:
    user = _seller(request)
    groups = _search_context(request, user)["groups"]
    rows = (
        [g.label, h.reference, h.title, h.detail, h.status, h.on, request.build_absolute_uri(h.url)]
        for g in groups
        for h in g.hits
    )
    header = ["Kind", "Reference", "Name", "Detail", "Status", "Date", "Link"]
    return csv_response("search.csv", header, rows)


# ---------------------------------------------------------------- documents


def _document_for(user: User, document_id: int) -> Document:
    """A document of a customer the actor may see (PLT-4); otherwise ``access.denied``
    and a 404 — the same answer as for a document that does not exist."""
    documents = Document.objects.select_related("customer").filter(
        customer__in=customer_scope(user).values("pk")
    )
    try:
        return get_in_scope(user, documents, document_id, label="document")
    except DomainError as exc:
        raise Http404("no such document") from exc


@login_required
def document_pdf(request: HttpRequest, document_id: int) -> HttpResponse | FileResponse:
    """A stored PDF, only for a customer the actor may see (PLT-4); every view is audited
    (``document.view``), and a try outside the scope is ``access.denied`` and a 404.
    ``?print=large`` gives the large-print copy of a standard letter (PLT-2)."""
    user = request_user(request)
    doc = _document_for(user, document_id)
    large = request.GET.get("print") == "large"
    if large and not large_print_available(doc):
        raise Http404("no large-print copy of this document")
    audit_record(
        actor=user,
        action="document.view",
        obj=doc,
        firm_id=doc.customer.firm_id,
        after={
            "customer": doc.customer.reference,
            "title": doc.title,
            "kind": doc.kind,
            "print": "large" if large else doc.document_format,
        },
    )
    filename = f"{doc.kind}-{doc.customer.reference}.pdf"
    if large:
        response = HttpResponse(document_large_print_pdf(doc), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{doc.kind}-{doc.customer.reference}-large-print.pdf"'
        )
        return response
    return FileResponse(
        doc.pdf.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )


def _back(request: HttpRequest) -> str:
    """Return to the page the button was on (a path on this site only)."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@login_required
@require_http_methods(["POST"])
def document_reprint_view(request: HttpRequest, document_id: int) -> HttpResponse:
    """Staff only (PLT-7): post the stored letter again; audited ``document.reprint``."""
    user = request_user(request)
    if not user.is_intermediary_staff:
        raise Http404("no such page")
    doc = _document_for(user, document_id)
    try:
        document_reprint(actor=user, document=doc)
    except DomainError as exc:
        messages.error(request, exc.message[:1].upper() + exc.message[1:] + ".")
    else:
        messages.success(request, f"“{doc.title}” queued for print and post.")
    return redirect(_back(request))


@login_required
@require_http_methods(["POST"])
def document_resend_view(request: HttpRequest, document_id: int) -> HttpResponse:
    """Staff only (PLT-7): send the stored document again by the customer's channel;
    audited ``document.resend``."""
    user = request_user(request)
    if not user.is_intermediary_staff:
        raise Http404("no such page")
    doc = _document_for(user, document_id)
    message = document_resend(actor=user, document=doc)
    messages.success(
        request, f"“{doc.title}” sent again by {message.get_channel_display().lower()}."
    )
    return redirect(_back(request))
