package tfharness

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
)

// TestWatchRSSCountsProvidersAtOnce starts three processes whose executable has this provider's name (copies of
// sleep) below the test process and one that has another name: the watcher sees the three, at once, with their
// resident sets summed, and not the fourth.
func TestWatchRSSCountsProvidersAtOnce(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the watcher reads /proc, which " + runtime.GOOS + " does not have")
	}
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep binary to stand in for a plugin: " + err.Error())
	}
	src, err := os.ReadFile(sleep)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	start := func(name string) int {
		bin := filepath.Join(dir, name)
		if _, err := os.Stat(bin); err != nil {
			if err := os.WriteFile(bin, src, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command(bin, "60")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		return cmd.Process.Pid
	}
	var want []int
	for range 3 {
		want = append(want, start(providerPrefix+"_v0.0.1"))
	}
	start("terraform-provider-other_v1.0.0")

	got := ProviderPIDs(os.Getpid())
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("ProviderPIDs = %v, want %v", got, want)
	}
	w := WatchRSS(os.Getpid(), time.Hour) // one poll, at once
	peak := w.Stop()
	n, sum := w.AtOnce()
	if n != 3 || w.Processes() != 3 {
		t.Errorf("at once %d, seen %d; want 3 and 3", n, w.Processes())
	}
	if peak <= 0 || sum < peak {
		t.Errorf("peak VmHWM %d KiB, summed VmRSS %d KiB: want a peak, and a sum of three at least as large", peak, sum)
	}
}
