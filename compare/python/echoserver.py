"""The network-load experiment's gevent echo server, written for this
comparison: gevent's StreamServer, a greenlet per connection echoing what
it reads, TCP_NODELAY on every accepted socket. Prints the bound port
first, then serves until killed. The load comes from
compare/src/bin/echo_load.rs, the same client as every other server."""

import argparse
import socket
import sys

from gevent.server import StreamServer


def echo(sock, _address):
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                break
            sock.sendall(data)
    except OSError:
        pass
    finally:
        sock.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    a = p.parse_args()
    server = StreamServer(("127.0.0.1", a.port), echo, backlog=1024)
    server.start()
    print(server.server_port)
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
