"""Helpers the GAP pages share: the acting user, errors next to fields, dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest

from covernote.accounts.models import Role, User
from covernote.accounts.selectors import request_user
from covernote.domain.bounds import every_error
from covernote.domain.errors import DomainError
from covernote.domain.labels import human_label

LONDON = ZoneInfo("Europe/London")
LINE_ROWS = 5


def _label(v: str) -> str:
    return human_label(v)


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(m.value, _label(m.value)) for m in enum]


def _user(request: HttpRequest) -> User:
    user = request_user(request)
    if user.role == Role.CUSTOMER:
        raise Http404("no such page")
    return user


def _area(user: User) -> str:
    return "broker" if user.role == Role.BROKER else "backoffice"


def _or_404(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except DomainError as exc:
        raise Http404(exc.message) from exc


def _adjustments(customer: Any) -> Any:
    return customer.active_adjustments()


def _error(request: HttpRequest, exc: DomainError) -> None:
    where = f" (field {exc.field})" if exc.field else ""
    messages.error(request, f"{exc.message}{where} — {exc.rule}")


def _form_error(request: HttpRequest, exc: DomainError, fields: dict[str, str]) -> dict[str, str]:
    """ARCHITECTURE §3.5: show a service's error next to the form field it names.

    ``fields`` maps the service's field name to the form's input name; an error about
    anything else (or no field) stays at the top of the page.
    """
    shown: dict[str, str] = {}
    for err in every_error(exc):  # every refused field at once (ADR 0023)
        name = fields.get(err.field or "")
        if name and name not in shown:
            shown[name] = f"{err.message} ({err.rule})"
        elif not name:
            _error(request, err)
    return shown


def _day(value: str | None, field: str = "date") -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        raise DomainError("invalid", "enter a date as YYYY-MM-DD", "G3", field) from None


def _moment(value: str | None, field: str) -> datetime:
    try:
        naive = datetime.fromisoformat(value or "")
    except ValueError:
        raise DomainError("invalid", "enter a date and time", "G2", field) from None
    return naive.replace(tzinfo=LONDON) if naive.tzinfo is None else naive


def _staff(request: HttpRequest) -> User:
    user = _user(request)
    if user.role == Role.BROKER:
        raise Http404("no such page")
    return user
