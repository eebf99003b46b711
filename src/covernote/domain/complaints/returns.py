"""The complaints return and record retention (COMP-7, REGULATION §1.5, DISP 1.9-1.10).

Pure aggregation of complaint records for a reporting period into

* ``disp_1_annex_1r`` — today's half-yearly DISP 1 Annex 1R shape: outstanding at
  the start, opened, closed within 3 business days / after 3 days within 8 weeks
  / after 8 weeks, upheld (and %), redress paid — by product group, product and
  main cause;
* ``consolidated_2027`` — the PS25/19 consolidated return from 1 January 2027:
  the same counts per legal entity plus the two vulnerability fields
  (customer identified as vulnerable; complaint related to or caused by a failure
  to consider vulnerability) and the uphold count for vulnerable customers
  (REGULATION §6 MI).

Counting conventions (DISP 1.10 guidance, REGULATION §1.5): only complaints from
eligible complainants are reported; "upheld" includes partly upheld and a
goodwill payment made without a decision, but a rejection with a goodwill
payment is rejected; redress paid includes distress and inconvenience, goodwill,
interest and excess waived. A withdrawn complaint counts as closed, not upheld.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from covernote.domain.calendar import Nation, add_months, add_working_days
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.money import ZERO, format_money, gbp, round_money

SUMMARY_RESOLUTION_BUSINESS_DAYS = 3  # DISP 1.5.1R / DISP 1 Annex 1R column
EIGHT_WEEKS_DAYS = 56  # DISP 1.6.2R, G7
CONSOLIDATED_RETURN_FROM = date(2027, 1, 1)  # PS25/19: first fixed period 1 Jan-30 Jun 2027
RETENTION_YEARS = 3  # COMP-7, DISP 1.9.1R (minimum)


class Outcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    GOODWILL_WITHOUT_DECISION = "goodwill_without_decision"  # counts as upheld (DISP 1.10)
    REJECTED = "rejected"  # including a rejection with a goodwill payment
    WITHDRAWN = "withdrawn"

    @property
    def counts_as_upheld(self) -> bool:
        return self in (Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.GOODWILL_WITHOUT_DECISION)


class RedressType(StrEnum):
    FINANCIAL_LOSS = "financial_loss"
    DISTRESS_INCONVENIENCE = "distress_inconvenience"
    GOODWILL = "goodwill"
    INTEREST = "interest"
    EXCESS_WAIVED = "excess_waived"


class ReturnShape(StrEnum):
    DISP_1_ANNEX_1R = "disp_1_annex_1r"
    CONSOLIDATED_2027 = "consolidated_2027"


@dataclass(frozen=True)
class ComplaintRecord:
    """One complaint as the return needs it (a row of the REGULATION §1.5 schema)."""

    id: str
    received_on: date  # London date of receipt (G2)
    product_group: str
    product: str
    main_cause: str
    closed_on: date | None = None
    outcome: Outcome | None = None
    redress: Mapping[RedressType, Decimal] = field(default_factory=dict)
    eligible: bool = True
    nation: Nation = Nation.ENGLAND
    vulnerability_identified: bool = False
    vulnerability_related_cause: bool = False
    respondent_firm_frn: str = ""


@dataclass(frozen=True)
class ReportingPeriod:
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise DomainError(
                ErrorCode.INVALID, "the period end is before its start", "COMP-7", "end"
            )

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def retention_until(received_on: date, years: int = RETENTION_YEARS) -> date:
    """The earliest date a complaint record may be destroyed (COMP-7, DISP 1.9.1R).

    ``received + years`` in calendar months (G7). A 29 February receipt would clamp
    to 28 February, a day short of the anniversary, so it rolls to 1 March: the
    rule is "at least 3 years".
    """
    if years < RETENTION_YEARS:
        raise DomainError(
            ErrorCode.INVALID, "records are kept at least 3 years (DISP 1.9.1R)", "COMP-7", "years"
        )
    until = add_months(received_on, 12 * years)
    if until.day != received_on.day:
        until += timedelta(days=1)
    return until


def _validate(record: ComplaintRecord) -> None:
    if record.closed_on is not None:
        if record.closed_on < record.received_on:
            raise DomainError(
                ErrorCode.INVALID,
                f"complaint {record.id}: closed before it was received",
                "COMP-7",
                "closed_on",
            )
        if record.outcome is None:
            raise DomainError(
                ErrorCode.INVALID,
                f"complaint {record.id}: a closed complaint needs an outcome",
                "COMP-7",
                "outcome",
            )
    for kind, amount in record.redress.items():
        if amount < 0:
            raise DomainError(
                ErrorCode.INVALID,
                f"complaint {record.id}: redress {kind} is negative",
                "COMP-7",
                "redress",
            )


def closure_band(record: ComplaintRecord) -> str:
    """DISP 1 Annex 1R closure band: within 3 business days, within 8 weeks, after 8 weeks."""
    if record.closed_on is None:
        raise DomainError(ErrorCode.INVALID, "complaint is still open", "COMP-7", "closed_on")
    if record.closed_on <= add_working_days(
        record.received_on, SUMMARY_RESOLUTION_BUSINESS_DAYS, record.nation
    ):
        return "within_3_business_days"
    if record.closed_on <= record.received_on + timedelta(days=EIGHT_WEEKS_DAYS):
        return "after_3_business_days_within_8_weeks"
    return "after_8_weeks"


_COUNT_COLUMNS = (
    "outstanding_at_start",
    "opened",
    "closed",
    "closed_within_3_business_days",
    "closed_after_3_business_days_within_8_weeks",
    "closed_after_8_weeks",
    "upheld",
)
_VULN_COLUMNS = (
    "opened_vulnerable",
    "opened_vulnerability_related_cause",
    "closed_vulnerable",
    "upheld_vulnerable",
)


@dataclass
class _Tally:
    counts: dict[str, int]
    redress: dict[RedressType, Decimal]

    @classmethod
    def empty(cls) -> _Tally:
        return cls({}, {})

    def add(self, column: str, n: int = 1) -> None:
        self.counts[column] = self.counts.get(column, 0) + n

    def add_redress(self, redress: Mapping[RedressType, Decimal]) -> None:
        for kind, amount in redress.items():
            self.redress[kind] = self.redress.get(kind, ZERO) + amount

    def merge(self, other: _Tally) -> None:
        for k, v in other.counts.items():
            self.add(k, v)
        self.add_redress(other.redress)

    def get(self, column: str) -> int:
        return self.counts.get(column, 0)

    @property
    def redress_total(self) -> Decimal:
        return sum(self.redress.values(), ZERO)

    def row(self, shape: ReturnShape) -> dict[str, str | int]:
        out: dict[str, str | int] = {c: self.get(c) for c in _COUNT_COLUMNS}
        closed = self.get("closed")
        out["upheld_pct"] = (
            str(round_money(Decimal(self.get("upheld")) * 100 / closed)) if closed else ""
        )
        out["redress_paid_gbp"] = format_money(self.redress_total)
        for kind in RedressType:
            out[f"redress_{kind.value}_gbp"] = format_money(self.redress.get(kind, ZERO))
        if shape is ReturnShape.CONSOLIDATED_2027:
            for c in _VULN_COLUMNS:
                out[c] = self.get(c)
        return out


@dataclass(frozen=True)
class ComplaintsReturn:
    """A complaints return for one period: CSV-ready rows, totals and a readable summary."""

    shape: ReturnShape
    period: ReportingPeriod
    rows: list[dict[str, str | int]]
    totals: dict[str, str | int]
    nil_return: bool
    decision: Decision
    respondent_firm_frn: str | None = None  # the one legal entity reported, if filtered

    def summary_text(self) -> str:
        title = {
            ReturnShape.DISP_1_ANNEX_1R: "Complaints return (DISP 1 Annex 1R)",
            ReturnShape.CONSOLIDATED_2027: "Consolidated complaints return (PS25/19)",
        }[self.shape]
        lines = [
            title,
            f"Period: {self.period.start.isoformat()} to {self.period.end.isoformat()}",
        ]
        if self.respondent_firm_frn is not None:
            lines.append(f"Firm: FRN {self.respondent_firm_frn}")
        if self.nil_return:
            lines.append("Nil return: no complaints from eligible complainants in the period.")
            return "\n".join(lines)
        t = self.totals
        lines += [
            f"Outstanding at start: {t['outstanding_at_start']}",
            f"Opened: {t['opened']}",
            f"Closed: {t['closed']} (within 3 business days: "
            f"{t['closed_within_3_business_days']}; after 3 days within 8 weeks: "
            f"{t['closed_after_3_business_days_within_8_weeks']}; after 8 weeks: "
            f"{t['closed_after_8_weeks']})",
            f"Upheld: {t['upheld']} ({t['upheld_pct'] or 'n/a'}% of closed)",
            f"Redress paid: {gbp(Decimal(str(t['redress_paid_gbp'])))}",
        ]
        if self.shape is ReturnShape.CONSOLIDATED_2027:
            lines += [
                f"Opened where the customer was identified as vulnerable: {t['opened_vulnerable']}",
                f"Opened relating to a failure to consider vulnerability: "
                f"{t['opened_vulnerability_related_cause']}",
                f"Closed for vulnerable customers: {t['closed_vulnerable']} "
                f"(upheld: {t['upheld_vulnerable']})",
            ]
        lines.append("By product and main cause:")
        for row in self.rows:
            lines.append(
                f"  {row['product_group']} / {row['product']} / {row['main_cause']}: "
                f"opened {row['opened']}, closed {row['closed']}, upheld {row['upheld']}, "
                f"redress {gbp(Decimal(str(row['redress_paid_gbp'])))}"
            )
        return "\n".join(lines)


def complaints_return(
    records: Iterable[ComplaintRecord],
    period: ReportingPeriod,
    shape: ReturnShape,
    *,
    respondent_firm_frn: str | None = None,
) -> ComplaintsReturn:
    """Aggregate complaint records into a return of the given shape (COMP-7).

    ``respondent_firm_frn`` restricts the return (either shape) to one legal
    entity (PS25/19: no group reporting; the Annex 1R return is also per firm).
    """
    d = Decision(outcome=shape.value)
    tallies: dict[tuple[str, str, str], _Tally] = {}
    excluded = 0
    other_entity = 0
    for record in records:
        _validate(record)
        if respondent_firm_frn is not None and record.respondent_firm_frn != respondent_firm_frn:
            other_entity += 1
            continue
        if not record.eligible:
            excluded += 1
            continue
        key = (record.product_group, record.product, record.main_cause)
        tally = tallies.setdefault(key, _Tally.empty())
        if record.received_on < period.start and (
            record.closed_on is None or record.closed_on >= period.start
        ):
            tally.add("outstanding_at_start")
        if period.contains(record.received_on):
            tally.add("opened")
            if record.vulnerability_identified:
                tally.add("opened_vulnerable")
            if record.vulnerability_related_cause:
                tally.add("opened_vulnerability_related_cause")
        if record.closed_on is not None and period.contains(record.closed_on):
            assert record.outcome is not None  # checked by _validate
            tally.add("closed")
            tally.add(f"closed_{closure_band(record)}")
            tally.add_redress(record.redress)
            if record.outcome.counts_as_upheld:
                tally.add("upheld")
            if record.vulnerability_identified:
                tally.add("closed_vulnerable")
                if record.outcome.counts_as_upheld:
                    tally.add("upheld_vulnerable")

    d.step(
        "COMP-7",
        "Only complaints from eligible complainants are reported (DISP 1.10.1R)",
        value=excluded,
    )
    if respondent_firm_frn is not None:
        d.step(
            "COMP-7",
            f"One return per legal entity: FRN {respondent_firm_frn} (PS25/19)",
            value=other_entity,
        )
    d.step(
        "COMP-7",
        "Upheld includes partly upheld and goodwill without a decision; a rejection with "
        "goodwill is rejected; redress includes D&I, goodwill, interest and excess waived "
        "(DISP 1.10)",
    )
    if shape is ReturnShape.CONSOLIDATED_2027:
        fixed = (period.start.month, period.start.day, period.end.month, period.end.day) in (
            (1, 1, 6, 30),
            (7, 1, 12, 31),
        ) and period.start.year == period.end.year
        if period.start < CONSOLIDATED_RETURN_FROM or not fixed:
            d.warn(
                "The consolidated return uses fixed half-years from 1 January 2027 (PS25/19); "
                "this period is not one of them"
            )
    elif period.end >= CONSOLIDATED_RETURN_FROM:
        d.warn("DISP 1 Annex 1R is replaced by the consolidated return from 1 January 2027")

    rows: list[dict[str, str | int]] = []
    total = _Tally.empty()
    for key in sorted(tallies):
        tally = tallies[key]
        if not any(tally.counts.values()):
            continue
        total.merge(tally)
        row: dict[str, str | int] = {
            "product_group": key[0],
            "product": key[1],
            "main_cause": key[2],
        }
        row.update(tally.row(shape))
        rows.append(row)
    totals: dict[str, str | int] = {"product_group": "TOTAL", "product": "", "main_cause": ""}
    totals.update(total.row(shape))
    nil = not rows
    d.step("COMP-7", "Nil return" if nil else f"{len(rows)} product/cause rows", value=len(rows))
    return ComplaintsReturn(
        shape=shape,
        period=period,
        rows=rows,
        totals=totals,
        nil_return=nil,
        decision=d,
        respondent_firm_frn=respondent_firm_frn,
    )
