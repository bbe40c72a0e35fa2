package plugindiag

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
)

// profileEnv names a directory: when set, the provider writes a CPU profile of its whole life there as
// cpu-<pid>.pprof (the benchmark uses it to find where time goes; terraform starts several plugin processes).
const profileEnv = "SECURESCORE_CPUPROFILE_DIR"

// StartCPUProfile starts CPU profiling if profileEnv is set and returns the function that stops it.
func StartCPUProfile() func() {
	dir := os.Getenv(profileEnv)
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", os.Getpid())))
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", profileEnv, err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		fmt.Fprintf(os.Stderr, "%s: %v\n", profileEnv, err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}
