#!/usr/bin/env bash
# The ejabberd peer of the benchmark: installs Debian's ejabberd when missing (never as a running
# system service) and runs an instance of the bench's own, on private ports of 127.0.0.1, with its
# config, spool and logs in a folder of its own and users, rooms and archive in a database of its
# own on the bench's PostgreSQL.
#
#   bench/ejabberd/ejabberd.sh install                    apt-get install ejabberd erlang-p1-pgsql if missing
#   bench/ejabberd/ejabberd.sh start PG_CONN_STRING        (re)creates its database and schema, starts the node, waits
#   bench/ejabberd/ejabberd.sh stop | pids | ctl ARGS…
#
# Environment: BENCH_EJABBERD_PORT (WebSocket, default 5411), BENCH_EJABBERD_API_PORT (5412),
# BENCH_EJABBERD_POOL (SQL pool, default 10: ejabberd's default), BENCH_EJABBERD_DIR.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
port="${BENCH_EJABBERD_PORT:-5411}"
api_port="${BENCH_EJABBERD_API_PORT:-5412}"
pool="${BENCH_EJABBERD_POOL:-10}"
dir="${BENCH_EJABBERD_DIR:-/var/tmp/chatapp-bench-ejabberd-$(printf '%s' "$repo" | sha256sum | cut -c1-12)}"
node="chatapp-bench-$(printf '%s' "$repo" | sha256sum | cut -c1-6)@localhost"
database=ejabberd_bench

ctl() {
    # Its own node name, config and folders; Erlang distribution and epmd on loopback only. Run as
    # the ejabberd user with the hard open-file limit: when root runs ejabberdctl, it starts the
    # node through su, whose PAM session sets the soft limit back to 1,024 (about 1,000 sockets).
    local command
    command=$(printf ' %q' ejabberdctl --node "$node" --config-dir "$dir/etc" --config "$dir/etc/ejabberd.yml" \
        --ctl-config "$dir/etc/ejabberdctl.cfg" --spool "$dir/spool" --logs "$dir/logs" "$@")
    timeout 120 su -s /bin/bash ejabberd -c "ulimit -n \"\$(ulimit -Hn)\"; export ERL_EPMD_ADDRESS=127.0.0.1; exec$command"
}

install() {
    if command -v ejabberdctl >/dev/null && dpkg -s erlang-p1-pgsql >/dev/null 2>&1; then never_a_service; return 0; fi
    echo "ejabberd: installing Debian's ejabberd and its PostgreSQL driver (apt-get)…" >&2
    # A policy-rc.d of 101 keeps the package's service from starting while it installs (as in
    # containers); where there was none, one is put there for the install only.
    local policy=/usr/sbin/policy-rc.d added=0
    if [[ ! -e "$policy" ]]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; added=1; fi
    timeout 600 apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends ejabberd erlang-p1-pgsql >&2 || { ((added)) && rm -f "$policy"; return 1; }
    ((added)) && rm -f "$policy"
    # Erlang's package enables its name server (epmd) as a service of its own: not one either. Only
    # here, where this script installed it; the node starts an epmd of its own on loopback.
    if command -v systemctl >/dev/null; then systemctl disable epmd.service epmd.socket >/dev/null 2>&1 || true; fi
    rm -f /etc/systemd/system/multi-user.target.wants/epmd.service /etc/systemd/system/sockets.target.wants/epmd.socket
    never_a_service
}

# Never a system service: disabled, and stopped if the package started one anyway (however it was installed).
never_a_service() {
    if command -v systemctl >/dev/null; then systemctl disable --now ejabberd >/dev/null 2>&1 || true; fi
    rm -f /etc/systemd/system/multi-user.target.wants/ejabberd.service
    # Only if the package's own node (ejabberd@…) runs: an ejabberdctl call would start an epmd.
    if pgrep -f "beam.*name ejabberd@" >/dev/null; then ejabberdctl stop >/dev/null 2>&1 || true; fi
}

start() {
    local conn="$1"
    # key=value;… → the parts ejabberd's config needs.
    local host pgport user password
    host=$(sed -n 's/.*Host=\([^;]*\).*/\1/p' <<<"$conn"); pgport=$(sed -n 's/.*Port=\([^;]*\).*/\1/p' <<<"$conn")
    user=$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$conn"); password=$(sed -n 's/.*Password=\([^;]*\).*/\1/p' <<<"$conn")
    [[ "$host" == 127.0.0.1 || "$host" == localhost ]] || { echo "ejabberd: the bench's PostgreSQL must be on loopback" >&2; return 1; }
    # epmd (Erlang's name server) is started by the first ejabberdctl when none runs (the stop just
    # below included): then stop stops it too.
    pgrep -x epmd >/dev/null || touch "$dir.started-epmd"
    stop_node >/dev/null 2>&1 || true
    rm -rf "$dir"; mkdir -p "$dir/etc" "$dir/spool" "$dir/logs"
    sed -e "s/@PORT@/$port/; s/@API_PORT@/$api_port/; s/@PG_PORT@/$pgport/; s/@PG_DATABASE@/$database/" \
        -e "s/@PG_USER@/$user/; s/@PG_PASSWORD@/$password/; s/@POOL@/$pool/" "$here/ejabberd.yml.in" >"$dir/etc/ejabberd.yml"
    # ejabberd's advice for many connections: enough Erlang ports and processes.
    cat >"$dir/etc/ejabberdctl.cfg" <<CFG
ERL_MAX_PORTS=65536
ERL_PROCESSES=1000000
INET_DIST_INTERFACE=127.0.0.1
ERL_EPMD_ADDRESS=127.0.0.1
ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"
EJABBERD_PID_PATH=$dir/ejabberd.pid
CFG
    cp /etc/ejabberd/inetrc "$dir/etc/" 2>/dev/null || true
    chown -R ejabberd:ejabberd "$dir"; chmod 700 "$dir"
    # Its own database, with the schema Debian's package ships for PostgreSQL.
    PGPASSWORD="$password" psql -q -h "$host" -p "$pgport" -U "$user" -d postgres -v ON_ERROR_STOP=1 \
        -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database" >&2
    PGPASSWORD="$password" psql -q -h "$host" -p "$pgport" -U "$user" -d "$database" -v ON_ERROR_STOP=1 \
        -f /usr/share/ejabberd/sql/pg.sql >/dev/null
    ctl start
    # Up when its API answers, within 90 s; given up on as soon as its VM is gone.
    local deadline=$((SECONDS + 90))
    while ((SECONDS < deadline)); do
        pids >/dev/null || break
        if curl -fsS -o /dev/null -m 5 "http://127.0.0.1:$api_port/api/status" -X POST -d '{}' 2>/dev/null; then
            echo "Host=$host;Port=$pgport;Username=$user;Password=$password;Database=$database"
            return 0
        fi
        sleep 0.5
    done
    echo "ejabberd: not up; see $dir/logs/" >&2; tail -5 "$dir/logs/error.log" >&2 || true
    return 1
}

stop() {
    stop_node
    if [[ -e "$dir.started-epmd" ]]; then
        # epmd refuses while a node is still registered (the control node of the stop, briefly).
        for _ in $(seq 1 20); do
            pgrep -u ejabberd -x epmd >/dev/null || break
            ERL_EPMD_ADDRESS=127.0.0.1 epmd -kill >/dev/null 2>&1 || true
            sleep 0.5
        done
        rm -f "$dir.started-epmd"
    fi
}

stop_node() {
    # Not running: no ejabberdctl call, as one would start an epmd of its own.
    pids >/dev/null || return 0
    ctl stop >/dev/null 2>&1 || true
    local gone=0
    for _ in $(seq 1 40); do pids >/dev/null || { gone=1; break; }; sleep 0.5; done
    # Still there: its own VM only (found by its node name), never anyone else's.
    ((gone)) || for pid in $(pids); do kill -KILL "$pid" 2>/dev/null || true; done
}

pids() { # the node's Erlang VM, by its node name
    pgrep -f -- "beam.*-sname $node" || pgrep -f -- "beam.*-name $node"
}

case "${1:-}" in
    install) install ;;
    start) start "${2:?the bench PostgreSQL connection string}" ;;
    stop) stop ;;
    pids) pids ;;
    ctl) shift; ctl "$@" ;;
    *) echo "usage: $0 install|start CONN|stop|pids|ctl ARGS" >&2; exit 2 ;;
esac
