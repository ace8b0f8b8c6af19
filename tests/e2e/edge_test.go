//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"sigs.k8s.io/yaml"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/internal/secret"
)

// gatewayAPIModule ships the Gateway API CRDs (config/crd/standard). Its go.mod asks
// for Go 1.27, so it is downloaded with that toolchain (GOTOOLCHAIN), which the Go
// module proxy serves.
const (
	gatewayAPIModule    = "sigs.k8s.io/gateway-api@v1.7.0"
	gatewayAPIToolchain = "go1.27.0"
)

// edgeKinds are the Gateway API objects a Gateway edge renders.
var edgeKinds = map[string]bool{"GatewayClass": true, "Gateway": true, "HTTPRoute": true, "ReferenceGrant": true}

// TestEdgeGatewayObjectsAccepted registers the real Gateway API CRDs and applies the
// GatewayClass, Gateway, HTTPRoute and ReferenceGrant of an Envoy Gateway and an
// Istio edge (with Harbor behind them), with strict field validation.
func TestEdgeGatewayObjectsAccepted(t *testing.T) {
	registerGatewayAPICRDs(t)
	for _, edge := range []edges.Edge{edges.EnvoyGateway, edges.Istio} {
		t.Run(string(edge), func(t *testing.T) {
			kinds := applyObjects(t, []string{platform.EdgeNamespace(edge), platform.NamespaceHarbor}, edgeObjects(t, edge, nil, edgeKinds))
			want := map[string]int{"Gateway": 1, "HTTPRoute": 1, "ReferenceGrant": 1}
			if edge == edges.EnvoyGateway {
				want["GatewayClass"] = 1
			}
			for k, n := range want {
				if kinds[k] != n {
					t.Errorf("rendered %d %s, want %d (all: %v)", kinds[k], k, n, kinds)
				}
			}
		})
	}
}

// applyObjects makes the namespaces and applies objs with strict field validation,
// reporting each refusal; it returns how many objects of each kind it applied.
func applyObjects(t *testing.T, namespaces []string, objs []map[string]any) map[string]int {
	t.Helper()
	for _, ns := range namespaces {
		doc := fmt.Sprintf("apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n", ns)
		if _, err := srv.applyE([]byte(doc), fieldManager); err != nil {
			t.Fatalf("namespace %s: %v", ns, err)
		}
	}
	kinds := map[string]int{}
	for _, o := range objs {
		doc, err := yaml.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.applyE(doc, fieldManager); err != nil {
			t.Errorf("%s %v refused: %v\n%s", o["kind"], o["metadata"], err, doc)
		}
		kinds[o["kind"].(string)]++
	}
	return kinds
}

// edgeObjects plans one AWS cluster's platform on edge under mocks (a federation
// spoke with mutate) and returns its objects of kinds as manifests.
func edgeObjects(t *testing.T, edge edges.Edge, mutate func(*platform.Spec, *platform.Args), kinds map[string]bool) []map[string]any {
	t.Helper()
	vals := map[secret.Ref]secret.Value{}
	for _, k := range []secret.Ref{"grafana", "harborAdmin", "harborPull", "harborDb", "federation", "dashboard"} {
		vals[k] = secret.Value{Set: true, Secure: true, Plain: "e2e-" + string(k) + "-value"}
	}
	vals["harborKey"] = secret.Value{Set: true, Secure: true, Plain: "e2eHarborKey0016"} // Harbor wants 16 characters
	spec := platform.Spec{
		Edge:       edge,
		Monitoring: platform.MonitoringSpec{GrafanaAdminPassword: "grafana"},
		Harbor: platform.HarborSpec{Cluster: "c1", Host: "harbor.e2e.example.com", TLSSecretName: "harbor-tls",
			AdminPassword: "harborAdmin", PullUsername: "robot$pull", PullPassword: "harborPull", SecretKey: "harborKey",
			Database: platform.HarborDatabaseSpec{Password: "harborDb"}},
	}
	off := false // the external secret store needs a cluster identity, which has no part here
	spec.ExternalSecrets.Enabled = &off
	args := &platform.Args{Cluster: "c1", Cloud: cluster.AWS, StorageClass: "gp3",
		Federation: cluster.FederationNone, Secrets: secret.NewStore(vals, false), RunsHarbor: true}
	if mutate != nil {
		mutate(&spec, args)
	}
	spec.ApplyDefaults()
	args.Spec = spec
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := platform.New(ctx, "c1-platform", args)
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "e2e"})
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, r := range p.Resources {
		kind, _ := r.Inputs["kind"].(string)
		if !kinds[kind] {
			continue
		}
		obj := map[string]any{}
		for k, v := range r.Inputs {
			obj[k] = v // spec, or Kong's top-level plugin, config, username, credentials
		}
		out = append(out, obj)
	}
	return out
}

// kongKinds are the objects of a Kong edge: the Gateway API's and Kong's own.
var kongKinds = map[string]bool{"GatewayClass": true, "Gateway": true, "HTTPRoute": true, "ReferenceGrant": true,
	"KongPlugin": true, "KongClusterPlugin": true, "KongConsumer": true}

// TestKongEdgeObjectsAccepted applies a Kong edge's objects with strict field
// validation: the GatewayClass, Gateway, HTTPRoutes and ReferenceGrants to the real
// Gateway API CRDs, and the prometheus KongClusterPlugin, the basic-auth and acl
// KongPlugins and the KongConsumers of a spoke's /federate and the Rollouts dashboard
// to hand-made Kong CRDs (testdata/kong-crds.yaml: Kong's CRD module is not served).
func TestKongEdgeObjectsAccepted(t *testing.T) {
	registerGatewayAPICRDs(t)
	registerFileCRDs(t, filepath.Join("testdata", "kong-crds.yaml"))
	objs := edgeObjects(t, edges.Kong, func(s *platform.Spec, a *platform.Args) {
		a.Federation = cluster.FederationSpoke
		off := false // a spoke's collector forwards to a hub, which has no part here
		s.Tracing.Enabled = &off
		s.Monitoring.Federation = platform.FederationSpec{Domain: "e2e.example.com", Password: "federation", TLSSecretName: "federate-tls"}
		s.Rollouts.Dashboard = true
		s.Rollouts.DashboardAccess = platform.DashboardAccessSpec{Domain: "e2e.example.com", Password: "dashboard"}
	}, kongKinds)
	kinds := applyObjects(t, []string{platform.NamespaceKong, platform.NamespaceHarbor, platform.NamespaceMonitoring, platform.NamespaceRollouts}, objs)
	// Harbor's, the spoke's and the dashboard's routes and grants; per basic-auth
	// route two plugins and a consumer; one global prometheus plugin.
	want := map[string]int{"GatewayClass": 1, "Gateway": 1, "HTTPRoute": 3, "ReferenceGrant": 3,
		"KongPlugin": 4, "KongConsumer": 2, "KongClusterPlugin": 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("rendered %d %s, want %d (all: %v)", kinds[k], k, n, kinds)
		}
	}
	route, err := srv.getE("gateway.networking.k8s.io/v1", "HTTPRoute", platform.NamespaceRollouts, platform.DashboardRoute)
	if err != nil {
		t.Fatal(err)
	}
	if got := path(route, "metadata", "annotations", "konghq.com/plugins"); got != "rollouts-dashboard-basic-auth,rollouts-dashboard-acl" {
		t.Errorf("dashboard route plugins %v", got)
	}
}

// registerFileCRDs applies the CRDs of a test data file and waits for them.
func registerFileCRDs(t *testing.T, file string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, doc := range bytes.Split(data, []byte("\n---\n")) {
		var crd struct {
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if err := yaml.Unmarshal(doc, &crd); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if _, err := srv.applyE(doc, fieldManager); err != nil {
			t.Fatalf("%s: CRD %s: %v", file, crd.Metadata.Name, err)
		}
		names = append(names, crd.Metadata.Name)
	}
	if err := srv.waitCRDsEstablished(names); err != nil {
		t.Fatal(err)
	}
}

// registerGatewayAPICRDs applies the standard-channel Gateway API CRDs from their module.
func registerGatewayAPICRDs(t *testing.T) {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", gatewayAPIModule)
	cmd.Dir = t.TempDir() // outside the main module: nothing to add to go.mod
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN="+gatewayAPIToolchain, "GOFLAGS=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	var mod struct{ Dir, Error string }
	if jerr := json.Unmarshal(b, &mod); err != nil || jerr != nil || mod.Dir == "" {
		t.Fatalf("go mod download %s: %v %s %s", gatewayAPIModule, err, mod.Error, stderr.String())
	}
	files, err := filepath.Glob(filepath.Join(mod.Dir, "config", "crd", "standard", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CRDs in %s: %v", mod.Dir, err)
	}
	var names []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range bytes.Split(data, []byte("\n---\n")) {
			var crd struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Name string `json:"name"`
				} `json:"metadata"`
			}
			if err := yaml.Unmarshal(doc, &crd); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if crd.Kind != "CustomResourceDefinition" || strings.TrimSpace(string(doc)) == "" {
				continue
			}
			if _, err := srv.applyE(doc, fieldManager); err != nil {
				t.Fatalf("%s: CRD %s: %v", f, crd.Metadata.Name, err)
			}
			names = append(names, crd.Metadata.Name)
		}
	}
	if err := srv.waitCRDsEstablished(names); err != nil {
		t.Fatal(err)
	}
}
