package plugindiag

import (
	"os"
	"runtime/debug"
)

// Plugin processes are short-lived and their live heap is small (a few MiB of schema and state values), but the
// framework allocates heavily per resource instance: with Go's default GOGC=100 the collector ran ~14% of the
// provider's CPU on a plan of 200 resources. A higher GC percent trades a little memory for that CPU; the soft
// memory limit makes the collector work harder again before the heap grows large.
const (
	gcPercent   = 400
	memoryLimit = 512 << 20
)

// TuneGC raises the GC percent and sets a soft memory limit, unless the user set GOGC or GOMEMLIMIT.
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
