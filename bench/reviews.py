"""Benchmark: the 90-day review run for a book of policies on PostgreSQL (YD-REVIEW, issue 14).

    python bench/reviews.py [--policies 1000000] [--repeat 1]
        [--database-url postgres://postgres@127.0.0.1:5432/covernote_bench]

Builds a fresh benchmark database (server-side ``generate_series`` inserts: one
customer, quote, policy, Smartbox and trip per policy, all due for their first
review on the same day), then times ``reviews_run`` end to end with the columns
engine (the default on PostgreSQL) and, in the same process and database,
interleaved, the rows engine it replaced as the baseline (the reviews are
deleted and the table vacuumed before every timed run; best of ``--repeat``).
Checks the two wrote the same reviews (an md5 over every stored field) and the
same batch audit records (policies and digest per chunk), then times a second,
idempotent run. Prints figure, value, target, baseline, ratio (baseline / value:
the speed-up) and the machine's load average.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TARGET_SECONDS = 60.0  # issue 6: review of 1 M policies <= 60 s
TARGET_RATE = 1_000_000 / TARGET_SECONDS  # policies per second that meets it
AS_OF = date(2026, 11, 30)


def _psql_admin(url: str, sql: str) -> None:
    import psycopg

    base, _, _name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _insert_select(model: Any, n: int, overrides: dict[str, str]) -> float:
    """INSERT … SELECT over generate_series(1, n) AS g, with literals for required columns."""
    from django.db import connection, models

    cols, exprs, params = [], [], []
    for f in model._meta.concrete_fields:
        col = f.column
        if col in overrides:
            cols.append(col)
            exprs.append(overrides[col].replace("%", "%%"))
            continue
        if f.primary_key or f.null:
            continue
        cols.append(col)
        if isinstance(f, models.ForeignKey):
            raise ValueError(f"{model.__name__}.{col} needs an override")
        if f.has_default():
            exprs.append("%s")
            params.append(f.get_db_prep_save(f.get_default(), connection))
        elif isinstance(f, models.JSONField):
            exprs.append("'{}'::jsonb")
        elif isinstance(f, models.BooleanField):
            exprs.append("false")
        elif isinstance(f, models.DateTimeField):
            exprs.append("now()")
        elif isinstance(f, models.DateField):
            exprs.append("current_date")
        elif isinstance(f, models.DecimalField | models.IntegerField | models.FloatField):
            exprs.append("0")
        else:
            exprs.append("''")
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(connection.ops.quote_name(c) for c in cols)}) "
        f"SELECT {', '.join(exprs)} FROM generate_series(1, {n}) AS g"
    )
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(sql, params)
    return time.perf_counter() - t0


def build(n: int) -> float:
    from django.core.management import call_command

    from covernote.accounts.models import Role, User
    from covernote.parties.models import Customer
    from covernote.products.models import ProductConfiguration
    from covernote.products.services import product_configs_load
    from covernote.telematics.models import Trip
    from covernote.young_driver.models import Device, YDPolicy, YDQuote

    call_command("migrate", verbosity=0)
    product_configs_load(actor="bench")
    agent = User.objects.create_user(
        "bench@coplus.example", None, full_name="Bench", role=Role.AGENT.value
    )
    config = ProductConfiguration.objects.get(product="young_driver")
    start = AS_OF - timedelta(days=90)
    end = start + timedelta(days=364)
    t = 0.0
    t += _insert_select(
        Customer,
        n,
        {
            "id": "g",
            "reference": "'B' || g",
            "first_name": "'Bench'",
            "last_name": "'Driver ' || g",
            "date_of_birth": "date '2006-01-01'",
        },
    )
    t += _insert_select(
        YDQuote,
        n,
        {
            "id": "g",
            "customer_id": "g",
            "config_id": str(config.pk),
            "start": f"date '{start}'",
            "reference": "'BQ' || g",
            "created_by_id": str(agent.pk),
        },
    )
    premium = "(600 + (g % 1400))::numeric + (g % 100) / 100.0"
    t += _insert_select(
        YDPolicy,
        n,
        {
            "id": "g",
            "number": "'BP' || g",
            "customer_id": "g",
            "quote_id": "g",
            "config_id": str(config.pk),
            "start": f"date '{start}'",
            "end": f"date '{end}'",
            "annual_premium": premium,
            "renewal_premium": premium,
            "status": "'live'",
            "payment_method": "'card'",
            "idempotency_key": "'bench-' || g",
            "rating_inputs": "'{\"annual_mileage\": 6000}'::jsonb",
        },
    )
    t += _insert_select(
        Device, n, {"id": "g", "serial": "'BX' || g", "policy_id": "g", "state": "'verified'"}
    )
    t += _insert_select(
        Trip,
        n,
        {
            "id": "g",
            "trip_id": "'BX' || g || '/t1'",
            "device_id": "g",
            "policy_id": "g",
            "start_at": f"timestamptz '{start + timedelta(days=10)} 08:00+00' + (g % 80) * interval '1 day'",
            "end_at": f"timestamptz '{start + timedelta(days=10)} 08:30+00' + (g % 80) * interval '1 day'",
            "distance_m": "1000 + (g % 20000)",
            "duration_s": "1800",
            "score_speed": "(g * 7) % 101",
            "score_eco": "(g * 11) % 101",
            "score_night": "100",
            "score_duration": "100",
            "score_overall": "((g * 13) % 10001) / 100.0",
            "map_version": "'bench'",
            "params_version": "'bench'",
        },
    )
    from django.db import connection

    with connection.cursor() as cur:
        for model in (Customer, YDQuote, YDPolicy, Device, Trip):
            table = model._meta.db_table
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cur.execute("ANALYZE")
    return t


def _reset() -> None:
    """Remove the run's reviews so the next engine starts from the same book."""
    from django.db import connection

    from covernote.telematics.models import PremiumReview
    from covernote.young_driver.models import YDPolicy

    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {PremiumReview._meta.db_table} WHERE review_date = %s", [AS_OF])
        for model in (PremiumReview, YDPolicy):
            cur.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def _written(chunks: int) -> tuple[Any, ...]:
    """What a run wrote: an md5 over every stored field of its reviews, and its batch
    audit records (chunk, policies, row digest)."""
    from django.db import connection

    from covernote.audit.models import AuditRecord
    from covernote.telematics.models import PremiumReview

    fields = (
        "policy_id, review_date, number, previous_score, period_score, distance_km, "
        "current_premium, new_premium, adjustment, capped, decision::text, notified_on, "
        "effective_on, status"
    )
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT md5(string_agg(concat_ws('|', {fields}), ',' ORDER BY policy_id)), count(*) "
            f"FROM {PremiumReview._meta.db_table} WHERE review_date = %s",
            [AS_OF],
        )
        rows = cur.fetchone()
    audits = [
        (a["config"], obj, a["policies"], a["written"], a["sha256"])
        for obj, a in AuditRecord.objects.filter(action="premium_review.batch")
        .order_by("-seq")
        .values_list("object_id", "after")[:chunks]
    ]
    return rows, audits


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f}/{five:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--policies", type=int, default=int(os.environ.get("BENCH_POLICIES", "1000000"))
    )
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "1")))
    parser.add_argument(
        "--no-baseline", action="store_true", help="time the columns engine only (quicker)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database a previous run built (no setup)"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/covernote_bench"
        ),
    )
    args = parser.parse_args()
    try:
        if not args.reuse:
            name = args.database_url.rsplit("/", 1)[1]
            _psql_admin(args.database_url, f"DROP DATABASE IF EXISTS {name}")
            _psql_admin(args.database_url, f"CREATE DATABASE {name}")
    except Exception as exc:
        print(f"reviews bench skipped: PostgreSQL not reachable at {args.database_url} ({exc})")
        return 0
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "covernote.settings.dev"
    os.environ.setdefault("COVERNOTE_VAR", str(ROOT / "var" / "bench"))
    import django

    django.setup()
    from tqdm import tqdm

    from covernote.telematics.reviews import CHUNK, reviews_run

    if args.reuse:
        from covernote.young_driver.models import YDPolicy

        args.policies = YDPolicy.objects.count()
        setup = None
        print(f"reusing {args.policies:,} policies (load {_load()})", flush=True)
    else:
        print(f"building {args.policies:,} policies … (load {_load()})", flush=True)
        setup = build(args.policies)
    engines = ["columns"] if args.no_baseline else ["rows", "columns"]
    best: dict[str, float] = {}
    loads: list[str] = []
    written: dict[str, Any] = {}
    result: Any = None
    for rep in range(args.repeat):
        for engine in engines if rep % 2 == 0 else engines[::-1]:
            _reset()
            loads.append(_load())
            with tqdm(
                total=args.policies, unit="policy", desc=f"{engine} run {rep + 1}", disable=None
            ) as bar:
                t0 = time.perf_counter()
                res = reviews_run(as_of=AS_OF, progress=bar.update, engine=engine)
                took = time.perf_counter() - t0
            best[engine] = min(best.get(engine, took), took)
            written[engine] = _written(-(-res.created // CHUNK))
            if engine == "columns":
                result = res
            print(f"  {engine} engine: {took:.1f} s (load {loads[-1]})", flush=True)
    loads.append(_load())
    t0 = time.perf_counter()
    again = reviews_run(as_of=AS_OF)
    second = time.perf_counter() - t0
    target = TARGET_SECONDS * args.policies / 1_000_000
    new = best["columns"]
    old = best.get("rows")
    same = "-" if old is None else ("yes" if written["rows"] == written["columns"] else "NO")
    rows = [
        (
            "setup (inserts, not timed against a target)",
            "reused" if setup is None else f"{setup:.1f} s",
            "-",
            "-",
            "-",
        ),
        (
            f"review run, {args.policies:,} policies (best of {args.repeat})",
            f"{new:.1f} s",
            f"<= {target:.1f} s",
            "-" if old is None else f"{old:.1f} s",
            "-" if old is None else f"{old / new:.2f}x",
        ),
        (
            "policies per second",
            f"{result.created / new:,.0f}",
            f"{TARGET_RATE:,.0f}",
            "-" if old is None else f"{result.created / old:,.0f}",
            f"{(result.created / new) / TARGET_RATE:.2f}x of target",
        ),
        (
            "second run (idempotent, nothing new)",
            f"{second:.1f} s",
            "-",
            "-",
            f"created {again.created}",
        ),
        (
            "same reviews and batch audit as the baseline",
            same,
            "yes",
            "-",
            "-",
        ),
        (
            "outcome",
            f"{result.increased:,} up / {result.decreased:,} down / {result.unchanged:,} same",
            "-",
            "-",
            f"{result.capped:,} capped, {result.errors} errors",
        ),
        ("load average 1/5 min (at each run, then at the end)", ", ".join(loads), "-", "-", "-"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'figure':<{width}}  {'value':>28}  {'target':>12}  {'baseline':>10}  {'ratio':>18}")
    for name, value, tgt, base, ratio in rows:
        print(f"{name:<{width}}  {value:>28}  {tgt:>12}  {base:>10}  {ratio:>18}")
    print(
        "baseline: the rows engine (reviews_run(engine='rows')), same process and database, "
        "interleaved; ratio = baseline / value"
    )
    ok = result.created == args.policies and again.created == 0 and same != "NO"
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
