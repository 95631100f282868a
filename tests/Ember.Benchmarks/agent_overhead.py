#!/usr/bin/env python3
"""Measures what ember-agent costs the machine, next to bpftrace and perf doing the same sampling.

Wall-clock throughput of a workload is too noisy on a shared 2-core machine to see 1%, so this
measures the profilers' own cost directly while a CPU-bound workload keeps every CPU busy:

  * in-kernel cost: kernel.bpf_stats_enabled=1, then run_time_ns / run_cnt of every BPF program
    the profiler's process holds (the same counters bpftool prog show prints, read from the
    process's /proc/PID/fdinfo), over the measured window;
  * user-space cost: utime + stime of the profiler process from /proc/PID/stat;
  * both divided by wall time x CPUs = share of the whole machine;
  * kernel ns per sample, the agent's RSS (VmRSS and peak VmHWM), the kernel memory its BPF maps
    are charged for (memlock of its bpf-map descriptors), and its CPU time per collect interval.

Three workloads: `fp`, C built with frame pointers (tests/fixtures/native-ratio), and `nofp`, C
built -O2 -fomit-frame-pointer (tests/fixtures/no-fp), which ember-agent walks with its .eh_frame
tables in the kernel, each on every CPU; `python`, 20 CPython 3.11 processes
(tests/fixtures/python-hot/ratio.py), whose Python frames ember-agent also walks in the kernel. ember-agent runs in its DaemonSet mode (`run`), exporting
OTLP/HTTP to a throw-away receiver in this script; bpftrace runs
`profile:hz:N { @[ustack, kstack, pid] = count(); }` (a frame-pointer walk, aggregated in the kernel
like the agent's); `perf record -a --call-graph dwarf -F N` copies 8 KiB of every sampled stack to
user space and unwinds it only afterwards, so for perf the table shows its recording process's CPU,
the bytes it wrote per sample, and the CPU `perf script` then spends unwinding, per sample (its
in-kernel copy is spent in the sample interrupt, which this kernel does not account apart).
Profilers run one after the other on the same workload, at each frequency. Needs root, bpftrace,
gcc, perf; by default publishes the native-AOT agent first.

  sudo python3 tests/Ember.Benchmarks/agent_overhead.py [--seconds 30] [--frequencies 19 99]
                      [--workloads fp nofp python] [--profilers ember-agent bpftrace perf]
                      [--agent PATH] [--collect-interval 10]
"""

import argparse
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CPUS = os.cpu_count() or 1


class _Receiver(http.server.BaseHTTPRequestHandler):
    """Accepts OTLP/HTTP exports and answers an empty ExportProfilesServiceResponse."""

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def require(tool, package):
    path = shutil.which(tool)
    if path is None:
        sys.exit(f"{tool} is missing: apt-get install {package}")
    return path


def cpu_seconds(pid):
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def memory_kib(pid, key):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def bpf_stats(pid):
    """Summed run_time_ns and run_cnt of the BPF programs process `pid` holds open.

    Read from /proc/PID/fdinfo of its bpf-prog descriptors (kernel >= 5.1 prints prog_id,
    run_time_ns and run_cnt there), so no bpftool build with pid support is needed.
    """
    programs = {}
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd) != "anon_inode:bpf-prog":
                continue
            info = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text().splitlines() if ":" in line)
        except OSError:
            continue  # the descriptor closed meanwhile
        programs[int(info["prog_id"])] = (int(info.get("run_time_ns", 0)), int(info.get("run_cnt", 0)))
    return sum(ns for ns, _ in programs.values()), sum(count for _, count in programs.values()), len(programs)


def map_memory_kib(pid):
    """Kernel memory the BPF maps process `pid` holds are charged for (memlock in their fdinfo)."""
    total = 0
    seen = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd) != "anon_inode:bpf-map":
                continue
            info = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text().splitlines() if ":" in line)
        except OSError:
            continue
        map_id = info.get("map_id", fd.name).strip()
        if map_id not in seen:
            seen.add(map_id)
            total += int(info.get("memlock", "0"))
    return total / 1024


def snapshot(pid):
    run_time_ns, run_cnt, programs = bpf_stats(pid)
    return {"time": time.monotonic(), "cpu": cpu_seconds(pid), "ns": run_time_ns, "count": run_cnt, "programs": programs}


def wait_for_programs(pid, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if bpf_stats(pid)[2] > 0:
            return
        time.sleep(0.5)
    raise RuntimeError(f"process {pid} attached no BPF program within {timeout} s")


def measure(name, workload, frequency, command, seconds, interval=None, perf_data=None):
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if perf_data is None:
            wait_for_programs(process.pid)
        else:
            time.sleep(1)  # perf holds no BPF program: give it its start-up
        # Past start-up (bpftrace's LLVM compile; the agent's first symbolization of every process
        # and its first export), so the window shows the steady state a node pays for.
        time.sleep(3 + (interval or 0))
        before = snapshot(process.pid)
        time.sleep(seconds)
        after = snapshot(process.pid)
        rss = memory_kib(process.pid, "VmRSS")
        peak = memory_kib(process.pid, "VmHWM")
        maps = map_memory_kib(process.pid)
        written_before = perf_data.stat().st_size if perf_data else 0
    finally:
        process.send_signal(signal.SIGKILL if name == "bpftrace" else signal.SIGINT if perf_data else signal.SIGTERM)
        process.wait(timeout=120)

    wall = after["time"] - before["time"]
    kernel_ns = after["ns"] - before["ns"]
    samples = after["count"] - before["count"]
    user_s = after["cpu"] - before["cpu"]
    capacity_ns = wall * CPUS * 1e9
    post_us = None
    if perf_data is not None:
        samples, post_us = perf_post_processing(perf_data, frequency, wall)
        kernel_ns = 0
    row = {
        "profiler": name,
        "workload": workload,
        "hz": frequency,
        "samples": samples,
        "kernel_ns_per_sample": kernel_ns / samples if samples and perf_data is None else float("nan"),
        "kernel_pct": 100 * kernel_ns / capacity_ns,
        "user_pct": 100 * user_s * 1e9 / capacity_ns,
        "rss_mib": rss / 1024,
        "peak_rss_mib": peak / 1024,
        "cpu_ms_per_interval": 1000 * user_s / (wall / interval) if interval else None,
        "map_mib": maps / 1024,
        "bytes_per_sample": written_before / samples if perf_data and samples else None,
        "post_us_per_sample": post_us,
    }
    row["total_pct"] = row["kernel_pct"] + row["user_pct"]
    return row


def perf_post_processing(perf_data, frequency, wall):
    """(samples recorded, CPU microseconds `perf script` spends per sample unwinding them)."""
    started = os.times()
    result = subprocess.run(["perf", "script", "-i", str(perf_data), "-F", "pid,ip,sym"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, check=True)
    finished = os.times()
    cpu = (finished.children_user - started.children_user) + (finished.children_system - started.children_system)
    samples = result.stdout.count(b"\n\n")  # one blank line ends each sample's call chain
    return samples, 1e6 * cpu / samples if samples else float("nan")


def publish_agent():
    output = Path(tempfile.mkdtemp(prefix="ember-agent-aot-"))
    subprocess.check_call(["dotnet", "publish", str(REPO / "agent/Ember.Agent"), "-c", "Release", "-r", "linux-x64",
                           "-o", str(output), "--nologo", "-v", "quiet"])
    return str(output / "ember-agent")


WORKLOADS = {
    "fp": (["-O0", "-fno-omit-frame-pointer"], "tests/fixtures/native-ratio/ratio.c"),
    "nofp": (["-O2", "-fomit-frame-pointer", "-fno-optimize-sibling-calls"], "tests/fixtures/no-fp/no_fp.c"),
    "python": (None, "tests/fixtures/python-hot/ratio.py"),
}


PYTHON_PROCESSES = 20


def start_workload(directory, kind):
    if kind == "python":
        # 20 CPython 3.11 processes (Debian's, no -X perf) sharing the CPUs: ember-agent walks their
        # Python frames in the kernel as well as their native ones; bpftrace and perf see the interpreter.
        script = str(REPO / "tests/fixtures/python-hot/ratio.py")
        return [subprocess.Popen(["/usr/bin/python3.11", "-S", "-I", script], stdout=subprocess.DEVNULL) for _ in range(PYTHON_PROCESSES)]
    flags, source = WORKLOADS[kind]
    binary = directory / kind
    subprocess.check_call([require("gcc", "gcc"), *flags, "-o", str(binary), str(REPO / source)])
    return [subprocess.Popen([str(binary), "100000"]) for _ in range(CPUS)]


def print_table(rows):
    print()
    print("| workload | profiler | Hz | samples | kernel ns/sample | kernel % | user % | total % of machine | RSS MiB (peak) | "
          "BPF maps MiB | RSS + maps MiB | CPU ms per interval | perf: bytes/sample | perf script µs/sample |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    dash = "–"
    for r in rows:
        interval = f"{r['cpu_ms_per_interval']:.1f}" if r["cpu_ms_per_interval"] is not None else dash
        ns = f"{r['kernel_ns_per_sample']:.0f}" if r["kernel_ns_per_sample"] == r["kernel_ns_per_sample"] else dash
        written = f"{r['bytes_per_sample']:.0f}" if r["bytes_per_sample"] is not None else dash
        post = f"{r['post_us_per_sample']:.1f}" if r["post_us_per_sample"] is not None else dash
        print(f"| {r['workload']} | {r['profiler']} | {r['hz']} | {r['samples']} | {ns} | {r['kernel_pct']:.3f} | "
              f"{r['user_pct']:.3f} | {r['total_pct']:.3f} | {r['rss_mib']:.1f} ({r['peak_rss_mib']:.1f}) | {r['map_mib']:.1f} | "
              f"{r['rss_mib'] + r['map_mib']:.1f} | {interval} | {written} | {post} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=30, help="measured window per run (default 30)")
    parser.add_argument("--frequencies", type=int, nargs="+", default=[19, 99], help="sampling rates in Hz (default 19 99)")
    parser.add_argument("--agent", help="ember-agent executable (default: publish the native-AOT agent first)")
    parser.add_argument("--collect-interval", type=int, default=10, help="agent collect interval in seconds (default 10)")
    parser.add_argument("--workloads", nargs="+", choices=sorted(WORKLOADS), default=["fp", "nofp"], help="workloads (default fp nofp)")
    parser.add_argument("--profilers", nargs="+", choices=["ember-agent", "bpftrace", "perf"], default=["ember-agent", "bpftrace", "perf"])
    args = parser.parse_args()

    if os.geteuid() != 0:
        sys.exit("run as root: BPF statistics and the profilers need it")
    bpftrace = require("bpftrace", "bpftrace") if "bpftrace" in args.profilers else None
    perf = require("perf", "linux-perf") if "perf" in args.profilers else None
    agent = args.agent or publish_agent()

    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{receiver.server_address[1]}/v1development/profiles"

    stats_path = Path("/proc/sys/kernel/bpf_stats_enabled")
    stats_before = stats_path.read_text().strip()
    stats_path.write_text("1")
    work = Path(tempfile.mkdtemp(prefix="ember-overhead-"))
    rows = []
    workload = []
    try:
        for kind in args.workloads:
            workload = start_workload(work, kind)
            for hz in args.frequencies:
                if "ember-agent" in args.profilers:
                    rows.append(measure("ember-agent", kind, hz, [agent, "run", "--frequency", str(hz), "--collect-interval", f"{args.collect_interval}s",
                                                                  "--otlp-endpoint", endpoint, "--otlp-protocol", "http/protobuf"],
                                        args.seconds, args.collect_interval))
                    print(json.dumps(rows[-1]), flush=True)
                if bpftrace:
                    rows.append(measure("bpftrace", kind, hz, [bpftrace, "-e", f"profile:hz:{hz} {{ @[ustack, kstack, pid] = count(); }}"], args.seconds))
                    print(json.dumps(rows[-1]), flush=True)
                if perf:
                    data = work / f"perf-{kind}-{hz}.data"
                    rows.append(measure("perf --call-graph dwarf", kind, hz,
                                        [perf, "record", "-a", "-F", str(hz), "--call-graph", "dwarf", "-q", "-o", str(data)],
                                        args.seconds, perf_data=data))
                    print(json.dumps(rows[-1]), flush=True)
                    data.unlink(missing_ok=True)
            for process in workload:
                process.kill()
            workload = []
    finally:
        for process in workload:
            process.kill()
        stats_path.write_text(stats_before)
        receiver.shutdown()
        shutil.rmtree(work, ignore_errors=True)

    print(f"\n{CPUS} CPUs, {args.seconds} s measured per run, CPU-bound workload on every CPU, kernel {os.uname().release}")
    print_table(rows)


if __name__ == "__main__":
    main()
