"""Benchmark: the 90-day review run for a book of policies on PostgreSQL (YD-REVIEW, issue 6).

    python bench/reviews.py [--policies 1000000] [--database-url postgres://postgres@127.0.0.1:5432/covernote_bench]

Builds a fresh benchmark database (server-side ``generate_series`` inserts: one
customer, quote, policy, Smartbox and trip per policy, all due for their first
review on the same day), then times ``reviews_run`` end to end, and a second,
idempotent run. Prints a table: figure, value, target, ratio (target / value for
times, so > 1 is better than the target).
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--policies", type=int, default=int(os.environ.get("BENCH_POLICIES", "1000000"))
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/covernote_bench"
        ),
    )
    args = parser.parse_args()
    try:
        _psql_admin(
            args.database_url, f"DROP DATABASE IF EXISTS {args.database_url.rsplit('/', 1)[1]}"
        )
        _psql_admin(args.database_url, f"CREATE DATABASE {args.database_url.rsplit('/', 1)[1]}")
    except Exception as exc:
        print(f"reviews bench skipped: PostgreSQL not reachable at {args.database_url} ({exc})")
        return 0
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "covernote.settings.dev"
    os.environ.setdefault("COVERNOTE_VAR", str(ROOT / "var" / "bench"))
    import django

    django.setup()
    from tqdm import tqdm

    from covernote.telematics.reviews import reviews_run

    print(f"building {args.policies:,} policies …", flush=True)
    setup = build(args.policies)
    with tqdm(total=args.policies, unit="policy", desc="review run", disable=None) as bar:
        t0 = time.perf_counter()
        result = reviews_run(as_of=AS_OF, progress=bar.update)
        first = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = reviews_run(as_of=AS_OF)
    second = time.perf_counter() - t0
    rows = [
        ("setup (inserts, not timed against a target)", f"{setup:.1f} s", "-", "-"),
        (
            f"review run, {args.policies:,} policies",
            f"{first:.1f} s",
            f"<= {TARGET_SECONDS * args.policies / 1_000_000:.1f} s",
            f"{TARGET_SECONDS * args.policies / 1_000_000 / first:.2f}x",
        ),
        (
            "policies per second",
            f"{result.created / first:,.0f}",
            f"{TARGET_RATE:,.0f}",
            f"{(result.created / first) / TARGET_RATE:.2f}x",
        ),
        (
            "second run (idempotent, nothing new)",
            f"{second:.1f} s",
            "-",
            f"created {again.created}",
        ),
        (
            "outcome",
            f"{result.increased:,} up / {result.decreased:,} down / {result.unchanged:,} same",
            f"{result.capped:,} capped",
            f"{result.errors} errors",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'figure':<{width}}  {'value':>28}  {'target':>12}  {'ratio':>12}")
    for name, value, target, ratio in rows:
        print(f"{name:<{width}}  {value:>28}  {target:>12}  {ratio:>12}")
    return 0 if result.created == args.policies and again.created == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
