"""Words on pages (issue 12): customers never read rule ids or internal notes; codes read
as words; one money format (|money) in every web template."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from covernote.domain.labels import human_label
from covernote.web.templatetags.covernote_words import RULE_ID, change_list, percent, plain

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "covernote" / "web" / "templates"
#: The pattern the issue gives for a rule id a customer must never see.
CUSTOMER_RULE = re.compile(r"\b(GAP|YD|COMP|TEL)-[A-Z]+-?\d*\b")


def render(text: str, **ctx: object) -> str:
    return Template(text).render(Context(ctx))


def test_plt_words_no_template_prints_pounds_before_a_raw_value():
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{n}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"£\s*\{\{", line)
    ]
    assert offenders == [], f"use {{{{ x|money }}}} instead of £{{{{ x }}}}: {offenders}"


def test_yd_cancel_2_refund_step_reads_plain_for_the_customer():
    step = (
        "Vehicle-change (box kept) and MTA fees (£25.00) are not on the cooling-off list "
        "and are retained (open question for compliance)"
    )
    text = plain(step)
    assert "open question" not in text and "compliance" not in text
    assert "(box kept)" in text and "(£25.00)" in text
    assert plain("Box returned by 2026-03-16 (YD-BOX-INSTALL)") == "Box returned by 16 March 2026"
    assert plain("GAP-BEST-1: the best of the two values") == "the best of the two values"


@given(
    st.sampled_from(["GAP", "YD", "COMP", "TEL", "PLT"]),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8),
    st.integers(min_value=0, max_value=99),
    st.text(alphabet=st.characters(whitelist_categories=["Ll", "Zs"]), max_size=30),
)
def test_plt_words_plain_never_leaves_a_rule_id(prefix, word, number, prose):
    rule = f"{prefix}-{word}-{number}"
    text = plain(f"{prose} ({rule}) {prose} {rule}.")
    assert not CUSTOMER_RULE.search(text) and not RULE_ID.search(text)


def test_plt_words_codes_read_as_words():
    assert human_label("uk") == "UK" and human_label("usa") == "USA"
    assert human_label("third_party_fire_theft") == "Third party, fire and theft"
    assert human_label("registered_keeper") == "Registered keeper"
    assert human_label("Already words") == "Already words"
    assert render("{{ c|label }}", c="hire_or_reward") == "Hire or reward"


def test_yd_pay_1_apr_is_a_percentage():
    assert percent(Decimal("0.24900")) == "24.9%"
    assert percent("0.1") == "10%"
    assert percent(Decimal("0.0795")) == "7.95%"
    assert render("APR {{ r|percent }}", r=Decimal("0.24900")) == "APR 24.9%"


def test_yd_fee_mta_version_history_is_a_readable_list():
    lines = change_list(
        {
            "annual_mileage": [6000, 8000],
            "annual_premium": ["1200.00", "1350.50"],
            "status": ["live", "cancelled"],
            "cover_ends": date(2026, 5, 1),
            "idempotency_key": "mta-1",
        }
    )
    assert lines == [
        "Annual mileage: 6000 → 8000",
        "Annual premium: £1,200.00 → £1,350.50",
        "Status: Live → Cancelled",
        "Cover ends: 1 May 2026",
    ]
