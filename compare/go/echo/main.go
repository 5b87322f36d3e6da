// The network-load experiment's Go echo server: a goroutine per
// connection on the net package, TCP_NODELAY on (Go's default, set again
// here). Prints its port on the first line of stdout, then serves until
// killed. Built by the compare harness with `go build` into target/go/.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
)

func serve(c net.Conn) {
	defer c.Close()
	if t, ok := c.(*net.TCPConn); ok {
		t.SetNoDelay(true)
	}
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func main() {
	port := flag.Int("port", 0, "the port on 127.0.0.1 (0: any free one)")
	flag.Parse()
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "echo:", err)
		os.Exit(1)
	}
	fmt.Println(l.Addr().(*net.TCPAddr).Port)
	for {
		c, err := l.Accept()
		if err != nil {
			continue
		}
		go serve(c)
	}
}
