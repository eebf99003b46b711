"""``{% load work_tags %}{% work_overdue_card %}``: the overdue counts card for any
back-office page (the dashboard places it with one line)."""

from __future__ import annotations

from typing import Any

from django import template

from covernote.work.selectors import work_counts

register = template.Library()


@register.inclusion_tag("work/_counts.html", takes_context=True)
def work_overdue_card(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_intermediary_staff", False):
        return {"counts": None}
    return {"counts": work_counts(user)}
