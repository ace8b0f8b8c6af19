package catalog

import (
	"flag"
	"go/build"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the addons table of docs/platform.md from Addons")

// docsPath is docs/platform.md from this package.
var docsPath = filepath.Join("..", "..", "..", "docs", "platform.md")

// docsHeading is the section whose table lists the addons.
const docsHeading = "## Addons"

// TestAddonsWellFormed: names, namespaces and charts are each registered once, and
// every level is a Pod Security level.
func TestAddonsWellFormed(t *testing.T) {
	names, namespaces, charts := map[string]bool{}, map[string]string{}, map[string]string{}
	levels := []string{PodSecurityPrivileged, PodSecurityBaseline, PodSecurityRestricted}
	for _, a := range Addons {
		if a.Name == "" || names[a.Name] {
			t.Errorf("addon %q: empty or registered twice", a.Name)
		}
		names[a.Name] = true
		if !slices.Contains(levels, a.PodSecurity) {
			t.Errorf("addon %s: Pod Security %q, want one of %v", a.Name, a.PodSecurity, levels)
		}
		if a.PodSecurity == PodSecurityPrivileged && a.Why == "" {
			t.Errorf("addon %s is privileged without saying why", a.Name)
		}
		if len(a.Charts) == 0 || a.InstalledOn == "" {
			t.Errorf("addon %s: no charts or no InstalledOn", a.Name)
		}
		for _, ns := range a.Namespaces() {
			if other, ok := namespaces[ns]; ok || ns == "" || slices.Contains(SystemNamespaces, ns) {
				t.Errorf("addon %s: namespace %q empty, a system namespace, or also %s's", a.Name, ns, other)
			}
			namespaces[ns] = a.Name
		}
		for _, c := range a.Charts {
			if other, ok := charts[c]; ok {
				t.Errorf("chart %s registered by %s and %s", c, other, a.Name)
			}
			charts[c] = a.Name
		}
		if got, ok := Lookup(a.Name); !ok || got.Name != a.Name {
			t.Errorf("Lookup(%q) = %v, %v", a.Name, got.Name, ok)
		}
	}
	if _, ok := Lookup("no-such-addon"); ok {
		t.Errorf("Lookup of an unregistered name succeeded")
	}
}

// TestExemptNamespaces: the system namespaces and every namespace of every exempt addon.
func TestExemptNamespaces(t *testing.T) {
	got := ExemptNamespaces()
	for _, ns := range SystemNamespaces {
		if !slices.Contains(got, ns) {
			t.Errorf("ExemptNamespaces() lacks system namespace %s", ns)
		}
	}
	for _, a := range Addons {
		for _, ns := range a.Namespaces() {
			if slices.Contains(got, ns) != a.Exempt {
				t.Errorf("ExemptNamespaces() has %s: %v, want %v (addon %s Exempt)", ns, !a.Exempt, a.Exempt, a.Name)
			}
		}
	}
}

// docsRows are the addons table rows Addons gives.
func docsRows() []string {
	var rows []string
	for _, a := range Addons {
		ns := make([]string, 0, len(a.Namespaces()))
		for _, n := range a.Namespaces() {
			ns = append(ns, "`"+n+"`")
		}
		level := a.PodSecurity
		if a.Why != "" {
			level += " (" + a.Why + ")"
		}
		scraped := "no"
		if a.Scraped {
			scraped = "yes"
		}
		rows = append(rows, "| "+strings.Join([]string{a.Name, a.InstalledOn, strings.Join(a.Charts, ", "),
			strings.Join(ns, ", "), level, orNone(string(a.Identity)), orNone(string(a.Storage)), scraped}, " | ")+" |")
	}
	return rows
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// TestDocsListEveryAddon keeps the addons table of docs/platform.md equal to Addons,
// row for row (`go test ./components/addons/catalog -run TestDocsListEveryAddon -update`
// rewrites it).
func TestDocsListEveryAddon(t *testing.T) {
	data, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	in, first, last := false, -1, -1
	for i, line := range lines {
		switch {
		case strings.HasPrefix(line, "## "):
			in = line == docsHeading
		case in && strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| addon ") && !strings.HasPrefix(line, "| ---"):
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		t.Fatalf("%s: no table under %q", docsPath, docsHeading)
	}
	want := docsRows()
	got := lines[first : last+1]
	if *update {
		out := append(append(slices.Clone(lines[:first]), want...), lines[last+1:]...)
		if err := os.WriteFile(docsPath, []byte(strings.Join(out, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("docs/platform.md addons table:\n%s\nwant (from catalog.Addons; -update rewrites it):\n%s",
			strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestImportsStandardLibraryOnly keeps the catalog a leaf: the policy pack
// (policies/rules) and every layer import it, so it must pull in neither the Pulumi
// SDK nor any package of the project.
func TestImportsStandardLibraryOnly(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if first, _, _ := strings.Cut(imp, "/"); strings.Contains(first, ".") {
			t.Errorf("catalog imports %s; it may import the standard library only", imp)
		}
	}
}
