"""Permission-aware reads (PLT-4): tenant isolation lives here, in one place."""

from __future__ import annotations

from datetime import date

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat, Greatest

from covernote.accounts.models import User
from covernote.accounts.scoping import get_in_scope, scoped
from covernote.parties.contact import phone_query, postcode_query
from covernote.parties.models import Customer, ReasonableAdjustment

#: The least pg_trgm similarity (0-1) at which a name counts as a match.
TRIGRAM_THRESHOLD = 0.3


def customer_scope(actor: User) -> QuerySet[Customer]:
    """The customers ``actor`` may see: a broker its firm's, a customer itself, staff all."""
    qs = Customer.objects.select_related("firm").prefetch_related(
        Prefetch(
            "adjustments",
            queryset=ReasonableAdjustment.objects.filter(superseded_at__isnull=True),
            to_attr="active_adjustment_list",
        )
    )
    return scoped(actor, qs, customer_user="user")


def _text_q(term: str) -> Q:
    """Name, reference, email or postcode containing ``term`` (every word must match)."""
    q = Q()
    for word in term.split():
        q &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(business_name__icontains=word)
            | Q(reference__icontains=word)
            | Q(email__icontains=word)
            | Q(postcode__icontains=word)
        )
    return q


def customer_search_q(term: str) -> Q:
    """What a search box matches on a customer (issue 12): name (every word), reference,
    email, a whole or partial postcode ("LS6" is the district, "LS6 2AB" or "ls62ab" the
    postcode) and a phone number typed in any format."""
    term = " ".join(term.split())
    if not term:
        return Q()
    q = _text_q(term)
    kind, postcode = postcode_query(term)
    if kind == "district":
        q |= Q(postcode__istartswith=postcode)
    elif kind == "exact":
        q |= Q(postcode=postcode)
    phone = phone_query(term)
    if phone:
        q |= Q(phone=phone)
    return q


def customer_search(qs: QuerySet[Customer], term: str) -> QuerySet[Customer]:
    """``qs`` narrowed to ``term``. On PostgreSQL a name also matches by trigram similarity
    (pg_trgm, migration 0003), so "Holoway" finds Holloway, best match first; elsewhere
    the plain ``icontains`` match applies."""
    term = " ".join(term.split())
    if not term:
        return qs
    q = customer_search_q(term)
    if connection.vendor == "postgresql" and len(term) >= 3:
        similarity = Greatest(
            TrigramSimilarity("last_name", term),
            TrigramSimilarity("first_name", term),
            TrigramSimilarity(Concat("first_name", Value(" "), "last_name"), term),
        )
        return (
            qs.annotate(similarity=similarity)
            .filter(q | Q(similarity__gte=TRIGRAM_THRESHOLD))
            .order_by("-similarity", "last_name", "first_name", "id")
        )
    return qs.filter(q)


def customer_list_for(
    actor: User,
    *,
    search: str = "",
    firm_id: int | None = None,
    direct: bool = False,
    nation: str = "",
    with_adjustments: bool = False,
) -> QuerySet[Customer]:
    """The actor's customers, narrowed by the list's filters (a broker's firm is fixed by
    its scope, so ``firm_id`` only narrows a staff user's list)."""
    qs = customer_scope(actor)
    if firm_id:
        qs = qs.filter(firm_id=firm_id)
    elif direct:
        qs = qs.filter(firm__isnull=True)
    if nation:
        qs = qs.filter(nation=nation)
    if with_adjustments:
        qs = qs.filter(adjustments__superseded_at__isnull=True, adjustments__isnull=False)
        qs = qs.distinct()
    return customer_search(qs, search)


def customer_duplicates_for(
    actor: User,
    *,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    postcode: str,
    exclude_id: int | None = None,
) -> QuerySet[Customer]:
    """Likely duplicates (issue 12): the same first and last name (any case), date of birth
    and stored postcode, among the customers ``actor`` may see — a broker is never shown
    another firm's customer."""
    qs = customer_scope(actor).filter(
        first_name__iexact=first_name.strip(),
        last_name__iexact=last_name.strip(),
        date_of_birth=date_of_birth,
        postcode=postcode,
    )
    return qs.exclude(pk=exclude_id) if exclude_id else qs


def customer_get_for(actor: User, customer_id: int) -> Customer:
    """One customer, or NOT_FOUND — also for another firm's customer, which is audited."""
    return get_in_scope(actor, customer_scope(actor), customer_id, label="customer")


def adjustment_history(customer: Customer) -> QuerySet[ReasonableAdjustment]:
    return customer.adjustments.select_related("recorded_by").order_by("recorded_at", "id")
