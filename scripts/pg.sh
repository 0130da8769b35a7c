#!/usr/bin/env bash
# A project-local PostgreSQL for development, tests and CI.
#
#   scripts/pg.sh start   make sure it runs; print ONLY the Npgsql connection string on stdout
#   scripts/pg.sh stop    stop it
#   scripts/pg.sh psql    open psql on it (extra arguments go to psql)
#
# If CHATAPP_DB is set, `start` trusts it and prints it: someone else provides the server.
# Everything but the connection string goes to stderr, so `CHATAPP_DB=$(scripts/pg.sh start)` works.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${CHATAPP_PG_PORT:-55432}"
ROLE=chatapp
PASSWORD=chatapp
DATABASE=chatapp
CONNECTION_STRING="Host=127.0.0.1;Port=${PORT};Username=${ROLE};Password=${PASSWORD};Database=${DATABASE}"

log() { echo "pg.sh: $*" >&2; }

# PostgreSQL refuses to run as root, so root runs it as the `postgres` user the Debian package creates.
# Anyone else runs it as themselves.
as_owner() {
    if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

find_bin_dir() {
    local dir
    # Debian keeps the server binaries out of PATH, one folder per major version: take the newest.
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$dir" && -x "$dir/pg_ctl" ]]; then echo "$dir"; return; fi
    if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return; fi
    return 1
}

ensure_binaries() {
    if BIN="$(find_bin_dir)"; then return; fi
    if [[ $EUID -ne 0 ]]; then
        log "PostgreSQL is not installed. Install it with:"
        log "  sudo apt-get update && sudo apt-get install -y postgresql"
        exit 1
    fi
    log "installing PostgreSQL from Debian's packages"
    # The package also creates and starts its own cluster on 5432; ours is separate and leaves it alone.
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
    BIN="$(find_bin_dir)"
}

# Where the cluster lives. Preferably <repo>/.data/pg (git-ignored, removed with the checkout).
# But when root runs the server as `postgres`, that user must be able to walk down to the folder,
# and a repo under /root (mode 0700) is out of its reach; unix socket paths are also limited to
# about 100 bytes. In either case the cluster goes to /var/tmp/chatapp-pg-<hash of repo path>:
# still one cluster per checkout, outside any private home, and it survives reboots like .data does.
choose_area() {
    local preferred="$REPO/.data/pg"
    if (( ${#preferred} < 80 )); then
        mkdir -p "$preferred"
        if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$preferred"; fi
        if as_owner test -w "$preferred" 2>/dev/null; then AREA="$preferred"; return; fi
    fi
    rmdir "$preferred" 2>/dev/null || true
    AREA="/var/tmp/chatapp-pg-$(printf '%s' "$REPO" | sha256sum | cut -c1-12)"
    mkdir -p "$AREA"
    if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$AREA"; fi
    chmod 0700 "$AREA"
    log "$REPO/.data/pg is not reachable by the server's user; using $AREA"
}

set_paths() {
    choose_area
    PGDATA="$AREA/cluster"
    SOCKETS="$AREA/sockets"
    LOGFILE="$AREA/postgres.log"
}

init_cluster() {
    if [[ -f "$PGDATA/PG_VERSION" ]]; then return; fi
    log "creating a cluster in $PGDATA"
    as_owner mkdir -p "$SOCKETS"
    # peer auth on the socket (only the server's user reaches it), passwords over TCP.
    as_owner "$BIN/initdb" -D "$PGDATA" --encoding=UTF8 --no-locale \
        --auth-local=peer --auth-host=scram-sha-256 >&2
    # Our settings live in their own file, rewritten on every start (the port may change).
    echo "include_if_exists = 'chatapp.conf'" | as_owner tee -a "$PGDATA/postgresql.conf" >/dev/null
}

write_settings() {
    as_owner mkdir -p "$SOCKETS"
    as_owner tee "$PGDATA/chatapp.conf" >/dev/null <<EOF
# Written by scripts/pg.sh on every start.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCKETS'
# Disposable development and test data: no flushing to disk, which only matters if the machine
# itself crashes (a killed server loses nothing); tests create and drop a database per fixture.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

is_running() {
    as_owner "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

start_server() {
    if is_running; then return; fi
    log "starting PostgreSQL on 127.0.0.1:$PORT (log: $LOGFILE)"
    as_owner "$BIN/pg_ctl" -D "$PGDATA" -l "$LOGFILE" -w -t 60 start >&2 || {
        log "PostgreSQL did not start; last lines of $LOGFILE:"
        tail -n 20 "$LOGFILE" >&2 || true
        exit 1
    }
}

# The superuser talks through the private socket.
admin_sql() {
    as_owner "$BIN/psql" -h "$SOCKETS" -p "$PORT" -d postgres -v ON_ERROR_STOP=1 -qAt -c "$1"
}

ensure_role_and_database() {
    # CREATEDB: test fixtures create (and drop) a fresh database each.
    admin_sql "DO \$\$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
            CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
        END IF;
    END \$\$;" >&2
    if [[ -z "$(admin_sql "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" ]]; then
        admin_sql "CREATE DATABASE $DATABASE OWNER $ROLE" >&2
    fi
}

wait_for_tcp() {
    local deadline=$((SECONDS + 60))
    until "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -d "$DATABASE" -U "$ROLE"; do
        if (( SECONDS >= deadline )); then log "PostgreSQL does not accept connections on 127.0.0.1:$PORT"; exit 1; fi
        sleep 0.2
    done
}

start_local() {
    ensure_binaries
    set_paths
    init_cluster
    write_settings
    start_server
    wait_for_tcp
    ensure_role_and_database
}

cmd_start() {
    if [[ -n "${CHATAPP_DB:-}" ]]; then echo "$CHATAPP_DB"; return; fi
    start_local
    echo "$CONNECTION_STRING"
}

cmd_stop() {
    BIN="$(find_bin_dir)" || { log "PostgreSQL is not installed; nothing to stop"; return; }
    set_paths
    if [[ -f "$PGDATA/PG_VERSION" ]] && is_running; then
        as_owner "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >&2
    else
        log "not running"
    fi
}

cmd_psql() {
    start_local
    PGPASSWORD="$PASSWORD" exec "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d "$DATABASE" "$@"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    psql) shift; cmd_psql "$@" ;;
    *) echo "usage: $0 start|stop|psql [psql arguments]" >&2; exit 2 ;;
esac
