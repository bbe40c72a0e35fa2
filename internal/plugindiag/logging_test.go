package plugindiag

import (
	"math"
	"os"
	"runtime/debug"
	"testing"
)

func clearLogEnv(t *testing.T) {
	t.Helper()
	for _, k := range logEnv {
		t.Setenv(k, "")
	}
}

func TestQuietUnlessAskedTurnsLoggingOff(t *testing.T) {
	clearLogEnv(t)
	QuietUnlessAsked()
	for _, k := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"} {
		if got := os.Getenv(k); got != "OFF" {
			t.Errorf("%s = %q, want OFF", k, got)
		}
	}
}

func TestQuietUnlessAskedKeepsRequestedLogging(t *testing.T) {
	clearLogEnv(t)
	t.Setenv("TF_LOG", "TRACE")
	QuietUnlessAsked()
	if got := os.Getenv("TF_LOG_SDK"); got != "" {
		t.Errorf("TF_LOG_SDK = %q, want it left unset when TF_LOG is set", got)
	}
}

func TestStartCPUProfileWritesProfile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(profileEnv, dir)
	stop := StartCPUProfile()
	stop()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("want one profile in %s, got %d files", dir, len(entries))
	}
}

func TestTuneGCRaisesGCPercentUnlessGOGCSet(t *testing.T) {
	prev := debug.SetGCPercent(100)
	prevLimit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(prev); debug.SetMemoryLimit(prevLimit) })

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	TuneGC()
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("GC percent = %d, want %d", got, gcPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != memoryLimit {
		t.Errorf("memory limit = %d, want %d", got, memoryLimit)
	}

	debug.SetMemoryLimit(math.MaxInt64)
	t.Setenv("GOGC", "100")
	t.Setenv("GOMEMLIMIT", "1GiB")
	TuneGC()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent = %d with GOGC set, want it left at 100", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("memory limit = %d with GOMEMLIMIT set, want it left alone", got)
	}
}
