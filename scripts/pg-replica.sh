#!/usr/bin/env bash
# A PostgreSQL primary with a streaming standby beside it, on this machine, for trying and testing
# failover (docs/deploy.md, "PostgreSQL failover"). Each server is a scripts/pg.sh cluster; this
# script adds replication on top.
#
#   scripts/pg-replica.sh [options] primary   make sure the primary runs, ready to stream to a standby;
#                                             print ONLY its connection string on stdout
#   scripts/pg-replica.sh [options] standby   copy the primary (pg_basebackup) into an empty folder unless
#                                             done before, start it as a standby; print ONLY the connection
#                                             string naming both servers (Target Session Attributes=primary)
#   scripts/pg-replica.sh [options] promote   make the standby a primary (pg_ctl promote); the old primary
#                                             must never start again as a primary (docs/deploy.md)
#   scripts/pg-replica.sh [options] status    the primary's view of its standbys (pg_stat_replication);
#                                             --port and --data name the primary
#
# Options:
#   --port N           the port of the server the command is about (the standby's for standby/promote)
#   --data DIR         its folder (as pg.sh's --data)
#   --primary-port N   the standby's primary's port, default 55432
#   --database NAME    as pg.sh's, default chatapp
#   --asynchronous     primary: do not wait for the standby at commit (for demonstrating what is lost
#                      without synchronous replication; never in production)
#   --durable          as pg.sh's: fsync on. Production always; tests leave it off (a killed process
#                      loses nothing that reached the kernel, only a crashed machine does)
#
# Synchronous replication, and why `on`: the primary names the standby in synchronous_standby_names
# and runs synchronous_commit = on, so a commit returns (and ChatApp acknowledges a message) only
# once the standby has flushed its WAL record to disk. An acknowledged message is then on both
# servers, and a promoted standby has it. remote_apply would also wait for the standby to replay it,
# which only matters for reads from the standby (ChatApp makes none); remote_write would trust the
# standby's memory. The price: while no standby answers, commits on the primary wait.
#
# The standby itself runs with synchronous_standby_names empty, so that once promoted it accepts
# writes alone (degraded, one copy) until a new standby is attached to it.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG="$REPO/scripts/pg.sh"
PORT=""
DATA=""
PRIMARY_PORT=55432
DATABASE="${CHATAPP_PG_DATABASE:-chatapp}"
SYNCHRONOUS=1
DURABLE=()
# The standby's name in the primary's synchronous_standby_names (its application_name).
STANDBY_NAME=chatapp_standby
REPLICATION_ROLE=replicator
REPLICATION_PASSWORD="${CHATAPP_PG_REPLICATION_PASSWORD:-replicator}"

usage() { echo "usage: $0 [--port N] [--data DIR] [--primary-port N] [--database NAME] [--asynchronous] [--durable] primary|standby|promote|status" >&2; exit 2; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --port) PORT="${2:?}"; shift 2 ;;
        --data) DATA="${2:?}"; shift 2 ;;
        --primary-port) PRIMARY_PORT="${2:?}"; shift 2 ;;
        --database) DATABASE="${2:?}"; shift 2 ;;
        --asynchronous) SYNCHRONOUS=0; shift ;;
        --durable) DURABLE=(--durable); shift ;;
        --*) usage ;;
        *) break ;;
    esac
done

log() { echo "pg-replica.sh: $*" >&2; }
as_owner() { if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
require() { [[ -n "$2" ]] || { log "$1 is required for this command"; usage; }; }

# pg.sh rewrites chatapp.conf on every start; replication settings live beside it in replication.conf,
# included after it, so that they win (synchronous_commit in particular).
write_replication_conf() {
    local pgdata="$1" contents="$2"
    if ! as_owner grep -qxF "include_if_exists = 'replication.conf'" "$pgdata/postgresql.conf"; then
        echo "include_if_exists = 'replication.conf'" | as_owner tee -a "$pgdata/postgresql.conf" >/dev/null
    fi
    printf '%s\n' "$contents" | as_owner tee "$pgdata/replication.conf" >/dev/null
}

cmd_primary() {
    require --port "$PORT"; require --data "$DATA"
    local pg=("$PG" --port "$PORT" --data "$DATA" --database "$DATABASE" "${DURABLE[@]}")
    local connection
    connection="$(CHATAPP_DB= "${pg[@]}" start)"
    local names="''" commit=off
    if [[ $SYNCHRONOUS == 1 ]]; then names="'$STANDBY_NAME'"; commit=on; fi
    write_replication_conf "$DATA/cluster" "# Written by scripts/pg-replica.sh primary.
wal_level = replica
max_wal_senders = 5
# Commits wait until the standby named here has flushed them (see the top of pg-replica.sh).
synchronous_standby_names = $names
synchronous_commit = $commit"
    admin_create_role
    # wal_level and max_wal_senders are their defaults; the rest takes a reload.
    as_owner "$(bin_dir)/pg_ctl" -D "$DATA/cluster" reload >&2
    echo "$connection"
}

# A role for streaming only: it can read the WAL, nothing else. The superuser makes it, through the
# server's private socket. Passwords over TCP: pg.sh's pg_hba.conf (initdb's) already has a
# scram-sha-256 replication line for 127.0.0.1.
admin_create_role() {
    as_owner "$(bin_dir)/psql" -h "$DATA/sockets" -p "$PORT" -d postgres -v ON_ERROR_STOP=1 -qAt -c "DO \$\$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$REPLICATION_ROLE') THEN
            CREATE ROLE $REPLICATION_ROLE REPLICATION LOGIN PASSWORD '$REPLICATION_PASSWORD';
        END IF;
    END \$\$;" >&2
}

cmd_standby() {
    require --port "$PORT"; require --data "$DATA"
    local pgdata="$DATA/cluster"
    mkdir -p "$DATA"
    if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$DATA"; fi
    chmod 0700 "$DATA"
    if ! as_owner test -f "$pgdata/PG_VERSION"; then
        log "copying the primary on 127.0.0.1:$PRIMARY_PORT into $pgdata"
        # --wal-method=stream: the copy brings the WAL written while it ran, so it starts consistent.
        as_owner env PGPASSWORD="$REPLICATION_PASSWORD" "$(bin_dir)/pg_basebackup" \
            -h 127.0.0.1 -p "$PRIMARY_PORT" -U "$REPLICATION_ROLE" -D "$pgdata" \
            --wal-method=stream --checkpoint=fast --no-password >&2
        as_owner touch "$pgdata/standby.signal"
    fi
    # The copy brought the primary's replication.conf: the standby's own replaces it.
    write_replication_conf "$pgdata" "# Written by scripts/pg-replica.sh standby.
primary_conninfo = 'host=127.0.0.1 port=$PRIMARY_PORT user=$REPLICATION_ROLE password=$REPLICATION_PASSWORD application_name=$STANDBY_NAME'
hot_standby = on
# Once promoted, this server commits alone until a new standby is attached and named here.
synchronous_standby_names = ''
synchronous_commit = on"
    local standby
    standby="$(CHATAPP_DB= "$PG" --port "$PORT" --data "$DATA" --database "$DATABASE" "${DURABLE[@]}" start)"
    # Both servers in one string: Npgsql connects to whichever is the primary now.
    local rest="${standby#*;Port=$PORT;}"
    echo "Host=127.0.0.1:$PRIMARY_PORT,127.0.0.1:$PORT;$rest;Target Session Attributes=primary;Host Recheck Seconds=2"
}

cmd_promote() {
    require --data "$DATA"
    log "promoting the standby in $DATA/cluster"
    as_owner "$(bin_dir)/pg_ctl" -D "$DATA/cluster" -w -t 60 promote >&2
}

cmd_status() {
    require --port "$PORT"; require --data "$DATA"
    as_owner "$(bin_dir)/psql" -h "$DATA/sockets" -p "$PORT" -d postgres -qA \
        -c "SELECT application_name, state, sync_state, sent_lsn, flush_lsn, replay_lsn FROM pg_stat_replication"
}

case "${1:-}" in
    primary) cmd_primary ;;
    standby) cmd_standby ;;
    promote) cmd_promote ;;
    status) cmd_status ;;
    *) usage ;;
esac
