"""The customer form: the same checks as the service, shown next to each field."""

from __future__ import annotations

from typing import Any

from django import forms

from covernote.accounts.models import Firm, FirmKind
from covernote.domain.bounds import every_error
from covernote.domain.errors import DomainError
from covernote.parties.contact import normalise_phone, normalise_postcode
from covernote.parties.models import (
    CHANNEL_CHOICES,
    FORMAT_CHOICES,
    NATION_CHOICES,
    SALUTATION_CHOICES,
)

DIRECT = "direct"

#: The fields a person fills in; the reference is generated, never typed.
FORM_FIELDS = [
    "title",
    "first_name",
    "last_name",
    "date_of_birth",
    "salutation_style",
    "address_line1",
    "address_line2",
    "locality",
    "town",
    "postcode",
    "nation",
    "email",
    "phone",
    "contact_channel",
    "document_format",
]


class CustomerForm(forms.Form):
    title = forms.CharField(required=False, max_length=20, label="Title (optional)")
    first_name = forms.CharField(
        max_length=100,
        label="First name",
        error_messages={"required": "Enter the customer's first name."},
    )
    last_name = forms.CharField(
        max_length=100,
        label="Last name",
        error_messages={"required": "Enter the customer's last name."},
    )
    salutation_style = forms.ChoiceField(
        choices=SALUTATION_CHOICES,
        initial="title_surname",
        required=False,
        label="How to greet them in letters",
    )
    date_of_birth = forms.DateField(
        label="Date of birth",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the customer's date of birth.",
            "invalid": "Enter the date of birth as a real date, like 12/04/1951.",
        },
    )
    address_line1 = forms.CharField(required=False, max_length=200, label="Address line 1")
    address_line2 = forms.CharField(required=False, max_length=200, label="Address line 2")
    locality = forms.CharField(
        required=False, max_length=100, label="Village or district (optional)"
    )
    town = forms.CharField(required=False, max_length=100, label="Post town")
    postcode = forms.CharField(
        required=False,
        max_length=10,
        label="Postcode",
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "autocapitalize": "characters"}
        ),
    )
    nation = forms.ChoiceField(choices=NATION_CHOICES, initial="england", label="Nation")
    email = forms.EmailField(
        required=False,
        label="Email address",
        error_messages={"invalid": "Enter an email address like name@example.com."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        required=False,
        max_length=30,
        label="Phone number",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    contact_channel = forms.ChoiceField(choices=CHANNEL_CHOICES, label="Preferred contact")
    document_format = forms.ChoiceField(choices=FORMAT_CHOICES, label="Document format")
    confirm_duplicate = forms.BooleanField(required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, choose_firm: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choose_firm:
            firms = Firm.objects.filter(kind=FirmKind.BROKER, is_active=True).order_by("name")
            self.fields["firm"] = forms.ChoiceField(
                label="Broker firm",
                choices=[(DIRECT, "Direct customer (no broker)")]
                + [(str(f.pk), f.name) for f in firms],
                initial=DIRECT,
            )

    def clean_salutation_style(self) -> str:
        """Left blank: title and surname ("Dear Mr Okafor"), the default (issue 13)."""
        return str(self.cleaned_data.get("salutation_style") or "title_surname")

    def clean_postcode(self) -> str:
        return self._normalised("postcode", normalise_postcode)

    def clean_phone(self) -> str:
        return self._normalised("phone", normalise_phone)

    def _normalised(self, name: str, normalise: Any) -> str:
        try:
            value: str = normalise(self.cleaned_data.get(name, ""))
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return value

    def service_data(self) -> dict[str, Any]:
        """What the service takes: the person's fields, and the firm a staff user chose."""
        data = {f: self.cleaned_data[f] for f in FORM_FIELDS}
        if "firm" in self.fields:
            firm = self.cleaned_data["firm"]
            data["firm_id"] = None if firm == DIRECT else int(firm)
        return data

    def show_error(self, exc: DomainError) -> None:
        """Each refusal from the service, next to its field when the form has one."""
        for err in every_error(exc):
            field = err.field if err.field in self.fields and err.field != "version" else None
            if field is None or field not in self.errors:
                self.add_error(field, err.message)
