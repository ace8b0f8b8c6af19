package main

import (
	"runtime/debug"
	"testing"
)

// TestTuneGC: fleetplan sets its batch-job GC settings, and leaves GOGC and
// GOMEMLIMIT to the environment when it names them.
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	for _, tc := range []struct {
		name, gogc, limit string
		percent           int
		bytes             int64
	}{
		{"unset: the CLI's settings", "", "", gcPercent, memoryLimit},
		{"GOGC given", "50", "", 100, memoryLimit},
		{"GOMEMLIMIT given", "", "1GiB", gcPercent, 1 << 62},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOGC", tc.gogc)
			t.Setenv("GOMEMLIMIT", tc.limit)
			debug.SetGCPercent(100)       // what the runtime would have read: the test's own value
			debug.SetMemoryLimit(1 << 62) // likewise
			tuneGC()
			if got := debug.SetGCPercent(100); got != tc.percent {
				t.Errorf("GC percent %d, want %d", got, tc.percent)
			}
			if got := debug.SetMemoryLimit(1 << 62); got != tc.bytes {
				t.Errorf("memory limit %d, want %d", got, tc.bytes)
			}
		})
	}
}
