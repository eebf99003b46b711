"""The customer app's complaint form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from covernote.accounts.models import Role
from covernote.complaints.inputs import ComplaintRegistration
from covernote.complaints.services import complaint_register
from covernote.domain.errors import DomainError
from covernote.web.complaints.forms import CustomerComplaintForm
from covernote.web.complaints.views._common import _form_error, _user


@login_required
@require_http_methods(["GET", "POST"])
def customer_complaint_new(request: HttpRequest) -> HttpResponse:
    user = _user(request, Role.CUSTOMER)
    customer = getattr(user, "customer", None)
    if customer is None:
        raise Http404("no customer record")
    form = CustomerComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        about = form.cleaned_data["about"]
        product = {
            "gap_claim": "gap",
            "gap_sale": "gap",
            "young_driver": "young_driver_motor",
        }.get(about, "motor_other")
        try:
            complaint = complaint_register(
                actor=user,
                customer=customer,
                data=ComplaintRegistration.parse(
                    {
                        "received_at": timezone.now(),
                        "channel": "web",
                        "procedure": about,
                        "product": product,
                        "policy_reference": form.cleaned_data["policy_reference"],
                        "main_cause": "other",
                        "description": form.cleaned_data["description"],
                    }
                ),
            )
        except DomainError as exc:
            _form_error(form, exc, customer=True)
        else:
            return render(request, "complaints/customer_thanks.html", {"complaint": complaint})
    return render(request, "complaints/customer_new.html", {"form": form, "customer": customer})
