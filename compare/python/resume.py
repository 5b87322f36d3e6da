"""One resume round trip in Python: a generator's send, and a greenlet
switch, with the body of crates/genlet-bench-support/src/body.rs (add the
value into an accumulator, yield a counter). Prints JSON lines of ns per round trip."""

import json
import time

import greenlet

N = 1_000_000


def gen_body():
    acc = 0
    count = 0
    while True:
        v = yield count
        acc += v
        count += 1


def bench_send():
    g = gen_body()
    next(g)
    send = g.send
    start = time.perf_counter()
    for i in range(N):
        send(i)
    return (time.perf_counter() - start) * 1e9 / N


def bench_switch():
    def body(v):
        acc = 0
        count = 0
        parent = greenlet.getcurrent().parent
        while True:
            acc += v
            count += 1
            v = parent.switch(count)

    g = greenlet.greenlet(body)
    g.switch(0)
    switch = g.switch
    start = time.perf_counter()
    for i in range(N):
        switch(i)
    return (time.perf_counter() - start) * 1e9 / N


for name, f in (("python generator send", bench_send), ("greenlet switch", bench_switch)):
    print(json.dumps({"system": name, "ns_per_resume": round(f(), 2)}))
