"""Password reset with limits: a reset link per address and per client is rate-limited.

Without a limit, one form could mail an account eleven times in a second. Over the
per-address limit the page answers exactly as it does for a sent link (nothing
reveals whether the address has an account, and no mail goes); over the per-client
limit it answers 429 with Retry-After. Rates: ``COVERNOTE_PASSWORD_RESET_RATES``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse

from covernote.api.limits import count_hit, parse_rate


def _rate(kind: str) -> tuple[int, int]:
    rates = {
        "email": "3/h",
        "ip": "20/h",
        **getattr(settings, "COVERNOTE_PASSWORD_RESET_RATES", {}),
    }
    return parse_rate(str(rates[kind]))


def _hit(kind: str, ident: str) -> bool:
    """Count one request; True while within the limit."""
    limit, window = _rate(kind)
    return count_hit(
        f"pwreset:{kind}:{hashlib.sha256(ident.encode()).hexdigest()[:32]}", limit, window
    )


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        client = request.META.get("REMOTE_ADDR") or "unknown"
        if not _hit("ip", client):
            _, window = _rate("ip")
            response = TemplateResponse(
                request,
                "registration/password_reset_form.html",
                {"form": self.get_form(), "throttled": True},
                status=429,
            )
            response["Retry-After"] = str(window)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        email = str(form.cleaned_data.get("email", "")).strip().lower()
        if not _hit("email", email):
            return HttpResponseRedirect(self.get_success_url())  # as if sent; nothing mailed
        return super().form_valid(form)
