"""The 90-day review for a whole book at once (YD-REVIEW-1..3), in exact integer arithmetic.

:func:`review.premium_review` is the rule, with its explanation; this module is
the same arithmetic over a Polars frame, so a million policies take seconds
instead of minutes. Money is integer pence and scores are integer hundredths;
every rounding is ROUND_HALF_UP (away from zero) on an exact rational, which is
what the Decimal rule computes. A property test holds the two to the penny.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from covernote.domain.young_driver.params import YoungDriverParams

#: Input columns: ``current_p``/``renewal_p`` (pence), ``previous_h``/``period_h``
#: (score hundredths), ``term_days``, ``remaining_days``.
INPUT_COLUMNS = ("current_p", "renewal_p", "previous_h", "period_h", "term_days", "remaining_days")


def _ratio(value: Decimal) -> tuple[int, int]:
    num, den = value.as_integer_ratio()
    return num, den


def _half_up_div(num: pl.Expr, den: pl.Expr | int) -> pl.Expr:
    """round(num / den) half away from zero, for den > 0 (exact on integers)."""
    den_e = den if isinstance(den, pl.Expr) else pl.lit(den, pl.Int64)
    mag = (2 * num.abs() + den_e) // (2 * den_e)
    return pl.when(num < 0).then(-mag).otherwise(mag)


def hundredths(score: Decimal) -> int:
    """A score as integer hundredths; a score with more than two decimals is refused."""
    scaled = score * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"score {score} has more than two decimals")
    return int(scaled)


def review_book(frame: pl.DataFrame, params: YoungDriverParams) -> pl.DataFrame:
    """Add ``band``, ``proposed_p``, ``cap_p``, ``new_p``, ``capped`` and ``adjustment_p``.

    Rows must already satisfy the rule's preconditions (positive premiums, scores
    0–100, review date on the schedule): the caller sends any other row through
    :func:`review.premium_review`, which refuses it with the reason.
    """
    change = pl.col("period_h") - pl.col("previous_h")
    band_idx: pl.Expr = pl.lit(0, pl.Int32)
    for i, band in enumerate(params.review.bands):  # the last band whose threshold is met wins
        band_idx = (
            pl.when(change >= hundredths(band.from_change))
            .then(pl.lit(i, pl.Int32))
            .otherwise(band_idx)
        )
    ratios = [_ratio(Decimal(1) + b.premium_change) for b in params.review.bands]
    cap_num, cap_den = _ratio(params.review.cap_rate_of_renewal)
    out = frame.with_columns(band=band_idx)
    out = out.with_columns(
        proposed_p=_half_up_div(
            pl.col("current_p") * _pick(pl.col("band"), [n for n, _ in ratios]),
            _pick(pl.col("band"), [d for _, d in ratios]),
        ),
        cap_p=_half_up_div(pl.col("renewal_p") * cap_num, cap_den),
    )
    out = out.with_columns(
        capped=pl.col("proposed_p") > pl.col("cap_p"),
        new_p=pl.min_horizontal("proposed_p", "cap_p"),
    )
    return out.with_columns(
        adjustment_p=_half_up_div(
            (pl.col("new_p") - pl.col("current_p")) * pl.col("remaining_days"), pl.col("term_days")
        )
    )


def _pick(index: pl.Expr, values: list[int]) -> pl.Expr:
    expr: pl.Expr = pl.lit(values[0], pl.Int64)
    for i, v in enumerate(values[1:], start=1):
        expr = pl.when(index == i).then(pl.lit(v, pl.Int64)).otherwise(expr)
    return expr
