package helmrelease

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsListEveryPin keeps the chart table of docs/platform.md in step with Pins:
// one row per pin, with its chart, version and repository, and no other rows.
func TestDocsListEveryPin(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "platform.md"))
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
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("docs/platform.md chart pins table:\n%s\nwant (from Pins):\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
}
