#!/usr/bin/env bash
# Benchmarks ChatApp against a bare WebSocket server (bench/Baseline) on this machine.
#
#   ./bench.sh <connections|fanout|hotroom|durable|history|search|presence|bigroom|scaling|hellostorm|reactions|uploads|all> [load generator options]
#   ./bench.sh chaos-partitions [RUNS]   (bench/chaos-partitions.sh: the partition tests RUNS times, a table in bench/README.md)
#
# For each scenario: builds in Release (the servers published ReadyToRun), re-creates the bench's database (chatapp_bench on the bench's
# own PostgreSQL, scripts/pg.sh with the bench's options: durable settings, port 55433), applies the migrations, starts 2 silos,
# the gateways and as many baseline processes on ports of their own, runs bench/LoadGen against both,
# stops everything, and writes bench/results/<scenario>.{json,md,png}; then the table in bench/README.md.
# Every step is bounded in time and all traffic stays on 127.0.0.0/8. Gateways: BENCH_GATEWAYS, else 2
# for connections and bigroom (20,000 sockets do not fit in one process where the hard open-file limit is 20,000)
# and 1 for the rest. hellostorm runs against the bench's PostgreSQL restarted with max_connections
# 100 (PostgreSQL's default; BENCH_STORM_PG_MAX_CONNECTIONS), the others with 400. Ports (environment, defaults): BENCH_PORT gateway 5381+g, BENCH_BASELINE_PORT
# 5391+g, BENCH_PG_PORT 55433, BENCH_SILO_PORT 11411+i, BENCH_SILO_GATEWAY_PORT 30411+i,
# BENCH_ADMIN_PORT 8411+i. BENCH_READY_TO_RUN=0: servers without ReadyToRun; BENCH_PUBLISH=0: the servers the last run published.
# Peers (bench/README.md, "Peers: ejabberd and SignalR"), for connections, fanout, hotroom and durable unless
# BENCH_PEERS=0: bench/SignalRPeer (as many processes as gateways, BENCH_SIGNALR_PORT 5401+g, database
# signalr_bench) and ejabberd (bench/ejabberd/ejabberd.sh: Debian's package installed when missing, its own
# node on BENCH_EJABBERD_PORT 5411 and BENCH_EJABBERD_API_PORT 5412, database ejabberd_bench). Options go to the load generator, e.g.
#   ./bench.sh connections --n 5000        ./bench.sh fanout --rooms 10 --members 50 --duration 20
#   ./bench.sh bigroom,scaling              (several scenarios, one build; the options go to each)
set -euo pipefail
cd "$(dirname "$0")"

# Network faults are a chaos bench of their own (partition tests on simulated hosts), not a load scenario.
if [[ "${1:-}" == chaos-partitions ]]; then shift; exec bench/chaos-partitions.sh "$@"; fi

all=(connections fanout hotroom durable history search presence bigroom scaling hellostorm reactions uploads)
# One scenario, several separated by commas (built once, run in that order), or all.
scenario="${1:-}"
if [[ "$scenario" == all ]]; then
    scenarios=("${all[@]}")
else
    IFS=, read -ra scenarios <<<"$scenario"
    known=0
    for name in "${scenarios[@]}"; do
        [[ -n "$name" && " ${all[*]} " == *" $name "* ]] && known=$((known + 1))
    done
    if ((known == 0 || known != ${#scenarios[@]})); then
        echo "usage: ./bench.sh <$(IFS="|"; echo "${all[*]}")|all>[,…] [load generator options]" >&2; exit 2
    fi
fi
shift

silos="${BENCH_SILOS:-2}"
port="${BENCH_PORT:-5381}"
baseline_port="${BENCH_BASELINE_PORT:-5391}"
signalr_port="${BENCH_SIGNALR_PORT:-5401}"
export BENCH_EJABBERD_PORT="${BENCH_EJABBERD_PORT:-5411}" BENCH_EJABBERD_API_PORT="${BENCH_EJABBERD_API_PORT:-5412}"
# The scenarios the peers can run (the others need frames of ChatApp's protocol).
peer_scenarios=" connections fanout hotroom durable "
peers="${BENCH_PEERS:-1}"
# Silo i listens on SILO_PORT+i (silo to silo), SILO_GATEWAY_PORT+i (the gateway's cluster client) and
# ADMIN_PORT+i (dashboard, metrics): all changeable, so that two checkouts can bench side by side.
silo_port="${BENCH_SILO_PORT:-11411}"
silo_gateway_port="${BENCH_SILO_GATEWAY_PORT:-30411}"
admin_port="${BENCH_ADMIN_PORT:-8411}"
max_seconds="${BENCH_MAX_SECONDS:-900}"   # per scenario, both targets
out=bin/Release/net10.0
# BENCH_RESULTS: another folder for the reports (e.g. bench/results/peers for runs at other sizes);
# the table in bench/README.md is written only from bench/results.
results="${BENCH_RESULTS:-bench/results}"
logs=.data/bench-logs
mkdir -p "$results" "$logs"

# Sockets are files: take the most this shell may (the hard limit bounds the connections scenario).
export PATH="$PATH:$HOME/.dotnet/tools"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# The bench's own PostgreSQL: scripts/pg.sh with a cluster, port and database of the bench's, so that
# the benchmark neither competes with tests for the 100 connections of the development server nor
# measures its non-durable settings. Durable like production (fsync and synchronous_commit on: an
# acknowledged message has reached the disk) unless BENCH_PG_DURABLE=0; max_connections 400, since
# 2 silos and a gateway each keep Npgsql pools of up to 100 connections per connection string, unless
# BENCH_PG_MAX_CONNECTIONS says otherwise (each scenario starts it with its own; scripts/pg.sh
# restarts the server when the settings change). CHATAPP_DB, which names the bench's database once
# set below, is not this server's to trust.
pg_port="${BENCH_PG_PORT:-55433}"
pg_data="/var/tmp/chatapp-bench-pg-$(printf '%s' "$PWD" | sha256sum | cut -c1-12)"
bench_pg() { # [--max-connections N] start|stop|pid
    local durable=()
    if [[ "${BENCH_PG_DURABLE:-1}" == 1 ]]; then durable=(--durable); fi
    env -u CHATAPP_DB scripts/pg.sh --port "$pg_port" --data "$pg_data" --database chatapp_bench \
        --shared-buffers 512MB "${durable[@]}" "$@"
}

# BENCH_DB may name another server's database (its name must contain "bench": it is dropped).
bench_db="${BENCH_DB:-$(bench_pg --max-connections "${BENCH_PG_MAX_CONNECTIONS:-400}" start)}"
# The development signing key (Auth__SigningKey) as run.sh uses it; with CHATAPP_DB set to the
# bench's database, scripts/pg.sh starts no server of its own.
export CHATAPP_DB="$bench_db"
source scripts/dev-env.sh

# The servers are published ReadyToRun (code compiled ahead of time), as every report so far was;
# the baseline too, so that the ratio compares like with like. A deployment and ./run.sh publish
# without it: storms on fresh servers were answered no faster with it (bench/README.md, "ReadyToRun
# measured again"). BENCH_READY_TO_RUN=0 publishes JIT-only builds instead.
ready_to_run="${BENCH_READY_TO_RUN:-1}"
[[ "$ready_to_run" == 1 ]] && r2r=true || r2r=false
echo "bench: publishing the servers (Release, ReadyToRun=$r2r) and building the load generator…" >&2
build=.data/bench-build
tls="$PWD/.data/tls" # absolute: the gateways run in their build folder
publish=(Silo Gateway bench/Baseline)
[[ "$peers" != 1 ]] || publish+=(bench/SignalRPeer)
# BENCH_PUBLISH=0 reuses the servers published by the last run (.data/bench-build), e.g. to run again at another size.
[[ "${BENCH_PUBLISH:-1}" == 1 ]] || publish=()
for project in "${publish[@]}"; do
    timeout 600 dotnet publish "$project" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=$r2r \
        -o "$build/$(basename "$project")" -nologo -v quiet >&2
done
timeout 600 dotnet build bench/LoadGen -c Release -nologo -v quiet >&2
loadgen=(dotnet "bench/LoadGen/$out/ChatApp.Bench.LoadGen.dll")
# Debian's ejabberd, installed when missing (never left as a running or enabled system service).
if [[ "$peers" == 1 ]]; then bench/ejabberd/ejabberd.sh install; fi

# The per-user and per-address abuse limits would throttle a load generator that is thousands of
# users on one address (hellostorm opens 5,000 sockets from 127.0.0.1, connections 20,000 over two
# gateways): raised for the benchmark only, and said so in every report.
limits=(
    Limits__AuthCallsPerAddressPerMinute=1000000
    Limits__SocketsPerAddress=1000000 Limits__SocketsInTotal=1000000
    Limits__MessagesPerSecond=100000 Limits__MessageBurst=100000
    Limits__FramesPerSecond=100000 Limits__FrameBurst=100000
    Limits__SearchesPerSecond=100000 Limits__SearchBurst=100000
    Limits__HistoryReadsPerSecond=100000 Limits__HistoryReadBurst=100000
    Limits__ReactionsPerSecond=100000 Limits__ReactionBurst=100000
    Attachments__UserQuotaBytes=1000000000000 Attachments__RoomQuotaBytes=1000000000000
)
# The silos' own per-user limits (rooms a join may create, new direct rooms, rooms per user): a
# fanout run's users each create rooms by joining, faster than a person would.
silo_limits=(
    Limits__JoinCreatedRoomsBurst=1000000 Limits__JoinCreatedRoomsPerMinute=1000000
    Limits__DirectRoomsBurst=1000000 Limits__DirectRoomsPerMinute=1000000
)
system_env=(ConnectionStrings__Chat="$bench_db" CHATAPP_DB="$bench_db" Orleans__ClusterId=chatapp-bench Orleans__ServiceId=chatapp-bench)
# BENCH_SERVER_ENV="NAME=value …": more environment for the silos and gateways only (a runtime setting
# compared both ways without touching the load generator, the baseline or the peers).
read -ra server_env <<<"${BENCH_SERVER_ENV:-}"

pids=()
stop_all() {
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 1 40); do
        local alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        ((alive)) || break
        sleep 0.5
    done
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    pids=()
}
finish() {
    stop_all
    [[ "$peers" != 1 ]] || bench/ejabberd/ejabberd.sh stop || true
    if [[ -z "${BENCH_DB:-}" && "${BENCH_KEEP_PG:-0}" != 1 ]]; then bench_pg stop || true; fi
}
trap finish EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT TERM

wait_ready() { # url seconds
    local deadline=$((SECONDS + $2))
    until curl -fsS "$1" >/dev/null 2>&1; do
        for pid in "${pids[@]}"; do
            kill -0 "$pid" 2>/dev/null || { echo "bench: a process died; see $logs/" >&2; return 1; }
        done
        ((SECONDS < deadline)) || { echo "bench: $1 not ready after $2 s; see $logs/" >&2; return 1; }
        sleep 0.5
    done
}

status=0
for name in "${scenarios[@]}"; do
    gateways="${BENCH_GATEWAYS:-}"
    [[ -n "$gateways" ]] || { [[ "$name" == connections || "$name" == bigroom ]] && gateways=2 || gateways=1; }
    # PostgreSQL's default max_connections for the storm of hellos, the bench's 400 for the rest
    # (scripts/pg.sh restarts the server only when the setting changes).
    pg_max=400
    [[ "$name" != hellostorm ]] || pg_max="${BENCH_STORM_PG_MAX_CONNECTIONS:-100}"
    if [[ -z "${BENCH_DB:-}" ]]; then bench_pg --max-connections "$pg_max" start >/dev/null; fi
    # hellostorm opens every socket before any hello: the gateway's 10 s for a hello would close the
    # first ones while the last are still opening, so the run allows 3 minutes (and says so).
    run_limits=("${limits[@]}")
    [[ "$name" != hellostorm ]] || run_limits+=(Gateway__HelloTimeout=00:03:00)
    # Every pool capped as run.sh caps them: all processes together stay 10 under the server's limit.
    pool_size=$(( (pg_max - 10) / (3 * silos + 2 * gateways) ))
    export Database__MaxPoolSize="${BENCH_POOL_SIZE:-$pool_size}"
    if ((port < baseline_port + gateways && baseline_port < port + gateways)); then
        echo "bench: the gateways' ports ($port..) and the baseline's ($baseline_port..) overlap for $gateways of each" >&2
        exit 2
    fi
    echo "bench: ── $name ── fresh database, starting $silos silos (:$silo_port.., :$silo_gateway_port.., admin :$admin_port..) + $gateways gateway(s) on :$port.. and $gateways baseline process(es) on :$baseline_port.." >&2
    env "${system_env[@]}" timeout 60 "${loadgen[@]}" reset-db --db "$bench_db"
    env "${system_env[@]}" timeout 120 dotnet "$build/Silo/ChatApp.Silo.dll" migrate >"$logs/migrate.log" 2>&1

    # Silos and gateways talk over mutual TLS as run.sh starts them (the default, and what production
    # runs): certificates of the development authority in .data/tls, made once (scripts/cluster-certs.sh).
    tls_names=()
    for ((i = 0; i < silos; i++)); do tls_names+=("silo-$i"); done
    for ((g = 0; g < gateways; g++)); do tls_names+=("gateway-$g"); done
    scripts/cluster-certs.sh "$tls" "${tls_names[@]}"

    silo_pids=() silo_metrics=()
    for ((i = 0; i < silos; i++)); do
        # Advertised on 127.0.0.1 and listening there only: silo traffic stays on loopback too.
        env "${system_env[@]}" "${silo_limits[@]}" ${server_env[@]+"${server_env[@]}"} dotnet "$build/Silo/ChatApp.Silo.dll" \
            --Orleans:SiloPort=$((silo_port + i)) --Orleans:GatewayPort=$((silo_gateway_port + i)) \
            --Orleans:AdvertisedAddress=127.0.0.1 --Orleans:ListenOnAnyHostAddress=false \
            "--Cluster:Tls:Certificate=$tls/silo-$i.crt" "--Cluster:Tls:CertificateKey=$tls/silo-$i.key" "--Cluster:Tls:CertificateAuthority=$tls/ca.crt" \
            --Dashboard:Port=$((admin_port + i)) >"$logs/$name-silo-$i.log" 2>&1 &
        pids+=($!)
        silo_pids+=("silo$i=$!")
        # Orleans' message counters, which fanout and durable read per chat message.
        silo_metrics+=("http://127.0.0.1:$((admin_port + i))/metrics")
    done
    gateway_pids=() gateway_urls=() baseline_pids=() baseline_urls=()
    for ((g = 0; g < gateways; g++)); do
        # The first keeps the names of the one-gateway runs (gateway, its log), so that reports compare.
        suffix=""; ((g == 0)) || suffix="$g"
        (cd "$build/Gateway" && exec env "${system_env[@]}" "${run_limits[@]}" ${server_env[@]+"${server_env[@]}"} dotnet ChatApp.Gateway.dll --urls "http://127.0.0.1:$((port + g))" \
            "--Cluster:Tls:Certificate=$tls/gateway-$g.crt" "--Cluster:Tls:CertificateKey=$tls/gateway-$g.key" "--Cluster:Tls:CertificateAuthority=$tls/ca.crt") \
            >"$logs/$name-gateway${suffix:+-$suffix}.log" 2>&1 &
        pids+=($!)
        gateway_pids+=("gateway$suffix=$!")
        gateway_urls+=("http://127.0.0.1:$((port + g))")
        dotnet "$build/Baseline/ChatApp.Bench.Baseline.dll" --urls "http://127.0.0.1:$((baseline_port + g))" >"$logs/$name-baseline${suffix:+-$suffix}.log" 2>&1 &
        pids+=($!)
        baseline_pids+=("baseline$suffix=$!")
        baseline_urls+=("http://127.0.0.1:$((baseline_port + g))")
    done

    # The peers, for the scenarios they can run: each with a fresh database of its own on the bench's PostgreSQL.
    peer_args=() ejabberd_up=0
    if [[ "$peers" == 1 && "$peer_scenarios" == *" $name "* ]]; then
        signalr_db="${bench_db/Database=chatapp_bench/Database=signalr_bench};Maximum Pool Size=$Database__MaxPoolSize"
        timeout 60 "${loadgen[@]}" reset-db --db "$signalr_db"
        signalr_pids=() signalr_urls=()
        for ((g = 0; g < gateways; g++)); do
            suffix=""; ((g == 0)) || suffix="$g"
            ConnectionStrings__Chat="$signalr_db" dotnet "$build/SignalRPeer/ChatApp.Bench.SignalRPeer.dll" --urls "http://127.0.0.1:$((signalr_port + g))" \
                >"$logs/$name-signalr${suffix:+-$suffix}.log" 2>&1 &
            pids+=($!)
            signalr_pids+=("signalr$suffix=$!")
            signalr_urls+=("http://127.0.0.1:$((signalr_port + g))")
        done
        # ejabberd's SQL pool as large as one ChatApp process's Npgsql pool.
        export BENCH_EJABBERD_POOL="${BENCH_EJABBERD_POOL_SIZE:-$Database__MaxPoolSize}"
        ejabberd_db="$(bench/ejabberd/ejabberd.sh start "$bench_db")" && ejabberd_up=1
        if ((ejabberd_up)); then
            ejabberd_pids="$(bench/ejabberd/ejabberd.sh pids | head -1)"
            peer_args+=(--ejabberd "http://127.0.0.1:$BENCH_EJABBERD_PORT" --ejabberd-pids "ejabberd=$ejabberd_pids"
                --ejabberd-api "http://127.0.0.1:$BENCH_EJABBERD_API_PORT" --ejabberd-db "$ejabberd_db")
        else
            echo "bench: ejabberd did not start; running without it" >&2
        fi
        peer_args+=(--signalr "$(IFS=,; echo "${signalr_urls[*]}")" --signalr-pids "$(IFS=,; echo "${signalr_pids[*]}")" --signalr-db "$signalr_db")
    fi

    ready=1
    for ((g = 0; g < gateways; g++)); do
        wait_ready "${gateway_urls[g]}/readyz" 120 && wait_ready "${baseline_urls[g]}/healthz" 60 || { ready=0; break; }
        if ((${#peer_args[@]})); then wait_ready "${signalr_urls[g]}/healthz" 60 || { ready=0; break; }; fi
    done
    if ((ready)); then
        chatapp_pids="$(IFS=,; echo "${gateway_pids[*]},${silo_pids[*]}")"
        # BENCH_COUNTERS=1: dotnet-counters (a dotnet tool) records runtime and Orleans counters of each process.
        counter_pids=()
        if [[ "${BENCH_COUNTERS:-0}" == 1 ]] && command -v dotnet-counters >/dev/null; then
            for entry in ${chatapp_pids//,/ } "${baseline_pids[@]}"; do
                dotnet-counters collect -p "${entry#*=}" --format csv --refresh-interval 1 \
                    --counters System.Runtime,Microsoft.AspNetCore.Hosting,Microsoft.Orleans \
                    -o "$results/$name-counters-${entry%%=*}.csv" >/dev/null 2>&1 &
                counter_pids+=($!)
            done
        fi
        # Our own cluster's main process: only it and its children count as PostgreSQL's CPU.
        pg_pid=()
        if [[ -z "${BENCH_DB:-}" ]] && main_pid="$(bench_pg pid 2>/dev/null)"; then pg_pid=(--pg-pid "$main_pid"); fi
        timeout --signal=INT --kill-after=30 $((max_seconds + 60)) "${loadgen[@]}" run "$name" \
            --chatapp "$(IFS=,; echo "${gateway_urls[*]}")" --chatapp-pids "$chatapp_pids" "${pg_pid[@]}" \
            --silo-metrics "$(IFS=,; echo "${silo_metrics[*]}")" \
            --baseline "$(IFS=,; echo "${baseline_urls[*]}")" --baseline-pids "$(IFS=,; echo "${baseline_pids[*]}")" \
            --db "$bench_db" --out "$results" --max-seconds "$max_seconds" \
            --system "$silos silos + $gateways gateway(s), Release builds published with ReadyToRun=$r2r, default logging, own PostgreSQL (scripts/pg.sh on :$pg_port, durable=${BENCH_PG_DURABLE:-1}, max_connections=$pg_max); baseline: bench/Baseline ($gateways process(es))${peer_args[*]:+; peers: bench/SignalRPeer ($gateways process(es), Npgsql pool $Database__MaxPoolSize each), ejabberd 23.01 (Debian; bench/ejabberd, SQL pool $BENCH_EJABBERD_POOL)}" \
            --pg-max-connections "$pg_max" "${peer_args[@]}" \
            --limits "${run_limits[*]}" "$@" || status=$?
        for pid in "${counter_pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
    else
        status=1
    fi
    echo "bench: stopping" >&2
    stop_all
    if ((ejabberd_up)); then bench/ejabberd/ejabberd.sh stop; fi
done

if [[ "$results" == bench/results ]]; then
    "${loadgen[@]}" readme --out "$results" --readme bench/README.md
    echo "bench: results in $results/ and bench/README.md" >&2
else
    echo "bench: results in $results/" >&2
fi
exit "$status"
