#!/usr/bin/env bash
# Starts ChatApp on this machine: a project-local PostgreSQL (unless CHATAPP_DB names one),
# the migrations, two silos and one gateway. Prints the URLs; Ctrl-C stops everything it started.
#
#   ./run.sh [--silos N] [--gateways N] [--port PORT]
#
# Gateway n listens on PORT+n (5080, 5081, ...). Nothing balances between them here: in production
# a load balancer goes in front (docs/deploy.md has an nginx example that passes WebSockets).
# Silos listen on 127.0.0.1 only, and silos and gateways talk over mutual TLS with certificates of a
# development authority made once in .data/tls/ (Cluster__Tls__Enabled=false: plain TCP, with a warning).
set -euo pipefail
cd "$(dirname "$0")"

silos=2
gateways=1
port="${CHATAPP_PORT:-5080}"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --silos) silos="$2"; shift 2 ;;
        --gateways) gateways="$2"; shift 2 ;;
        --port) port="$2"; shift 2 ;;
        *) echo "usage: ./run.sh [--silos N] [--gateways N] [--port PORT]" >&2; exit 2 ;;
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
echo "building…" >&2
dotnet build ChatApp.sln -c Release -nologo -v quiet >&2
out=bin/Release/net10.0
logs=.data/logs
mkdir -p "$logs"

dotnet "Silo/$out/ChatApp.Silo.dll" migrate >&2

# The cluster's certificates: a development authority and one certificate per process, made once
# (scripts/cluster-certs.sh; delete .data/tls to start over). Paths are absolute: gateways run in Gateway/.
tls=""
if [[ "${Cluster__Tls__Enabled:-true}" != false ]]; then
    tls="$PWD/.data/tls"
    names=()
    for ((i = 0; i < silos; i++)); do names+=("silo-$i"); done
    for ((i = 0; i < gateways; i++)); do names+=("gateway-$i"); done
    scripts/cluster-certs.sh "$tls" "${names[@]}"
fi
tls_args() { # process name: sets process_tls to its Cluster:Tls arguments (none for plain TCP)
    process_tls=()
    [[ -z "$tls" ]] || process_tls=("--Cluster:Tls:Certificate=$tls/$1.crt" "--Cluster:Tls:CertificateKey=$tls/$1.key" "--Cluster:Tls:CertificateAuthority=$tls/ca.crt")
}

pids=()
stop() {
    trap - INT TERM EXIT
    echo "stopping…" >&2
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop INT TERM EXIT

admin=8080; (( port < admin + silos && port + gateways > admin )) && admin=$((port + gateways)) # silo admin ports, clear of the gateways'
for ((i = 0; i < silos; i++)); do
    tls_args "silo-$i"
    dotnet "Silo/$out/ChatApp.Silo.dll" \
        --Orleans:SiloPort=$((11111 + i)) --Orleans:GatewayPort=$((30000 + i)) --Dashboard:Port=$((admin + i)) \
        --Orleans:AdvertisedAddress=127.0.0.1 "${process_tls[@]}" \
        >"$logs/silo-$i.log" 2>&1 &
    pids+=($!)
done
for ((i = 0; i < gateways; i++)); do
    log="$logs/gateway.log"; ((i == 0)) || log="$logs/gateway-$i.log"
    tls_args "gateway-$i"
    (cd Gateway && exec dotnet "$out/ChatApp.Gateway.dll" --urls "http://127.0.0.1:$((port + i))" --Metrics:Port=$((9464 + i)) "${process_tls[@]}") >"$log" 2>&1 &
    pids+=($!)
done

# Ready when every gateway reaches both the cluster and the database.
all_ready() {
    for ((i = 0; i < gateways; i++)); do
        curl -fsS "http://127.0.0.1:$((port + i))/readyz" >/dev/null 2>&1 || return 1
    done
}
for _ in $(seq 1 120); do
    if all_ready; then break; fi
    for pid in "${pids[@]}"; do
        kill -0 "$pid" 2>/dev/null || { echo "a process died; see $logs/" >&2; exit 1; }
    done
    sleep 0.5
done
all_ready || { echo "not ready after 60 s; see $logs/" >&2; exit 1; }

elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo "ChatApp is ready after $((elapsed_ms / 1000)).$(( (elapsed_ms % 1000) / 100 )) s"
for ((i = 0; i < gateways; i++)); do
    echo "  chat:      http://127.0.0.1:$((port + i))/"
    echo "  health:    http://127.0.0.1:$((port + i))/healthz  http://127.0.0.1:$((port + i))/readyz"
done
echo "  admin:     http://127.0.0.1:$port/admin/ (for users granted the role: ./scripts/admin.sh grant NAME)"
for ((i = 0; i < gateways; i++)); do echo "  metrics:   http://127.0.0.1:$((9464 + i))/metrics (gateway $i)"; done
echo "  silos:     $silos (ports 11111.. and gateways 30000.. on 127.0.0.1), logs in $logs/"
if [[ -n "$tls" ]]; then echo "  cluster:   mutual TLS, certificates in $tls/"; else echo "  cluster:   plain TCP (Cluster__Tls__Enabled=false)"; fi
for ((i = 0; i < silos; i++)); do echo "  silo $i:    http://127.0.0.1:$((admin + i))/ (Orleans Dashboard; /metrics /healthz /readyz)"; done
echo "  database:  $CHATAPP_DB (at most $Database__MaxPoolSize connections per pool)"
echo "Ctrl-C stops everything."
wait -n "${pids[@]}" || true
echo "a process exited; see $logs/" >&2
