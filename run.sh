#!/usr/bin/env bash
# Starts ChatApp on this machine: a project-local PostgreSQL (unless CHATAPP_DB names one),
# the migrations, two silos and one gateway. Prints the URLs, restarts a silo or gateway that dies
# (scripts/supervise.sh), and Ctrl-C (or SIGTERM) stops everything it started.
#
#   ./run.sh [--silos N] [--gateways N] [--port PORT] [--silo-port PORT] [--silo-gateway-port PORT]
#            [--admin-port PORT] [--metrics-port PORT] [--configuration Release|Debug] [--no-build]
#            [--logs DIR] [--tls DIR] [--max-restarts N] [--restart-window SECONDS]
#
# Gateway n listens on PORT+n (5080, 5081, ...). Nothing balances between them here: in production
# a load balancer goes in front (docs/deploy.md has an nginx example that passes WebSockets).
# Silo n listens on --silo-port+n (11111..) for silos and --silo-gateway-port+n (30000..) for
# gateways, and serves its dashboard, /metrics and /readyz on --admin-port+n (8080..); gateway n
# serves /metrics on --metrics-port+n (9464..). Moving these bases lets a second copy (a test) run
# beside the first. --configuration picks the servers' build (Release or Debug); --no-build runs
# an existing one instead of building the two servers.
# Silos listen on 127.0.0.1 only, and silos and gateways talk over mutual TLS with certificates of a
# development authority made once in .data/tls/ (Cluster__Tls__Enabled=false: plain TCP, with a warning).
#
# A silo or gateway that dies is started again, on the same ports with the same certificate, after
# 1 s, 2 s, 4 s, ... (at most 30 s); one that dies more than --max-restarts times (5) within
# --restart-window seconds (60) is given up on, and the others keep serving. run.sh exits 1 once it
# has given up on every process, and 0 after Ctrl-C or SIGTERM.
set -euo pipefail
cd "$(dirname "$0")"

usage() {
    echo "usage: ./run.sh [--silos N] [--gateways N] [--port PORT] [--silo-port PORT] [--silo-gateway-port PORT]" >&2
    echo "                [--admin-port PORT] [--metrics-port PORT] [--configuration Release|Debug] [--no-build]" >&2
    echo "                [--logs DIR] [--tls DIR] [--max-restarts N] [--restart-window SECONDS]" >&2
    exit 2
}

silos=2
gateways=1
port="${CHATAPP_PORT:-5080}"
silo_port=11111
silo_gateway_port=30000
admin=""
metrics_port=9464
configuration=Release
build=true
logs=.data/logs
tls_dir=.data/tls
max_restarts=5
restart_window=60
while [[ $# -gt 0 ]]; do
    [[ "$1" == --no-build || $# -ge 2 ]] || usage
    case "$1" in
        --silos) silos="$2"; shift 2 ;;
        --gateways) gateways="$2"; shift 2 ;;
        --port) port="$2"; shift 2 ;;
        --silo-port) silo_port="$2"; shift 2 ;;
        --silo-gateway-port) silo_gateway_port="$2"; shift 2 ;;
        --admin-port) admin="$2"; shift 2 ;;
        --metrics-port) metrics_port="$2"; shift 2 ;;
        --configuration) configuration="$2"; shift 2 ;;
        --no-build) build=false; shift ;;
        --logs) logs="$2"; shift 2 ;;
        --tls) tls_dir="$2"; shift 2 ;;
        --max-restarts) max_restarts="$2"; shift 2 ;;
        --restart-window) restart_window="$2"; shift 2 ;;
        *) usage ;;
    esac
done

# Each silo opens 3 pools to PostgreSQL and each gateway 2; every pool is capped so that all of
# them stay under the server's connections (a stock server: 100, 3 reserved for superusers; the
# rest of the 97 left for psql, migrations and tests). docs/deploy.md, "Sizing the connection pools".
db_connections="${CHATAPP_DB_CONNECTIONS:-90}"
pool_size=$((db_connections / (3 * silos + 2 * gateways)))
if ((pool_size < 2)); then
    echo "$silos silos and $gateways gateways do not fit in $db_connections connections (CHATAPP_DB_CONNECTIONS)" >&2
    exit 2
fi
export Database__MaxPoolSize="${Database__MaxPoolSize:-$pool_size}"

started=$(date +%s%N)
source scripts/dev-env.sh
# Only the two servers are built, not the tests and benchmarks. Not ReadyToRun: compiling them
# ahead of time took a first start a minute longer, and storms of 5,000 hellos on fresh servers were
# answered no faster (bench/README.md, "ReadyToRun measured again").
silo_dir="$PWD/Silo/bin/$configuration/net10.0"
gateway_dir="$PWD/Gateway/bin/$configuration/net10.0"
if [[ $build == true ]]; then
    echo "building…" >&2
    dotnet build Silo -c "$configuration" -nologo -v quiet >&2
    dotnet build Gateway -c "$configuration" -nologo -v quiet >&2
elif [[ ! -f "$silo_dir/ChatApp.Silo.dll" || ! -f "$gateway_dir/ChatApp.Gateway.dll" ]]; then
    echo "--no-build: there is no $configuration build ($silo_dir, $gateway_dir); build it first" >&2
    exit 2
fi
mkdir -p "$logs"
logs="$(cd "$logs" && pwd)" # absolute: gateways run in Gateway/

dotnet "$silo_dir/ChatApp.Silo.dll" migrate >&2

# The cluster's certificates: a development authority and one certificate per process, made once
# (scripts/cluster-certs.sh; delete .data/tls to start over). Paths are absolute: gateways run in Gateway/.
tls=""
if [[ "${Cluster__Tls__Enabled:-true}" != false ]]; then
    mkdir -p "$tls_dir"
    tls="$(cd "$tls_dir" && pwd)"
    names=()
    for ((i = 0; i < silos; i++)); do names+=("silo-$i"); done
    for ((i = 0; i < gateways; i++)); do names+=("gateway-$i"); done
    scripts/cluster-certs.sh "$tls" "${names[@]}"
fi
tls_args() { # process name: sets process_tls to its Cluster:Tls arguments (none for plain TCP)
    process_tls=()
    [[ -z "$tls" ]] || process_tls=("--Cluster:Tls:Certificate=$tls/$1.crt" "--Cluster:Tls:CertificateKey=$tls/$1.key" "--Cluster:Tls:CertificateAuthority=$tls/ca.crt")
}

# Silo admin ports: 8080.., unless that clashes with the gateways' ports (then just above them).
if [[ -z "$admin" ]]; then
    admin=8080; (( port < admin + silos && port + gateways > admin )) && admin=$((port + gateways))
fi

# The processes by name (silo-0, ..., gateway-0, ...), and for each its log, its readiness URL
# and how it is started: scripts/supervise.sh starts, watches and restarts them by these.
processes=()
for ((i = 0; i < silos; i++)); do processes+=("silo-$i"); done
for ((i = 0; i < gateways; i++)); do processes+=("gateway-$i"); done

log_of() { # name
    case "$1" in
        gateway-0) echo "$logs/gateway.log" ;;
        *) echo "$logs/$1.log" ;;
    esac
}
ready_url_of() { # name
    local i="${1#*-}"
    case "$1" in
        silo-*) echo "http://127.0.0.1:$((admin + i))/readyz" ;;
        gateway-*) echo "http://127.0.0.1:$((port + i))/readyz" ;;
    esac
}
launch() { # name: starts it in the background with its output appended to its log; sets launched to its pid
    local i="${1#*-}" log
    log="$(log_of "$1")"
    tls_args "$1"
    case "$1" in
        silo-*)
            dotnet "$silo_dir/ChatApp.Silo.dll" \
                --Orleans:SiloPort=$((silo_port + i)) --Orleans:GatewayPort=$((silo_gateway_port + i)) --Dashboard:Port=$((admin + i)) \
                --Orleans:AdvertisedAddress=127.0.0.1 "${process_tls[@]}" \
                >>"$log" 2>&1 &
            ;;
        gateway-*)
            (cd Gateway && exec dotnet "$gateway_dir/ChatApp.Gateway.dll" --urls "http://127.0.0.1:$((port + i))" --Metrics:Port=$((metrics_port + i)) "${process_tls[@]}") >>"$log" 2>&1 &
            ;;
    esac
    launched=$!
}

# Ready when every gateway reaches both the cluster and the database.
all_ready() {
    for ((i = 0; i < gateways; i++)); do
        curl -fsS --max-time 2 "$(ready_url_of "gateway-$i")" >/dev/null 2>&1 || return 1
    done
}
print_urls() {
    elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
    echo "ChatApp is ready after $((elapsed_ms / 1000)).$(( (elapsed_ms % 1000) / 100 )) s"
    for ((i = 0; i < gateways; i++)); do
        echo "  chat:      http://127.0.0.1:$((port + i))/"
        echo "  health:    http://127.0.0.1:$((port + i))/healthz  http://127.0.0.1:$((port + i))/readyz"
    done
    echo "  admin:     http://127.0.0.1:$port/admin/ (for users granted the role: ./scripts/admin.sh grant NAME)"
    for ((i = 0; i < gateways; i++)); do echo "  metrics:   http://127.0.0.1:$((metrics_port + i))/metrics (gateway $i)"; done
    echo "  silos:     $silos (ports $silo_port.. and gateways $silo_gateway_port.. on 127.0.0.1), logs in $logs/"
    if [[ -n "$tls" ]]; then echo "  cluster:   mutual TLS, certificates in $tls/"; else echo "  cluster:   plain TCP (Cluster__Tls__Enabled=false)"; fi
    for ((i = 0; i < silos; i++)); do echo "  silo $i:    http://127.0.0.1:$((admin + i))/ (Orleans Dashboard; /metrics /healthz /readyz)"; done
    echo "  database:  $CHATAPP_DB (at most $Database__MaxPoolSize connections per pool)"
    echo "Ctrl-C stops everything; a process that dies is restarted (see run.sh's messages here and its log)."
}

source scripts/supervise.sh
supervise
