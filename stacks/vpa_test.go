package stacks

import (
	"path/filepath"
	"testing"

	"github.com/fleetform/fleetform/components/platform"
)

// TestVPAPerStack: prod applies recommendations, dev only records them, and a stack
// of existing clusters (local, and the engine tests' stack) gets no VPA unless asked.
func TestVPAPerStack(t *testing.T) {
	cases := []struct {
		stack, file     string
		enabled, update bool
	}{
		{"prod", StackFile("..", "prod"), true, true},
		{"dev", StackFile("..", "dev"), true, false},
		{"local", StackFile("..", "local"), false, true},
		{"engine", filepath.Join("..", "tests", "engine", "testdata", "Pulumi.engine.yaml"), false, true},
	}
	for _, tc := range cases {
		t.Run(tc.stack, func(t *testing.T) {
			cfg, err := LoadFile(tc.file, tc.stack)
			if err != nil {
				t.Fatalf("decoding: %v", err)
			}
			cfg.ApplyDefaults()
			v := cfg.Platform.VPA
			if platform.OnByDefault(v.Enabled) != tc.enabled || platform.OnByDefault(v.Updates) != tc.update {
				t.Errorf("vpa enabled=%v updates=%v, want %v %v", platform.OnByDefault(v.Enabled), platform.OnByDefault(v.Updates), tc.enabled, tc.update)
			}
		})
	}
}
