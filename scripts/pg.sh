#!/usr/bin/env bash
# A project-local PostgreSQL for development, tests and CI, and (with options) the benchmark's own.
#
#   scripts/pg.sh [options] start   make sure it runs; print ONLY the Npgsql connection string on stdout
#   scripts/pg.sh [options] stop    stop it
#   scripts/pg.sh [options] psql    open psql on it (extra arguments go to psql)
#   scripts/pg.sh [options] pid     print the server's main process id (its children are the backends), if it runs
#
# Options (each also read from the environment), for a second cluster beside the development one:
#   --port N               CHATAPP_PG_PORT, default 55432
#   --data DIR             CHATAPP_PG_DATA: the folder of the cluster, its sockets and its log; default
#                          <repo>/.data/pg (or /var/tmp/chatapp-pg-<hash of the repo path>, see choose_area)
#   --database NAME        CHATAPP_PG_DATABASE, default chatapp: made if missing, named in the connection string
#   --max-connections N    CHATAPP_PG_MAX_CONNECTIONS, default PostgreSQL's (100)
#   --shared-buffers SIZE  CHATAPP_PG_SHARED_BUFFERS, default PostgreSQL's
#   --durable              CHATAPP_PG_DURABLE=1: fsync and synchronous commits, as in production; by
#                          default they are off (disposable development and test data)
# A start with other settings than the running server's restarts it with them.
#
# If CHATAPP_DB is set, `start` trusts it and prints it: someone else provides the server.
# Everything but the connection string goes to stderr, so `CHATAPP_DB=$(scripts/pg.sh start)` works.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${CHATAPP_PG_PORT:-55432}"
DATA="${CHATAPP_PG_DATA:-}"
DATABASE="${CHATAPP_PG_DATABASE:-chatapp}"
MAX_CONNECTIONS="${CHATAPP_PG_MAX_CONNECTIONS:-}"
SHARED_BUFFERS="${CHATAPP_PG_SHARED_BUFFERS:-}"
DURABLE="${CHATAPP_PG_DURABLE:-0}"
ROLE=chatapp
PASSWORD=chatapp

usage() { echo "usage: $0 [--port N] [--data DIR] [--database NAME] [--max-connections N] [--shared-buffers SIZE] [--durable] start|stop|psql|pid [psql arguments]" >&2; exit 2; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --port) PORT="${2:?}"; shift 2 ;;
        --data) DATA="${2:?}"; shift 2 ;;
        --database) DATABASE="${2:?}"; shift 2 ;;
        --max-connections) MAX_CONNECTIONS="${2:?}"; shift 2 ;;
        --shared-buffers) SHARED_BUFFERS="${2:?}"; shift 2 ;;
        --durable) DURABLE=1; shift ;;
        --*) usage ;;
        *) break ;;
    esac
done
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
# A folder given with --data is used as it is.
choose_area() {
    if [[ -n "$DATA" ]]; then
        AREA="$DATA"
        mkdir -p "$AREA"
        if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$AREA"; fi
        chmod 0700 "$AREA"
        return
    fi
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
}

# Our settings live in their own file, rewritten on every start (the port may change). A cluster
# made by an older script (the bench's included bench.conf) gets the include it lacks; the later
# include wins.
ensure_include() {
    if ! as_owner grep -qxF "include_if_exists = 'chatapp.conf'" "$PGDATA/postgresql.conf"; then
        echo "include_if_exists = 'chatapp.conf'" | as_owner tee -a "$PGDATA/postgresql.conf" >/dev/null
    fi
}

# The contents of chatapp.conf for the options given.
settings() {
    echo "# Written by scripts/pg.sh on every start."
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $PORT"
    echo "unix_socket_directories = '$SOCKETS'"
    if [[ -n "$MAX_CONNECTIONS" ]]; then echo "max_connections = $MAX_CONNECTIONS"; fi
    if [[ -n "$SHARED_BUFFERS" ]]; then echo "shared_buffers = $SHARED_BUFFERS"; fi
    local sync=on
    if [[ "$DURABLE" == 1 ]]; then
        echo "# Durable, as in production: a commit is acknowledged once it has reached the disk."
    else
        sync=off
        echo "# Disposable development and test data: no flushing to disk, which only matters if the machine"
        echo "# itself crashes (a killed server loses nothing); tests create and drop a database per fixture."
    fi
    echo "fsync = $sync"
    echo "synchronous_commit = $sync"
    echo "full_page_writes = $sync"
}

is_running() {
    as_owner "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

# The server outlives this script, and inherits every descriptor the script has open: a `flock 9`
# around ./bench.sh, say, whose lock PostgreSQL would then hold until it stops. It gets only
# stdin, stdout and stderr.
launch_server() (
    local fd
    for fd in /proc/$BASHPID/fd/*; do
        fd="${fd##*/}"
        if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    as_owner "$BIN/pg_ctl" -D "$PGDATA" -l "$LOGFILE" -w -t 60 start >&2
)

start_server() {
    as_owner mkdir -p "$SOCKETS"
    ensure_include
    local wanted
    wanted="$(settings)"
    if is_running; then
        if [[ "$(as_owner cat "$PGDATA/chatapp.conf" 2>/dev/null)" == "$wanted" ]]; then return; fi
        log "restarting PostgreSQL on 127.0.0.1:$PORT with new settings"
        as_owner "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >&2
    fi
    printf '%s\n' "$wanted" | as_owner tee "$PGDATA/chatapp.conf" >/dev/null
    log "starting PostgreSQL on 127.0.0.1:$PORT (durable=$DURABLE${MAX_CONNECTIONS:+, max_connections=$MAX_CONNECTIONS}; log: $LOGFILE)"
    launch_server || {
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

# The load generator counts only this cluster's processes as PostgreSQL: other clusters on the
# machine (other checkouts' benches, the development server) are somebody else's load.
cmd_pid() {
    set_paths
    [[ -f "$PGDATA/postmaster.pid" ]] || exit 1
    as_owner head -n 1 "$PGDATA/postmaster.pid"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    psql) shift; cmd_psql "$@" ;;
    pid) cmd_pid ;;
    *) usage ;;
esac
