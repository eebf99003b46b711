"""Writes for accounts: terms acceptance and API tokens (PLT-5), each audited (PLT-6)."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from covernote.accounts.models import ApiToken, TermsAcceptance, TermsOfService, User
from covernote.audit.services import audit_record

TOKEN_PREFIX = "cn_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def terms_accept(*, user: User, terms: TermsOfService, ip_address: str | None) -> TermsAcceptance:
    """Record acceptance of a ToS version (PLT-5); accepting twice is a no-op."""
    acceptance, created = TermsAcceptance.objects.get_or_create(
        user=user, terms=terms, defaults={"ip_address": ip_address}
    )
    if created:
        audit_record(
            actor=user,
            action="terms.accept",
            obj=acceptance,
            after={"version": terms.version, "ip_address": ip_address},
        )
    return acceptance


@transaction.atomic
def api_token_create(*, user: User, name: str, actor: User) -> tuple[ApiToken, str]:
    """Create a token; the raw secret is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10], key_hash=hash_token(raw))
    audit_record(actor=actor, action="api_token.create", obj=token, after={"name": name})
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="api_token.revoke", obj=token)
