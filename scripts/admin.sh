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
out=bin/Release/net10.0
[[ -f "Silo/$out/ChatApp.Silo.dll" ]] || dotnet build Silo -c Release -nologo -v quiet >&2
exec dotnet "Silo/$out/ChatApp.Silo.dll" admin "$@"
