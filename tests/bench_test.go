package tests

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/program"
	"github.com/fleetform/fleetform/stacks"
)

// Fleet sizes for the benchmarks, chosen to give about 1,000, 5,000 and 20,000 resources.
var fleets = []struct {
	name string
	spec fleetSpec
}{
	{"1k", fleetSpec{Clusters: 2, Envs: 5, Releases: 8}},
	{"5k", fleetSpec{Clusters: 4, Envs: 10, Releases: 10}},
	{"20k", fleetSpec{Clusters: 10, Envs: 20, Releases: 8}},
}

// planFleetE decodes, validates and plans a generated fleet, as `fleetplan plan` does.
func planFleetE(f fleetSpec) (*plan.Plan, error) {
	cfg, err := stacks.Parse([]byte(fleetYAML(f)), "Pulumi.fleet.yaml", "fleet")
	if err != nil {
		return nil, err
	}
	return program.Offline(cfg, nil)
}

// peakRSSMiB is the process's peak resident memory (VmHWM) in MiB, or 0 off Linux.
func peakRSSMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func benchPlan(b *testing.B, planOnce func() (*plan.Plan, error)) {
	b.Helper()
	b.ReportAllocs()
	var n int
	for i := 0; i < b.N; i++ {
		p, err := planOnce()
		if err != nil {
			b.Fatal(err)
		}
		n = len(p.Resources)
	}
	b.ReportMetric(float64(n), "resources")
	b.ReportMetric(peakRSSMiB(), "peak-RSS-MiB")
}

// BenchmarkPlanDev is `fleetplan plan --stack dev` without the CLI.
func BenchmarkPlanDev(b *testing.B) {
	benchPlan(b, func() (*plan.Plan, error) { return planStackE("dev", nil) })
}

// BenchmarkPlanProd plans prod with dev's plan given, so it measures prod alone
// (the target: under 1 s on 2 cores).
func BenchmarkPlanProd(b *testing.B) {
	dev := planStack(b, "dev", nil)
	refs := map[string]*plan.Plan{"organization/fleetform/dev": dev}
	b.ResetTimer()
	benchPlan(b, func() (*plan.Plan, error) { return planStackE("prod", refs) })
}

// BenchmarkPlanFleet plans generated fleets (targets: 5k under 5 s; 20k under 1 GiB
// peak, run alone with -bench 'PlanFleet/20k' so other sizes do not set the peak).
func BenchmarkPlanFleet(b *testing.B) {
	for _, f := range fleets {
		b.Run(f.name, func(b *testing.B) {
			benchPlan(b, func() (*plan.Plan, error) { return planFleetE(f.spec) })
		})
	}
}

// BenchmarkPlanScaling reports time(20k)/time(5k) per resource-normalised run; the
// target is at most 4.4 for four times the resources.
func BenchmarkPlanScaling(b *testing.B) {
	for i := 0; i < b.N; i++ {
		var dur [2]time.Duration
		var size [2]int
		for j, f := range []fleetSpec{fleets[1].spec, fleets[2].spec} {
			runtime.GC()
			start := time.Now()
			p, err := planFleetE(f)
			if err != nil {
				b.Fatal(err)
			}
			dur[j], size[j] = time.Since(start), len(p.Resources)
		}
		b.ReportMetric(float64(dur[1])/float64(dur[0]), "time-ratio-20k/5k")
		b.ReportMetric(float64(size[1])/float64(size[0]), "size-ratio-20k/5k")
	}
}

// TestGeneratedFleetsPlan keeps the benchmark fleets valid: each plans, and its size
// is what the benchmark's name says.
func TestGeneratedFleetsPlan(t *testing.T) {
	if testing.Short() {
		t.Skip("plans thousands of resources")
	}
	for _, f := range fleets[:2] {
		t.Run(f.name, func(t *testing.T) {
			p, err := planFleetE(f.spec)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := strconv.Atoi(strings.TrimSuffix(f.name, "k"))
			if n := len(p.Resources); n < want*800 || n > want*1200 {
				t.Errorf("fleet %s has %d resources, want about %d", f.name, n, want*1000)
			}
			t.Logf("fleet %s: %d resources", f.name, len(p.Resources))
		})
	}
}
