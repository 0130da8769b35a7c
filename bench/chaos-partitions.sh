#!/usr/bin/env bash
# The chaos bench of network faults: runs the partition tests (tests/Failover.Tests, PartitionTests:
# a silo cut off from the other silos, a gateway cut off from every silo, 50 ms each way and 1 % loss between gateway
# and silos, a silo cut off from PostgreSQL) RUNS times, each on hosts simulated with network
# namespaces (scripts/netns-cluster.sh; needs root and nftables), and writes what each fault cost
# into bench/README.md between the chaos-partitions markers, and bench/results/chaos-partitions.{tsv,md}.
#
#   ./bench.sh chaos-partitions [RUNS]      (or bench/chaos-partitions.sh [RUNS]; RUNS 3 by default)
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-3}"
[[ "$runs" =~ ^[1-9][0-9]?$ ]] || { echo "usage: bench/chaos-partitions.sh [RUNS 1-99]" >&2; exit 2; }
source scripts/dev-env.sh
timeout 900 dotnet build tests/Failover.Tests -nologo -v quiet >&2

results=bench/results
mkdir -p "$results"
tsv="$PWD/$results/chaos-partitions.tsv"
: >"$tsv"
loads=() failed_runs=0 started=$SECONDS
for run in $(seq 1 "$runs"); do
    loads+=("$(cut -d' ' -f1 /proc/loadavg)")
    echo "chaos-partitions: run $run of $runs (load average ${loads[-1]})" >&2
    # Each test appends one line per fault (tests/Failover.Tests/Support/FaultReport.cs).
    CHATAPP_FAULT_RESULTS="$tsv" timeout 1800 dotnet test tests/Failover.Tests --no-build -nologo \
        --filter "FullyQualifiedName~PartitionTests" --logger "console;verbosity=normal" >&2 || failed_runs=$((failed_runs + 1))
done
minutes=$(( (SECONDS - started + 59) / 60 ))

# One row per fault: how often it was measured, the messages acknowledged, lost and duplicated in all
# runs together, and the longest wait for an acknowledgement (min / median / max over the runs).
table="$(sort -t$'\t' -k1,1 -k5,5g "$tsv" | awk -F'\t' '
    { n[$1]++; ack[$1] += $2; lost[$1] += $3; dup[$1] += $4; wait[$1, n[$1]] = $5; note[$1] = $6 }
    END {
        print "| fault | runs | acknowledged | lost | duplicated | longest wait for an ack (min / median / max) | notes (the run with the longest wait) |"
        print "|---|---|---|---|---|---|---|"
        for (f in n) {
            m = n[f]
            printf "| %s | %d | %d | %d | %d | %.1f / %.1f / %.1f s | %s |\n", f, m, ack[f], lost[f], dup[f], wait[f, 1], wait[f, int((m + 1) / 2)], wait[f, m], note[f]
        }
    }')"
section="$(cat <<EOF
<!-- chaos-partitions:start (written by bench/chaos-partitions.sh; edits inside are lost) -->
$(date -u +%Y-%m-%d): runs of the partition tests: $runs in $minutes min, $failed_runs with a failed test; load average at each start: ${loads[*]} ($(nproc) cores).
Every silo and gateway in a network namespace of its own (docs/deploy.md, "Network faults").

$table
<!-- chaos-partitions:end -->
EOF
)"
printf '%s\n' "$section" >"$results/chaos-partitions.md"
readme=bench/README.md
if grep -q '<!-- chaos-partitions:start' "$readme"; then
    awk -v section="$results/chaos-partitions.md" '
        /<!-- chaos-partitions:start/ { while ((getline line < section) > 0) print line; skip = 1; next }
        /<!-- chaos-partitions:end/ { skip = 0; next }
        !skip' "$readme" >"$readme.new" && mv "$readme.new" "$readme"
else
    printf '\n## Network faults (chaos-partitions)\n\n%s\n' "$section" >>"$readme"
fi
echo "chaos-partitions: results in $results/chaos-partitions.md and $readme" >&2
exit $((failed_runs > 0))
