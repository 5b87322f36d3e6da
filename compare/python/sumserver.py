"""Seed 003's sum server in Python 3, written for this comparison: a thread
per connection, the CPU step through an apply function (plain, exclusive
under a lock, or a multiprocessing pool), the same protocol as
examples/sumserver.rs (the digits of n in; the sum and a newline out).
Prints the bound port first."""

import argparse
import socket
import threading


def sumn(n):
    total = 0
    while n > 0:
        total += n
        n -= 1
    return total


def plain_apply(func, args=()):
    return func(*args)


_lock = threading.Lock()


def exclusive_apply(func, args=()):
    with _lock:
        return func(*args)


def serve_client(c, apply):
    try:
        data = c.recv(17)
        try:
            n = int(data.strip())
            reply = "%d\n" % apply(sumn, (n,))
        except ValueError:
            reply = "error: not a decimal number\n"
        c.sendall(reply.encode("ascii"))
    finally:
        c.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--apply", choices=["inline", "exclusive", "pool"], default="inline")
    p.add_argument("--port", type=int, default=0)
    a = p.parse_args()
    if a.apply == "pool":
        import multiprocessing
        pool = multiprocessing.Pool()
        apply = pool.apply
    elif a.apply == "exclusive":
        apply = exclusive_apply
    else:
        apply = plain_apply
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", a.port))
    s.listen(128)
    print(s.getsockname()[1], flush=True)
    while True:
        c, _ = s.accept()
        t = threading.Thread(target=serve_client, args=(c, apply), daemon=True)
        t.start()


if __name__ == "__main__":
    main()
