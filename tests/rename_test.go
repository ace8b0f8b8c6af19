package tests

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/program"
	"github.com/fleetform/fleetform/stacks"
)

// renamedDev is Pulumi.dev.yaml with its cluster renamed dev-aws → dev-east, the old
// name kept in formerly.
func renamedDev(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(stacks.StackFile(repoRoot, "dev"))
	if err != nil {
		t.Fatal(err)
	}
	const decl = "    - name: dev-aws\n"
	if !bytes.Contains(data, []byte(decl)) {
		t.Fatalf("Pulumi.dev.yaml no longer declares %q", strings.TrimSpace(decl))
	}
	out := bytes.Replace(data, []byte(decl), []byte("    - name: dev-east\n      formerly: [dev-aws]\n"), 1)
	return bytes.ReplaceAll(out, []byte("cluster: dev-aws"), []byte("cluster: dev-east"))
}

// TestRenamedClusterPlansRenamesOnly renames dev's cluster in the stack file, as a user
// would, and diffs the offline plans: nothing is added or removed, nothing is destroyed,
// and every resource of the renamed layers is shown as renamed.
func TestRenamedClusterPlansRenamesOnly(t *testing.T) {
	before := planStack(t, "dev", nil)
	cfg, err := stacks.Parse(renamedDev(t), "Pulumi.dev.yaml", "dev")
	if err != nil {
		t.Fatal(err)
	}
	after, err := program.Offline(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := plan.Compare(before, after)
	var md bytes.Buffer
	d.WriteMarkdown(&md)
	if len(d.Added) != 0 || len(d.Removed) != 0 || len(d.Destroys) != 0 {
		t.Fatalf("rename: %d added, %d removed, %d destroyed; want none:\n%s", len(d.Added), len(d.Removed), len(d.Destroys), head(md.String(), 4000))
	}
	if len(d.Renamed) == 0 {
		t.Fatal("rename: no resource shown as renamed")
	}
	for _, c := range d.Changed {
		t.Errorf("rename changes %s: %v", c.New.URN, c.Properties)
	}
	for _, c := range d.Renamed {
		if len(c.Properties) > 0 {
			t.Errorf("renamed %s → %s also changes %v", c.Old.Name, c.New.Name, c.Properties)
		}
	}
	t.Logf("%d of %d resources renamed, none added, removed or changed", len(d.Renamed), len(after.Resources))
	if !strings.Contains(md.String(), "to rename") {
		t.Errorf("the diff does not say it renames:\n%s", head(md.String(), 2000))
	}

	// Without formerly, the same rename replaces the cluster and everything on it.
	plain := bytes.Replace(renamedDev(t), []byte("      formerly: [dev-aws]\n"), nil, 1)
	cfg, err = stacks.Parse(plain, "Pulumi.dev.yaml", "dev")
	if err != nil {
		t.Fatal(err)
	}
	bare, err := program.Offline(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := plan.Compare(before, bare); len(d.Removed) == 0 || len(d.Destroys) == 0 {
		t.Errorf("a rename without formerly: %d removed, %d destroyed; want the cluster's resources destroyed", len(d.Removed), len(d.Destroys))
	}
}

func head(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
