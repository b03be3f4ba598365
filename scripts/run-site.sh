#!/usr/bin/env bash
# Serve the site for development: the web server and one task-queue worker.
#
#   migrate -> createcachetable -> ensure_superuser -> clear old metrics -> runserver + qcluster
#
# Both children run under this one foreground command, their output prefixed
# [web] and [worker]. Ctrl-C (or SIGTERM) stops both; when either exits on its
# own, the other is stopped and this script exits non-zero.
#
# DEBUG keeps its default (off), so the site behaves as it would in production;
# `runserver --insecure` serves the static files (admin and site CSS) that a
# production web server would serve. Set DJANGO_DEBUG=1 for Django's debug pages.
#
# Needs bash >= 5.1 (`wait -n -p`) and setsid (util-linux).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# Whatever the site and its worker create (database, logs, queue files) is private.
umask 077
PYTHON="$ROOT/.venv/bin/python"
PORT="${PORT:-8000}"
URL="http://127.0.0.1:$PORT/"
STOP_GRACE_S=15

say() { printf '[run-site] %s\n' "$*" >&2; }

[ -x "$PYTHON" ] || { say "no .venv here; use 'make run', which provisions it first"; exit 1; }

# The children write into pipes (for the prefixes): keep their output unbuffered,
# and keep logs human-readable when a person is watching this terminal.
export PYTHONUNBUFFERED=1
if [ -t 2 ]; then export EPISODIC_LOG_FORMAT="${EPISODIC_LOG_FORMAT:-console}"; fi

"$PYTHON" manage.py migrate --no-input
"$PYTHON" manage.py createcachetable
"$PYTHON" manage.py ensure_superuser
# A deployment starts its Prometheus figures afresh (prometheus_client's multiprocess rule).
"$PYTHON" manage.py interp_exec_clear_metrics

prefix() {
    # Ignore Ctrl-C: the filter must outlive its child to pass on its last lines.
    trap '' INT
    local line
    while IFS= read -r line || [ -n "$line" ]; do printf '[%s] %s\n' "$1" "$line"; done
}

# Each child leads a new session (setsid), so that stopping its process group
# also reaches whatever it started (the qcluster's worker processes), and so that
# the terminal's Ctrl-C reaches only this script, which then stops them in order.
setsid "$PYTHON" manage.py runserver "127.0.0.1:$PORT" --noreload --insecure > >(prefix web) 2>&1 &
WEB=$!
setsid "$PYTHON" manage.py qcluster > >(prefix worker) 2>&1 &
WORKER=$!

stop_children() {
    trap '' INT TERM HUP
    # SIGTERM first: the qcluster then finishes its running tasks and stops its
    # workers. Whatever is left after the grace period is killed, group and all.
    kill -TERM "$WEB" "$WORKER" 2>/dev/null || true
    local tenths=0
    while kill -0 "$WEB" 2>/dev/null || kill -0 "$WORKER" 2>/dev/null; do
        if ((tenths >= STOP_GRACE_S * 10)); then
            say "still running after ${STOP_GRACE_S}s; killing"
            break
        fi
        sleep 0.1
        tenths=$((tenths + 1))
    done
    kill -KILL -- "-$WEB" "-$WORKER" 2>/dev/null || true
    wait
}
trap 'say "stopping"; stop_children; exit 130' INT
trap 'say "stopping"; stop_children; exit 143' TERM
# A closed terminal sends SIGHUP to this script, not to the children in their
# own sessions: stop them then too.
trap 'say "stopping"; stop_children; exit 129' HUP

say "site: $URL  (the task-queue worker runs alongside; Ctrl-C stops both)"
say "admin: ${URL}admin/ as the superuser reported above; to set its password:"
say "  .venv/bin/python manage.py changepassword ${DJANGO_SUPERUSER_USERNAME:-admin}"

status=0
wait -n -p ended "$WEB" "$WORKER" || status=$?
if [ "${ended:-}" = "$WEB" ]; then name="web server"; else name="worker"; fi
say "the $name exited with status $status; stopping the other"
stop_children
exit $((status == 0 ? 1 : status))
