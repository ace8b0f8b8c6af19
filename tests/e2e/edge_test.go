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
			objs := edgeObjects(t, edge)
			kinds := map[string]int{}
			for _, ns := range []string{platform.EdgeNamespace(edge), platform.NamespaceHarbor} {
				doc := fmt.Sprintf("apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n", ns)
				if _, err := srv.applyE([]byte(doc), fieldManager); err != nil {
					t.Fatalf("namespace %s: %v", ns, err)
				}
			}
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

// edgeObjects plans one AWS cluster's platform on edge under mocks and returns its
// Gateway API objects as manifests.
func edgeObjects(t *testing.T, edge edges.Edge) []map[string]any {
	t.Helper()
	vals := map[secret.Ref]secret.Value{}
	for _, k := range []secret.Ref{"grafana", "harborAdmin", "harborPull", "harborDb"} {
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
	spec.ApplyDefaults()
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := platform.New(ctx, "c1-platform", &platform.Args{Cluster: "c1", Cloud: cluster.AWS, StorageClass: "gp3",
			Federation: cluster.FederationNone, Spec: spec, Secrets: secret.NewStore(vals, false), RunsHarbor: true})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "e2e"})
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, r := range p.Resources {
		kind, _ := r.Inputs["kind"].(string)
		if !edgeKinds[kind] {
			continue
		}
		obj := map[string]any{}
		for _, k := range []string{"apiVersion", "kind", "metadata", "spec"} {
			obj[k] = r.Inputs[k]
		}
		out = append(out, obj)
	}
	return out
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
