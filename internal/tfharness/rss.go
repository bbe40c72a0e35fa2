package tfharness

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// providerPrefix is the file name every build of this provider starts with.
const providerPrefix = "terraform-provider-securescore"

// RSSWatcher polls /proc for provider plugin processes descending from one process and records the largest
// VmHWM (peak resident set) seen. A plugin that lives less than one interval can be missed; terraform keeps
// plugins alive for the whole walk, so in practice none are.
type RSSWatcher struct {
	stop chan struct{}
	done chan struct{}
	mu   sync.Mutex
	peak int64
	pids map[int]bool
}

// WatchRSS starts polling descendants of root every interval. On systems without /proc it records nothing.
func WatchRSS(root int, interval time.Duration) *RSSWatcher {
	w := &RSSWatcher{stop: make(chan struct{}), done: make(chan struct{}), pids: map[int]bool{}}
	go func() {
		defer close(w.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			for _, pid := range ProviderPIDs(root) {
				if kb := vmHWM(pid); kb > 0 {
					w.mu.Lock()
					w.peak = max(w.peak, kb)
					w.pids[pid] = true
					w.mu.Unlock()
				}
			}
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// Stop ends polling and returns the peak in KiB (0 if no provider process was seen).
func (w *RSSWatcher) Stop() int64 {
	select {
	case <-w.stop:
	default:
		close(w.stop)
	}
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.peak
}

// Processes is how many distinct provider processes were seen so far.
func (w *RSSWatcher) Processes() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.pids)
}

// ProviderPIDs lists running processes below root whose executable is this provider.
func ProviderPIDs(root int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	parent := map[int]int{}
	var candidates []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// Fields after the parenthesised command name: state ppid ...
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		parent[pid] = ppid
		if strings.HasPrefix(s[strings.IndexByte(s, '(')+1:i], "terraform-provi") { // comm is cut at 15 bytes
			if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && strings.HasPrefix(filepath.Base(exe), providerPrefix) {
				candidates = append(candidates, pid)
			}
		}
	}
	var out []int
	for _, pid := range candidates {
		for p, hops := parent[pid], 0; p > 1 && hops < 64; p, hops = parent[p], hops+1 {
			if p == root {
				out = append(out, pid)
				break
			}
		}
	}
	return out
}

// vmHWM reads VmHWM (KiB) from /proc/<pid>/status; 0 when the process is gone.
func vmHWM(pid int) int64 {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}
