"""Seed 000's three programs in one script: the sum of i*i for i < N as a
loop, one greenlet per element, and one gevent greenlet per element (the
post used eventlet; gevent is its successor here). Prints JSON lines of ns
per element."""

import argparse
import json
import time

import gevent
import greenlet


def by_loop(n):
    a, b = range(n), range(n)
    s = 0
    for i in range(n):
        s += a[i] * b[i]
    return s


def by_greenlets(n):
    a, b = range(n), range(n)
    out = []
    def mul(i, x, y):
        out.append(x * y)
    tasks = [greenlet.greenlet(run=mul) for _ in range(n)]
    for i in range(n):
        tasks[i].switch(i, a[i], b[i])
    return sum(out)


def by_gevent(n):
    a, b = range(n), range(n)
    gs = [gevent.spawn(lambda x, y: x * y, a[i], b[i]) for i in range(n)]
    gevent.joinall(gs)
    return sum(g.value for g in gs)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, required=True)
    n = p.parse_args().n
    expected = (n - 1) * n * (2 * n - 1) // 6
    for name, f in (("loop", by_loop), ("greenlet", by_greenlets), ("gevent", by_gevent)):
        start = time.perf_counter()
        s = f(n)
        ns = (time.perf_counter() - start) * 1e9 / n
        assert s == expected, (name, s, expected)
        print(json.dumps({"way": name, "n": n, "ns_per_element": round(ns, 2)}))


if __name__ == "__main__":
    main()
