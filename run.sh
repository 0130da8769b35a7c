#!/usr/bin/env bash
# Starts ChatApp on this machine: a project-local PostgreSQL (unless CHATAPP_DB names one),
# the migrations, two silos and one gateway. Prints the URLs; Ctrl-C stops everything it started.
#
#   ./run.sh [--silos N] [--port PORT]
set -euo pipefail
cd "$(dirname "$0")"

silos=2
port="${CHATAPP_PORT:-5080}"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --silos) silos="$2"; shift 2 ;;
        --port) port="$2"; shift 2 ;;
        *) echo "usage: ./run.sh [--silos N] [--port PORT]" >&2; exit 2 ;;
    esac
done

started=$(date +%s%N)
source scripts/dev-env.sh
echo "building…" >&2
dotnet build ChatApp.sln -c Release -nologo -v quiet >&2
out=bin/Release/net10.0
logs=.data/logs
mkdir -p "$logs"

dotnet "Silo/$out/ChatApp.Silo.dll" migrate >&2

pids=()
stop() {
    trap - INT TERM EXIT
    echo "stopping…" >&2
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop INT TERM EXIT

for ((i = 0; i < silos; i++)); do
    dotnet "Silo/$out/ChatApp.Silo.dll" \
        --Orleans:SiloPort=$((11111 + i)) --Orleans:GatewayPort=$((30000 + i)) \
        >"$logs/silo-$i.log" 2>&1 &
    pids+=($!)
done
(cd Gateway && exec dotnet "$out/ChatApp.Gateway.dll" --urls "http://127.0.0.1:$port") >"$logs/gateway.log" 2>&1 &
pids+=($!)

# Ready when the gateway reaches both the cluster and the database.
for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
    for pid in "${pids[@]}"; do
        kill -0 "$pid" 2>/dev/null || { echo "a process died; see $logs/" >&2; exit 1; }
    done
    sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { echo "not ready after 60 s; see $logs/" >&2; exit 1; }

elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo "ChatApp is ready after $((elapsed_ms / 1000)).$(( (elapsed_ms % 1000) / 100 )) s"
echo "  chat:      http://127.0.0.1:$port/"
echo "  health:    http://127.0.0.1:$port/healthz  http://127.0.0.1:$port/readyz"
echo "  silos:     $silos (ports 11111.. and gateways 30000..), logs in $logs/"
echo "  database:  $CHATAPP_DB"
echo "Ctrl-C stops everything."
wait -n "${pids[@]}" || true
echo "a process exited; see $logs/" >&2
