"""Card payments through a hosted payment page (YD-PAY-2, PCI DSS; issue 12).

Nobody here types or sees a card number, and no page asks staff for a "card token". To
take a card payment the platform opens a *session* with the payment provider for an
amount and a reference, and sends the payer's browser to the provider's page. The
provider takes the card and sends the browser back to ``return_url`` with a signed
result: paid or declined, the provider's token for the card and its last four digits.
The platform checks the signature before it believes a word of it.

Adapters (chosen by ``settings.COVERNOTE_PAYMENT_PAGE["ADAPTER"]``):

- :class:`RecordingPaymentPage` (development and tests): the "provider" is a page of this
  site (``/dev/payment-page/…``) that shows the amount and posts back a signed result;
  it never moves money and records every session it opens.
- :class:`HttpPaymentPage` (production stub): the same interface against a provider's
  HTTP API, configured by ``ENDPOINT``, ``API_KEY`` and ``SIGNING_SECRET``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, Protocol

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.module_loading import import_string

from covernote.domain.errors import DomainError, ErrorCode

RULE = "YD-PAY-2"
_SALT = "covernote.payment-page"
#: A session (and its result) is good for an hour: then the payer starts again.
MAX_AGE_SECONDS = 60 * 60

Status = Literal["paid", "declined", "cancelled"]


@dataclass(frozen=True)
class PaymentResult:
    """What the provider says happened, after the signature is checked."""

    status: Status
    reference: str
    amount: Decimal
    token: str = ""
    last4: str = ""

    @property
    def paid(self) -> bool:
        return self.status == "paid"


class HostedPaymentPage(Protocol):
    name: str

    def create_session(self, amount: Decimal, reference: str, return_url: str) -> str:
        """Open a payment for ``amount`` under ``reference``; the URL to send the payer to."""
        ...

    def read_result(self, params: Mapping[str, str]) -> PaymentResult:
        """The signed result the provider sent back to ``return_url`` (checked)."""
        ...


def _amount(value: object) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(ErrorCode.INVALID, "the amount is not a sum of money", RULE) from None
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise DomainError(ErrorCode.INVALID, "the amount must be pounds and pence above £0", RULE)
    return amount


def _bad_result() -> DomainError:
    return DomainError(
        ErrorCode.INVALID,
        "the payment result could not be verified: no payment was taken here; try again",
        RULE,
        "payment_result",
    )


@dataclass
class RecordingPaymentPage:
    """Development and tests: a fake hosted page served by this site. Sessions and
    results are signed with the site's secret, so a result cannot be forged."""

    name: str = "recording"
    sessions: list[dict[str, str]] = field(default_factory=list)

    def create_session(self, amount: Decimal, reference: str, return_url: str) -> str:
        session = {"amount": str(_amount(amount)), "reference": reference, "return": return_url}
        self.sessions.append(session)
        token = signing.dumps(session, salt=_SALT)
        return reverse("dev-payment-page", args=[token])

    def open_session(self, token: str) -> dict[str, str]:
        """The fake page reads the session it was opened with."""
        try:
            session: dict[str, str] = signing.loads(token, salt=_SALT, max_age=MAX_AGE_SECONDS)
        except signing.BadSignature:
            raise _bad_result() from None
        return session

    def sign_result(self, session: Mapping[str, str], status: Status) -> str:
        """What the fake page posts back: the outcome, a card token, last four digits."""
        digest = hashlib.sha256(session["reference"].encode()).hexdigest()[:16]
        result = {
            "status": status,
            "reference": session["reference"],
            "amount": session["amount"],
            "token": f"tok_hosted_{digest}" if status == "paid" else "",
            "last4": "4242" if status == "paid" else "",
        }
        return signing.dumps(result, salt=_SALT + ".result")

    def read_result(self, params: Mapping[str, str]) -> PaymentResult:
        try:
            data: dict[str, Any] = signing.loads(
                params.get("payment_result", ""), salt=_SALT + ".result", max_age=MAX_AGE_SECONDS
            )
        except signing.BadSignature:
            raise _bad_result() from None
        if data.get("status") not in ("paid", "declined", "cancelled"):
            raise _bad_result()
        return PaymentResult(
            status=data["status"],
            reference=str(data["reference"]),
            amount=_amount(data["amount"]),
            token=str(data.get("token", "")),
            last4=str(data.get("last4", "")),
        )


@dataclass
class HttpPaymentPage:
    """A provider's hosted payment page over HTTP (stub: the shape, not a contract with a
    named provider). ``create_session`` POSTs JSON to ``ENDPOINT/sessions`` with the API
    key and expects ``{"redirect_url": …}``; the provider sends the payer back with
    ``payment_result`` (JSON) and ``signature`` (hex HMAC-SHA256 with ``SIGNING_SECRET``)."""

    endpoint: str
    api_key: str
    signing_secret: str
    timeout: float = 10.0
    name: str = "http"

    @classmethod
    def from_settings(cls) -> HttpPaymentPage:
        conf = settings.COVERNOTE_PAYMENT_PAGE
        return cls(
            endpoint=str(conf.get("ENDPOINT", "")).rstrip("/"),
            api_key=str(conf.get("API_KEY", "")),
            signing_secret=str(conf.get("SIGNING_SECRET", "")),
            timeout=float(conf.get("TIMEOUT", 10.0)),
        )

    def create_session(self, amount: Decimal, reference: str, return_url: str) -> str:
        if not (self.endpoint and self.api_key):
            raise DomainError(
                ErrorCode.INVALID, "the payment page is not configured (ENDPOINT, API_KEY)", RULE
            )
        body = json.dumps(
            {
                "amount": str(_amount(amount)),
                "currency": "GBP",
                "reference": reference,
                "return_url": return_url,
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the endpoint is configuration
            f"{self.endpoint}/sessions",
            data=body,
            headers={"Authorization": f"Bearer {self.api_key}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            payload = json.loads(response.read())
        url = str(payload.get("redirect_url", ""))
        if not url.startswith("https://"):
            raise DomainError(ErrorCode.INVALID, "the provider gave no secure payment page", RULE)
        return url

    def read_result(self, params: Mapping[str, str]) -> PaymentResult:
        raw, signature = params.get("payment_result", ""), params.get("signature", "")
        expected = hmac.new(self.signing_secret.encode(), raw.encode(), hashlib.sha256).hexdigest()
        if not (self.signing_secret and hmac.compare_digest(expected, signature)):
            raise _bad_result()
        try:
            data = json.loads(raw)
        except ValueError:
            raise _bad_result() from None
        if data.get("status") not in ("paid", "declined", "cancelled"):
            raise _bad_result()
        return PaymentResult(
            status=data["status"],
            reference=str(data.get("reference", "")),
            amount=_amount(data.get("amount")),
            token=str(data.get("token", "")),
            last4=str(data.get("last4", "")),
        )


_recording = RecordingPaymentPage()


def payment_page() -> HostedPaymentPage:
    """The configured adapter: ``recording`` (default), ``http``, or a dotted class path."""
    adapter = str(getattr(settings, "COVERNOTE_PAYMENT_PAGE", {}).get("ADAPTER", "recording"))
    if adapter == "recording":
        return _recording
    if adapter == "http":
        return HttpPaymentPage.from_settings()
    page: HostedPaymentPage = import_string(adapter)()
    return page


def recording_page() -> RecordingPaymentPage:
    """The development page (only served while the recording adapter is configured)."""
    return _recording
