#!/usr/bin/env bash
# Run tests/services against a real PostgreSQL and a real Redis on 127.0.0.1,
# once per django-q2 broker: the ORM broker on PostgreSQL, then the Redis broker.
# Each run is its own pytest session (Django's settings and django-q2's Conf are
# read once per process) with its own Redis db index, flushed before and after.
# pytest-django creates and drops the test database test_episodic.
# Extra arguments go to both pytest runs, e.g. scripts/test-services.sh -x -k fault
set -euo pipefail

cd "$(dirname "$0")/.."

# Runs on one machine (several checkouts, a CI clone) share the test database and
# the Redis db indexes: they take turns instead of flushing each other's data.
LOCK="${TMPDIR:-/tmp}/episodic-test-services.lock"
exec 9>"$LOCK"
if ! flock -n 9; then
    printf 'test-services: waiting for another run on this machine (%s)\n' "$LOCK" >&2
    flock -w 1800 9 || { echo "test-services: still busy after 30 min" >&2; exit 1; }
fi

bash scripts/ensure-services.sh

POSTGRES_URL="${EPISODIC_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/episodic}"
REDIS_BASE="${EPISODIC_TEST_REDIS_BASE:-redis://127.0.0.1:6379}"

run_suite() {
    local broker="$1" index="$2"
    local redis_url="$REDIS_BASE/$index"
    shift 2
    printf '\n== tests/services: Q_BROKER=%s, PostgreSQL, Redis db %s ==\n' "$broker" "$index"
    redis-cli -u "$redis_url" flushdb >/dev/null
    local status=0
    EPISODIC_TEST_SERVICES=1 DATABASE_URL="$POSTGRES_URL" REDIS_URL="$redis_url" \
        Q_BROKER="$broker" .venv/bin/pytest tests/services "$@" || status=$?
    redis-cli -u "$redis_url" flushdb >/dev/null
    return "$status"
}

status=0
run_suite orm 14 "$@" || status=$?
run_suite redis 15 "$@" || status=$?
exit "$status"
