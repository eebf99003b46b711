"""The columns engine of the review run (YD-REVIEW-1..3, YD-SCORE-2), PostgreSQL only:
one ``COPY (SELECT …) TO`` brings the due policies with their period scores already
reduced in exact numeric arithmetic (``_DUE_SQL``, read as CSV into Polars), Polars
applies the rule and formats the rows, and one ``COPY … FROM`` per chunk writes them
with one audit record each: the same reviews and audit records as the rows engine.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from covernote.audit.services import audit_record
from covernote.domain.young_driver.review_batch import INPUT_COLUMNS, hundredths, review_book
from covernote.products.models import ProductConfiguration
from covernote.telematics.models import PremiumReview, ReviewStatus, Trip
from covernote.telematics.reviews import common
from covernote.telematics.reviews.common import IN_FORCE, RunResult, _midnight, _period_score
from covernote.young_driver.models import YDPolicy
from covernote.young_driver.services import params_for

# The columns engine (PostgreSQL) --------------------------------------------------------------
#
# One statement reads the due policies with everything the rule needs, reduced in
# the database: premiums in pence, scores in hundredths, the period score and the
# distance in tenths of a km. The rows engine computes those two from the float
# sums as ``Decimal(str(float))`` (the shortest decimal naming the float) divided
# with 28 digits, then rounds half-up (score) or half-even (km). Float arithmetic
# in the database is within 1e-11 of those exact quotients, so it rounds the same
# way unless the quotient lies within 1e-9 (score) or 1e-6 (km) of a rounding tie;
# those rows, and any sum that is not a finite number, are settled exactly: the km
# in numeric arithmetic on the float's text (with extra_float_digits >= 1 it is
# the same shortest decimal), the score by ``_period_score`` itself in Python
# (``by_python``). The two engines cannot differ; near a tie is a few rows a run.

_DUE_WHERE = """
    p.config_id = %(config)s AND p.status = ANY(%(statuses)s)
    AND p.start = ANY(%(starts)s) AND p."end" >= %(as_of)s
    AND NOT EXISTS (
        SELECT 1 FROM {review} r WHERE r.policy_id = p.id AND r.review_date = %(as_of)s
    )
"""

_DUE_SQL = """
WITH driving AS (
    SELECT t.policy_id, SUM(t.score_overall * t.distance_m) AS w, SUM(t.distance_m) AS dist
    FROM {trip} t JOIN {policy} p ON p.id = t.policy_id
    WHERE t.start_at >= %(period_from_at)s AND t.start_at < %(as_of_at)s AND {due_where}
    GROUP BY t.policy_id
), joined AS (
    SELECT p.id AS policy_id,
        p.created_at,
        p.start - DATE '1970-01-01' AS start_d,
        p."end" - DATE '1970-01-01' AS end_d,
        (%(as_of)s::date - p.start) / %(interval)s AS number,
        (p."end" - p.start) + 1 AS term_days,
        (p."end" - %(as_of)s::date) + 1 AS remaining_days,
        (p.annual_premium * 100)::bigint AS current_p,
        (p.renewal_premium * 100)::bigint AS renewal_p,
        COALESCE((prev.period_score * 100)::bigint, %(assumed_h)s) AS previous_h,
        driving.w,
        driving.dist,
        COALESCE(driving.dist > 0 AND driving.dist <> 'NaN', false) AS driven,
        COALESCE(driving.w IN ('NaN', 'Infinity', '-Infinity')
            OR driving.dist IN ('NaN', 'Infinity', '-Infinity'), false) AS odd,
        COALESCE(driving.dist, 0) / 100 AS km10
    FROM {policy} p
    LEFT JOIN driving ON driving.policy_id = p.id
    LEFT JOIN {review} prev ON prev.policy_id = p.id AND prev.review_date = %(period_from)s
    WHERE {due_where}
), scored AS (
    SELECT joined.*,
        CASE WHEN driven AND NOT odd THEN 100 * w / dist END AS q
    FROM joined
), flagged AS (
    SELECT scored.*,
        odd OR (q IS NOT NULL
            AND (abs(q) > 1e6 OR abs(abs(q) - floor(abs(q)) - 0.5) < 1e-9)) AS by_python,
        NOT odd AND abs(km10 - floor(km10) - 0.5) < 1e-6 AS km_near_tie
    FROM scored
)
-- one CSV text per group of policies: a few values to fetch, not a row per policy
-- (the order, newest policy first, is restored in Polars)
SELECT string_agg(line, E'\n')
FROM (
    SELECT mod(policy_id, 16) AS grp, concat_ws(',',
        policy_id, (extract(epoch FROM created_at) * 1000000)::bigint, start_d, end_d, number,
        term_days, remaining_days, current_p, renewal_p, previous_h,
        COALESCE((CASE WHEN by_python THEN NULL
                       WHEN NOT driven THEN previous_h
                       ELSE (sign(q) * floor(abs(q) + 0.5))::bigint END)::text, ''),
        COALESCE((CASE WHEN odd THEN NULL
             WHEN NOT km_near_tie THEN (floor(km10 + 0.5))::bigint
             ELSE (SELECT (CASE WHEN rest > 0.5 OR (rest = 0.5 AND mod(whole, 2) <> 0)
                                THEN whole + 1 ELSE whole END)::bigint
                   FROM (SELECT floor(x) AS whole, x - floor(x) AS rest
                         FROM (SELECT dist::text::numeric * 0.01 AS x) AS exact_km) AS parts)
             END)::text, ''),
        by_python::int,
        CASE WHEN by_python THEN w::text ELSE '' END,
        CASE WHEN by_python THEN dist::text ELSE '' END
    ) AS line
    FROM flagged
) AS lines
GROUP BY grp
"""

_DUE_SCHEMA = {
    "policy_id": pl.Int64,
    "created_us": pl.Int64,
    "start_d": pl.Int32,
    "end_d": pl.Int32,
    "number": pl.Int64,
    "term_days": pl.Int64,
    "remaining_days": pl.Int64,
    "current_p": pl.Int64,
    "renewal_p": pl.Int64,
    "previous_h": pl.Int64,
    "period_h": pl.Int64,
    "km10": pl.Int64,
    "by_python": pl.Int8,
    "w_s": pl.String,
    "dist_s": pl.String,
}


def _decimal_text(col: str) -> pl.Expr:
    """``str(Decimal(n) / 100)`` for the integer hundredths in ``col`` ("1234.5", "-0.05", "12")."""
    n = pl.col(col)
    whole = (n.abs() // 100).cast(pl.String)
    cents = n.abs() % 100
    body = (
        pl.when(cents == 0)
        .then(whole)
        .when(cents % 10 == 0)
        .then(pl.concat_str([whole, pl.lit("."), (cents // 10).cast(pl.String)]))
        .otherwise(pl.concat_str([whole, pl.lit("."), cents.cast(pl.String).str.zfill(2)]))
    )
    return pl.when(n < 0).then(pl.concat_str([pl.lit("-"), body])).otherwise(body)


def _pence_text(col: str) -> pl.Expr:
    """``str(Decimal)`` of a NUMERIC(12, 2) read from the database, from its pence ("600.00")."""
    n = pl.col(col)
    return pl.concat_str(
        [
            pl.when(n < 0).then(pl.lit("-")).otherwise(pl.lit("")),
            (n.abs() // 100).cast(pl.String),
            pl.lit("."),
            (n.abs() % 100).cast(pl.String).str.zfill(2),
        ]
    )


def _due_frame(
    config: ProductConfiguration, *, as_of: date, interval: int, starts: list[date], assumed_h: int
) -> pl.DataFrame:
    """The due policies, in the rows engine's order (newest policy first), as one frame."""
    import io

    tables = {
        "policy": YDPolicy._meta.db_table,
        "review": PremiumReview._meta.db_table,
        "trip": Trip._meta.db_table,
    }
    sql = _DUE_SQL.format(due_where=_DUE_WHERE.format(**tables), **tables)
    period_from = as_of - timedelta(days=interval)
    args: dict[str, Any] = {
        "config": config.pk,
        "statuses": [s.value for s in IN_FORCE],
        "starts": starts,
        "as_of": as_of,
        "period_from": period_from,
        "period_from_at": _midnight(period_from),
        "as_of_at": _midnight(as_of),
        "interval": interval,
        "assumed_h": assumed_h,
    }
    with transaction.atomic(), connection.cursor() as cur:
        # Local to this read: floats print as their shortest exact decimal, the big
        # aggregates stay in memory, and no JIT compilation for a statement run once.
        cur.execute("SET LOCAL extra_float_digits = 1")
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("SET LOCAL jit = off")
        cur.execute(sql, args)
        parts = [row[0] for row in cur.fetchall()]
    if not parts:
        frame = pl.DataFrame(schema=_DUE_SCHEMA)
    else:
        text = "\n".join(parts).encode()
        frame = pl.read_csv(io.BytesIO(text), has_header=False, schema=_DUE_SCHEMA)
    frame = frame.sort("created_us", "policy_id", descending=True)
    km10 = pl.col("km10")
    return frame.with_columns(
        pl.col("by_python").cast(pl.Boolean),
        start_s=pl.col("start_d").cast(pl.Date).dt.to_string("%Y-%m-%d"),
        end_s=pl.col("end_d").cast(pl.Date).dt.to_string("%Y-%m-%d"),
        renewal_s=_pence_text("renewal_p"),
        distance_km=pl.concat_str(
            [
                pl.when(km10 < 0).then(pl.lit("-")).otherwise(pl.lit("")),
                (km10.abs() // 10).cast(pl.String),
                pl.lit("."),
                (km10.abs() % 10).cast(pl.String),
            ]
        ),
    )


def _by_python(frame: pl.DataFrame) -> pl.DataFrame:
    """The rare rows the database left to ``_period_score`` (see ``_DUE_SQL``): the rows
    engine's arithmetic, row by row, on the float sums' text."""
    odd = frame.filter(pl.col("by_python"))
    if odd.height == 0:
        return frame
    fixed: dict[str, list[Any]] = {"policy_id": [], "period_h": [], "distance_km": [], "bad": []}
    for pid, prev_h, w_s, dist_s in odd.select(
        "policy_id", "previous_h", "w_s", "dist_s"
    ).iter_rows():
        w, dist = float(w_s), float(dist_s)
        prev = Decimal(prev_h) / 100
        period = _period_score(w, dist) if dist and dist > 0 else prev
        bad = not (0 <= prev <= 100 and 0 <= period <= 100)
        fixed["policy_id"].append(pid)
        fixed["period_h"].append(None if bad else hundredths(period))
        fixed["distance_km"].append(str(round(Decimal(str(dist or 0)) / 1000, 1)))
        fixed["bad"].append(bad)
    patch = pl.DataFrame(
        fixed,
        schema={
            "policy_id": pl.Int64,
            "period_h": pl.Int64,
            "distance_km": pl.String,
            "bad": pl.Boolean,
        },
    )
    return (
        frame.join(patch, on="policy_id", how="left", suffix="_py", maintain_order="left")
        .with_columns(
            period_h=pl.coalesce("period_h_py", "period_h"),
            distance_km=pl.coalesce("distance_km_py", "distance_km"),
            by_python=pl.col("bad").fill_null(False),
        )
        .drop("period_h_py", "distance_km_py", "bad")
    )


def _run_config_columns(
    config: ProductConfiguration,
    *,
    as_of: date,
    actor: Any,
    progress: Callable[[int], None] | None,
    result: RunResult,
) -> None:
    """The rows engine's result, with every policy kept in columns (PostgreSQL)."""
    params = params_for(config)
    interval = params.review.interval_days
    starts = [
        as_of - timedelta(days=interval * k) for k in range(1, params.review.reviews_per_term + 1)
    ]
    result.already_done += PremiumReview.objects.filter(
        policy__config=config, review_date=as_of
    ).count()
    frame = _due_frame(
        config,
        as_of=as_of,
        interval=interval,
        starts=starts,
        assumed_h=hundredths(params.review.assumed_first_period_score),
    )
    if frame.height == 0:
        return
    result.due += frame.height
    frame = _by_python(frame)
    # the rule's preconditions (premium_review would refuse these, saying why): left for staff
    refused = (
        (pl.col("current_p") <= 0)
        | (pl.col("renewal_p") <= 0)
        | pl.col("by_python")  # here: a score the rows engine's check refused
        | ~pl.col("previous_h").is_between(0, 10_000)
        | ~pl.col("period_h").is_between(0, 10_000)
    )
    kept = frame.filter(~refused)
    result.errors += frame.height - kept.height
    out = review_book(kept.with_columns(pl.col(c).cast(pl.Int64) for c in INPUT_COLUMNS), params)
    effective = as_of + timedelta(days=params.periods.cpa_notice_days)
    out = out.with_columns(
        new_s=_decimal_text("new_p"),
        adjustment_s=_decimal_text("adjustment_p"),
        status=pl.when((pl.col("adjustment_p") != 0) | (pl.col("new_p") != pl.col("current_p")))
        .then(pl.lit(ReviewStatus.NOTIFIED.value))
        .otherwise(pl.lit(ReviewStatus.NO_CHANGE.value)),
        decision=pl.concat_str(
            [
                pl.lit('{"engine": "book", "renewal_premium": "'),
                pl.col("renewal_s"),
                pl.lit('", "start": "'),
                pl.col("start_s"),
                pl.lit('", "end": "'),
                pl.col("end_s"),
                pl.lit(f'", "config": {json.dumps(config.version)}}}'),
            ]
        ),
    )
    result.capped += int(out["capped"].sum())
    result.increased += int((out["new_p"] > out["current_p"]).sum())
    result.decreased += int((out["new_p"] < out["current_p"]).sum())
    result.unchanged += int((out["new_p"] == out["current_p"]).sum())
    now = timezone.now().isoformat()
    rows = out.select(
        "policy_id",
        review_date=pl.lit(as_of.isoformat()),
        number="number",
        previous_score=_decimal_text("previous_h"),
        period_score=_decimal_text("period_h"),
        distance_km="distance_km",
        current_premium=_decimal_text("current_p"),
        new_premium="new_s",
        adjustment="adjustment_s",
        capped="capped",
        decision="decision",
        notified_on=pl.lit(as_of.isoformat()),
        effective_on=pl.lit(effective.isoformat()),
        status="status",
        created_at=pl.lit(now),
    )
    digests = out.select(
        pl.format("({}, '{}', '{}')", "policy_id", "new_s", "adjustment_s")
    ).to_series()
    for lo in range(0, out.height, common.CHUNK):
        chunk = rows.slice(lo, common.CHUNK)
        policies = chunk["policy_id"].to_list()
        digest = hashlib.sha256(
            ("[" + ", ".join(digests.slice(lo, common.CHUNK).to_list()) + "]").encode()
        ).hexdigest()
        with transaction.atomic():
            written = _copy_csv(chunk)
            audit_record(
                actor=actor,
                action="premium_review.batch",
                object_type="telematics.premiumreview",
                object_id=f"{as_of.isoformat()}:{lo // common.CHUNK}",
                after={
                    "review_date": as_of,
                    "config": config.version,
                    "policies": policies,
                    "written": written,
                    "sha256": digest,
                },
            )
        result.created += written
        if progress:
            progress(chunk.height)


def _copy_csv(rows: pl.DataFrame) -> int:
    """One COPY of a chunk's rows (the due query excluded existing reviews, under the run lock)."""
    import io

    buf = io.BytesIO()
    rows.write_csv(buf, include_header=False)
    cols = ", ".join(rows.columns)
    with (
        connection.cursor() as cur,
        cur.cursor.copy(
            f"COPY {PremiumReview._meta.db_table} ({cols}) FROM STDIN WITH (FORMAT csv)"
        ) as copy,
    ):
        copy.write(buf.getvalue())
    return rows.height
