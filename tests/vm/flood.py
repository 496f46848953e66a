#!/usr/bin/env python3
"""Bounded UDP flood for the VM lab: small datagrams to HOST:PORT (the
loopback end of a QEMU user-mode hostfwd rule) for at most SECONDS and at
most 5 million datagrams, then one summary line starting with "#"."""
import socket
import sys
import time

MAX_DATAGRAMS = 5_000_000


def main():
    host, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    if not host.startswith("127."):
        sys.exit("flood.py: only loopback targets (127.0.0.0/8)")
    secs = min(secs, 30.0)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    payload = b"nettune-vm-lab"
    sent = errors = 0
    end = time.monotonic() + secs
    while time.monotonic() < end and sent < MAX_DATAGRAMS:
        for _ in range(256):
            try:
                sock.sendto(payload, (host, port))
                sent += 1
            except OSError:
                errors += 1
    print("# host: flood sent %d datagrams to %s:%d in %.0f s (%d send errors)"
          % (sent, host, port, secs, errors), flush=True)


if __name__ == "__main__":
    main()
