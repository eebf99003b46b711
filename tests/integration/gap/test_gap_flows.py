"""GAP storage flows per rule id: bind, cancellation, claims, termination, expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from covernote.billing.selectors import account_balance, ledger_totals
from covernote.documents.models import Document, OutboxMessage
from covernote.domain.errors import DomainError
from covernote.gap.inputs.claims import AssessInput, ClaimRegistration, DecideInput, PayInput
from covernote.gap.inputs.policy import BindInput, CancelInput
from covernote.gap.inputs.quote import QuoteInput
from covernote.gap.models import (
    CancellationStatus,
    FraudDatabaseSubmission,
    GapPolicy,
    PolicyStatus,
)
from covernote.gap.services import (
    gap_claim_assess,
    gap_claim_decide,
    gap_claim_pay,
    gap_claim_register,
    gap_claim_withdraw,
    gap_policies_expire,
    gap_policy_bind,
    gap_policy_cancel,
    gap_quote_create,
)
from tests.integration.gap.conftest import TODAY, quote_data

pytestmark = pytest.mark.django_db


def at(day, hour=10):
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def claim_on(policy, users, day, **kw):
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=at(day, 18)):
        data = ClaimRegistration.parse({"event_at": at(day), **kw})
        return gap_claim_register(actor=users["claims"], policy=policy, data=data)


def test_gap_price_1_bind_pins_config_posts_ledger_and_issues_documents(sold_policy):
    p = sold_policy
    assert p.config.version == "2026.1"
    assert p.gross_premium == p.net_premium + p.ipt
    assert p.commission == (p.gross_premium * p.commission_rate).quantize(Decimal("0.01"))
    assert account_balance("gap.premium_receivable") == p.gross_premium
    assert account_balance("gap.ipt_payable") == -p.ipt
    kinds = set(Document.objects.filter(related_id=str(p.pk)).values_list("kind", flat=True))
    assert kinds == {"gap_schedule", "gap_statement"}
    # PLT-2: Mrs Holloway needs large print letters, by post.
    assert set(Document.objects.values_list("document_format", flat=True)) == {"large_print"}
    assert set(OutboxMessage.objects.values_list("channel", flat=True)) == {"letter"}
    assert FraudDatabaseSubmission.objects.filter(database="MID", policy=p).count() == 1


def test_gap_price_1_expired_quote_cannot_be_bound(gap_ready, users):
    broker = users["broker_north"]
    quote = gap_quote_create(
        actor=broker, customer=gap_ready["north"], today=TODAY, data=QuoteInput.parse(quote_data())
    )
    with pytest.raises(DomainError) as err:
        gap_policy_bind(
            actor=broker,
            quote=quote,
            today=TODAY + timedelta(days=31),
            data=BindInput(idempotency_key="k1"),
        )
    assert err.value.code == "expired"
    assert not GapPolicy.objects.exists()


def test_gap_sale_1_connected_sale_waits_two_clear_days(gap_ready, users):
    broker = users["broker_north"]
    data = quote_data(
        sold_with_vehicle=True, prescribed_info_given_on=TODAY.isoformat(), start_on=None
    )
    quote = gap_quote_create(
        actor=broker, customer=gap_ready["north"], today=TODAY, data=QuoteInput.parse(data)
    )
    assert quote.start_on == TODAY + timedelta(days=3)  # known at quote time, not on "Sell"
    with pytest.raises(DomainError) as err:
        gap_policy_bind(
            actor=broker,
            quote=quote,
            today=TODAY + timedelta(days=2),
            data=BindInput(idempotency_key="k1"),
        )
    assert err.value.rule == "GAP-SALE-1"
    policy = gap_policy_bind(
        actor=broker,
        quote=quote,
        today=TODAY + timedelta(days=3),
        data=BindInput(idempotency_key="k1"),
    )
    assert policy.start_on == TODAY + timedelta(days=3)  # cover never starts before the sale


def test_gap_elig_5_unknown_vehicle_is_refused_and_stored(gap_ready, users):
    vehicle = dict(quote_data()["vehicle"], valuation_code="NO-SUCH-CAR")
    quote = gap_quote_create(
        actor=users["broker_north"],
        customer=gap_ready["north"],
        today=TODAY,
        data=QuoteInput.parse(quote_data(vehicle=vehicle)),
    )
    assert quote.status == "refused" and quote.failing_rules == ["GAP-ELIG-5"]
    assert quote.gross_premium is None


def test_plt4_broker_cannot_quote_another_firms_customer(gap_ready, users):
    with pytest.raises(DomainError) as err:
        gap_quote_create(
            actor=users["broker_harbour"],
            customer=gap_ready["north"],
            today=TODAY,
            data=QuoteInput.parse(quote_data()),
        )
    assert err.value.code == "not_found"


def test_gap_cancel_1_cooling_off_full_refund_terminates(sold_policy, users):
    c = gap_policy_cancel(
        actor=users["broker_north"],
        policy=sold_policy,
        data=CancelInput.parse({"kind": "customer", "notice_on": TODAY + timedelta(days=10)}),
    )
    sold_policy.refresh_from_db()
    assert c.refund == sold_policy.gross_premium
    assert c.decision["basis"] == "cooling_off"
    assert (
        sold_policy.status == PolicyStatus.TERMINATED
        and sold_policy.termination_reason == "cancelled"
    )
    assert Document.objects.filter(kind="gap_cancellation").count() == 1
    assert account_balance("gap.premium_refunds") == c.refund


def test_gap_cancel_2_after_cooling_off_whole_months_less_fee(sold_policy, users):
    c = gap_policy_cancel(
        actor=users["agent"],
        policy=sold_policy,
        data=CancelInput.parse({"kind": "customer", "notice_on": TODAY + timedelta(days=100)}),
    )
    assert c.decision["basis"] == "whole_months"
    assert "GAP-CANCEL-2" in [s["rule"] for s in c.decision["steps"]]


def test_gap_cancel_4_insurer_cancels_on_30_days_notice(sold_policy, users):
    notice = TODAY + timedelta(days=100)
    c = gap_policy_cancel(
        actor=users["manager"],
        policy=sold_policy,
        data=CancelInput.parse({"kind": "insurer", "notice_on": notice, "reason": "non_payment"}),
    )
    assert c.cancel_on == notice + timedelta(days=30)
    assert c.decision["basis"] == "insurer_daily"
    with pytest.raises(DomainError):
        gap_policy_cancel(
            actor=users["manager"],
            policy=sold_policy,
            data=CancelInput.parse({"kind": "customer", "notice_on": notice}),
        )


def test_gap_cancel_4_insurer_needs_a_reason_and_brokers_cannot(sold_policy, users):
    with pytest.raises(DomainError) as err:
        gap_policy_cancel(
            actor=users["manager"],
            policy=sold_policy,
            data=CancelInput.parse({"kind": "insurer", "notice_on": TODAY}),
        )
    assert err.value.rule == "GAP-CANCEL-4"
    with pytest.raises(DomainError):
        gap_policy_cancel(
            actor=users["broker_north"],
            policy=sold_policy,
            data=CancelInput.parse({"kind": "insurer", "notice_on": TODAY, "reason": "abusive"}),
        )


def test_gap_fraud_1_insurer_fraud_cancellation_no_refund(sold_policy, users):
    c = gap_policy_cancel(
        actor=users["manager"],
        policy=sold_policy,
        data=CancelInput.parse(
            {
                "kind": "insurer",
                "notice_on": TODAY + timedelta(days=60),
                "reason": "fraud",
                "fraudulent_act_on": TODAY + timedelta(days=50),
            }
        ),
    )
    assert c.refund == 0 and c.cancel_on == TODAY + timedelta(days=49)


def test_gap_term_1_vehicle_sold_terminates_with_reason(sold_policy, users):
    gap_policy_cancel(
        actor=users["broker_north"],
        policy=sold_policy,
        data=CancelInput.parse(
            {
                "kind": "vehicle_sold",
                "notice_on": TODAY + timedelta(days=90),
                "disposed_on": TODAY + timedelta(days=80),
            }
        ),
    )
    sold_policy.refresh_from_db()
    assert sold_policy.termination_reason == "vehicle_disposed"
    assert sold_policy.terminated_on == TODAY + timedelta(days=80)


def test_gap_cancel_end_before_start_is_refused(sold_policy, users):
    with pytest.raises(DomainError) as err:
        gap_policy_cancel(
            actor=users["broker_north"],
            policy=sold_policy,
            data=CancelInput.parse({"kind": "customer", "notice_on": TODAY - timedelta(days=5)}),
        )
    assert err.value.code == "invalid"
    sold_policy.refresh_from_db()
    assert sold_policy.status == PolicyStatus.ACTIVE


def test_gap_cancel_3_held_while_claim_pending_then_released_on_decline(sold_policy, users):
    claim = claim_on(sold_policy, users, TODAY + timedelta(days=40))
    c = gap_policy_cancel(
        actor=users["broker_north"],
        policy=sold_policy,
        data=CancelInput.parse({"kind": "customer", "notice_on": TODAY + timedelta(days=45)}),
    )
    sold_policy.refresh_from_db()
    assert c.status == CancellationStatus.HELD
    assert sold_policy.status == PolicyStatus.CANCELLATION_PENDING_CLAIM
    gap_claim_assess(
        actor=users["claims"],
        claim=claim,
        data=AssessInput.parse(
            figures={"settlement": "12000", "motor_excess": "250"},
            facts={"driver_intoxicated": True},
        ),
    )
    gap_claim_decide(actor=users["claims"], claim=claim, data=DecideInput.parse({"approve": False}))
    c.refresh_from_db()
    sold_policy.refresh_from_db()
    assert c.status == CancellationStatus.PROCESSED
    assert c.cancel_on == TODAY + timedelta(days=45)  # processed as at the original notice
    assert c.decision["basis"] == "whole_months"  # a claim was made: no cooling-off refund
    assert sold_policy.status == PolicyStatus.TERMINATED


def test_gap_cancel_3_released_when_the_claim_is_withdrawn(sold_policy, users):
    claim = claim_on(sold_policy, users, TODAY + timedelta(days=5))
    c = gap_policy_cancel(
        actor=users["broker_north"],
        policy=sold_policy,
        data=CancelInput.parse({"kind": "customer", "notice_on": TODAY + timedelta(days=6)}),
    )
    gap_claim_withdraw(actor=users["claims"], claim=claim)
    c.refresh_from_db()
    assert c.status == CancellationStatus.PROCESSED
    assert c.decision["basis"] == "statutory_daily"


def assess_and_approve(claim, users, **figures):
    f = {"settlement": "12500", "motor_excess": "350", "market_value": "12500", **figures}
    gap_claim_assess(actor=users["claims"], claim=claim, data=AssessInput.parse(figures=f))
    return gap_claim_decide(
        actor=users["claims"], claim=claim, data=DecideInput.parse({"approve": True})
    )


def test_gap_claim_4_payment_terminates_policy_and_closes_held_cancellation(
    sold_policy, users, django_capture_on_commit_callbacks
):
    claim = claim_on(sold_policy, users, TODAY + timedelta(days=40))
    held = gap_policy_cancel(
        actor=users["broker_north"],
        policy=sold_policy,
        data=CancelInput.parse({"kind": "customer", "notice_on": TODAY + timedelta(days=41)}),
    )
    assess_and_approve(claim, users)
    with django_capture_on_commit_callbacks(execute=True):
        paid = gap_claim_pay(
            actor=users["claims"],
            claim=claim,
            data=PayInput(idempotency_key="pay-1", paid_on=TODAY + timedelta(days=60)),
        )
        again = gap_claim_pay(
            actor=users["claims"], claim=claim, data=PayInput(idempotency_key="pay-1")
        )
    assert paid.pk == again.pk and paid.status == "paid"
    sold_policy.refresh_from_db()
    held.refresh_from_db()
    assert sold_policy.status == PolicyStatus.TERMINATED
    assert sold_policy.termination_reason == "claim_paid"
    assert sold_policy.termination["steps"][0]["rule"] == "GAP-CLAIM-4"
    assert held.status == CancellationStatus.CLOSED and held.refund == 0
    assert account_balance("gap.claims_paid") == paid.payable
    assert Document.objects.filter(kind="gap_claim_payment").count() == 1
    with pytest.raises(DomainError):
        claim_on(sold_policy, users, TODAY + timedelta(days=70))


def test_gap_cover_settlement_uses_finance_balance_per_gap_def_ofb(sold_policy, users):
    claim = claim_on(sold_policy, users, TODAY + timedelta(days=40))
    claim = gap_claim_assess(
        actor=users["claims"],
        claim=claim,
        data=AssessInput.parse(
            figures={"settlement": "12000", "motor_excess": "250", "market_value": "12000"},
            finance_lines=[("vehicle_balance", "17000"), ("arrears", "300")],
        ),
    )
    rules = [s["rule"] for s in claim.settlement["steps"]]
    assert rules[0] == "GAP-DEF-OFB" and "GAP-COVER-1" in rules


def test_gap_def_ofb_finance_balance_without_agreement_is_refused(gap_ready, users):
    quote = gap_quote_create(
        actor=users["broker_north"],
        customer=gap_ready["north"],
        today=TODAY,
        data=QuoteInput.parse(quote_data(finance=None)),
    )
    policy = gap_policy_bind(
        actor=users["broker_north"], quote=quote, today=TODAY, data=BindInput(idempotency_key="nf")
    )
    claim = claim_on(policy, users, TODAY + timedelta(days=3))
    with pytest.raises(DomainError) as err:
        gap_claim_assess(
            actor=users["claims"],
            claim=claim,
            data=AssessInput.parse(
                figures={"settlement": "1", "motor_excess": "0"},
                finance_lines=[("vehicle_balance", "100")],
            ),
        )
    assert err.value.rule == "GAP-DEF-OFB"


def test_gap_excl_15_loss_before_the_period_cannot_be_approved(sold_policy, users):
    claim = claim_on(sold_policy, users, TODAY - timedelta(days=3))
    claim = gap_claim_assess(
        actor=users["claims"],
        claim=claim,
        data=AssessInput.parse(figures={"settlement": "12500", "motor_excess": "0"}),
    )
    assert claim.validity["outcome"] == "declined"
    with pytest.raises(DomainError) as err:
        gap_claim_decide(
            actor=users["claims"], claim=claim, data=DecideInput.parse({"approve": True})
        )
    assert "GAP-EXCL-15" in err.value.rule
    claim = gap_claim_decide(
        actor=users["claims"], claim=claim, data=DecideInput.parse({"approve": False})
    )
    assert claim.decline_rules == ["GAP-EXCL-15"]


def test_gap_claim_1_future_loss_is_refused(sold_policy, users):
    from django.utils import timezone

    with pytest.raises(DomainError):
        gap_claim_register(
            actor=users["claims"],
            policy=sold_policy,
            data=ClaimRegistration.parse({"event_at": timezone.now() + timedelta(days=2)}),
        )


def test_gap_term_1_expiry_job_is_idempotent(sold_policy):
    from covernote.cli.jobs import JOBS

    job = dict(JOBS)["gap.expire_policies"]
    assert gap_policies_expire(as_of=sold_policy.end_on) == 0
    assert job(sold_policy.end_on + timedelta(days=1)).startswith("1 ")
    assert job(sold_policy.end_on + timedelta(days=1)).startswith("0 ")
    sold_policy.refresh_from_db()
    assert sold_policy.termination_reason == "natural_expiry"
    assert sold_policy.terminated_on == sold_policy.end_on


def test_ledger_stays_balanced_after_the_whole_flow(sold_policy, users):
    claim = claim_on(sold_policy, users, TODAY + timedelta(days=40))
    assess_and_approve(claim, users)
    gap_claim_pay(actor=users["claims"], claim=claim, data=PayInput(idempotency_key="p"))
    debits, credits = ledger_totals()
    assert debits == credits > 0


@pytest.mark.parametrize(
    ("payload", "field", "rule"),
    [
        ({"kind": "customer", "notice_on": "2027-03-15"}, "notice_on", "GAP-CANCEL-1"),
        (
            {"kind": "vehicle_sold", "notice_on": "2026-03-20", "disposed_on": "2027-03-15"},
            "disposed_on",
            "GAP-TERM-1",
        ),
    ],
)
def test_gap_cancel_1_a_future_notice_date_is_refused_and_nothing_is_terminated(
    sold_policy, users, payload, field, rule
):
    from covernote.gap.models import FraudDatabaseSubmission

    today = TODAY + timedelta(days=30)
    before = FraudDatabaseSubmission.objects.count()
    with pytest.raises(DomainError) as err:
        gap_policy_cancel(
            actor=users["agent"],
            policy=sold_policy,
            data=CancelInput.parse(payload),
            today=today,
        )
    assert err.value.field == field
    assert err.value.rule == rule
    assert "future" in err.value.message
    sold_policy.refresh_from_db()
    assert sold_policy.status == PolicyStatus.ACTIVE  # still on cover
    assert FraudDatabaseSubmission.objects.count() == before  # MID is not told it is off cover


def test_gap_sale_1_a_quote_starting_before_the_deferral_ends_is_refused_at_quote_time(
    gap_ready, users
):
    data = quote_data(sold_with_vehicle=True, prescribed_info_given_on=TODAY.isoformat())
    with pytest.raises(DomainError) as err:
        gap_quote_create(
            actor=users["broker_north"],
            customer=gap_ready["north"],
            today=TODAY,
            data=QuoteInput.parse(data),
        )
    assert (err.value.rule, err.value.field) == ("GAP-SALE-1", "start_on")
    assert "5 March 2026" in err.value.message
