"""UK postcodes and phone numbers: checked and stored one way (PLT-1, issue 12).

Postcodes are checked with django-localflavor's ``GBPostcodeField`` (the BS 7666
pattern, maintained with Django) and stored upper case with one space before the
inward code: ``ls62ab`` -> ``LS6 2AB``.

Phone numbers are parsed with ``phonenumbers`` (Google's libphonenumber) as GB
numbers and stored in E.164 (``+441134960123``) so that one number has one
spelling, whatever was typed; pages show the national format (``0113 496 0123``).
Ofcom reserves 07700 900000-900999 for drama (fiction, demos and tests); the
library calls those numbers unassigned, and we accept them as mobiles.
"""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from localflavor.gb.forms import GBPostcodeField

from covernote.domain.errors import DomainError, ErrorCode

RULE = "PLT-1"
POSTCODE_MESSAGE = "Enter a full UK postcode, like LS6 2AB."
PHONE_MESSAGE = "Enter a UK phone number, like 0113 496 0123 or 07700 900123."

_POSTCODE_FIELD = GBPostcodeField(required=False)
# Ofcom's drama range for mobiles: +44 7700 900000 to +44 7700 900999.
_DRAMA_MOBILE = re.compile(r"^\+447700900\d{3}$")
# An outward code on its own ("LS6", "SW1A"): the postcode district.
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


def normalise_postcode(value: str) -> str:
    """``value`` as a stored postcode, or DomainError naming the field. Blank stays blank."""
    text = " ".join((value or "").split())
    if not text:
        return ""
    try:
        cleaned: str = _POSTCODE_FIELD.clean(text)
    except ValidationError:
        raise DomainError(ErrorCode.INVALID, POSTCODE_MESSAGE, RULE, "postcode") from None
    return cleaned


def _parse_phone(value: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return None


def normalise_phone(value: str) -> str:
    """``value`` in E.164, or DomainError naming the field. Blank stays blank."""
    text = (value or "").strip()
    if not text:
        return ""
    number = _parse_phone(text)
    if number is None:
        raise DomainError(ErrorCode.INVALID, PHONE_MESSAGE, RULE, "phone")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not (phonenumbers.is_valid_number(number) or _DRAMA_MOBILE.match(e164)):
        raise DomainError(ErrorCode.INVALID, PHONE_MESSAGE, RULE, "phone")
    return e164


def phone_display(value: str) -> str:
    """A stored number as people write it: national for UK numbers, international otherwise."""
    if not value:
        return ""
    number = _parse_phone(value)
    if number is None:
        return value
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return str(phonenumbers.format_number(number, fmt))


def phone_query(text: str) -> str:
    """The E.164 form of a search term that looks like a whole phone number, else ``""``."""
    digits = re.sub(r"\D", "", text)
    if len(digits) < 9 or re.search(r"[A-Za-z@]", text):
        return ""
    number = _parse_phone(text)
    if number is None or not phonenumbers.is_possible_number(number):
        return ""
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def postcode_query(text: str) -> tuple[str, str]:
    """How a search term matches postcodes: ``("exact", "LS6 2AB")`` for a whole postcode,
    ``("district", "LS6 ")`` for an outward code alone, else ``("", "")``."""
    compact = "".join(text.upper().split())
    if not compact or len(compact) > 8:
        return "", ""
    if _OUTWARD.match(compact):
        return "district", f"{compact} "
    try:
        return "exact", normalise_postcode(compact)
    except DomainError:
        return "", ""
