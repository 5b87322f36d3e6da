"""Seed 004's iotest in Python 3, written for this comparison: a UDP echo
server thread beside K threads spinning on pi digits. Prints the bound port
first; examples/echoclient.rs is the client."""

import argparse
import itertools
import socket
import threading


def pi_digits(n):
    def gen_x():
        return map(lambda k: (k, 4 * k + 2, 0, 2 * k + 1), itertools.count(1))

    def compose(a, b):
        aq, ar, as_, at = a
        bq, br, bs, bt = b
        return (aq * bq, aq * br + ar * bt, as_ * bq + at * bs, as_ * br + at * bt)

    def extract(z, j):
        q, r, s, t = z
        return (q * j + r) // (s * j + t)

    def digits():
        z = (1, 0, 0, 1)
        x = gen_x()
        while True:
            y = extract(z, 3)
            while y != extract(z, 4):
                z = compose(z, next(x))
                y = extract(z, 3)
            z = compose((10, -10 * y, 0, 1), z)
            yield y

    return list(itertools.islice(digits(), n))


def spin():
    while True:
        pi_digits(50)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--spinners", type=int, default=0)
    p.add_argument("--port", type=int, default=0)
    a = p.parse_args()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", a.port))
    print(s.getsockname()[1], flush=True)
    for _ in range(a.spinners):
        threading.Thread(target=spin, daemon=True).start()
    while True:
        msg, addr = s.recvfrom(65536)
        s.sendto(msg, addr)


if __name__ == "__main__":
    main()
