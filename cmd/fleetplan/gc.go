package main

import (
	"os"
	"runtime/debug"
)

// A plan is a short batch job whose objects live until it ends (the SDK keeps every
// resource's state), so collecting often buys nothing: fleetplan runs the collector
// at GOGC 400 rather than 100, bounded by a soft limit that keeps the 20k-resource
// fleet under 1 GiB (docs/performance.md, "GC settings of the CLI"). GOGC and
// GOMEMLIMIT in the environment win.
const (
	gcPercent   = 400
	memoryLimit = 800 << 20
)

// tuneGC applies gcPercent and memoryLimit unless the environment sets its own.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
