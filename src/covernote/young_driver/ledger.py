"""Young Driver money on the double-entry ledger (YD-PAY, PLT-8, PLT-11).

One place where Young Driver events become ``covernote.billing`` postings. The
services call these functions inside their own transaction; every posting has
an idempotency key derived from the business event (the ``Payment`` row's key,
the policy number, the instalment id), so re-running a service never posts twice.

Chart of accounts (all ``yd.*``):

* ``yd.customer`` (asset) — what the customer (or the finance provider on their
  behalf) owes us; negative = we owe them a refund.
* ``yd.bank`` (asset) — money actually received / paid out.
* ``yd.insurer_payable`` (liability) — motor premium net of IPT and our commission.
* ``yd.addon_insurer_payable`` (liability) — add-on premiums net of IPT, commission
  and per-policy fees (RAC breakdown, legal expenses; YD-SALE-1).
* ``yd.ipt_payable`` (liability) — insurance premium tax (PLT-8; never on fees).
* ``yd.commission_income`` (income) — PLT-11 commission on motor and add-ons.
* ``yd.fee_income`` (income) — YD-FEE-* fees (arrangement, renewal, MTA, vehicle
  change, cancellation); refunds of fees (YD-CANCEL-2/3 Smartbox credit) debit it.
* ``yd.finance_commission_receivable`` / ``yd.finance_commission_income`` — the
  premium-finance provider's commission to us (PLT-11, YD-PAY-1).
* ``yd.finance_provider_payable`` (liability) — Direct Debit instalments we collect
  for the finance provider and pay over.

Charges and refunds are raised on ``yd.customer`` when they are notified;
cash moves (``yd.bank``) when a payment is settled (at purchase, or by
``yd_payments_settle`` once the 14-day CPA notice has run, YD-PAY-2).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from covernote.billing.models import AccountKind
from covernote.billing.services import LedgerLine, account_ensure, ledger_post
from covernote.domain.money import ZERO, round_money
from covernote.domain.young_driver.params import YoungDriverParams

CUSTOMER = "yd.customer"
BANK = "yd.bank"
INSURER = "yd.insurer_payable"
ADDON_INSURER = "yd.addon_insurer_payable"
IPT = "yd.ipt_payable"
COMMISSION = "yd.commission_income"
FEES = "yd.fee_income"
FIN_COMM_RECEIVABLE = "yd.finance_commission_receivable"
FIN_COMM_INCOME = "yd.finance_commission_income"
FINANCE_PROVIDER = "yd.finance_provider_payable"

ACCOUNTS: dict[str, tuple[str, AccountKind]] = {
    CUSTOMER: ("Young Driver customers (and finance provider on their behalf)", AccountKind.ASSET),
    BANK: ("Young Driver bank", AccountKind.ASSET),
    INSURER: ("Young Driver motor insurer payable", AccountKind.LIABILITY),
    ADDON_INSURER: ("Young Driver add-on insurers payable", AccountKind.LIABILITY),
    IPT: ("Young Driver insurance premium tax payable", AccountKind.LIABILITY),
    COMMISSION: ("Young Driver commission income (PLT-11)", AccountKind.INCOME),
    FEES: ("Young Driver fee income (YD-FEE)", AccountKind.INCOME),
    FIN_COMM_RECEIVABLE: ("Premium finance commission receivable", AccountKind.ASSET),
    FIN_COMM_INCOME: ("Premium finance commission income (PLT-11)", AccountKind.INCOME),
    FINANCE_PROVIDER: ("Premium finance provider payable (DD collected)", AccountKind.LIABILITY),
}


def accounts_ensure() -> None:
    """Create the Young Driver chart of accounts (idempotent; billing's public API)."""
    for code, (name, kind) in ACCOUNTS.items():
        account_ensure(code=code, name=name, kind=kind)


class _Posting:
    """Signed amounts per account (positive = debit) that must net to zero."""

    def __init__(self) -> None:
        self.amounts: dict[str, Decimal] = defaultdict(lambda: ZERO)

    def dr(self, account: str, amount: Decimal) -> _Posting:
        self.amounts[account] += amount
        return self

    def cr(self, account: str, amount: Decimal) -> _Posting:
        self.amounts[account] -= amount
        return self

    def lines(self) -> list[LedgerLine]:
        out = []
        for account, amount in sorted(self.amounts.items()):
            if amount > 0:
                out.append(LedgerLine(account, debit=amount))
            elif amount < 0:
                out.append(LedgerLine(account, credit=-amount))
        return out


def _post(*, actor: Any, reference: str, key: str, posting: _Posting, description: str) -> None:
    lines = posting.lines()
    if len(lines) < 2:  # nothing to move (e.g. a zero adjustment)
        return
    accounts_ensure()
    ledger_post(
        actor=actor,
        reference=reference,
        idempotency_key=key,
        lines=lines,
        description=description,
    )


def premium_split(gross: Decimal, params: YoungDriverParams) -> tuple[Decimal, Decimal, Decimal]:
    """Split a gross motor premium change (incl. IPT) into (insurer, IPT, commission).

    Used for adjustments and refunds, where only the gross figure is known: IPT =
    gross × rate ÷ (1 + rate), commission = net × commission rate (PLT-11, on the
    premium net of IPT), insurer = the rest — the three add up to ``gross`` exactly.
    The sign follows ``gross``.
    """
    sign = Decimal(-1) if gross < 0 else Decimal(1)
    g = abs(gross)
    ipt = round_money(g * params.ipt_rate / (1 + params.ipt_rate))
    commission = round_money((g - ipt) * params.commission_rate)
    insurer = g - ipt - commission
    return sign * insurer, sign * ipt, sign * commission


def _premium_lines(posting: _Posting, gross: Decimal, params: YoungDriverParams) -> None:
    """Credit the split of a (signed) gross premium: positive = charge, negative = refund."""
    insurer, ipt, commission = premium_split(gross, params)
    posting.cr(INSURER, insurer).cr(IPT, ipt).cr(COMMISSION, commission)


def post_purchase(
    *,
    actor: Any,
    policy: Any,
    quote: Any,
    params: YoungDriverParams,
    fee: Decimal,
    payment_key: str,
    finance_amount: Decimal | None,
    settled: bool = True,
) -> None:
    """New business or renewal: premium, IPT, add-ons, commission, fee; then the cash.

    Card: the customer pays the total now. Direct Debit: the finance provider pays the
    total at drawdown (YD-PAY-1) and owes us its commission on the amount financed.
    """
    stored = quote.stored_decision
    commission = stored.amount("commission")
    add_on_commission = stored.amount("add_on_commission")
    add_on_fees = stored.amount("add_on_per_policy_fees")
    add_on_net = sum(
        (round_money(params.add_ons[c].price) for c in quote.add_ons if c in params.add_ons), ZERO
    )
    add_on_ipt = quote.add_ons_gross - add_on_net
    total = quote.premium_gross + quote.add_ons_gross + fee
    charge = (
        _Posting()
        .dr(CUSTOMER, total)
        .cr(INSURER, quote.premium_net - commission)
        .cr(IPT, quote.ipt + add_on_ipt)
        .cr(COMMISSION, commission + add_on_commission + add_on_fees)
        .cr(ADDON_INSURER, add_on_net - add_on_commission - add_on_fees)
        .cr(FEES, fee)
    )
    _post(
        actor=actor,
        reference=policy.number,
        key=f"yd-ledger:charge:{payment_key}",
        posting=charge,
        description=f"Young Driver premium, IPT, add-ons and fee {policy.number}",
    )
    if not settled:  # a renewal premium taken by CPA after its notice (yd_payments_settle)
        return
    _post(
        actor=actor,
        reference=policy.number,
        key=f"yd-ledger:receipt:{payment_key}",
        posting=_Posting().dr(BANK, total).cr(CUSTOMER, total),
        description=("Finance provider drawdown" if finance_amount is not None else "Card payment")
        + f" {policy.number}",
    )
    if finance_amount is not None:
        fin = round_money(finance_amount * params.premium_finance.commission_rate)
        _post(
            actor=actor,
            reference=policy.number,
            key=f"yd-ledger:finance-commission:{payment_key}",
            posting=_Posting().dr(FIN_COMM_RECEIVABLE, fin).cr(FIN_COMM_INCOME, fin),
            description=f"Premium finance commission {policy.number}",
        )


def post_adjustment(
    *,
    actor: Any,
    policy: Any,
    params: YoungDriverParams,
    premium: Decimal,
    fee: Decimal,
    key: str,
    description: str,
) -> None:
    """A mid-term change, vehicle change, driving review or extra premium: the signed
    premium change (split into insurer/IPT/commission) plus any fee, on the customer."""
    posting = _Posting().dr(CUSTOMER, premium + fee).cr(FEES, fee)
    _premium_lines(posting, premium, params)
    _post(
        actor=actor,
        reference=policy.number,
        key=f"yd-ledger:adjust:{key}",
        posting=posting,
        description=description,
    )


def post_cancellation_refund(
    *,
    actor: Any,
    policy: Any,
    params: YoungDriverParams,
    premium_refund: Decimal,
    fee_deducted: Decimal,
    key: str,
) -> None:
    """YD-CANCEL-1..3: return the unearned premium; the cancellation fee deducted is income."""
    posting = _Posting().cr(CUSTOMER, premium_refund - fee_deducted).cr(FEES, fee_deducted)
    _premium_lines(posting, -premium_refund, params)
    _post(
        actor=actor,
        reference=policy.number,
        key=f"yd-ledger:refund:{key}",
        posting=posting,
        description=f"Cancellation refund {policy.number}",
    )


def post_box_refund(*, actor: Any, policy: Any, amount: Decimal, key: str) -> None:
    """YD-CANCEL-2/3/4: the Smartbox-return credit is a refund of fees."""
    _post(
        actor=actor,
        reference=policy.number,
        key=f"yd-ledger:box-refund:{key}",
        posting=_Posting().dr(FEES, amount).cr(CUSTOMER, amount),
        description=f"Smartbox return refund {policy.number}",
    )


def post_finance_settlement(*, actor: Any, policy: Any, amount: Decimal, key: str) -> None:
    """YD-PAY-1 at cancellation: the part of the refund set against what the customer still
    owes the finance provider is paid to the provider, not the customer (Dr customer /
    Cr finance provider payable); paying the provider over is not modelled."""
    _post(
        actor=actor,
        reference=policy.number,
        key=f"yd-ledger:finance-settlement:{key}",
        posting=_Posting().dr(CUSTOMER, amount).cr(FINANCE_PROVIDER, amount),
        description=f"Refund set against the premium finance balance {policy.number}",
    )


def post_settlement(*, actor: Any, policy: Any, amount: Decimal, key: str) -> None:
    """Cash for a scheduled payment after its CPA notice (positive in, negative out)."""
    _post(
        actor=actor,
        reference=policy.number,
        key=f"yd-ledger:settle:{key}",
        posting=_Posting().dr(BANK, amount).cr(CUSTOMER, amount),
        description=("Collected" if amount > 0 else "Refunded") + f" {policy.number}",
    )


def post_instalment(*, actor: Any, policy: Any, amount: Decimal, instalment_id: int) -> None:
    """A Direct Debit instalment collected for the finance provider (YD-PAY-1)."""
    _post(
        actor=actor,
        reference=policy.number,
        key=f"yd-ledger:instalment:{instalment_id}",
        posting=_Posting().dr(BANK, amount).cr(FINANCE_PROVIDER, amount),
        description=f"Direct Debit instalment {policy.number}",
    )
