"""Load on the production server: gunicorn (``covernote serve``) on PostgreSQL, loopback only.

A realistic mix, bounded in count and time, from several client threads:

* broker: GAP quote → bind over the API (bearer token)
* claims handler: assess a GAP claim over the API
* customer: the app pages (session sign-in)
* Smartbox: point uploads (``X-Device-Key``, JSON lines)

Prints requests/s and p50/p95/p99 per operation, the error count (must be 0), the machine
(cores, ``uptime`` load before and after). Needs PostgreSQL (``BENCH_PG``, default
``postgres://postgres@127.0.0.1:5432``); it creates and drops its own database.

``python bench/load.py --smoke --base http://127.0.0.1:PORT --email E --password P
--token T`` is the CI check instead: ``/readyz``, a sign-in and one API call.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _http import Client, wait_ready

ROOT = Path(__file__).resolve().parents[1]
COVERNOTE = str(ROOT / ".venv" / "bin" / "covernote")
DEMO_PASSWORD = "covernote-demo-2026"  # the README's demo password (make run)


def smoke(base: str, email: str, password: str, token: str) -> int:
    ready = wait_ready(base, seconds=180)
    print(f"readyz: {ready}")
    browser = Client(base)
    browser.sign_in(email, password)
    status, headers, _ = browser.request("GET", "/")
    print(f"sign-in as {email}: ok; / -> HTTP {status} {headers.get('location', '')}")
    if status >= 400:
        return 1
    api = Client(base, bearer=token)
    status, _, body = api.request("GET", "/api/v1/me")
    print(f"GET /api/v1/me -> HTTP {status} {body[:120]!r}")
    if status != 200 or json.loads(body)["email"] != email:
        return 1
    worked = {"purchase_price": "20000", "settlement": "12500", "motor_excess": "350",
              "limit_of_liability": "10000"}  # fmt: skip
    status, _, body = api.request("POST", "/api/v1/calculators/gap-claim", json_body=worked)
    print(
        f"POST /api/v1/calculators/gap-claim -> HTTP {status} payable={json.loads(body).get('payable')}"
    )
    return 0 if status == 200 and json.loads(body)["payable"] == "7850.00" else 1


# ---------------------------------------------------------------- the load run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    out = subprocess.run(
        [COVERNOTE, *args], env=env, input=stdin, capture_output=True, text=True, check=False
    )
    if out.returncode:
        raise RuntimeError(f"covernote {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return out.stdout.strip()


SETUP = """
import json
from covernote.accounts.models import User
from covernote.parties.models import Customer
from covernote.young_driver.models import Device
broker = User.objects.get(email="broker@northgate.example")
customer = Customer.objects.filter(firm_id=broker.firm_id).order_by("id").first()
device = Device.objects.exclude(policy=None).order_by("id").first()
print(json.dumps({"customer_id": customer.pk, "serial": device.serial}))
"""


def quote_body(customer_id: int, n: int) -> dict[str, object]:
    today = datetime.now(UTC).date()
    return {
        "customer_id": customer_id,
        "vehicle": {
            "registration": f"YK{n % 90 + 10} LD{n % 10}",
            "make": "Volkswagen",
            "model": "Golf Life",
            "valuation_code": "GOLF-LIFE-23",
            "first_registered_on": "2023-03-01",
            "uses": ["social_domestic_pleasure", "commuting"],
            "gross_weight_kg": 1800,
        },
        "purchase_lines": [{"kind": "vehicle", "amount": "20500.00"}],
        "finance": {"lender": "Northern Motor Finance", "amount_advanced": "18000.00"},
        "motor_policy": {
            "insurer": "Acme Motor",
            "policy_number": f"AM-{n:06d}",
            "cover": "comprehensive",
            "covers_whole_gap_period": True,
        },
        "holder_relationship": "owner",
        "ownership_date": (today - timedelta(days=3)).isoformat(),
        "term_months": 36,
        "limit_of_liability": "10000",
        "start_on": today.isoformat(),
    }


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, list[str]] = {}

    def timed(self, op: str, fn) -> object:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            result = fn()
        except Exception as exc:
            with self.lock:
                self.errors.setdefault(op, []).append(f"{type(exc).__name__}: {exc}"[:300])
            return None
        with self.lock:
            self.times.setdefault(op, []).append(time.perf_counter() - started)
        return result


def expect(status: int, body: bytes, *ok: int) -> bytes:
    if status not in ok:
        raise RuntimeError(f"HTTP {status}: {body[:200]!r}")
    return body


def call(client: Client, method: str, path: str, body: object) -> object:
    """One JSON (or page) request; any status outside 200/201 is an error."""
    status, _headers, data = client.request(method, path, json_body=body)
    expect(status, data, 200, 201)
    return json.loads(data) if data[:1] in (b"{", b"[") else data


def points(serial: str, n: int) -> bytes:
    """50 one-second fixes, unique per request n (uploads are idempotent on device and ts)."""
    start = datetime.now(UTC) - timedelta(days=1) + timedelta(minutes=n)
    return "\n".join(
        json.dumps(
            {
                "device_id": serial,
                "ts": (start + timedelta(seconds=i)).isoformat(),
                "lat": 51.5 + i * 1e-4,
                "lon": -0.12 + i * 1e-4,
                "speed_kmh": 40.0,
                "heading_deg": 45.0,
            }
        )
        for i in range(50)
    ).encode()


def upload(client: Client, device_key: str, rows: bytes) -> object:
    headers = {"X-Device-Key": device_key, "Content-Type": "application/x-ndjson"}
    status, _headers, data = client.request(
        "POST", "/api/v1/telematics/points", body=rows, headers=headers
    )
    return expect(status, data, 200, 201)


def load(args: argparse.Namespace) -> int:
    pg = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    db = f"covernote_bench_load_{os.getpid()}"
    var = ROOT / "var" / "bench-load"
    var.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "covernote.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"{pg}/{db}",
        "COVERNOTE_AUDIT_KEYS": f"bench:{secrets.token_urlsafe(32)}",
        "COVERNOTE_VAR": str(var),
        "COVERNOTE_LOG_LEVEL": "WARNING",  # errors with tracebacks land in var/bench-load/web.log
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": "9",  # nothing listens: mail stays in the outbox, as with an SMTP outage
        "EMAIL_TIMEOUT": "1",
    }
    admin = f"{pg}/postgres"
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {db}"], check=True)
    server = None
    load_before = os.getloadavg()
    try:
        t0 = time.perf_counter()
        run(env, "migrate", "--no-input", "-v0")
        run(env, "products", "load")
        run(env, "demo")
        ids = json.loads(run(env, "shell", "-c", SETUP).splitlines()[-1])
        broker_token = run(env, "token", "create", "broker@northgate.example", "bench")
        claims_token = run(env, "token", "create", "claims@coplus.example", "bench")
        device_key = run(env, "telematics", "device-key", ids["serial"]).split()[-1]
        print(f"setup (migrate, products, demo data, tokens): {time.perf_counter() - t0:.0f} s")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [COVERNOTE, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)],
            env=env,
            stdout=(var / "web.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # readyz needs a worker heartbeat: run one worker pass and the frequent tick.
        run(env, "tick", "--frequent")
        run(env, "db_worker", "--batch")
        wait_ready(base, seconds=240)
        return drive(args, base, ids, broker_token, claims_token, device_key, load_before)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {db}"], check=False)


def drive(args, base, ids, broker_token, claims_token, device_key, load_before) -> int:  # type: ignore[no-untyped-def]
    rec = Recorder()
    broker, claims = Client(base, bearer=broker_token), Client(base, bearer=claims_token)
    # A claim to assess: a policy bound for the customer, a claim opened on it.
    q = json.loads(
        expect(
            *broker.request(
                "POST", "/api/v1/gap/quotes", json_body=quote_body(ids["customer_id"], 0)
            )[::2],
            201,
        )
    )
    p = json.loads(
        expect(
            *broker.request(
                "POST",
                f"/api/v1/gap/quotes/{q['id']}/bind",
                json_body={"idempotency_key": "bench-setup-0001"},
            )[::2],
            201,
        )
    )
    event = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    c = json.loads(
        expect(
            *claims.request(
                "POST", f"/api/v1/gap/policies/{p['id']}/claims", json_body={"event_at": event}
            )[::2],
            201,
        )
    )
    claim_id = c["id"]

    counter = iter(range(1, 10_000_000))
    counter_lock = threading.Lock()
    deadline = time.monotonic() + args.seconds
    budget = {"left": args.requests}

    def next_n() -> int | None:
        with counter_lock:
            if budget["left"] <= 0 or time.monotonic() > deadline:
                return None
            budget["left"] -= 1
            return next(counter)

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        b = Client(base, bearer=broker_token)
        cl = Client(base, bearer=claims_token)
        cust = Client(base)
        cust.sign_in("customer@example.com", DEMO_PASSWORD)
        dev = Client(base)
        while (n := next_n()) is not None:
            op = rng.choices(["gap", "assess", "app", "upload"], weights=[2, 2, 4, 2])[0]
            if op == "gap":
                body = quote_body(ids["customer_id"], n)
                quote = rec.timed(
                    "broker: GAP quote", partial(call, b, "POST", "/api/v1/gap/quotes", body)
                )
                if quote:
                    bind = {"idempotency_key": f"bench-{seed}-{n:08d}"}
                    url = f"/api/v1/gap/quotes/{quote['id']}/bind"
                    rec.timed("broker: GAP bind", partial(call, b, "POST", url, bind))
            elif op == "assess":
                figures = {"settlement": str(12000 + n % 900), "motor_excess": "350"}
                url = f"/api/v1/gap/claims/{claim_id}/assess"
                body = {"figures": {**figures, "market_value": "12500"}}
                rec.timed("claims: GAP assess", partial(call, cl, "POST", url, body))
            elif op == "app":
                rec.timed("customer: app page", partial(call, cust, "GET", "/app/", None))
            else:
                rec.timed(
                    "smartbox: 50-point upload",
                    partial(upload, dev, device_key, points(ids["serial"], n)),
                )

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()

    def pct(values: list[float], q: float) -> float:
        if len(values) == 1:
            return values[0] * 1000
        return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] * 1000

    total = sum(len(v) for v in rec.times.values())
    errors = sum(len(v) for v in rec.errors.values())
    print(f"\nmachine: {os.cpu_count()} cores; load average before {load_before[0]:.2f}, after {load_after[0]:.2f}"
          f" ({'idle' if load_before[0] < 0.5 else 'busy'}); gunicorn workers {args.workers}, clients {args.clients}")  # fmt: skip
    print(
        f"{'operation':28} {'n':>5} {'err':>4} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    )
    for op in sorted(set(rec.times) | set(rec.errors)):
        v = sorted(rec.times.get(op, []))
        e = len(rec.errors.get(op, []))
        if v:
            print(f"{op:28} {len(v):5d} {e:4d} {len(v) / elapsed:7.1f} {pct(v, 50):8.0f} {pct(v, 95):8.0f} {pct(v, 99):8.0f}")  # fmt: skip
        else:
            print(f"{op:28} {0:5d} {e:4d}")
    print(f"{'all':28} {total:5d} {errors:4d} {total / elapsed:7.1f}   ({elapsed:.0f} s)")
    for op, msgs in rec.errors.items():
        print(f"  errors in {op}: {msgs[:3]}")
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--base")
    parser.add_argument("--email")
    parser.add_argument("--password")
    parser.add_argument("--token")
    parser.add_argument(
        "--requests", type=int, default=int(os.environ.get("BENCH_LOAD_REQUESTS", 600))
    )
    parser.add_argument(
        "--seconds", type=float, default=float(os.environ.get("BENCH_LOAD_SECONDS", 90))
    )
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    if args.smoke:
        return smoke(args.base, args.email, args.password, args.token)
    return load(args)


if __name__ == "__main__":
    sys.exit(main())
