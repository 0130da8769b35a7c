#!/usr/bin/env bash
# A hello storm against run.sh's defaults: N sockets (5,000) open and say hello at once to
# 2 silos + 1 gateway on a throwaway PostgreSQL with the stock max_connections (100), as
# scripts/pg.sh makes it. Prints successes, failures, and the connect + hello latency.
#
#   scripts/hello-storm.sh [--rev REV] [--n N]
#
# It runs `bench.sh connections` (one gateway, concurrency = N) in a copy of REV (default HEAD)
# exported to a temporary folder, so the checkout's bench/results stay as they are, and against
# a cluster of its own (HELLO_STORM_PG_PORT, 55480), removed at the end. Ports are the bench's
# plus 50 (BENCH_* variables win), clear of a bench running beside it. Bounded: the bench
# stops itself after HELLO_STORM_MAX_SECONDS (300) and the whole run after twice that.
set -euo pipefail
cd "$(dirname "$0")/.."

rev=HEAD
n=5000
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rev) rev="$2"; shift 2 ;;
        --n) n="$2"; shift 2 ;;
        *) echo "usage: scripts/hello-storm.sh [--rev REV] [--n N]" >&2; exit 2 ;;
    esac
done

pg_port="${HELLO_STORM_PG_PORT:-55480}"
max_seconds="${HELLO_STORM_MAX_SECONDS:-300}"
area="$(mktemp -d /var/tmp/hello-storm.XXXXXX)"
copy="$area/src"
pgdata="$area/pg"
log() { echo "hello-storm: $*" >&2; }
as_owner() { if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"

cleanup() {
    as_owner "$bin/pg_ctl" -D "$pgdata" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$area"
}
trap cleanup EXIT

mkdir -p "$copy" "$pgdata"
git archive "$rev" | tar -x -C "$copy"
if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$area" "$pgdata"; fi
chmod 0700 "$pgdata"
log "a PostgreSQL with the stock max_connections on 127.0.0.1:$pg_port"
as_owner "$bin/initdb" -D "$pgdata" --encoding=UTF8 --no-locale --auth-local=peer --auth-host=scram-sha-256 >/dev/null
# As scripts/pg.sh writes them: only the port and the socket folder differ.
as_owner tee -a "$pgdata/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$pgdata'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
as_owner "$bin/pg_ctl" -D "$pgdata" -l "$area/postgres.log" -w -t 60 start >/dev/null
as_owner "$bin/psql" -h "$pgdata" -p "$pg_port" -d postgres -qAt -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE chatapp LOGIN CREATEDB PASSWORD 'chatapp'" -c "CREATE DATABASE chatapp_bench OWNER chatapp"

log "storm of $n hellos on $rev ($(git rev-parse --short "$rev"))"
status=0
(
    cd "$copy"
    export BENCH_DB="Host=127.0.0.1;Port=$pg_port;Username=chatapp;Password=chatapp;Database=chatapp_bench"
    # The pool size run.sh gives 2 silos and 1 gateway (90 connections over 8 pools).
    export Database__MaxPoolSize="${Database__MaxPoolSize:-11}"
    export BENCH_GATEWAYS=1 BENCH_READY_TO_RUN="${BENCH_READY_TO_RUN:-0}" BENCH_MAX_SECONDS="$max_seconds"
    export BENCH_PORT="${BENCH_PORT:-5431}" BENCH_BASELINE_PORT="${BENCH_BASELINE_PORT:-5441}"
    export BENCH_SILO_PORT="${BENCH_SILO_PORT:-11461}" BENCH_SILO_GATEWAY_PORT="${BENCH_SILO_GATEWAY_PORT:-30461}"
    export BENCH_ADMIN_PORT="${BENCH_ADMIN_PORT:-8461}"
    timeout --kill-after=30 $((2 * max_seconds + 600)) ./bench.sh connections --n "$n" --concurrency "$n" --hold 2
) || status=$?

results="$copy/bench/results"
if [[ -f "$results/connections.md" ]]; then
    cat "$results/connections.md"
    log "connections PostgreSQL refused (53300, from its log): $(grep -c 'remaining connection slots' "$area/postgres.log" || true)"
    out="${HELLO_STORM_OUT:-.data/hello-storm}"
    mkdir -p "$out"
    cp "$results"/connections.* "$out/" 2>/dev/null || true
    cp -r "$copy/.data/bench-logs" "$out/" 2>/dev/null || true
    log "results and logs copied to $out/"
fi
exit "$status"
