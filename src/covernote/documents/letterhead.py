"""The letterhead of every letter (issue 13, PLT-7, YD-INFO): from firm and product data.

The sender is the intermediary firm named in ``settings.COVERNOTE["FIRM_NAME"]``;
the selling broker is the broker firm whose customer or sale it is; the
insurer, FSCS and applicable-law text come from the ``[disclosures]`` of the product
version the policy is pinned to. Templates only print :meth:`Letterhead.footer`.
"""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings

from covernote.accounts.models import Firm, FirmKind
from covernote.domain.letterhead import Disclosures, FirmIdentity, Letterhead


def firm_identity(firm: Firm) -> FirmIdentity:
    return FirmIdentity(
        name=firm.name,
        frn=firm.fca_number,
        registered_office=firm.registered_office_lines,
        company_number=firm.company_number,
        phone=firm.phone,
    )


def sending_firm() -> FirmIdentity:
    """The intermediary that sends customer letters; its row in ``accounts.Firm`` gives
    the FRN, registered office and company number."""
    name = settings.COVERNOTE["FIRM_NAME"]
    intermediaries = Firm.objects.filter(kind=FirmKind.INTERMEDIARY.value)
    firm = intermediaries.filter(name=name).first() or intermediaries.order_by("pk").first()
    if firm is None:
        return FirmIdentity(name=name, phone=settings.COVERNOTE["SUPPORT_PHONE"])
    identity = firm_identity(firm)
    if not identity.phone:
        identity = replace(identity, phone=settings.COVERNOTE["SUPPORT_PHONE"])
    return identity


def letterhead(*, broker: Firm | None = None, disclosures: Disclosures | None = None) -> Letterhead:
    """The sender, the selling broker (a broker firm only) and the product's disclosures."""
    selling = (
        firm_identity(broker)
        if broker is not None and broker.kind == FirmKind.BROKER.value
        else None
    )
    return Letterhead(sender=sending_firm(), broker=selling, disclosures=disclosures)
