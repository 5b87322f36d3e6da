"""Seed 002's Prog 1 and Prog 2 in Python: N tasks each sleeping, as gevent
greenlets or as threads. Prints one JSON line: wall_ms, peak_rss_kib and
bytes_per_task, measured like examples/sleepers.rs (VmHWM minus the size
before spawning, divided by N)."""

import argparse
import json
import time


def vm(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--system", choices=["gevent", "threads"], required=True)
    p.add_argument("--tasks", type=int, required=True)
    p.add_argument("--sleep-ms", type=int, default=200)
    a = p.parse_args()
    delay = a.sleep_ms / 1000.0
    if a.system == "gevent":
        import gevent

        before = vm("VmRSS")
        start = time.perf_counter()
        gs = [gevent.spawn(gevent.sleep, delay) for _ in range(a.tasks)]
        gevent.joinall(gs)
    else:
        import threading

        before = vm("VmRSS")
        start = time.perf_counter()
        ts = [threading.Thread(target=time.sleep, args=(delay,)) for _ in range(a.tasks)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    wall = (time.perf_counter() - start) * 1000
    peak = vm("VmHWM")
    print(json.dumps({
        "runtime": a.system, "tasks": a.tasks, "sleep_ms": a.sleep_ms,
        "wall_ms": round(wall, 1), "peak_rss_kib": peak,
        "bytes_per_task": round(max(peak - before, 0) * 1024 / a.tasks, 1),
    }))


if __name__ == "__main__":
    main()
