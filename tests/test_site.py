"""Behaviour of the site layer: pages, the superuser command and the settings."""

import os
import platform
import re
import sqlite3
import stat
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest
from django.test import Client, override_settings

from episodic_site.backing_services import (
    SQLITE_ENGINE,
    cache_settings,
    database_settings,
    q_cluster_settings,
)
from episodic_site.env import env_bool, env_choice, env_float, env_int, env_list
from episodic_site.interp_exec_env import interp_exec_settings
from episodic_site.private_files import private_directory, private_sqlite_database
from episodic_site.secret_key import load_or_create_secret_key
from interp_exec.core.conf import DEFAULTS, get_setting

STRONG_PASSWORD = "quiet-lantern-Orbit-42"


@pytest.fixture
def no_superuser_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clear what ensure_superuser reads, whatever the calling shell exported."""
    for name in (
        "DJANGO_SUPERUSER_USERNAME",
        "DJANGO_SUPERUSER_PASSWORD",
        "DJANGO_SUPERUSER_EMAIL",
    ):
        monkeypatch.delenv(name, raising=False)


def ensure_superuser() -> str:
    out = StringIO()
    call_command("ensure_superuser", stdout=out)
    return out.getvalue()


def printed_password(output: str) -> str:
    match = re.search(r"shown only this once: (\S+)", output)
    assert match, output
    return match.group(1)


# --- Pages ------------------------------------------------------------------


def test_home_page_says_what_the_site_is_and_links_onwards(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Episodic CPU execution" in body
    assert f"Python {platform.python_version()}" in body
    for href in ("/", "/cpu/jobs/", "/admin/"):
        assert f'href="{href}"' in body


@pytest.mark.django_db
def test_admin_login_page_is_served(client: Client) -> None:
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert b'name="password"' in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/admin/login/", "/cpu/jobs/", "/accounts/logout/"]
)
@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "UTF8"])
def test_a_form_post_in_another_charset_is_refused_with_400(url: str, charset: str) -> None:
    # Before the fix: BadRequest from the CSRF check, then again from Django's 400
    # and 500 views (they re-run the check), so a bare 500 reached the client.
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32

    response = client.post(
        url,
        "username=a&password=b",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )

    assert response.status_code == 400
    assert f"charset={charset}" in response.content.decode()


@pytest.mark.django_db
def test_a_utf8_form_post_still_reaches_the_csrf_check() -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/accounts/login/",
        "username=a&password=b",
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )

    assert response.status_code == 403


# --- Content-Security-Policy ---------------------------------------------------


def inline_blocks_and_nonce(response: Any) -> tuple[list[str], str | None]:
    """The opening tags of the page's inline <script>/<style> blocks, and the CSP nonce
    (Django adds one to the header only when the page used it)."""
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy)
    if nonce is not None:
        assert f"style-src 'self' 'nonce-{nonce[1]}'" in policy
    tags = re.findall(r"<(?:script(?![^>]*\bsrc=)|style)\b[^>]*>", response.content.decode())
    return tags, nonce[1] if nonce else None


@pytest.mark.django_db
def test_every_page_has_a_csp_and_each_inline_block_carries_its_nonce(
    admin_client: Client, admin_user: Any
) -> None:
    from interp_exec.models import CpuJobRecord
    from tests.bench.figures import figures, stored_run

    job = CpuJobRecord.objects.create(workload="tests.echo", size=1, created_by=admin_user)
    run = stored_run([figures("text.dedupe", "inline")])
    pages = [
        "/",
        "/accounts/login/",
        "/cpu/jobs/",
        f"/cpu/jobs/{job.pk}/",
        "/admin/",
        "/admin/interp_exec/executorflag/",
        f"/admin/interp_exec/benchmarkrun/{run.pk}/change/",
        f"/admin/interp_exec/benchmarkrun/compare/{run.pk}/{run.pk}/",
    ]
    inline_total = 0
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        tags, nonce = inline_blocks_and_nonce(response)
        assert nonce is not None or not tags, (url, tags)
        assert all(f'nonce="{nonce}"' in tag for tag in tags), (url, tags)
        inline_total += len(tags)
    # The job page's script and the two benchmark pages' styles, at least.
    assert inline_total >= 3


@pytest.mark.django_db
def test_each_response_gets_its_own_nonce(admin_client: Client, admin_user: Any) -> None:
    from interp_exec.models import CpuJobRecord

    job = CpuJobRecord.objects.create(workload="tests.echo", size=1, created_by=admin_user)

    nonces = {inline_blocks_and_nonce(admin_client.get(f"/cpu/jobs/{job.pk}/"))[1] for _ in "ab"}

    assert len(nonces) == 2
    assert None not in nonces


# --- Sign-in throttling -------------------------------------------------------

SIGN_IN_PAGES = ["/accounts/login/", "/admin/login/"]


def sign_in(client: Client, url: str, username: str, password: str) -> int:
    return client.post(url, {"username": username, "password": password}).status_code


@pytest.mark.django_db
@pytest.mark.parametrize("url", SIGN_IN_PAGES)
def test_five_wrong_passwords_lock_the_username_out_from_that_address(
    client: Client, url: str
) -> None:
    get_user_model().objects.create_user("ada", password=STRONG_PASSWORD, is_staff=True)

    failures = [sign_in(client, url, "ada", f"guess-{n}") for n in range(5)]
    locked = sign_in(client, url, "ada", STRONG_PASSWORD)

    assert failures == [200] * 4 + [429]  # the form again with its error; the fifth locks
    assert locked == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("url", SIGN_IN_PAGES)
def test_a_lockout_leaves_other_usernames_and_earlier_successes_alone(
    client: Client, url: str
) -> None:
    users = get_user_model().objects
    users.create_user("ada", password=STRONG_PASSWORD, is_staff=True)
    users.create_user("grace", password=STRONG_PASSWORD, is_staff=True)
    for n in range(4):
        sign_in(client, url, "grace", f"guess-{n}")
    assert sign_in(client, url, "grace", STRONG_PASSWORD) == 302  # a success clears the count
    client.logout()

    for n in range(5):
        sign_in(client, url, "ada", f"guess-{n}")

    assert sign_in(client, url, "grace", f"guess-{n}") == 200
    assert sign_in(client, url, "grace", STRONG_PASSWORD) == 302


# --- Admin change lists ------------------------------------------------------

# One date filter per change list, whichever app registered its admin.
DATE_FILTERS = [
    "/admin/interp_exec/benchmarkrun/?created_at__year",
    "/admin/interp_exec/executorflag/?created__year",
    "/admin/interp_exec/cpujobrecord/?created_at__year",
    "/admin/interp_exec/dispatchlog/?created_at__year",
    "/admin/auth/user/?date_joined__year",
    "/admin/auth/user/?last_login__year",
    "/admin/waffle/switch/?created__year",
]


@pytest.mark.django_db
@pytest.mark.parametrize("date_filter", DATE_FILTERS)
@pytest.mark.parametrize("year", ["99999", "0", "-1", "10000"])
def test_a_year_filter_out_of_range_shows_the_unfiltered_list_with_a_message(
    admin_client: Client, date_filter: str, year: str
) -> None:
    # Before: ValueError from the count query, a 500 (Django catches only build errors).
    response = admin_client.get(f"{date_filter}={year}", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("?e=1")
    shown = [str(m) for m in response.context["messages"]]
    assert any(f"year={year}) cannot be applied" in m for m in shown), shown


@pytest.mark.django_db
@pytest.mark.parametrize("date_filter", DATE_FILTERS)
def test_a_year_filter_in_range_still_filters(admin_client: Client, date_filter: str) -> None:
    response = admin_client.get(f"{date_filter}=1999")

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def test_every_registered_admin_checks_its_lookups() -> None:
    from django.contrib import admin

    from episodic_site.admin_lookups import CheckedLookupsMixin

    unchecked = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if not isinstance(model_admin, CheckedLookupsMixin)
    ]
    assert not unchecked


# --- ensure_superuser -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("no_superuser_env")
def test_ensure_superuser_prints_a_generated_password_once(client: Client) -> None:
    first = ensure_superuser()
    password = printed_password(first)
    second = ensure_superuser()

    admin = get_user_model().objects.get()
    assert (admin.username, admin.is_superuser, admin.is_staff) == ("admin", True, True)
    assert len(password) >= 20
    assert password not in second
    assert "nothing to do" in second
    assert client.login(request=HttpRequest(), username="admin", password=password)


@pytest.mark.django_db
@pytest.mark.usefixtures("no_superuser_env")
def test_ensure_superuser_generates_a_new_password_each_time_it_creates() -> None:
    first = printed_password(ensure_superuser())
    get_user_model().objects.all().delete()
    second = printed_password(ensure_superuser())

    assert first != second


@pytest.mark.django_db
@pytest.mark.usefixtures("no_superuser_env")
def test_ensure_superuser_uses_the_password_and_name_from_the_environment(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "editor")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STRONG_PASSWORD)

    output = ensure_superuser()

    assert STRONG_PASSWORD not in output
    assert "shown only this once" not in output
    assert client.login(request=HttpRequest(), username="editor", password=STRONG_PASSWORD)
    assert get_user_model().objects.get().is_superuser


@pytest.mark.django_db
@pytest.mark.usefixtures("no_superuser_env")
def test_ensure_superuser_refuses_a_weak_password_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "password")

    with pytest.raises(CommandError, match="DJANGO_SUPERUSER_PASSWORD is too weak"):
        ensure_superuser()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("no_superuser_env")
def test_ensure_superuser_does_not_take_over_an_ordinary_user() -> None:
    get_user_model().objects.create_user(username="admin", password=STRONG_PASSWORD)

    with pytest.raises(CommandError, match="exists but is not a superuser"):
        ensure_superuser()
    assert not get_user_model().objects.filter(is_superuser=True).exists()


# --- Environment readers ----------------------------------------------------


@pytest.mark.parametrize(
    ("read", "raw"),
    [
        (lambda: env_bool("EPISODIC_TEST_VAR", False), "maybe"),
        (lambda: env_int("EPISODIC_TEST_VAR", 1), "12a"),
        (lambda: env_int("EPISODIC_TEST_VAR", 1, minimum=1), "0"),
        (lambda: env_float("EPISODIC_TEST_VAR", 1.0), "fast"),
        (lambda: env_float("EPISODIC_TEST_VAR", 1.0), "nan"),
        (lambda: env_float("EPISODIC_TEST_VAR", 1.0, minimum=0), "-0.5"),
        (lambda: env_choice("EPISODIC_TEST_VAR", ("orm", "redis"), "orm"), "rabbit"),
    ],
)
def test_env_readers_name_the_variable_with_a_bad_value(
    monkeypatch: pytest.MonkeyPatch, read: Callable[[], object], raw: str
) -> None:
    monkeypatch.setenv("EPISODIC_TEST_VAR", raw)

    with pytest.raises(ImproperlyConfigured, match="EPISODIC_TEST_VAR"):
        read()


def test_env_readers_parse_good_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EPISODIC_TEST_BOOL", " Yes ")
    monkeypatch.setenv("EPISODIC_TEST_INT", "42")
    monkeypatch.setenv("EPISODIC_TEST_FLOAT", "2.5")
    monkeypatch.setenv("EPISODIC_TEST_LIST", " a.b , ,c ")
    monkeypatch.setenv("EPISODIC_TEST_CHOICE", "REDIS")

    assert env_bool("EPISODIC_TEST_BOOL", False) is True
    assert env_int("EPISODIC_TEST_INT", 0, minimum=42) == 42
    assert env_float("EPISODIC_TEST_FLOAT", 0.0) == 2.5
    assert env_list("EPISODIC_TEST_LIST", []) == ["a.b", "c"]
    assert env_choice("EPISODIC_TEST_CHOICE", ("orm", "redis"), "orm") == "redis"


def test_env_readers_return_the_default_when_unset_or_blank(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("EPISODIC_TEST_UNSET", raising=False)
    monkeypatch.setenv("EPISODIC_TEST_BLANK", "  ")

    assert env_bool("EPISODIC_TEST_UNSET", None) is None
    assert env_int("EPISODIC_TEST_BLANK", 7) == 7
    assert env_list("EPISODIC_TEST_BLANK", ["x"]) == ["x"]


# --- Settings ---------------------------------------------------------------


def test_secret_key_file_is_created_private_once_and_then_reused(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secret_key"

    key = load_or_create_secret_key(path)

    assert len(key) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secret_key(path) == key
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most accounts have (022), under which files came out world-readable."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_sites_var_directory_is_private() -> None:
    assert mode(settings.VAR_DIR) == 0o700


@pytest.mark.usefixtures("usual_umask")
def test_a_private_directory_is_made_0700_and_tightened_when_looser(tmp_path: Path) -> None:
    made = private_directory(tmp_path / "new" / "var")
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)

    private_directory(loose)

    assert (mode(made), mode(loose)) == (0o700, 0o700)


@pytest.mark.usefixtures("usual_umask")
def test_the_sqlite_database_and_its_wal_files_are_private(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite3"

    private_sqlite_database(str(database))
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (x)")
    connection.execute("INSERT INTO t VALUES (1)")
    connection.commit()

    files = sorted(tmp_path.iterdir())
    assert [f.name for f in files] == ["db.sqlite3", "db.sqlite3-shm", "db.sqlite3-wal"]
    assert [mode(f) for f in files] == [0o600] * 3
    connection.close()


@pytest.mark.usefixtures("usual_umask")
def test_an_existing_database_is_tightened_and_kept(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite3"
    sqlite3.connect(database).execute("CREATE TABLE kept (x)").connection.close()
    wal = tmp_path / "db.sqlite3-wal"
    wal.touch(mode=0o644)
    database.chmod(0o644)

    private_sqlite_database(str(database))

    assert (mode(database), mode(wal)) == (0o600, 0o600)
    tables = sqlite3.connect(database).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("kept",)]


def test_an_empty_secret_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    path.write_text("\n")

    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        load_or_create_secret_key(path)


def test_default_database_is_sqlite_with_a_file_test_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("EPISODIC_SQLITE_PATH", raising=False)

    database = database_settings(tmp_path)

    assert database["ENGINE"] == SQLITE_ENGINE
    assert database["NAME"] == str(tmp_path / "db.sqlite3")
    assert database["TEST"]["NAME"] == str(tmp_path / "test-db.sqlite3")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_sqlite_path_can_be_given_to_a_subprocess(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("EPISODIC_SQLITE_PATH", "/elsewhere/test-db.sqlite3")

    assert database_settings(tmp_path)["NAME"] == "/elsewhere/test-db.sqlite3"


def test_sqlite_connections_are_kept_and_checked_before_reuse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """django-q2 closes old connections before every task and broker call: with none
    kept, each queued job opened several SQLite connections."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DJANGO_CONN_MAX_AGE", raising=False)

    database = database_settings(tmp_path)

    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (60, True)
    monkeypatch.setenv("DJANGO_CONN_MAX_AGE", "0")
    assert database_settings(tmp_path)["CONN_MAX_AGE"] == 0


def test_postgres_from_database_url_keeps_the_default_test_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://episodic:pw@db.example:5432/episodic")
    monkeypatch.setenv("DJANGO_CONN_MAX_AGE", "120")
    monkeypatch.setenv("EPISODIC_SQLITE_PATH", "/ignored.sqlite3")

    database = database_settings(tmp_path)

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["HOST"], database["PORT"]) == (
        "episodic",
        "db.example",
        5432,
    )
    assert database["CONN_MAX_AGE"] == 120
    assert "NAME" not in database.get("TEST", {})
    assert "transaction_mode" not in database.get("OPTIONS", {})


def test_cache_is_shared_by_all_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert cache_settings()["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/1")
    assert cache_settings()["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache_settings()["LOCATION"] == "redis://127.0.0.1:6379/1"


def test_task_queue_retries_only_after_its_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("Q_BROKER", raising=False)
    monkeypatch.setenv("Q_TIMEOUT", "900")

    cluster = q_cluster_settings()

    assert cluster["retry"] > cluster["timeout"] == 900
    assert cluster["orm"] == "default"
    assert cluster["daemonize_workers"] is False


def test_redis_broker_needs_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("Q_BROKER", "redis")
    monkeypatch.delenv("REDIS_URL", raising=False)
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        q_cluster_settings()

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    cluster = q_cluster_settings()
    assert cluster["redis"] == "redis://127.0.0.1:6379/0"
    assert "orm" not in cluster


def test_interp_exec_settings_come_only_from_variables_that_are_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key in DEFAULTS:
        monkeypatch.delenv(f"INTERP_EXEC_{key}", raising=False)
    assert interp_exec_settings() == {}

    monkeypatch.setenv("INTERP_EXEC_MAX_WORKERS", "3")
    monkeypatch.setenv("INTERP_EXEC_TIMEOUT_S", "0")
    monkeypatch.setenv("INTERP_EXEC_MAX_QUEUED_PER_USER", "0")
    assert interp_exec_settings() == {
        "MAX_WORKERS": 3,
        "TIMEOUT_S": None,
        "MAX_QUEUED_PER_USER": None,
    }


def test_every_env_configurable_interp_exec_key_is_one_the_app_knows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    values = {
        "DEFAULT_MODE": "interpreters",
        "MIN_TASK_SIZE": "10",
        "MAX_PAYLOAD_BYTES": "1000",
        "MAX_WORKERS": "2",
        "TIMEOUT_S": "1.5",
        "PROCESSES_ENABLED": "off",
        "LEASE_MARGIN_S": "2",
        "JOB_MAX_ATTEMPTS": "5",
        "QUEUED_GRACE_S": "30",
        "FLAG_REFRESH_S": "1",
        "DRAIN_BUDGET_S": "2",
        "MAX_ABANDONED_INTERPRETERS": "3",
        "MAX_QUEUED_PER_USER": "50",
        "AUTO_EXPLORE_SHARE": "0.1",
        "AUTO_WINDOW": "100",
        "AUTO_MIN_JOBS": "10",
        "AUTO_REFRESH_S": "15",
        "AUTO_SEED_BUDGET_S": "5",
        "OTEL_SPANS": "on",
    }
    for key, raw in values.items():
        monkeypatch.setenv(f"INTERP_EXEC_{key}", raw)
    # The API's and the metrics' keep the site's own names.
    monkeypatch.setenv("EPISODIC_API_RATE", "10/second")
    monkeypatch.setenv("EPISODIC_API_MAX_BODY_BYTES", "5000")
    monkeypatch.setenv("METRICS_TOKEN", "scrape")

    configured = interp_exec_settings()

    # WORKLOADS is the site's list plus INTERP_EXEC_WORKLOADS (settings.py).
    assert set(configured) == set(DEFAULTS) - {"POLICY_SOURCE", "EVENT_SINKS", "WORKLOADS"}
    assert (configured["API_RATE"], configured["API_MAX_BODY_BYTES"]) == ("10/second", 5000)
    assert configured["METRICS_TOKEN"] == "scrape"
    assert configured["PROCESSES_ENABLED"] is False
    assert configured["OTEL_SPANS"] is True
    assert (configured["AUTO_EXPLORE_SHARE"], configured["AUTO_WINDOW"]) == (0.1, 100)


def test_interp_exec_reads_the_site_settings() -> None:
    with override_settings(INTERP_EXEC={"MIN_TASK_SIZE": 5}):
        assert get_setting("MIN_TASK_SIZE") == 5
        assert get_setting("DEFAULT_MODE") == DEFAULTS["DEFAULT_MODE"]


@pytest.mark.django_db
def test_people_who_are_not_staff_sign_in_on_the_site_and_reach_their_jobs(
    client: Client, django_user_model: Any
) -> None:
    django_user_model.objects.create_user("producer", password="a-long-passphrase-1")
    page = client.get("/accounts/login/?next=/cpu/jobs/")
    assert page.status_code == 200
    response = client.post(
        "/accounts/login/",
        {"username": "producer", "password": "a-long-passphrase-1", "next": "/cpu/jobs/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/cpu/jobs/"
    jobs = client.get("/cpu/jobs/")
    assert jobs.status_code == 200
    assert b"Sign out" in jobs.content
    assert b'href="/admin/"' not in jobs.content  # the admin link is for staff only
