from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from covernote.parties.models import AdjustmentKind


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email address and password do not match an account. "
        "Check them and try again, or use “Forgotten your password?”.",
    }


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(choices=AdjustmentKind.choices)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="In the customer's words."
    )
    third_party_name = forms.CharField(required=False, label="Third party's name (if any)")
    supersedes = forms.IntegerField(required=False, widget=forms.HiddenInput)
