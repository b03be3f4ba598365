#!/usr/bin/env bash
# Make sure the real servers that the integration suites talk to are up on
# 127.0.0.1: PostgreSQL (5432) and Redis (6379). Start a stopped one; install
# it from Debian's packages when it is missing. Used by CI (.ci/run) and by
# `make test-services`; the embedded default (`make run`, `make test`) needs none.
set -euo pipefail

say() { printf 'services: %s\n' "$*" >&2; }

apt_install() {
    command -v apt-get >/dev/null 2>&1 || { say "cannot install $*: no apt-get"; return 1; }
    if [ -z "${APT_UPDATED:-}" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() {
    local what="$1"
    shift
    for _ in $(seq 1 60); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.5
    done
    say "$what did not come up"
    return 1
}

postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
postgres_login() { psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; }

ensure_postgres() {
    if ! command -v pg_isready >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null 2>&1; then
        say "installing PostgreSQL"
        apt_install postgresql
    fi
    if ! postgres_up; then
        say "starting PostgreSQL"
        local version
        version="$(ls /etc/postgresql | sort -V | tail -n1)"
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
        wait_for PostgreSQL postgres_up
    fi
    if ! postgres_login; then
        # A fresh Debian cluster asks for a password over TCP; the test suites log
        # in as postgres from this machine only, so trust loopback connections.
        say "allowing loopback logins as postgres"
        local hba
        hba="$(su postgres -c "psql -Atc 'show hba_file'")"
        sed -i '1i host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust' "$hba"
        su postgres -c "psql -Atc 'select pg_reload_conf()'" >/dev/null
        wait_for "PostgreSQL login" postgres_login
    fi
}

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

ensure_redis() {
    if ! command -v redis-server >/dev/null 2>&1; then
        say "installing Redis"
        apt_install redis-server
    fi
    if ! redis_up; then
        say "starting Redis"
        mkdir -p /var/lib/redis /var/log/redis
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
            --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
        wait_for Redis redis_up
    fi
}

ensure_postgres
ensure_redis
say "PostgreSQL and Redis are up on 127.0.0.1"
