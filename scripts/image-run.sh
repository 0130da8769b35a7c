#!/usr/bin/env bash
# Runs an image that scripts/images.sh wrote, without a container engine: the image's layers are
# unpacked into a temporary root, and its entry point runs there as the image says (user, working
# directory, environment), in mount and PID namespaces of its own, sharing this machine's network.
# For checking an image here (tests/Operations.Tests/ImageTests.cs does), not for production:
#
#   scripts/image-run.sh [-e NAME=VALUE]... IMAGE.tar [ARG...]
#   scripts/image-run.sh -e ConnectionStrings__Chat="$CHATAPP_DB" .data/images/chatapp-silo.tar migrate
#
# Needs root (namespaces, mounts, chroot), tar, gzip and jq. SIGTERM or Ctrl-C is passed on to the
# entry point; the exit code is the entry point's.
set -euo pipefail

env_args=()
while [[ "${1:-}" == "-e" ]]; do
    env_args+=("$2")
    shift 2
done
image="${1:?usage: scripts/image-run.sh [-e NAME=VALUE]... IMAGE.tar [ARG...]}"
shift

root=$(mktemp -d)
app_pid=""
cleanup() { rm -rf "$root"; }
trap cleanup EXIT

# The OCI layout: index.json -> manifest -> config and layers, each a blob named by its digest.
layout="$root/.layout"
mkdir -p "$layout"
tar -xf "$image" -C "$layout"
blob() { echo "$layout/blobs/${1/://}"; }
manifest=$(blob "$(jq -r '.manifests[0].digest' "$layout/index.json")")
config="$root/config.json"
cp "$(blob "$(jq -r '.config.digest' "$manifest")")" "$config"
rootfs="$root/rootfs"
mkdir -p "$rootfs"
for layer in $(jq -r '.layers[].digest' "$manifest"); do
    tar -xzf "$(blob "$layer")" -C "$rootfs"
done
rm -rf "$layout"

mapfile -t entrypoint < <(jq -r '(.config.Entrypoint // []) + (.config.Cmd // []) | .[]' "$config")
mapfile -t image_env < <(jq -r '.config.Env // [] | .[]' "$config")
workdir=$(jq -r '.config.WorkingDir // "/"' "$config")
user=$(jq -r '.config.User // "0"' "$config")
uid=${user%%:*}
gid=${user#*:}
[[ "$gid" == "$user" ]] && gid=$uid
mkdir -p "$rootfs/proc" "$rootfs/dev"

# A container engine gives the process /proc and the basic devices (.NET reads /dev/urandom).
# shellcheck disable=SC2016
mounts='mount -t proc proc "$0/proc"
for d in null zero random urandom; do touch "$0/dev/$d"; mount --bind "/dev/$d" "$0/dev/$d"; done
exec unshare --root="$0" --wd="$1" --setuid="$2" --setgid="$3" "${@:4}"'
env -i "${image_env[@]}" "${env_args[@]}" \
    unshare --mount --pid --fork bash -c "$mounts" "$rootfs" "$workdir" "$uid" "$gid" "${entrypoint[@]}" "$@" &
unshare_pid=$!

# The entry point is unshare's one child (bash execs into it); a signal to this script goes to it.
forward() {
    app_pid=$(cat "/proc/$unshare_pid/task/$unshare_pid/children" 2>/dev/null || true)
    [[ -n "$app_pid" ]] && kill -"$1" $app_pid 2>/dev/null || true
}
trap 'forward TERM' TERM
trap 'forward INT' INT
status=0
while true; do
    wait "$unshare_pid" && status=0 || status=$?
    kill -0 "$unshare_pid" 2>/dev/null || break
done
exit "$status"
