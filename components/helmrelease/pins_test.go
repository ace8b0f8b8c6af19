package helmrelease

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/addons/catalog"
)

// TestPinsFollowCatalog: Pins are exactly the charts catalog.Addons register, in
// their order, each pinned once.
func TestPinsFollowCatalog(t *testing.T) {
	var got []string
	for _, p := range Pins {
		got = append(got, p.Chart)
	}
	if want := catalog.Charts(); !slices.Equal(got, want) {
		t.Errorf("Pins charts:\n%v\nwant (catalog.Charts()):\n%v", got, want)
	}
}

var update = flag.Bool("update", false, "rewrite the chart pins table of docs/platform.md from Pins")

// rewriteRows replaces the consecutive lines rows of the file at path with want.
func rewriteRows(t *testing.T, path string, rows, want []string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	old := strings.Join(rows, "\n") + "\n"
	if len(rows) == 0 || strings.Count(string(data), old) != 1 {
		t.Fatalf("%s: the table rows are not found once; fix the table by hand", path)
	}
	out := strings.Replace(string(data), old, strings.Join(want, "\n")+"\n", 1)
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDocsListEveryPin keeps the chart table of docs/platform.md in step with Pins:
// one row per pin, with its chart, version and repository, and no other rows
// (-update rewrites it).
func TestDocsListEveryPin(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "platform.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	in := false
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "## "):
			in = line == "## Chart pins"
		case in && strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| chart ") && !strings.HasPrefix(line, "| ---"):
			rows = append(rows, line)
		}
	}
	var want []string
	for _, p := range Pins {
		want = append(want, "| "+p.Chart+" | "+p.Version+" | "+p.Repository+" |")
	}
	if *update {
		rewriteRows(t, path, rows, want)
		return
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("docs/platform.md chart pins table:\n%s\nwant (from Pins):\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
}

// TestRenovateFindsEveryPin runs renovate.json's custom-manager expressions over
// pins.go and the docs table: every pin is found with its version, so Renovate
// proposes each chart's updates (pins.go and the docs row in one branch).
func TestRenovateFindsEveryPin(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "renovate.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		CustomManagers []struct {
			ManagerFilePatterns []string `json:"managerFilePatterns"`
			MatchStrings        []string `json:"matchStrings"`
		} `json:"customManagers"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	found := map[string]map[string]string{} // file -> depName -> currentValue
	for _, m := range cfg.CustomManagers {
		for _, pattern := range m.ManagerFilePatterns {
			file := strings.NewReplacer(`\.`, ".", "^", "", "$", "").Replace(strings.Trim(pattern, "/"))
			src, err := os.ReadFile(filepath.Join("..", "..", file))
			if err != nil {
				t.Fatalf("manager file %s: %v", pattern, err)
			}
			for _, expr := range m.MatchStrings {
				re, err := regexp.Compile(expr)
				if err != nil {
					t.Fatalf("matchString %q: %v", expr, err)
				}
				for _, sub := range re.FindAllStringSubmatch(string(src), -1) {
					if found[file] == nil {
						found[file] = map[string]string{}
					}
					found[file][sub[re.SubexpIndex("depName")]] = sub[re.SubexpIndex("currentValue")]
				}
			}
		}
	}
	// One version constant serves a chart family; Renovate reads it under one name.
	constantOf := map[string]string{GatewayCRDs.Chart: EnvoyGateway.Chart, IstioBase.Chart: Istiod.Chart, IstioCNI.Chart: Istiod.Chart}
	for _, p := range Pins {
		name := p.Chart
		if c, ok := constantOf[name]; ok {
			name = c
		}
		if got := found["components/helmrelease/pins.go"][name]; got != p.Version {
			t.Errorf("pins.go: Renovate reads %s at %q, want %q", name, got, p.Version)
		}
		if got := found["docs/platform.md"][p.Chart]; got != p.Version {
			t.Errorf("docs/platform.md: Renovate reads %s at %q, want %q", p.Chart, got, p.Version)
		}
	}
}
