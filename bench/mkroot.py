#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench/mkroot.py DIR [CPUS [IRQS [IFACES]]]: a synthetic --root tree.

Writes a procfs/sysfs tree for `nettune ... --root DIR` (and for
prometheus-node-exporter's --path.procfs/--path.sysfs) of a large host:
CPUS CPUs (default 256) on two NUMA nodes, IFACES multi-queue PCI NICs
(default 8, eth0..) whose IRQS MSI-X queue interrupts (default 2000) are
spread over them, named as igb/ixgbe/i40e name them ("eth0-TxRx-N"), plus
the usual named rows of /proc/interrupts (NMI, LOC, ...).  The counters
are made up but plausible; the tree never changes, so rates read from it
are 0: it is for measuring the cost of a look or a tick, not its result.

Files, as kernel 6.x prints them:
  proc/interrupts, proc/softirqs, proc/net/softnet_stat (15 columns, as
  6.18; 13 with SOFTNET_COLS=13), proc/net/{snmp,netstat,sockstat,dev},
  proc/uptime, proc/sys/kernel/{hostname,osrelease}, a few net sysctls,
  proc/irq/N/{smp_affinity_list,effective_affinity_list,node};
  sys/devices/system/{cpu,node}, sys/class/net/ethK -> the PCI function's
  net/ethK (ifindex, mtu, queues/rx-N, tx-N, ...), device -> the PCI
  function with numa_node, driver and msi_irqs/N, and a virtual lo.
snmp comes from tests/fixtures/real-hosts; netstat and sockstat are
fixed texts of a 6.x kernel.
"""
import os
import sys

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

FIRST_NIC_IRQ = 64          # IRQ numbers below are the platform's
SOFTNET_COLS = int(os.environ.get("SOFTNET_COLS", "15"))

# /proc/net/netstat names of a 6.x kernel (values are made up below)
NETSTAT = """\
TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts PruneCalled RcvPruned OfoPruned OutOfWindowIcmps LockDroppedIcmps ArpFilter TW TWRecycled TWKilled PAWSActive PAWSEstab DelayedACKs DelayedACKLocked DelayedACKLost ListenOverflows ListenDrops TCPHPHits TCPPureAcks TCPHPAcks TCPRenoRecovery TCPSackRecovery TCPSACKReneging TCPSACKReorder TCPRenoReorder TCPTSReorder TCPFullUndo TCPPartialUndo TCPDSACKUndo TCPLossUndo TCPLostRetransmit TCPRenoFailures TCPSackFailures TCPLossFailures TCPFastRetrans TCPSlowStartRetrans TCPTimeouts TCPLossProbes TCPLossProbeRecovery TCPRenoRecoveryFail TCPSackRecoveryFail TCPRcvCollapsed TCPDSACKOldSent TCPDSACKOfoSent TCPDSACKRecv TCPDSACKOfoRecv TCPAbortOnData TCPAbortOnClose TCPAbortOnMemory TCPAbortOnTimeout TCPAbortOnLinger TCPAbortFailed TCPMemoryPressures TCPMemoryPressuresChrono TCPSACKDiscard TCPDSACKIgnoredOld TCPDSACKIgnoredNoUndo TCPSpuriousRTOs TCPMD5NotFound TCPMD5Unexpected TCPMD5Failure TCPSackShifted TCPSackMerged TCPSackShiftFallback TCPBacklogCoalesce TCPBacklogDrop PFMemallocDrop TCPMinTTLDrop TCPDeferAcceptDrop IPReversePathFilter TCPTimeWaitOverflow TCPReqQFullDoCookies TCPReqQFullDrop TCPRetransFail TCPRcvCoalesce TCPOFOQueue TCPOFODrop TCPOFOMerge TCPChallengeACK TCPSYNChallenge TCPFastOpenActive TCPFastOpenActiveFail TCPFastOpenPassive TCPFastOpenPassiveFail TCPFastOpenListenOverflow TCPFastOpenCookieReqd TCPFastOpenBlackhole TCPSpuriousRtxHostQueues BusyPollRxPackets TCPAutoCorking TCPFromZeroWindowAdv TCPToZeroWindowAdv TCPWantZeroWindowAdv TCPSynRetrans TCPOrigDataSent TCPHystartTrainDetect TCPHystartTrainCwnd TCPHystartDelayDetect TCPHystartDelayCwnd TCPACKSkippedSynRecv TCPACKSkippedPAWS TCPACKSkippedSeq TCPACKSkippedFinWait2 TCPACKSkippedTimeWait TCPACKSkippedChallenge TCPWinProbe TCPKeepAlive TCPMTUPFail TCPMTUPSuccess TCPDelivered TCPDeliveredCE TCPAckCompressed TCPZeroWindowDrop TCPRcvQDrop TCPWqueueTooBig TCPFastOpenPassiveAltKey TcpTimeoutRehash TcpDuplicateDataRehash TCPDSACKRecvSegs TCPDSACKIgnoredDubious TCPMigrateReqSuccess TCPMigrateReqFailure TCPPLBRehash TCPAORequired TCPAOBad TCPAOKeyNotFound TCPAOGood TCPAODroppedIcmps
IpExt: InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts InOctets OutOctets InMcastOctets OutMcastOctets InBcastOctets OutBcastOctets InCsumErrors InNoECTPkts InECT1Pkts InECT0Pkts InCEPkts ReasmOverlaps
MPTcpExt: MPCapableSYNRX MPCapableSYNTX MPCapableSYNACKRX MPCapableACKRX MPCapableFallbackACK MPCapableFallbackSYNACK MPFallbackTokenInit MPTCPRetrans MPJoinNoTokenFound MPJoinSynRx MPJoinSynAckRx MPJoinSynAckHMacFailure MPJoinAckRx MPJoinAckHMacFailure
"""

SOCKSTAT = """\
sockets: used 1841
TCP: inuse 412 orphan 0 tw 310 alloc 433 mem 97
UDP: inuse 9 mem 4
UDPLITE: inuse 0
RAW: inuse 0
FRAG: inuse 0 memory 0
"""

SYSCTLS = {
    "net/core/netdev_max_backlog": "1000",
    "net/core/netdev_budget": "300",
    "net/core/netdev_budget_usecs": "2000",
    "net/core/dev_weight": "64",
    "net/core/somaxconn": "4096",
    "net/core/rmem_max": "212992",
    "net/core/wmem_max": "212992",
    "net/core/rmem_default": "212992",
    "net/core/wmem_default": "212992",
    "net/core/rps_sock_flow_entries": "0",
    "net/core/default_qdisc": "fq_codel",
    "net/ipv4/tcp_rmem": "4096\t131072\t6291456",
    "net/ipv4/tcp_wmem": "4096\t16384\t4194304",
    "net/ipv4/tcp_mem": "1540290\t2053722\t3080580",
    "net/ipv4/tcp_congestion_control": "cubic",
    "net/ipv4/tcp_available_congestion_control": "reno cubic",
    "net/ipv4/tcp_max_syn_backlog": "4096",
    "net/ipv4/tcp_syncookies": "1",
}


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def symlink(target, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.lexists(path):
        os.unlink(path)
    os.symlink(target, path)


def cpulist(cpus):
    """[0,1,2,5] -> "0-2,5", as the kernel prints lists."""
    out, i = [], 0
    while i < len(cpus):
        j = i
        while j + 1 < len(cpus) and cpus[j + 1] == cpus[j] + 1:
            j += 1
        out.append(str(cpus[i]) if i == j else f"{cpus[i]}-{cpus[j]}")
        i = j + 1
    return ",".join(out)


def cpumask(ncpus, cpus=()):
    """The hex mask in 32-bit words, as rps_cpus and xps_cpus print it."""
    value = 0
    for c in cpus:
        value |= 1 << c
    words = (ncpus + 31) // 32
    return ",".join(f"{(value >> (32 * w)) & 0xffffffff:08x}"
                    for w in reversed(range(words)))


def split(total, parts):
    """total as parts near-equal counts: 500, 8 -> 63 63 63 63 62 62 62 62."""
    return [total // parts + (1 if i < total % parts else 0)
            for i in range(parts)]


def interrupts(ncpus, nics):
    """/proc/interrupts as show_interrupts() prints it on 6.x (x86)."""
    last = FIRST_NIC_IRQ + sum(len(q) for _, _, q in nics)
    prec = max(3, len(str(last)))
    lines = [" " * (prec + 8) + "".join(f"CPU{c:<8d}" for c in range(ncpus))
             + "\n"]

    def row(label, counts, tail):
        cols = "".join(f" {v:10d}" for v in counts)
        lines.append(f"{label:>{prec}}:{cols} {tail}\n")

    zeros = [0] * ncpus
    row("0", [40] + zeros[1:], " IO-APIC   2-edge      timer")
    row("1", [0] * ncpus, " IO-APIC   1-edge      i8042")
    row("8", [0] + [1] + zeros[2:], " IO-APIC   8-edge      rtc0")
    row("9", zeros, " IO-APIC   9-fasteoi   acpi")
    for name, bus, queues in nics:
        for hw, (irq, q, cpu) in enumerate(queues):
            counts = zeros[:]
            counts[cpu] = 1000003 + 7919 * irq
            row(str(irq), counts,
                f"PCI-MSIX-{bus} {hw:3d}-edge      {name}-TxRx-{q}")
    named = [("NMI", "Non-maskable interrupts"),
             ("LOC", "Local timer interrupts"),
             ("SPU", "Spurious interrupts"),
             ("PMI", "Performance monitoring interrupts"),
             ("IWI", "IRQ work interrupts"),
             ("RTR", "APIC ICR read retries"),
             ("RES", "Rescheduling interrupts"),
             ("CAL", "Function call interrupts"),
             ("TLB", "TLB shootdowns"),
             ("TRM", "Thermal event interrupts"),
             ("THR", "Threshold APIC interrupts"),
             ("DFR", "Deferred Error APIC interrupts"),
             ("MCE", "Machine check exceptions"),
             ("MCP", "Machine check polls")]
    for k, (label, text) in enumerate(named):
        row(label, [(k * 1000 + c * 37) for c in range(ncpus)], f"  {text}")
    lines.append(f"{'ERR':>{prec}}:          0\n")
    lines.append(f"{'MIS':>{prec}}:          0\n")
    for label, text in [("PIN", "Posted-interrupt notification event"),
                        ("NPI", "Nested posted-interrupt event"),
                        ("PIW", "Posted-interrupt wakeup event")]:
        row(label, zeros, f"  {text}")
    return "".join(lines)


def softirqs(ncpus):
    names = ["HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL",
             "TASKLET", "SCHED", "HRTIMER", "RCU"]
    out = [" " * 20 + "".join(f"CPU{c:<8d}" for c in range(ncpus)) + "\n"]
    for k, name in enumerate(names):
        cols = "".join(f" {(k + 1) * 100003 + c * 11:10d}"
                       for c in range(ncpus))
        out.append(f"{name:>12}:{cols}\n")
    return "".join(out)


def netstat():
    out = []
    for line in NETSTAT.splitlines():
        section, names = line.split(":", 1)
        n = len(names.split())
        out.append(line + "\n")
        out.append(f"{section}: " + " ".join(
            str((k * 7919) % 100003 if k % 3 else 0) for k in range(n))
            + "\n")
    return "".join(out)


def softnet(ncpus):
    out = []
    for c in range(ncpus):
        f = [0x1000000 + c * 4099, 3 * (c % 5), 0x1b3 + c, 0, 0, 0, 0, 0, 0,
             c * 13, 0, 0, c, 0, 0]
        if SOFTNET_COLS == 13:
            f = f[:13]
        out.append(" ".join(f"{v:08x}" for v in f) + "\n")
    return "".join(out)


def netdev(nics):
    out = ["Inter-|   Receive                                                |"
           "  Transmit\n",
           " face |bytes    packets errs drop fifo frame compressed multicast|"
           "bytes    packets errs drop fifo colls carrier compressed\n"]
    for k, name in enumerate(["lo"] + [n for n, _, _ in nics]):
        rx, tx = 1000000 * (k + 1), 900000 * (k + 1)
        out.append(f"{name:>6}: {rx * 800} {rx} 0 {k} 0 0 0 0 "
                   f"{tx * 700} {tx} 0 0 0 0 0 0\n")
    return "".join(out)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    ncpus = int(sys.argv[2]) if len(sys.argv) > 2 else 256
    nirqs = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    nifs = int(sys.argv[4]) if len(sys.argv) > 4 else 8
    proc, sysd = os.path.join(root, "proc"), os.path.join(root, "sys")
    nodes = 2 if ncpus >= 2 else 1
    node_of = [c * nodes // ncpus for c in range(ncpus)]

    # IRQ numbers from FIRST_NIC_IRQ on, queue q of a NIC on CPU q % ncpus
    nics, irq = [], FIRST_NIC_IRQ
    for k, count in enumerate(split(nirqs, nifs)):
        bus = f"0000:{0x10 + k:02x}:00.0"
        queues = [(irq + q, q, q % ncpus) for q in range(count)]
        irq += count
        nics.append((f"eth{k}", bus, queues))

    write(f"{proc}/interrupts", interrupts(ncpus, nics))
    write(f"{proc}/softirqs", softirqs(ncpus))
    write(f"{proc}/net/softnet_stat", softnet(ncpus))
    with open(os.path.join(top, "tests/fixtures/real-hosts/proc_net_snmp/"
                           "snmp1")) as f:
        write(f"{proc}/net/snmp", f.read())
    write(f"{proc}/net/netstat", netstat())
    write(f"{proc}/net/sockstat", SOCKSTAT)
    write(f"{proc}/net/dev", netdev(nics))
    write(f"{proc}/uptime", "864000.12 219000000.55\n")
    write(f"{proc}/sys/kernel/hostname", "synthetic\n")
    write(f"{proc}/sys/kernel/osrelease", "6.18.0-synthetic\n")
    for name, value in SYSCTLS.items():
        write(f"{proc}/sys/{name}", value + "\n")
    for name, bus, queues in nics:
        for i, _, cpu in queues:
            write(f"{proc}/irq/{i}/smp_affinity_list", f"{cpu}\n")
            write(f"{proc}/irq/{i}/effective_affinity_list", f"{cpu}\n")
            write(f"{proc}/irq/{i}/node", f"{node_of[cpu]}\n")

    # CPUs and NUMA nodes
    cpu_dir = f"{sysd}/devices/system/cpu"
    every = cpulist(list(range(ncpus)))
    for f in ("present", "online", "possible"):
        write(f"{cpu_dir}/{f}", every + "\n")
    per_node = ncpus // nodes
    for c in range(ncpus):
        t = f"{cpu_dir}/cpu{c}/topology"
        # two threads a core: c and c + ncpus/2 share one core id
        half = ncpus // 2 if ncpus >= 2 else ncpus
        core = c % half
        write(f"{t}/core_id", f"{core % per_node}\n")
        write(f"{t}/physical_package_id", f"{node_of[c]}\n")
        sib = sorted({core, core + half} & set(range(ncpus)))
        write(f"{t}/thread_siblings_list", cpulist(sib) + "\n")
    for n in range(nodes):
        write(f"{sysd}/devices/system/node/node{n}/cpulist",
              cpulist([c for c in range(ncpus) if node_of[c] == n]) + "\n")

    # lo: virtual, no device
    lo = f"{sysd}/devices/virtual/net/lo"
    for f, v in (("ifindex", "1"), ("mtu", "65536"), ("tx_queue_len", "1000"),
                 ("operstate", "unknown")):
        write(f"{lo}/{f}", v + "\n")
    write(f"{lo}/queues/rx-0/rps_cpus", cpumask(ncpus) + "\n")
    write(f"{lo}/queues/rx-0/rps_flow_cnt", "0\n")
    write(f"{lo}/queues/tx-0/xps_cpus", cpumask(ncpus) + "\n")
    symlink("../../devices/virtual/net/lo", f"{sysd}/class/net/lo")

    # the NICs: sys/class/net/ethK -> ../../devices/pci0000:00/BUS/net/ethK
    os.makedirs(f"{sysd}/bus/pci/drivers/ixgbe", exist_ok=True)
    for k, (name, bus, queues) in enumerate(nics):
        pci = f"{sysd}/devices/pci0000:00/{bus}"
        write(f"{pci}/numa_node", f"{k * nodes // nifs}\n")
        symlink("../../../bus/pci/drivers/ixgbe", f"{pci}/driver")
        for i, _, _ in queues:
            write(f"{pci}/msi_irqs/{i}", "msix\n")
        dev = f"{pci}/net/{name}"
        for f, v in (("ifindex", str(k + 2)), ("mtu", "1500"),
                     ("tx_queue_len", "1000"), ("operstate", "up"),
                     ("speed", "25000"), ("duplex", "full")):
            write(f"{dev}/{f}", v + "\n")
        symlink(f"../../../{bus}", f"{dev}/device")
        for _, q, cpu in queues:
            write(f"{dev}/queues/rx-{q}/rps_cpus", cpumask(ncpus) + "\n")
            write(f"{dev}/queues/rx-{q}/rps_flow_cnt", "0\n")
            write(f"{dev}/queues/tx-{q}/xps_cpus",
                  cpumask(ncpus, [cpu]) + "\n")
        symlink(f"../../devices/pci0000:00/{bus}/net/{name}",
                f"{sysd}/class/net/{name}")


if __name__ == "__main__":
    main()
