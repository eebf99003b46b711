"""Reads for accounts."""

from __future__ import annotations

from django.utils import timezone

from covernote.accounts.models import ApiToken, Role, TermsOfService, User


def terms_current() -> TermsOfService | None:
    """The newest published ToS version."""
    return TermsOfService.objects.filter(published_at__lte=timezone.now()).first()


def terms_needs_acceptance(user: User) -> TermsOfService | None:
    """PLT-5: the version the user must accept before going on, or None.

    Broker users accept before first use and again when a new version is
    published; customers and intermediary staff are covered by other terms.
    """
    if user.role != Role.BROKER:
        return None
    current = terms_current()
    if current is None:
        return None
    if user.terms_acceptances.filter(terms=current).exists():
        return None
    return current


def api_token_user(raw: str) -> User | None:
    from covernote.accounts.services import hash_token

    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def request_user(request: object) -> User:
    """The signed-in user of a request (views and endpoints behind login/auth only)."""
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        raise PermissionError("not signed in")
    return user
