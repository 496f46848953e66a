#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Capture real netlink replies as seeds for the netlink fuzz harnesses.

Run as root inside a network namespace set up by tests/fuzz/seeds.sh:
    netlink-seeds.py OUTDIR
Writes OUTDIR/fuzz_rtstats/*, OUTDIR/fuzz_ethtool/*, OUTDIR/fuzz_sockdiag/*:
each file is one recv() of a dump (or an error reply), prefixed by the
harness's selector byte where it has one.
"""
import os
import socket
import struct
import sys

NETLINK_ROUTE, NETLINK_SOCK_DIAG, NETLINK_GENERIC = 0, 4, 16
NETLINK_CAP_ACK, NETLINK_EXT_ACK = 10, 11
SOL_NETLINK = 270
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
RTM_GETQDISC, RTM_GETSTATS = 38, 94
SOCK_DIAG_BY_FAMILY = 20
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 16, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
ETHTOOL_MSG = {"rings": (15, 0), "channels": (17, 1), "linkmodes": (4, 2)}
ETHTOOL_A_HEADER_DEV_NAME = 2
NLA_F_NESTED = 0x8000


def attr(kind, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, kind) + payload + b"\0" * (-n % 4)


def talk(proto, mtype, flags, payload, ext_ack=False, cap_ack=False):
    """Send one request; return the list of recv() buffers of the answer."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
    s.bind((0, 0))
    if ext_ack:
        s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    if cap_ack:
        s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
    s.send(struct.pack("=IHHII", 16 + len(payload), mtype, flags, 1, 0)
           + payload)
    bufs = []
    while True:
        b = s.recv(65536)
        bufs.append(b)
        off, end = 0, False
        while off + 16 <= len(b):
            n, t = struct.unpack_from("=IH", b, off)
            end = end or t in (NLMSG_ERROR, NLMSG_DONE)
            if n < 16:
                break
            off += (n + 3) & ~3
        if end or not flags & (NLM_F_DUMP | NLM_F_ACK):
            break
    s.close()
    return bufs


def save(outdir, harness, name, bufs, selector=None):
    d = os.path.join(outdir, harness)
    os.makedirs(d, exist_ok=True)
    for i, b in enumerate(bufs[:4]):
        if selector is not None:
            b = bytes([selector]) + b
        with open(os.path.join(d, "%s-%d" % (name, i)), "wb") as f:
            f.write(b)


def genl_family(name):
    req = struct.pack("=BBH", CTRL_CMD_GETFAMILY, 1, 0) + \
        attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0")
    b = talk(NETLINK_GENERIC, GENL_ID_CTRL, NLM_F_REQUEST, req)[0]
    off = 16 + 4
    while off + 4 <= len(b):
        n, kind = struct.unpack_from("=HH", b, off)
        if kind == CTRL_ATTR_FAMILY_ID:
            return struct.unpack_from("=H", b, off + 4)[0]
        off += (n + 3) & ~3
    raise SystemExit("no genetlink family " + name)


def main():
    out = sys.argv[1]
    # rtnetlink: link counters (selector 0) and qdiscs (selector 1)
    stats = struct.pack("=BBHII", 0, 0, 0, 0, 1)
    save(out, "fuzz_rtstats", "links",
         talk(NETLINK_ROUTE, RTM_GETSTATS, NLM_F_REQUEST | NLM_F_DUMP, stats),
         0)
    tcm = struct.pack("=BBHiIII", 0, 0, 0, 0, 0, 0, 0)
    save(out, "fuzz_rtstats", "qdiscs",
         talk(NETLINK_ROUTE, RTM_GETQDISC, NLM_F_REQUEST | NLM_F_DUMP, tcm), 1)
    bad = struct.pack("=BBHII", 0, 0, 0, 0, 1 << 20)
    save(out, "fuzz_rtstats", "error-extack",
         talk(NETLINK_ROUTE, RTM_GETSTATS, NLM_F_REQUEST | NLM_F_DUMP, bad,
              ext_ack=True), 0)
    # sock_diag: listening TCP sockets, IPv4 and IPv6
    for fam, name in ((socket.AF_INET, "v4"), (socket.AF_INET6, "v6")):
        req = struct.pack("=BBBBI", fam, socket.IPPROTO_TCP, 0, 0, 1 << 10) \
            + b"\0" * 48
        save(out, "fuzz_sockdiag", "listen-" + name,
             talk(NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY,
                  NLM_F_REQUEST | NLM_F_DUMP, req))
    # ethtool: dumps, and the error of a device that does not exist
    fam = genl_family("ethtool")
    for what, (cmd, sel) in ETHTOOL_MSG.items():
        hdr = struct.pack("=BBH", cmd, 1, 0)
        save(out, "fuzz_ethtool", what + "-dump",
             talk(NETLINK_GENERIC, fam, NLM_F_REQUEST | NLM_F_DUMP,
                  hdr + attr(1 | NLA_F_NESTED, b"")), sel)
        nodev = attr(1 | NLA_F_NESTED,
                     attr(ETHTOOL_A_HEADER_DEV_NAME, b"nosuchdev0\0"))
        save(out, "fuzz_ethtool", what + "-nodev",
             talk(NETLINK_GENERIC, fam, NLM_F_REQUEST | NLM_F_ACK,
                  hdr + nodev, ext_ack=True), sel)
        save(out, "fuzz_ethtool", what + "-nodev-capped",
             talk(NETLINK_GENERIC, fam, NLM_F_REQUEST | NLM_F_ACK,
                  hdr + nodev, ext_ack=True, cap_ack=True), sel)


if __name__ == "__main__":
    main()
