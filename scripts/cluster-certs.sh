#!/usr/bin/env bash
# Makes a certificate authority for the cluster and a certificate for each named process, with
# openssl, each only if its files are missing (a second run changes nothing):
#
#   scripts/cluster-certs.sh DIR silo-0 silo-1 gateway-0 ...
#
# DIR/ca.crt is the authority every process trusts (Cluster__Tls__CertificateAuthority); DIR/NAME.crt
# and DIR/NAME.key are a process's certificate and key (Cluster__Tls__Certificate, __CertificateKey).
# Names starting with "gateway" get a client certificate (gateways only connect); others are silos,
# which connect and are connected to, and get one for both. run.sh makes a development set in .data/tls;
# docs/deploy.md shows the same steps for production, where the authority's key stays off the servers.
set -euo pipefail

dir="${1:?usage: scripts/cluster-certs.sh DIR NAME...}"
shift
umask 077 # keys readable by their owner only
mkdir -p "$dir"

# The authority: its key signs the certificates below, and nothing else (docs/security.md).
if [[ ! -s "$dir/ca.key" || ! -s "$dir/ca.crt" ]]; then
    # Certificates of a former authority would be refused by everyone: they are made again below.
    find "$dir" -maxdepth 1 \( -name '*.crt' -o -name '*.key' \) -delete
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$dir/ca.key" -out "$dir/ca.crt" -days 3650 \
        -subj "/CN=ChatApp cluster authority ($(hostname))" \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi

for name in "$@"; do
    if [[ -s "$dir/$name.crt" && -s "$dir/$name.key" ]]; then
        continue
    fi
    usage=serverAuth,clientAuth
    [[ "$name" != gateway* ]] || usage=clientAuth
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$dir/$name.key" -out "$dir/$name.csr" -subj "/CN=$name" 2>/dev/null
    openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
        -set_serial "0x$(openssl rand -hex 16)" -days 825 -out "$dir/$name.crt" \
        -extfile <(printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\nsubjectAltName=IP:127.0.0.1\n' "$usage") 2>/dev/null
    rm -f "$dir/$name.csr"
done
