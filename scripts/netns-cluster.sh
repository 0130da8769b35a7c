#!/usr/bin/env bash
# Hosts simulated on this machine: one Linux network namespace per silo or gateway, each with its own
# address on one bridge, so that traffic between them is real IP traffic that can be cut and slowed.
# Needs root (CAP_NET_ADMIN), iproute2 and nftables. tests/Failover.Tests/Support/NetworkLab.cs drives it.
#
#   scripts/netns-cluster.sh up RUN NAME...        bridge cbRUN and a namespace chatapp-RUN-NAME per NAME; prints
#                                                  "host ADDRESS" (the bridge's, this host's) and "NAME ADDRESS" lines
#   scripts/netns-cluster.sh exec RUN NAME CMD...  runs CMD inside NAME's namespace
#   scripts/netns-cluster.sh cut RUN NAME ADDR...  NAME neither sends to nor receives from ADDR... (silently: packets drop)
#   scripts/netns-cluster.sh slow RUN NAME LOSS DELAY_MS ADDR...  drops LOSS % of NAME's packets to and from ADDR...,
#                                                  and delays each of the rest by DELAY_MS both ways (scripts/netdelay.py)
#   scripts/netns-cluster.sh heal RUN NAME         undoes cut and slow
#   scripts/netns-cluster.sh dropped RUN NAME      how many packets cut and slow have dropped on NAME so far
#   scripts/netns-cluster.sh down RUN              ends the run's processes, deletes its namespaces and bridge
#   scripts/netns-cluster.sh sweep                 downs every run whose owner process (CHATAPP_NETNS_OWNER at up) is gone
#
# RUN is 1-8 letters or digits (the bridge's name is at most 15 characters). The subnet is a free 10.X.Y.0/24
# picked at up; the bridge's address is .1 and the members' .10, .11, … in the order named.
set -euo pipefail

usage() { sed -n '4,18p' "$0" >&2; exit 2; }
command -v ip >/dev/null || { echo "netns-cluster: iproute2 (ip) is missing" >&2; exit 3; }

namespace() { echo "chatapp-$1-$2"; }
bridge() { echo "cb$1"; }
valid_run() { [[ "$1" =~ ^[a-z0-9]{1,8}$ ]] || { echo "netns-cluster: RUN must be 1-8 lowercase letters or digits" >&2; exit 2; }; }

# A /24 under 10.0.0.0/8 that no interface or route of this host uses.
free_subnet() {
    local used candidate
    used="$(ip -4 route show table all; ip -4 addr show)"
    for _ in $(seq 1 50); do
        candidate="10.$((RANDOM % 200 + 50)).$((RANDOM % 256))"
        [[ "$used" == *"$candidate."* ]] || { echo "$candidate"; return; }
    done
    echo "netns-cluster: no free 10.X.Y.0/24 found" >&2; exit 1
}

up() {
    local run="$1"; shift
    valid_run "$run"
    [[ $# -gt 0 ]] || usage
    local br subnet i=10
    br="$(bridge "$run")"
    subnet="$(free_subnet)"
    ip link add "$br" type bridge
    # The owner and subnet ride on the bridge, where sweep finds them after a crash.
    ip link set "$br" alias "chatapp-netns owner=${CHATAPP_NETNS_OWNER:-0} subnet=$subnet.0/24"
    ip addr add "$subnet.1/24" dev "$br"
    ip link set "$br" up
    echo "host $subnet.1"
    for name in "$@"; do
        local ns outside="cv$run$i" inside="cp$run$i"
        ns="$(namespace "$run" "$name")"
        ip netns add "$ns"
        ip link add "$outside" type veth peer name "$inside"
        ip link set "$inside" netns "$ns"
        ip link set "$outside" master "$br" up
        ip -n "$ns" link set lo up
        ip -n "$ns" link set "$inside" name eth0
        ip -n "$ns" addr add "$subnet.$i/24" dev eth0
        ip -n "$ns" link set eth0 up
        echo "$name $subnet.$i"
        i=$((i + 1))
    done
}

down() {
    local run="$1"
    valid_run "$run"
    local ns pids
    for ns in $(ip netns list | awk '{print $1}' | grep -E "^chatapp-$run-" || true); do
        # The run's processes (started in its namespaces by the run) end with it.
        pids="$(ip netns pids "$ns" 2>/dev/null || true)"
        [[ -z "$pids" ]] || kill -KILL $pids 2>/dev/null || true
        ip netns delete "$ns" 2>/dev/null || true
    done
    ip link delete "$(bridge "$run")" 2>/dev/null || true
    rm -f "${TMPDIR:-/tmp}/chatapp-netns-$run-"*.delay.*
}

sweep() {
    local line br owner
    while read -r line; do
        br="$(awk -F': ' '{print $2}' <<<"$line" | cut -d@ -f1)"
        [[ "$br" =~ ^cb[a-z0-9]{1,8}$ ]] || continue
        owner="$(ip -d link show "$br" | grep -o 'alias chatapp-netns owner=[0-9]*' | grep -o '[0-9]*$' || true)"
        [[ -n "$owner" ]] || continue
        # Owner 0: made by hand, and only down removes it.
        if [[ "$owner" != 0 ]] && ! kill -0 "$owner" 2>/dev/null; then
            echo "netns-cluster: removing run ${br#cb} (its owner $owner is gone)" >&2
            down "${br#cb}"
        fi
    done < <(ip -o link show type bridge)
}

# One nftables table per namespace, "chatapp": deleting it heals everything cut or slowed.
rules() { # RUN NAME RULE... (each rule applied to both directions: output by daddr, input by saddr)
    local ns="$(namespace "$1" "$2")" addresses="$3" out="$4" in="$5"
    ip netns exec "$ns" nft delete table inet chatapp 2>/dev/null || true
    unqueue "$ns"
    ip netns exec "$ns" nft -f - <<EOF
table inet chatapp {
    chain out { type filter hook output priority 0; policy accept; ip daddr { $addresses } $out; }
    chain in { type filter hook input priority 0; policy accept; ip saddr { $addresses } $in; }
}
EOF
}

cut_off() {
    local run="$1" name="$2"; shift 2
    [[ $# -gt 0 ]] || usage
    rules "$run" "$name" "$(IFS=,; echo "$*")" "counter drop" "counter drop"
}

# The delay line's pid and output for NAME (scripts/netdelay.py), kept outside the namespace.
delay_file() { echo "${TMPDIR:-/tmp}/chatapp-netns-$1-$2.delay"; }

slow_down() {
    local run="$1" name="$2" loss="$3" delay="$4"; shift 4
    [[ $# -gt 0 ]] || usage
    local ns addresses out="" in=""
    ns="$(namespace "$run" "$name")"
    addresses="$(IFS=,; echo "$*")"
    if ((loss > 0)); then
        out="ip daddr { $addresses } numgen random mod 100 < $loss counter drop;"
        in="ip saddr { $addresses } numgen random mod 100 < $loss counter drop;"
    fi
    ip netns exec "$ns" nft delete table inet chatapp 2>/dev/null || true
    unqueue "$ns"
    ip netns exec "$ns" nft -f - <<EOF
table inet chatapp {
    chain out { type filter hook output priority 0; policy accept; $out }
    chain in { type filter hook input priority 0; policy accept; $in }
}
EOF
    if ((delay > 0)); then
        # Kernels built without sch_netem (tc ... netem delay) usually keep nfnetlink_queue: the
        # packets go to a delay line in user space instead, both ways, so a round trip to ADDR...
        # gains 2 x DELAY_MS. Through iptables' NFQUEUE target, since nftables' own queue
        # expression (CONFIG_NFT_QUEUE) is missing where netem is (this project's CI machine).
        command -v python3 >/dev/null || { echo "netns-cluster: python3 is missing (the delay line needs it)" >&2; exit 3; }
        command -v iptables >/dev/null || { echo "netns-cluster: iptables is missing (the delay line needs it)" >&2; exit 3; }
        start_delay_line "$run" "$name" "$delay"
        local address
        for address in "$@"; do
            ip netns exec "$ns" iptables -A OUTPUT -d "$address" -j NFQUEUE --queue-num 7
            ip netns exec "$ns" iptables -A INPUT -s "$address" -j NFQUEUE --queue-num 7
        done
    fi
}

# Starts scripts/netdelay.py in NAME's namespace and waits until it has bound its queue: a packet
# queued before that would be dropped.
start_delay_line() {
    local run="$1" name="$2" delay="$3" file ns
    file="$(delay_file "$run" "$name")"
    ns="$(namespace "$run" "$name")"
    stop_delay_line "$run" "$name"
    ip netns exec "$ns" python3 "$(dirname "$0")/netdelay.py" 7 "$delay" >"$file.out" 2>&1 &
    echo $! >"$file.pid"
    for _ in $(seq 1 50); do
        grep -q '^bound' "$file.out" 2>/dev/null && return
        kill -0 "$(cat "$file.pid")" 2>/dev/null || break
        sleep 0.1
    done
    echo "netns-cluster: the delay line did not start: $(cat "$file.out" 2>/dev/null)" >&2
    stop_delay_line "$run" "$name"
    exit 4
}

stop_delay_line() {
    local file
    file="$(delay_file "$1" "$2")"
    if [[ -f "$file.pid" ]]; then kill "$(cat "$file.pid")" 2>/dev/null || true; fi
    rm -f "$file.pid" "$file.out"
}

heal() {
    local ns="$(namespace "$1" "$2")"
    ip netns exec "$ns" nft delete table inet chatapp 2>/dev/null || true
    unqueue "$ns"
    stop_delay_line "$1" "$2"
}

# Removes the delay line's queue rules, before the delay line goes: a queue nobody reads drops
# what reaches it. The namespace's iptables hold nothing else.
unqueue() {
    if command -v iptables >/dev/null; then
        ip netns exec "$1" iptables -F OUTPUT 2>/dev/null || true
        ip netns exec "$1" iptables -F INPUT 2>/dev/null || true
    fi
}

command="${1:-}"
shift || true
case "$command" in
    up) up "$@" ;;
    down) [[ $# -eq 1 ]] || usage; down "$1" ;;
    sweep) sweep ;;
    exec) [[ $# -ge 3 ]] || usage; ns="$(namespace "$1" "$2")"; shift 2; exec ip netns exec "$ns" "$@" ;;
    cut) [[ $# -ge 3 ]] || usage; command -v nft >/dev/null || { echo "netns-cluster: nftables (nft) is missing" >&2; exit 3; }; cut_off "$@" ;;
    slow) [[ $# -ge 5 ]] || usage; command -v nft >/dev/null || { echo "netns-cluster: nftables (nft) is missing" >&2; exit 3; }; slow_down "$@" ;;
    heal) [[ $# -eq 2 ]] || usage; heal "$@" ;;
    dropped) [[ $# -eq 2 ]] || usage
        # No table (never cut, or healed): 0.
        table="$(ip netns exec "$(namespace "$1" "$2")" nft list table inet chatapp 2>/dev/null || true)"
        awk '{ for (i = 1; i < NF; i++) if ($i == "packets") n += $(i + 1) } END { print n + 0 }' <<<"$table" ;;
    *) usage ;;
esac
