#!/usr/bin/env python3
"""A delay line for one network namespace's packets, in user space.

    netdelay.py QUEUE DELAY_MS

Takes the packets that nftables hands to queue QUEUE (a rule "... queue num QUEUE") and lets
each through DELAY_MS after it arrived, in the order they came. It is what `tc qdisc ... netem
delay` does, for kernels built without sch_netem (this project's CI machine is one), through the
kernel's nfnetlink_queue, which such kernels usually still have. scripts/netns-cluster.sh starts
it inside the namespace it slows and ends it when it heals.

Only the packets' metadata crosses to user space (NFQNL_COPY_META): the delay needs each
packet's id, never its bytes. Packet ids grow in arrival order, so one batch verdict ("accept
everything up to id N") releases all that are due at once. Prints "bound QUEUE" once packets
can be queued, so that a caller adds its rule only then.
"""
import collections
import errno
import select
import signal
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET, NFQNL_MSG_CONFIG, NFQNL_MSG_VERDICT_BATCH = 0, 2, 3
NLMSG_ERROR = 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NFQA_CFG_CMD, NFQA_CFG_PARAMS, NFQA_CFG_QUEUE_MAXLEN = 1, 2, 3
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_META = 1
NFQA_PACKET_HDR, NFQA_VERDICT_HDR = 1, 2
NF_ACCEPT = 1
# Packets waiting at once: 50 ms of a busy link. Beyond it the kernel drops, like a full router.
QUEUE_LENGTH = 65536


def attribute(kind, payload):
    length = 4 + len(payload)
    return struct.pack("=HH", length, kind) + payload + b"\0" * (-length % 4)


def message(kind, queue, attributes, flags=NLM_F_REQUEST):
    # nfgenmsg: family, version, then the queue number in network order.
    body = struct.pack("=BB", socket.AF_UNSPEC, 0) + struct.pack("!H", queue) + b"".join(attributes)
    return struct.pack("=IHHII", 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | kind, flags, 0, 0) + body


def messages(data):
    """Yields (type, payload) for each netlink message in one datagram."""
    offset = 0
    while offset + 16 <= len(data):
        length, kind = struct.unpack_from("=IH", data, offset)
        if length < 16:
            return
        yield kind, data[offset + 16:offset + length]
        offset += (length + 3) & ~3


def packet_id(payload):
    """The id in a queued packet's NFQA_PACKET_HDR (after the 4-byte nfgenmsg), or None."""
    offset = 4
    while offset + 4 <= len(payload):
        length, kind = struct.unpack_from("=HH", payload, offset)
        if length < 4:
            return None
        if kind & 0x3FFF == NFQA_PACKET_HDR:
            return struct.unpack_from("!I", payload, offset + 4)[0]
        offset += (length + 3) & ~3
    return None


def configure(sock, queue):
    """Binds the queue and asks for metadata only; raises if the kernel refuses either."""
    requests = [
        [attribute(NFQA_CFG_CMD, struct.pack("!BBH", NFQNL_CFG_CMD_BIND, 0, 0))],
        [attribute(NFQA_CFG_PARAMS, struct.pack("!IB", 0, NFQNL_COPY_META))],
        [attribute(NFQA_CFG_QUEUE_MAXLEN, struct.pack("!I", QUEUE_LENGTH))],
    ]
    for request in requests:
        sock.send(message(NFQNL_MSG_CONFIG, queue, request, NLM_F_REQUEST | NLM_F_ACK))
        for kind, payload in messages(sock.recv(65536)):
            if kind == NLMSG_ERROR:
                code = struct.unpack_from("=i", payload)[0]
                if code != 0:
                    raise OSError(-code, f"nfnetlink_queue refused queue {queue}: {errno.errorcode.get(-code, code)}")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    queue, delay = int(sys.argv[1]), int(sys.argv[2]) / 1000.0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    # Room for bursts: a notice lost to a full buffer would leave its packet queued until a later
    # batch verdict, so the buffer is made large (SO_RCVBUFFORCE: this runs as root).
    sock.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)
    sock.bind((0, 0))
    configure(sock, queue)
    print(f"bound {queue}", flush=True)

    waiting = collections.deque()  # (due, packet id), in arrival order
    while True:
        timeout = max(0.0, waiting[0][0] - time.monotonic()) if waiting else None
        readable, _, _ = select.select([sock], [], [], timeout)
        if readable:
            try:
                data = sock.recv(1 << 20)
            except OSError as error:
                if error.errno == errno.ENOBUFS:
                    continue  # some notices were lost; the next batch verdict releases their packets too
                raise
            arrived = time.monotonic()
            for kind, payload in messages(data):
                if kind == (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
                    number = packet_id(payload)
                    if number is not None:
                        waiting.append((arrived + delay, number))
        now = time.monotonic()
        last = None
        while waiting and waiting[0][0] <= now:
            last = waiting.popleft()[1]
        if last is not None:
            verdict = attribute(NFQA_VERDICT_HDR, struct.pack("!II", NF_ACCEPT, last))
            sock.send(message(NFQNL_MSG_VERDICT_BATCH, queue, [verdict]))


if __name__ == "__main__":
    main()
