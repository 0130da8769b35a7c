# Sourced by run.sh and test.sh: the database and the development signing key, made if missing.
# Sets CHATAPP_DB and Auth__SigningKey in the environment of the caller.

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$REPO/.data"

CHATAPP_DB="$("$REPO/scripts/pg.sh" start)"
export CHATAPP_DB

# A development key is made once per checkout and kept in the ignored .data folder; none is committed.
if [[ -z "${Auth__SigningKey:-}" ]]; then
    key_file="$REPO/.data/signing-key"
    if [[ ! -s "$key_file" ]]; then
        (umask 077; head -c 48 /dev/urandom | base64 -w0 > "$key_file")
    fi
    Auth__SigningKey="$(cat "$key_file")"
    export Auth__SigningKey
fi
