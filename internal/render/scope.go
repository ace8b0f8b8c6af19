package render

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
)

// ScopesFile is the file, next to this package's code, that records which kinds are
// cluster-scoped. It is written from a real kube-apiserver's discovery after the real
// CRDs are registered (`FLEETFORM_UPDATE_SCOPES=1 bash scripts/e2e.sh -run TestScopes`),
// and the e2e suite fails when the two disagree, so it is never kept by hand.
const ScopesFile = "scopes.txt"

// Scope values in ScopesFile.
const (
	// ScopeCluster marks a kind whose objects have no namespace.
	ScopeCluster = "Cluster"
	// ScopeNamespaced marks a kind whose objects live in a namespace.
	ScopeNamespaced = "Namespaced"
)

//go:embed scopes.txt
var scopesText string

// scopes maps group/Kind (the core group is "") to whether the kind is cluster-scoped.
var scopes = mustParseScopes(scopesText)

// ParseScopes reads ScopesFile's format: `#` comments, and one `group/Kind Scope`
// per line (the core group is empty, as in `/Namespace Cluster`).
func ParseScopes(text string) (map[string]bool, error) {
	out := map[string]bool{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 || !strings.Contains(f[0], "/") || (f[1] != ScopeCluster && f[1] != ScopeNamespaced) {
			return nil, fmt.Errorf("%s line %d: want `group/Kind %s|%s`, got %q", ScopesFile, i+1, ScopeCluster, ScopeNamespaced, line)
		}
		out[f[0]] = f[1] == ScopeCluster
	}
	return out, nil
}

func mustParseScopes(text string) map[string]bool {
	s, err := ParseScopes(text)
	if err != nil {
		panic(err) // the embedded file is checked by this package's tests
	}
	return s
}

// FormatScopes writes scopes (group/Kind to cluster-scoped) in ScopesFile's format,
// sorted, under header (each line becomes a comment).
func FormatScopes(header string, scopes map[string]bool) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(header), "\n") {
		b.WriteString("# " + l + "\n")
	}
	keys := make([]string, 0, len(scopes))
	for k := range scopes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s := ScopeNamespaced
		if scopes[k] {
			s = ScopeCluster
		}
		b.WriteString(k + " " + s + "\n")
	}
	return b.String()
}

// GroupKind returns the group/Kind key of ScopesFile for an apiVersion and kind.
func GroupKind(apiVersion, kind string) string {
	group := ""
	if i := strings.LastIndex(apiVersion, "/"); i >= 0 {
		group = apiVersion[:i]
	}
	return group + "/" + kind
}

// Scope reports whether a kind is cluster-scoped, and whether ScopesFile knows it
// at all. Kinds it does not know are filed as namespaced, which is what most
// custom resources are.
func Scope(apiVersion, kind string) (clusterScoped, known bool) {
	clusterScoped, known = scopes[GroupKind(apiVersion, kind)]
	return clusterScoped, known
}

func clusterScoped(apiVersion, kind string) bool {
	c, _ := Scope(apiVersion, kind)
	return c
}
