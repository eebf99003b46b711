"""PLT-2 / PLT-7 channel choice (pure)."""

from covernote.domain.correspondence import (
    Adjustment,
    Channel,
    DocumentFormat,
    choose_delivery,
    may_phone,
)

LETTER_ONLY = Adjustment(
    "letter only",
    requires_channel=Channel.LETTER,
    forbids_channels=frozenset({Channel.PHONE, Channel.SMS}),
)
LARGE = Adjustment("large print", requires_format=DocumentFormat.LARGE_PRINT)


def choose(
    preferred=Channel.EMAIL, fmt=DocumentFormat.STANDARD, adjustments=(), email=True, address=True
):
    return choose_delivery(
        preferred_channel=preferred,
        preferred_format=fmt,
        adjustments=adjustments,
        has_email=email,
        has_address=address,
        has_mobile=True,
    )


def test_plt2_adjustment_overrides_preference():
    d = choose(Channel.PHONE, adjustments=[LETTER_ONLY, LARGE])
    assert d.channel is Channel.LETTER and d.document_format is DocumentFormat.LARGE_PRINT
    assert "PLT-2" in d.decision.rules


def test_plt2_letter_only_customer_may_not_be_phoned():
    assert may_phone([LETTER_ONLY]) is False
    assert may_phone([LARGE]) is True


def test_plt7_phone_preference_still_gets_a_written_document():
    assert choose(Channel.PHONE).channel is Channel.EMAIL
    assert choose(Channel.SMS, email=False).channel is Channel.LETTER


def test_plt7_no_email_falls_back_to_letter_and_missing_address_warns():
    d = choose(Channel.EMAIL, email=False, address=False)
    assert d.channel is Channel.LETTER and d.decision.warnings


def test_plt7_customer_wording_has_en_gb_dates_and_no_rule_ids():
    from covernote.domain.correspondence import customer_steps, customer_wording

    assert (
        customer_wording("Premium paid £278.88; cover ends 2026-04-30")
        == "Premium paid £278.88; cover ends 30 April 2026"
    )
    assert (
        customer_wording("Motor insurer's settlement before its deductions (GAP-DEF-SETTLE)")
        == "Motor insurer's settlement before its deductions"
    )
    steps = [
        {"rule": "YD-REVIEW-2", "description": "Pro-rata to 2026-05-15", "amount": "-60.27"},
        {"rule": "YD-REVIEW-4", "description": "Customer told: written notice 2026-05-01"},
    ]
    assert customer_steps(steps) == (
        {"description": "Pro-rata to 15 May 2026", "amount": "-60.27"},
    )
