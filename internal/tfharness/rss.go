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
// VmHWM (peak resident set) of one of them, how many ran at once, and the largest sum of their resident sets at
// one poll. A plugin that lives less than one interval can be missed; terraform keeps plugins alive for the whole
// walk, so in practice none are.
type RSSWatcher struct {
	stop chan struct{}
	done chan struct{}

	mu      sync.Mutex
	peak    int64 // KiB: the largest VmHWM of one process
	sumPeak int64 // KiB: the largest sum of VmRSS over the processes alive at one poll
	atOnce  int   // the most processes alive at one poll
	pids    map[int]bool
}

// WatchRSS starts polling descendants of root every interval. On systems without /proc it records nothing.
func WatchRSS(root int, interval time.Duration) *RSSWatcher {
	w := &RSSWatcher{stop: make(chan struct{}), done: make(chan struct{}), pids: map[int]bool{}}
	go func() {
		defer close(w.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		scan := newProcScan(root)
		for {
			var sum int64
			alive := 0
			for _, pid := range scan.providers() {
				hwm, rss := memoryOf(pid)
				if hwm == 0 {
					continue // gone, or a zombie
				}
				alive++
				sum += rss
				w.mu.Lock()
				w.peak = max(w.peak, hwm)
				w.pids[pid] = true
				w.mu.Unlock()
			}
			w.mu.Lock()
			w.sumPeak, w.atOnce = max(w.sumPeak, sum), max(w.atOnce, alive)
			w.mu.Unlock()
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

// AtOnce is the most provider processes seen alive at one poll, and the largest sum of their resident sets (KiB).
func (w *RSSWatcher) AtOnce() (processes int, sumRSSKiB int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.atOnce, w.sumPeak
}

// ProviderPIDs lists running processes below root whose executable is this provider.
func ProviderPIDs(root int) []int { return newProcScan(root).providers() }

// procScan finds the provider processes below root, remembering what it learned of each process id between
// polls: a fleet run has hundreds of plugin processes, and reading every /proc/<pid>/stat at each poll would cost
// the machine more than the benchmark measures.
type procScan struct {
	root   int
	parent map[int]int  // pid -> ppid, for every process seen
	plugin map[int]bool // pid -> its executable is this provider
}

func newProcScan(root int) *procScan {
	return &procScan{root: root, parent: map[int]int{}, plugin: map[int]bool{}}
}

// providers lists the live provider processes below root.
func (s *procScan) providers() []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	live := make(map[int]bool, len(entries))
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		live[pid] = true
		// A child of root is read again until it is this provider: it may have been seen between fork and exec.
		if ppid, known := s.parent[pid]; !known || (ppid == s.root && !s.plugin[pid]) {
			s.learn(pid)
		}
	}
	for pid := range s.parent {
		if !live[pid] { // gone: its id may be reused by another process
			delete(s.parent, pid)
			delete(s.plugin, pid)
		}
	}
	var out []int
	for pid, ok := range s.plugin {
		if !ok {
			continue
		}
		for p, hops := s.parent[pid], 0; p > 1 && hops < 64; p, hops = s.parent[p], hops+1 {
			if p == s.root {
				out = append(out, pid)
				break
			}
		}
	}
	return out
}

// learn reads a new process's parent and whether it is this provider.
func (s *procScan) learn(pid int) {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return
	}
	// Fields after the parenthesised command name: state ppid ...
	st := string(stat)
	i := strings.LastIndexByte(st, ')')
	if i < 0 {
		return
	}
	f := strings.Fields(st[i+1:])
	if len(f) < 2 {
		return
	}
	ppid, _ := strconv.Atoi(f[1])
	s.parent[pid] = ppid
	if strings.HasPrefix(st[strings.IndexByte(st, '(')+1:i], "terraform-provi") { // comm is cut at 15 bytes
		exe, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "exe"))
		s.plugin[pid] = err == nil && strings.HasPrefix(filepath.Base(exe), providerPrefix)
	}
}

// memoryOf reads VmHWM and VmRSS (KiB) from /proc/<pid>/status; 0, 0 when the process is gone.
func memoryOf(pid int) (hwm, rss int64) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, 0
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		for _, field := range []struct {
			prefix string
			into   *int64
		}{{"VmHWM:", &hwm}, {"VmRSS:", &rss}} {
			if rest, ok := strings.CutPrefix(line, field.prefix); ok {
				if v := strings.Fields(rest); len(v) > 0 {
					*field.into, _ = strconv.ParseInt(v[0], 10, 64)
				}
			}
		}
		if hwm > 0 && rss > 0 {
			break
		}
	}
	return hwm, rss
}
