//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetform/fleetform/internal/render"
)

// envUpdateScopes, set to 1, makes TestScopes write internal/render's ScopesFile
// from the server instead of comparing it.
const envUpdateScopes = "FLEETFORM_UPDATE_SCOPES"

// serverScopes returns what the server's discovery says of every kind it serves,
// built in and from the registered CRDs: group/Kind to cluster-scoped.
func serverScopes(t *testing.T) map[string]bool {
	t.Helper()
	requireTestCRDs(t)
	get := func(p string, v any) {
		t.Helper()
		status, body, err := srv.do("GET", p, "", nil)
		if err == nil {
			err = asAPIError(status, body)
		}
		if err == nil {
			err = json.Unmarshal(body, v)
		}
		if err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
	}
	type resourceList struct {
		Resources []struct {
			Name, Kind string
			Namespaced bool
		}
	}
	out := map[string]bool{}
	add := func(group, p string) {
		var l resourceList
		get(p, &l)
		for _, r := range l.Resources {
			if strings.Contains(r.Name, "/") { // a subresource
				continue
			}
			out[group+"/"+r.Kind] = !r.Namespaced
		}
	}
	var core struct{ Versions []string }
	get("/api", &core)
	for _, v := range core.Versions {
		add("", "/api/"+v)
	}
	var groups struct {
		Groups []struct {
			Name     string
			Versions []struct{ GroupVersion string }
		}
	}
	get("/apis", &groups)
	for _, g := range groups.Groups {
		for _, v := range g.Versions {
			add(g.Name, "/apis/"+v.GroupVersion)
		}
	}
	if len(out) == 0 {
		t.Fatal("the server's discovery lists no kinds")
	}
	return out
}

// TestScopes proves the render's scope table is the server's: every kind in the table
// is served with the scope it records, and (run alone, as its update is) every kind
// the server serves, kube-apiserver's own and the real CRDs' of moduleCRDs, is in
// it. Other tests register further CRDs on the shared server (hand-made ones for
// kinds no served module ships); TestRenderedFiledByScope checks that every kind the
// stacks render is served, so this test does not require the table to hold them.
func TestScopes(t *testing.T) {
	want := serverScopes(t)
	file := filepath.Join(repoRootT(t), "internal", "render", render.ScopesFile)
	if os.Getenv(envUpdateScopes) == "1" {
		text := render.FormatScopes("Which kinds are cluster-scoped, from kube-apiserver v1.35.4's discovery with the\n"+
			"real CRDs of tests/e2e's moduleCRDs registered. Generated; do not edit. Regenerate with\n"+
			envUpdateScopes+"=1 bash scripts/e2e.sh -run TestScopes", want)
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d kinds to %s", len(want), file)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	got, err := render.ParseScopes(string(data))
	if err != nil {
		t.Fatal(err)
	}
	for k, g := range got {
		c, ok := want[k]
		switch {
		case !ok:
			t.Errorf("%s: in %s, not served here (register its real CRD in moduleCRDs)", k, render.ScopesFile)
		case g != c:
			t.Errorf("%s: cluster-scoped %v in %s, %v on the server", k, g, render.ScopesFile, c)
		}
	}
	missing := 0
	for k := range want {
		if _, ok := got[k]; !ok {
			missing++
			t.Logf("%s: served, not in %s (registered by another test, or regenerate it)", k, render.ScopesFile)
		}
	}
	t.Logf("%d kinds in %s, each as the server serves it; %d served kinds not in it", len(got), render.ScopesFile, missing)
}

// TestRenderedFiledByScope proves each rendered object sits where its scope says:
// cluster-scoped objects under <cluster>/_cluster/ with no namespace, the rest under
// <cluster>/<its namespace>/. The server would drop a namespace a cluster-scoped
// object carries, so applying them proves nothing of this.
func TestRenderedFiledByScope(t *testing.T) {
	scopes := serverScopes(t)
	objs := loadRendered(t)
	if len(objs) == 0 {
		t.Fatal("nothing rendered")
	}
	clusterScoped := 0
	for _, o := range objs {
		parts := strings.Split(o.Path, "/")
		if len(parts) != 3 {
			t.Errorf("%s: want <cluster>/<folder>/<file>", o)
			continue
		}
		apiVersion, _ := o.Body["apiVersion"].(string)
		c, ok := scopes[render.GroupKind(apiVersion, o.Kind())]
		if _, known := render.Scope(apiVersion, o.Kind()); !known {
			t.Errorf("%s: %s %s is not in %s; regenerate it (TestScopes)", o, apiVersion, o.Kind(), render.ScopesFile)
		}
		switch {
		case !ok:
			t.Errorf("%s: %s %s is not served here; register its real CRD in moduleCRDs", o, apiVersion, o.Kind())
		case c:
			clusterScoped++
			if parts[1] != render.ClusterScopedDir || o.Namespace() != "" {
				t.Errorf("%s: cluster-scoped %s filed in %q with namespace %q, want %s/ and none", o, o.Kind(), parts[1], o.Namespace(), render.ClusterScopedDir)
			}
		default:
			if parts[1] == render.ClusterScopedDir || parts[1] != o.Namespace() {
				t.Errorf("%s: namespaced %s with namespace %q filed in %q", o, o.Kind(), o.Namespace(), parts[1])
			}
		}
	}
	if clusterScoped == 0 {
		t.Error("no cluster-scoped object rendered: the check above proved nothing of them")
	}
	t.Logf("%d objects, %d cluster-scoped, each where its scope says", len(objs), clusterScoped)
}

func repoRootT(t *testing.T) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}
