// Seed 002's Prog 1 and Prog 2 in Go: N goroutines that each sleep, waited
// for with a WaitGroup. Prints one JSON line: wall_ms, peak_rss_kib and
// bytes_per_task, measured like examples/sleepers.rs (VmHWM minus the
// resident size before spawning, divided by N). Run by
// `sleepers --runtime go`, which builds it with `go build` into target/go/.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// vm reads a field of /proc/self/status, in KiB.
func vm(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		if strings.HasPrefix(line, field+":") {
			parts := strings.Fields(line)
			if len(parts) >= 2 {
				v, _ := strconv.ParseInt(parts[1], 10, 64)
				return v
			}
		}
	}
	return 0
}

func main() {
	tasks := flag.Int("tasks", 100000, "goroutines to spawn")
	sleepMs := flag.Int("sleep-ms", 200, "how long each sleeps, in milliseconds")
	flag.Parse()
	if *tasks < 1 {
		fmt.Fprintln(os.Stderr, "sleepers: --tasks must be at least 1")
		os.Exit(2)
	}
	delay := time.Duration(*sleepMs) * time.Millisecond
	before := vm("VmRSS")
	start := time.Now()
	var wg sync.WaitGroup
	wg.Add(*tasks)
	for i := 0; i < *tasks; i++ {
		go func() {
			time.Sleep(delay)
			wg.Done()
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	peak := vm("VmHWM")
	grown := peak - before
	if grown < 0 {
		grown = 0
	}
	out, _ := json.Marshal(map[string]interface{}{
		"runtime":        "go",
		"tasks":          *tasks,
		"sleep_ms":       *sleepMs,
		"wall_ms":        float64(wall.Microseconds()) / 1000.0,
		"peak_rss_kib":   peak,
		"bytes_per_task": float64(grown*1024) / float64(*tasks),
	})
	fmt.Println(string(out))
}
