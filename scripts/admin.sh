#!/usr/bin/env bash
# Grants or takes the admin role on the project-local database (the one ./run.sh uses):
#
#   ./scripts/admin.sh grant NAME | revoke NAME | list
#
# NAME must have registered first. In production run the same verb of the deployed silo:
# `dotnet ChatApp.Silo.dll admin grant NAME` with ConnectionStrings__Chat set.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/dev-env.sh
# The silo ./run.sh published, else a Release build of it (made when there is none).
silo=.data/run/Release/silo/ChatApp.Silo.dll
if [[ ! -f "$silo" ]]; then
    silo=Silo/bin/Release/net10.0/ChatApp.Silo.dll
    [[ -f "$silo" ]] || dotnet build Silo -c Release -nologo -v quiet >&2
fi
exec dotnet "$silo" admin "$@"
