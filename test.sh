#!/usr/bin/env bash
# Runs every test of the solution against a real PostgreSQL (project-local unless CHATAPP_DB
# names one) and ends with one line: N passed, N failed, N skipped.
set -uo pipefail
cd "$(dirname "$0")"

source scripts/dev-env.sh || exit 1
dotnet build ChatApp.sln -nologo -v quiet || exit 1

results=TestResults
rm -rf "$results"
status=0
# One project at a time: each starts Orleans clusters and sockets, and this machine has two cores.
for project in tests/*/*.Tests.csproj; do
    name=$(basename "$project" .csproj)
    echo "== $name"
    dotnet test "$project" --no-build -nologo \
        --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
        --results-directory "$results" || status=1
done

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
    awk '/<UnitTestResult .*outcome="Failed"/ {
             match($0, /testName="[^"]*"/); print "  " substr($0, RSTART + 10, RLENGTH - 11); want = 1 }
         want && /<Message>/ { sub(/^ *<Message>/, ""); sub(/<\/Message>.*/, ""); print "    " substr($0, 1, 300); want = 0 }' \
        "$results"/*.trx
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
