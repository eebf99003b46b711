"""Pages: sign-in and terms (PLT-5), broker dashboard, back-office customer page, customer app shell."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from covernote.accounts.models import Role
from covernote.accounts.selectors import request_user, terms_current, terms_needs_acceptance
from covernote.accounts.services import terms_accept
from covernote.documents.selectors import documents_for_customer, outbox_for_customer
from covernote.domain.errors import DomainError
from covernote.gap import selectors as gap_selectors
from covernote.gap.selectors import claim_scope
from covernote.parties.selectors import adjustment_history, customer_get_for
from covernote.parties.services import adjustment_record
from covernote.telematics.selectors import score_summary
from covernote.web.customers.overview import customer_overview
from covernote.web.customers.views import customer_list_context
from covernote.web.forms import AdjustmentForm, EmailAuthenticationForm
from covernote.young_driver.selectors import open_task, policies_for_customer_user


class SignInView(LoginView):
    template_name = "registration/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = request_user(request).role
    if role == Role.BROKER:
        return redirect("broker-dashboard")
    if role == Role.CUSTOMER:
        return redirect("customer-app")
    return redirect("backoffice-home")


def terms_view(request: HttpRequest) -> HttpResponse:
    return render(request, "web/terms.html", {"terms": terms_current()})


@login_required
@require_http_methods(["GET", "POST"])
def terms_accept_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    needed = terms_needs_acceptance(user)
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if needed is None:
        return redirect(next_url)
    if request.method == "POST":
        if request.POST.get("accept") != "yes":
            messages.error(
                request, "Tick the box to accept the Terms of Service before you continue."
            )
        else:
            terms_accept(user=user, terms=needed, ip_address=request.META.get("REMOTE_ADDR"))
            return redirect(next_url)
    return render(request, "web/terms_accept.html", {"terms": needed, "next": next_url})


def _role_required(request: HttpRequest, *roles: Role) -> None:
    if request_user(request).role not in roles:
        raise Http404("no such page")


@login_required
def broker_dashboard(request: HttpRequest) -> HttpResponse:
    """The broker's customers: filterable, paginated, exportable (issue 12)."""
    _role_required(request, Role.BROKER)
    user = request_user(request)
    return render(
        request,
        "web/broker_dashboard.html",
        {"firm": user.firm, **customer_list_context(request, user)},
    )


STAFF = (Role.AGENT, Role.MANAGER, Role.CLAIMS_HANDLER, Role.QA, Role.UNDERWRITER)


@login_required
def backoffice_home(request: HttpRequest) -> HttpResponse:
    _role_required(request, *STAFF)
    return render(
        request,
        "web/backoffice_home.html",
        customer_list_context(request, request_user(request)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The customer page (issue 12): adjustments first, on every view (PLT-2), then the
    details, every policy of both products, claims, complaints, documents and payments."""
    user = request_user(request)
    if user.role == Role.CUSTOMER:
        raise Http404("no such page")
    try:
        customer = customer_get_for(user, customer_id)
    except DomainError as exc:
        raise Http404("no such customer") from exc
    form = AdjustmentForm(request.POST or None)
    if request.method == "POST":
        if user.role == Role.BROKER:
            return HttpResponseForbidden("Adjustments are recorded by the contact centre.")
        if form.is_valid():
            supersedes = None
            if form.cleaned_data.get("supersedes"):
                supersedes = customer.adjustments.filter(pk=form.cleaned_data["supersedes"]).first()
            try:
                adjustment_record(
                    actor=user,
                    customer=customer,
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                    third_party_name=form.cleaned_data.get("third_party_name", ""),
                    supersedes=supersedes,
                )
            except DomainError as exc:
                form.add_error(
                    exc.field if exc.field in form.fields else None, f"{exc.message} ({exc.rule})"
                )
            else:
                messages.success(
                    request, "Adjustment recorded. It now shows on every page about this customer."
                )
                return redirect("customer-detail", customer_id=customer.pk)
    overview = customer_overview(user, customer)
    return render(
        request,
        "web/customer_detail.html",
        {
            "customer": customer,
            "adjustments": customer.active_adjustments(),
            "history": adjustment_history(customer),
            "overview": overview,
            "documents": overview.documents[:50],
            "outbox": outbox_for_customer(customer)[:20],
            "complaints": overview.complaints[:50],
            "form": form,
            "can_record": user.role != Role.BROKER,
            "is_staff": user.is_intermediary_staff,
        },
    )


@login_required
def customer_app(request: HttpRequest) -> HttpResponse:
    """The customer's home: every policy of both products (issue 12), the Smartbox task
    and driving score of each Young Driver policy, and the latest documents."""
    _role_required(request, Role.CUSTOMER)
    user = request_user(request)
    customer = getattr(user, "customer", None)
    yd_policies = [
        {"policy": p, "task": open_task(p), "driving": score_summary(p)}
        for p in policies_for_customer_user(user)[:5]
    ]
    gap_policies = [
        {"policy": p, "documents": gap_selectors.policy_documents(p).order_by("-created_at")[:10]}
        for p in gap_selectors.policy_scope(user).filter(customer=customer).order_by("-start_on")
    ]
    documents = documents_for_customer(customer)[:5] if customer is not None else []
    gap_claims = list(claim_scope(user).filter(customer=customer)[:10]) if customer else []
    return render(
        request,
        "web/customer_app.html",
        {
            "customer": customer,
            "policies": yd_policies,
            "gap_policies": gap_policies,
            "documents": documents,
            "gap_claims": gap_claims,
        },
    )
