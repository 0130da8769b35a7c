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
# The silo's Release build, as ./run.sh makes it (made here when there is none).
silo=Silo/bin/Release/net10.0/ChatApp.Silo.dll
[[ -f "$silo" ]] || dotnet build Silo -c Release -nologo -v quiet >&2
exec dotnet "$silo" admin "$@"
