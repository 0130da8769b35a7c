#!/usr/bin/env bash
# The benchmark's own PostgreSQL: a cluster beside the project's (scripts/pg.sh), on its own port,
# so that the benchmark neither competes with tests for the 100 connections of the development
# server nor measures its non-durable settings.
#
#   bench/pg.sh start   make sure it runs; print ONLY the Npgsql connection string on stdout
#   bench/pg.sh stop    stop it
#   bench/pg.sh pid     print the server's main process id (its children are the backends), if it runs
#
# Settings: durable like production (fsync and synchronous_commit on: an acknowledged message
# has reached the disk) unless BENCH_PG_DURABLE=0; max_connections 400, since 2 silos and a
# gateway each keep Npgsql pools of up to 100 connections per connection string, unless
# BENCH_PG_MAX_CONNECTIONS says otherwise (the hellostorm scenario runs with PostgreSQL's default,
# 100). A start with other settings than the running server's restarts it with them.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${BENCH_PG_PORT:-55433}"
DURABLE="${BENCH_PG_DURABLE:-1}"
MAX_CONNECTIONS="${BENCH_PG_MAX_CONNECTIONS:-400}"
AREA="/var/tmp/chatapp-bench-pg-$(printf '%s' "$REPO" | sha256sum | cut -c1-12)"
PGDATA="$AREA/cluster"
SOCKETS="$AREA/sockets"
LOGFILE="$AREA/postgres.log"
CONNECTION_STRING="Host=127.0.0.1;Port=${PORT};Username=chatapp;Password=chatapp;Database=chatapp_bench"

log() { echo "bench/pg.sh: $*" >&2; }
as_owner() { if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

find_bin_dir() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$dir" && -x "$dir/pg_ctl" ]]; then echo "$dir"; return; fi
    if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return; fi
    return 1
}

start() {
    # scripts/pg.sh installs the server if it is missing; starting the project's cluster is harmless.
    BIN="$(find_bin_dir)" || { "$REPO/scripts/pg.sh" start >/dev/null; BIN="$(find_bin_dir)"; }
    mkdir -p "$AREA"
    if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$AREA"; fi
    chmod 0700 "$AREA"
    if [[ ! -f "$PGDATA/PG_VERSION" ]]; then
        log "creating a cluster in $PGDATA"
        as_owner "$BIN/initdb" -D "$PGDATA" --encoding=UTF8 --no-locale --auth-local=peer --auth-host=scram-sha-256 >&2
        echo "include_if_exists = 'bench.conf'" | as_owner tee -a "$PGDATA/postgresql.conf" >/dev/null
    fi
    as_owner mkdir -p "$SOCKETS"
    local sync=on
    [[ "$DURABLE" == 1 ]] || sync=off
    local wanted
    wanted="$(cat <<EOF
# Written by bench/pg.sh on every start.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCKETS'
max_connections = $MAX_CONNECTIONS
shared_buffers = 512MB
fsync = $sync
synchronous_commit = $sync
full_page_writes = $sync
EOF
)"
    if as_owner "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
        if [[ "$(as_owner cat "$PGDATA/bench.conf" 2>/dev/null)" == "$wanted" ]]; then
            return
        fi
        as_owner "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >&2
    fi
    printf '%s\n' "$wanted" | as_owner tee "$PGDATA/bench.conf" >/dev/null
    log "starting PostgreSQL on 127.0.0.1:$PORT (durable=$DURABLE, max_connections=$MAX_CONNECTIONS; log: $LOGFILE)"
    as_owner "$BIN/pg_ctl" -D "$PGDATA" -l "$LOGFILE" -w -t 60 start >&2
    as_owner "$BIN/psql" -h "$SOCKETS" -p "$PORT" -d postgres -v ON_ERROR_STOP=1 -qAt -c "DO \$\$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chatapp') THEN
            CREATE ROLE chatapp LOGIN CREATEDB PASSWORD 'chatapp';
        END IF;
    END \$\$;" >&2
}

case "${1:-}" in
    start) start; echo "$CONNECTION_STRING" ;;
    stop)
        BIN="$(find_bin_dir)" || exit 0
        if [[ -f "$PGDATA/PG_VERSION" ]] && as_owner "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
            as_owner "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >&2
        fi
        ;;
    pid)
        # The load generator counts only this cluster's processes as PostgreSQL: other clusters on the
        # machine (other checkouts' benches, the development server) are somebody else's load.
        [[ -f "$PGDATA/postmaster.pid" ]] || exit 1
        as_owner head -n 1 "$PGDATA/postmaster.pid"
        ;;
    *) echo "usage: $0 start|stop|pid" >&2; exit 2 ;;
esac
