"""Issue 11: production settings fail closed; probes; request ids; metrics; static manifest."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from django.test import override_settings

from covernote.observability.checks import MANIFEST_MISSING, static_manifest_present

GOOD_ENV = {
    "DJANGO_SETTINGS_MODULE": "covernote.settings.production",
    "DJANGO_SECRET_KEY": "k" * 20 + "-not-a-dev-key-but-long-enough-0123456789",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/covernote",
    "DJANGO_ALLOWED_HOSTS": "covernote.example",
    "COVERNOTE_AUDIT_KEYS": "k1:0123456789abcdef0123456789abcdef",
}


def _load_production(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in GOOD_ENV}
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.DEBUG"],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_load_when_every_variable_is_set():
    result = _load_production(GOOD_ENV)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "variable",
    ["DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOWED_HOSTS", "COVERNOTE_AUDIT_KEYS"],
)
def test_production_settings_refuse_to_start_without_a_required_variable(variable):
    env = {k: v for k, v in GOOD_ENV.items() if k != variable}
    result = _load_production(env)
    assert result.returncode != 0
    assert f"{variable} is not set" in result.stderr.strip().splitlines()[-1]


def test_production_settings_refuse_a_sqlite_database_url():
    result = _load_production({**GOOD_ENV, "DATABASE_URL": "sqlite:///var/x.sqlite3"})
    assert "DATABASE_URL must point at PostgreSQL" in result.stderr


def test_production_settings_refuse_the_public_development_audit_key():
    from covernote.settings.base import DEV_AUDIT_KEYS

    result = _load_production({**GOOD_ENV, "COVERNOTE_AUDIT_KEYS": DEV_AUDIT_KEYS})
    assert "public development key" in result.stderr


def test_the_covernote_command_names_the_missing_variable_in_one_line():
    env = {k: v for k, v in GOOD_ENV.items() if k != "DJANGO_SECRET_KEY"}
    base = {k: v for k, v in os.environ.items() if k not in GOOD_ENV}
    result = subprocess.run(
        [sys.executable, "-m", "covernote.cli.main", "check"],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "covernote: DJANGO_SECRET_KEY is not set: production needs a secret key of its own"
    )


def test_the_wsgi_entry_point_defaults_to_production_settings():
    base = {
        k: v for k, v in os.environ.items() if k not in GOOD_ENV and k != "DJANGO_SETTINGS_MODULE"
    }
    result = subprocess.run(
        [sys.executable, "-c", "import covernote.wsgi"],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr  # production refused to start


@override_settings(
    STATIC_ROOT="/nonexistent/covernote-static",
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    },
)
def test_a_missing_static_manifest_is_a_deploy_check_error():
    errors = static_manifest_present()
    assert [e.id for e in errors] == [MANIFEST_MISSING]


def test_plain_static_storage_needs_no_manifest():
    assert static_manifest_present() == []


@pytest.mark.django_db
def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


@pytest.mark.django_db
def test_readyz_reports_database_migrations_and_worker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "ready": True,
        "checks": {"database": "ok", "migrations": "ok", "worker": "ok"},
    }


@pytest.mark.django_db
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_readyz_is_503_until_a_worker_has_run_the_heartbeat(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "no worker heartbeat" in response.json()["checks"]["worker"]


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_the_log_line_has_it(client, caplog):
    with caplog.at_level(logging.INFO, logger="covernote.request"):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    line = next(r for r in caplog.records if r.name == "covernote.request")
    assert line.request_id == "abc-123" and line.status == 200


def test_json_log_lines_carry_request_id_user_and_tenant():
    from covernote.observability import context
    from covernote.observability.logging import ContextFilter, JsonFormatter

    record = logging.LogRecord("covernote.x", logging.INFO, __file__, 1, "hello", None, None)
    with context.bound(rid="r1", who="42", firm="7"):
        ContextFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert (line["message"], line["request_id"], line["user"], line["tenant"]) == (
        "hello",
        "r1",
        "42",
        "7",
    )
    assert line["level"] == "INFO"


@pytest.mark.django_db
def test_metrics_are_served_to_loopback_with_backlogs(client):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    body = response.content.decode()
    for name in (
        "django_http_requests_total_by_method_total",
        "covernote_outbox_messages",
        "covernote_task_queue_depth",
        "covernote_complaint_breaches_open",
        "covernote_telematics_points_last_hour",
    ):
        assert name in body


@pytest.mark.django_db
def test_metrics_are_refused_to_other_addresses(client):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
