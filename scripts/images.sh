#!/usr/bin/env bash
# Builds the silo's and the gateway's container images with the .NET SDK's container targets
# (`dotnet publish -t:PublishContainer`), no Docker daemon, into two tarballs:
#
#   scripts/images.sh [DIR]     # DIR/chatapp-silo.tar and DIR/chatapp-gateway.tar (default .data/images)
#
# `docker load -i`, `podman load -i` or `skopeo copy docker-archive:FILE docker://REGISTRY/...` take
# them from there (docs/deploy.md). The apps are published self-contained (they carry their own
# .NET runtime), so the base image needs only what .NET needs of the system: the SDK would pick
# mcr.microsoft.com/dotnet/runtime-deps:10.0 for them.
#
# Base image:
#   CHATAPP_BASE_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0 scripts/images.sh   # where a registry is reachable
#   scripts/images.sh                                                                  # no registry: a local base
# Without CHATAPP_BASE_IMAGE the script makes the same kind of base from Debian's packages (the
# libraries that runtime-deps holds: libc, libstdc++, OpenSSL, ICU, zlib, CA certificates, time
# zones; no shell, no package manager) as an OCI image, serves it from Debian's `docker-registry`
# on a private 127.0.0.1 port that lives as long as this script, and points the SDK at it
# (DOTNET_CONTAINER_INSECURE_REGISTRIES: the SDK speaks plain HTTP only to registries named there).
#
# Labels: org.opencontainers.image.title and .version from the projects, .revision from git HEAD,
# .source from CHATAPP_IMAGE_SOURCE (or the git remote "origin"; none when neither is known).
# CHATAPP_IMAGE_TAG sets the tag (default: the first 12 digits of the revision). Each tarball is an
# OCI image layout (index.json, blobs/) as the SDK writes it.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

out="${1:-.data/images}"
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
registry_pid=""
cleanup() {
    if [[ -n "$registry_pid" ]]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null || { echo "images.sh: $1 is missing (Debian package: $2)" >&2; exit 1; }; }

# What runtime-deps holds, as Debian 12 names it: .NET loads OpenSSL and ICU by name at run time;
# Npgsql asks for GSSAPI (Kerberos) at every connection and prints an error on each start without it.
BASE_PACKAGES=(libc6 libgcc-s1 libstdc++6 libssl3 libicu72 zlib1g ca-certificates tzdata
    libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libcom-err2 libkeyutils1)
APP_UID=1654 # the non-root user of Microsoft's .NET images, so that manifests written for them fit

# An OCI image layout in $1 holding one image whose root file system is the directory $2, tagged $3.
write_oci_layout() {
    local layout=$1 rootfs=$2 tag=$3
    mkdir -p "$layout/blobs/sha256"
    # Reproducible: sorted, dated at the epoch, owned by root except the app user's home.
    local tar_opts=(--sort=name --mtime=@0 --numeric-owner --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)
    tar -C "$rootfs" "${tar_opts[@]}" --owner=0 --group=0 --exclude=./home/app -cf "$work/layer.tar" .
    tar -C "$rootfs" "${tar_opts[@]}" --owner=$APP_UID --group=$APP_UID -rf "$work/layer.tar" ./home/app
    local diff_id; diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
    gzip -n -1 <"$work/layer.tar" >"$work/layer.tar.gz"
    local layer; layer=$(sha256sum "$work/layer.tar.gz" | cut -d' ' -f1)
    mv "$work/layer.tar.gz" "$layout/blobs/sha256/$layer"
    local layer_size; layer_size=$(stat -c %s "$layout/blobs/sha256/$layer")

    printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","APP_UID=%s"],"User":"%s"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"scripts/images.sh: %s"}]}' \
        "$APP_UID" "$APP_UID" "$diff_id" "${BASE_PACKAGES[*]}" >"$work/config.json"
    local config; config=$(sha256sum "$work/config.json" | cut -d' ' -f1)
    local config_size; config_size=$(stat -c %s "$work/config.json")
    mv "$work/config.json" "$layout/blobs/sha256/$config"

    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
        "$config" "$config_size" "$layer" "$layer_size" >"$work/manifest.json"
    local manifest; manifest=$(sha256sum "$work/manifest.json" | cut -d' ' -f1)
    local manifest_size; manifest_size=$(stat -c %s "$work/manifest.json")
    mv "$work/manifest.json" "$layout/blobs/sha256/$manifest"

    printf '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
        "$manifest" "$manifest_size" "$tag" >"$layout/index.json"
}

# The base's root file system: the packages' files as dpkg would lay them out, without running
# their scripts (nothing in the image runs them), plus what those scripts would have made.
make_base_rootfs() {
    local rootfs=$1 debs="$repo/.data/images-debs"
    mkdir -p "$debs" "$rootfs"
    # apt-get download fetches the mirror's current version of each; kept between runs. Without
    # package lists (a fresh machine) there is nothing to fetch: root reads them first.
    download() { (cd "$debs" && apt-get download -q=2 "${BASE_PACKAGES[@]}" 2>&1 | { grep -v 'unsandboxed' >&2 || true; }); }
    if ! download && [[ $EUID -eq 0 ]]; then
        apt-get update -qq >&2 && download || true
    fi
    local versions=()
    for package in "${BASE_PACKAGES[@]}"; do
        local deb; deb=$(ls -t "$debs/${package}_"*.deb 2>/dev/null | head -1)
        [[ -n "$deb" ]] || { echo "images.sh: could not download $package (run apt-get update?)" >&2; exit 1; }
        dpkg-deb -x "$deb" "$rootfs"
        versions+=("$(basename "$deb")")
    done
    echo "base image packages: ${versions[*]}" >&2

    # ca-certificates' script would bundle the authorities; OpenSSL looks for them under /usr/lib/ssl.
    mkdir -p "$rootfs/etc/ssl/certs" "$rootfs/usr/lib/ssl"
    find "$rootfs/usr/share/ca-certificates" -name '*.crt' | sort | xargs cat >"$rootfs/etc/ssl/certs/ca-certificates.crt"
    ln -sfn /etc/ssl/certs "$rootfs/usr/lib/ssl/certs"
    ln -sfn /etc/ssl/certs/ca-certificates.crt "$rootfs/usr/lib/ssl/cert.pem"
    ln -sfn /usr/share/zoneinfo/Etc/UTC "$rootfs/etc/localtime"

    # The app user, and the places a process expects: a writable /tmp (the runtime's diagnostics
    # sockets), a home (ASP.NET Core keeps its data-protection keys there).
    mkdir -p "$rootfs/tmp" "$rootfs/home/app" "$rootfs/app" "$rootfs/proc" "$rootfs/dev" "$rootfs/sys" "$rootfs/root"
    chmod 1777 "$rootfs/tmp"
    chmod 700 "$rootfs/root"
    printf 'root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:%s:%s:app:/home/app:/usr/sbin/nologin\n' $APP_UID $APP_UID >"$rootfs/etc/passwd"
    printf 'root:x:0:\napp:x:%s:\n' $APP_UID >"$rootfs/etc/group"
    printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
    rm -rf "$rootfs/usr/share/doc" "$rootfs/usr/share/man" "$rootfs/usr/share/lintian"
}

free_port() {
    local port
    for _ in $(seq 50); do
        port=$((20000 + RANDOM % 30000))
        if ! ss -Htln "sport = :$port" | grep -q .; then echo "$port"; return; fi
    done
    echo "images.sh: no free port" >&2; exit 1
}

# Serves the layout $1 as 127.0.0.1:PORT/chatapp-base:TAG and sets $base to that name. Not in a
# subshell: the registry's pid must reach the cleanup, which stops it.
serve_base() {
    local layout=$1 tag=$2 port; port=$(free_port)
    local registry=127.0.0.1:$port
    mkdir -p "$work/registry"
    cat >"$work/registry.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: $registry
EOF
    docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
    registry_pid=$!
    local deadline=$((SECONDS + 30))
    until curl -fsS "http://$registry/v2/" >/dev/null 2>&1; do
        if ! kill -0 "$registry_pid" 2>/dev/null || ((SECONDS > deadline)); then
            echo "images.sh: the local registry did not start:" >&2; cat "$work/registry.log" >&2; exit 1
        fi
        sleep 0.2
    done
    skopeo copy -q --dest-tls-verify=false "oci:$layout:$tag" "docker://$registry/chatapp-base:$tag" >&2
    base="$registry/chatapp-base:$tag"
}

revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
source_url="${CHATAPP_IMAGE_SOURCE:-$(git remote get-url origin 2>/dev/null || true)}"
tag="${CHATAPP_IMAGE_TAG:-${revision:0:12}}"

if [[ -n "${CHATAPP_BASE_IMAGE:-}" ]]; then
    base="$CHATAPP_BASE_IMAGE"
else
    need docker-registry docker-registry
    need skopeo skopeo
    need dpkg-deb dpkg
    make_base_rootfs "$work/rootfs"
    write_oci_layout "$work/base-oci" "$work/rootfs" base
    serve_base "$work/base-oci" base
    export DOTNET_CONTAINER_INSECURE_REGISTRIES="${base%%/*}"
    echo "images.sh: base image $base ready after ${SECONDS}s" >&2
fi

# Without the code analyzers: they only report (every build of the solution runs them, warnings as
# errors), and compiling from clean without them took an eighth less CPU (145 → 127 s).
publish() { # project archive
    local args=(
        "$1" -c Release -r linux-x64 --self-contained -nologo -v q -p:RunAnalyzers=false
        -t:PublishContainer
        -p:ContainerBaseImage="$base"
        -p:ContainerArchiveOutputPath="$out/$2"
        -p:ContainerImageTag="$tag"
        -p:PublishRepositoryUrl=true -p:SourceRevisionId="$revision"
    )
    [[ -n "$source_url" ]] && args+=(-p:PrivateRepositoryUrl="$source_url" -p:RepositoryType=git)
    dotnet publish "${args[@]}"
    echo "images.sh: $out/$2 after ${SECONDS}s" >&2
}
publish Silo/Silo.csproj chatapp-silo.tar
publish Gateway/Gateway.csproj chatapp-gateway.tar
echo "$out/chatapp-silo.tar"
echo "$out/chatapp-gateway.tar"
