#!/usr/bin/env bash
# Runs every test of the solution against a real PostgreSQL (project-local unless CHATAPP_DB
# names one) and ends with one line: N passed, N failed, N skipped.
set -uo pipefail
cd "$(dirname "$0")"

source scripts/dev-env.sh || exit 1
dotnet build ChatApp.sln -nologo -v quiet || exit 1

results=TestResults
rm -rf "$results"
mkdir -p "$results"
status=0

run_project() { # PROJECT [FILTER NAME]: its tests (those FILTER picks), with a results file named after it
    local name=${3:-$(basename "$1" .csproj)}
    local filter=()
    [[ -n "${2:-}" ]] && filter=(--filter "$2")
    echo "== $name"
    dotnet test "$1" --no-build -nologo "${filter[@]}" \
        --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
        --results-directory "$results"
}

# Two lanes. The failover tests spend most of their time waiting (for a silo to be declared dead,
# a process to restart, a timeout to pass) on clusters of real processes, so they run beside the
# others instead of after them; their output goes to a file, shown when they end. Within a lane one
# project at a time: each starts Orleans clusters and sockets, and this machine has two cores.
# The grain tests (TestingHost clusters in the test process) follow the partition tests in that
# lane, which evens the two lanes out: the first lane ran 15.5 minutes and the second 13 on a
# 2-core machine, then both about 15; since the test hosts stopped recompiling hot code
# (tests/Directory.Build.props) both take 12.5-15 minutes and the whole CI 15-18 (20.5 before, in
# this machine's slowest hour), its two cores busy nearly throughout. CHATAPP_TEST_LANES=1 runs
# everything in one lane.
# The partition tests add and remove network interfaces (namespaces, veth pairs), and Chromium then
# fails every request in flight with ERR_NETWORK_CHANGED, the page's own scripts included: they
# wait in their lane until the browser tests, which go first in the other, are done.
failover=tests/Failover.Tests/Failover.Tests.csproj
browser=tests/Browser.Tests/Browser.Tests.csproj
grains=tests/Grains.Tests/Grains.Tests.csproj
partitions=FullyQualifiedName~ChatApp.Tests.Failover.PartitionTests
browser_done="$results/browser.done"
if [[ "${CHATAPP_TEST_LANES:-2}" == 2 && -f "$failover" ]]; then
    {
        run_project "$failover" "FullyQualifiedName!~ChatApp.Tests.Failover.PartitionTests" || lane_status=1
        while [[ ! -e "$browser_done" ]]; do sleep 1; done
        run_project "$failover" "$partitions" Failover.Partitions.Tests || lane_status=1
        if [[ -f "$grains" ]]; then
            run_project "$grains" || lane_status=1
        fi
        exit "${lane_status:-0}"
    } >"$results/second-lane.log" 2>&1 &
    failover_lane=$!
    if [[ -f "$browser" ]]; then
        run_project "$browser" || status=1
    fi
    touch "$browser_done"
    for project in tests/*/*.Tests.csproj; do
        [[ "$project" == "$failover" || "$project" == "$browser" || "$project" == "$grains" ]] && continue
        run_project "$project" || status=1
    done
    wait "$failover_lane" || status=1
    cat "$results/second-lane.log"
else
    for project in tests/*/*.Tests.csproj; do
        run_project "$project" || status=1
    done
fi

# Sum the counters of every results file.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
    [[ -f "$trx" ]] || continue
    counters=$(grep -o '<Counters [^>]*>' "$trx")
    get() { local v; v=$(echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'); echo "${v:-0}"; }
    total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed)
    passed=$((passed + p))
    failed=$((failed + f + $(get error) + $(get timeout) + $(get aborted)))
    skipped=$((skipped + total - executed))
done
# Name each failed test last, so that the tail of a CI log says which one it was.
if [[ $failed -gt 0 ]]; then
    status=1
    echo "== failed tests"
    # The message's first lines too (an assertion's "Expected" and "Actual" come after its first),
    # and the first line of the stack that names a source line: which assertion it was.
    awk '/<UnitTestResult / { want = 0; message = 0; where = 0 }
         /<UnitTestResult .*outcome="Failed"/ {
             match($0, /testName="[^"]*"/); print "  " substr($0, RSTART + 10, RLENGTH - 11); want = 1 }
         want && /<Message>/ { sub(/^ *<Message>/, ""); lines = 0; want = 0; message = 1 }
         message { done = sub(/<\/Message>.*/, ""); if (lines++ < 12) print "    " substr($0, 1, 1500); if (done) { message = 0; where = 1 } next }
         where && /\.cs:line [0-9]+/ { sub(/^ *(<StackTrace>)? */, ""); sub(/<\/StackTrace>.*/, ""); print "    " substr($0, 1, 500); where = 0 }' \
        "$results"/*.trx
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
