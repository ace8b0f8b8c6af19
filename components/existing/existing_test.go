package existing

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

const kubeconfigFixture = "testdata/kubeconfig.yaml"

// run builds one existing cluster per spec under the mock monitor and exports each
// Connection's outputs as <name>.<output>.
func run(t *testing.T, specs ...cluster.Spec) (*plan.Plan, error) {
	t.Helper()
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		out := map[string]pulumi.Output{}
		for _, s := range specs {
			c, err := New(ctx, s.Name, &Args{Spec: s, Stack: "local"})
			if err != nil {
				return nil, err
			}
			conn := c.Connection()
			out[s.Name+".kubeconfig"] = conn.Kubeconfig
			out[s.Name+".clusterName"] = conn.ClusterName
			out[s.Name+".storageClass"] = pulumi.String(conn.StorageClass).ToStringOutput()
		}
		return out, nil
	}, plan.Options{Project: "fleetform", Stack: "test"})
	return p, err
}

func TestExisting(t *testing.T) {
	abs, err := filepath.Abs(kubeconfigFixture)
	if err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "not-yet")
	tests := []struct {
		name string
		kc   *cluster.KubeconfigSpec
		// wantProvider are the provider inputs; absent keys must be absent.
		wantProvider map[string]any
		wantCluster  string
		wantSC       string
	}{
		{
			name:         "file with a context",
			kc:           &cluster.KubeconfigSpec{Path: abs, Context: "minikube"},
			wantProvider: map[string]any{"kubeconfig": plan.Secret, "context": "minikube"},
			wantCluster:  "minikube",
			wantSC:       cluster.DefaultExistingStorageClass,
		},
		{
			name:         "file with its current context and a storage class",
			kc:           &cluster.KubeconfigSpec{Path: abs, StorageClass: "local-path"},
			wantProvider: map[string]any{"kubeconfig": plan.Secret},
			wantCluster:  "kind-fleetform",
			wantSC:       "local-path",
		},
		{
			name:         "context only: the provider looks the file up",
			kc:           &cluster.KubeconfigSpec{Context: "kind-fleetform"},
			wantProvider: map[string]any{"context": "kind-fleetform"},
			wantCluster:  "kind-fleetform",
			wantSC:       cluster.DefaultExistingStorageClass,
		},
		{
			name:         "path not there at plan time is handed to the provider",
			kc:           &cluster.KubeconfigSpec{Path: missing},
			wantProvider: map[string]any{"kubeconfig": missing},
			wantCluster:  "byo",
			wantSC:       cluster.DefaultExistingStorageClass,
		},
		{
			name:         "no kubeconfig block at all",
			wantProvider: map[string]any{},
			wantCluster:  "byo",
			wantSC:       cluster.DefaultExistingStorageClass,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := run(t, cluster.Spec{Name: "byo", Cloud: cluster.Existing, Kubeconfig: tc.kc})
			if err != nil {
				t.Fatal(err)
			}
			comps := p.ByType(TypeToken)
			provs := p.ByType("pulumi:providers:kubernetes")
			if len(comps) != 1 || len(provs) != 1 {
				t.Fatalf("got %d components and %d providers, want 1 and 1", len(comps), len(provs))
			}
			if len(p.Resources) != 3 {
				t.Errorf("got %d resources, want 3 (stack, component, provider): no cloud resources", len(p.Resources))
			}
			prov := provs[0]
			if prov.Parent != comps[0].URN || prov.Name != "byo-k8s" {
				t.Errorf("provider %s parent %s, want byo-k8s under %s", prov.Name, prov.Parent, comps[0].URN)
			}
			for _, k := range []string{"kubeconfig", "context"} {
				got, has := prov.Inputs[k]
				want, wantHas := tc.wantProvider[k]
				if has != wantHas || got != want {
					t.Errorf("provider input %s = %v (set %v), want %v (set %v)", k, got, has, want, wantHas)
				}
			}
			if got := p.Outputs["byo.kubeconfig"]; got != plan.Secret {
				t.Errorf("kubeconfig output = %v, want %s", got, plan.Secret)
			}
			if got := p.Outputs["byo.clusterName"]; got != tc.wantCluster {
				t.Errorf("clusterName = %v, want %s", got, tc.wantCluster)
			}
			if got := p.Outputs["byo.storageClass"]; got != tc.wantSC {
				t.Errorf("storageClass = %v, want %s", got, tc.wantSC)
			}
		})
	}
}

func TestExistingTwoInOneStack(t *testing.T) {
	p, err := run(t,
		cluster.Spec{Name: "kind", Cloud: cluster.Existing, Kubeconfig: &cluster.KubeconfigSpec{Path: kubeconfigFixture, Context: "kind-fleetform"}},
		cluster.Spec{Name: "mini", Cloud: cluster.Existing, Kubeconfig: &cluster.KubeconfigSpec{Path: kubeconfigFixture, Context: "minikube"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.ByType("pulumi:providers:kubernetes")); n != 2 {
		t.Errorf("got %d providers, want 2", n)
	}
	if p.Outputs["kind.clusterName"] != "kind-fleetform" || p.Outputs["mini.clusterName"] != "minikube" {
		t.Errorf("cluster names = %v, %v; want kind-fleetform, minikube", p.Outputs["kind.clusterName"], p.Outputs["mini.clusterName"])
	}
}

func TestExistingErrors(t *testing.T) {
	tests := []struct {
		name string
		spec cluster.Spec
		want error
	}{
		{"unknown context", cluster.Spec{Name: "byo", Cloud: cluster.Existing, Kubeconfig: &cluster.KubeconfigSpec{Path: kubeconfigFixture, Context: "prod"}}, ErrNoContext},
		{"not a kubeconfig", cluster.Spec{Name: "byo", Cloud: cluster.Existing, Kubeconfig: &cluster.KubeconfigSpec{Path: "testdata/not-a-kubeconfig.yaml"}}, ErrBadKubeconfig},
		{"wrong cloud", cluster.Spec{Name: "byo", Cloud: cluster.Azure}, ErrWrongCloud},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := run(t, tc.spec)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if p != nil {
				t.Errorf("got a plan, want none")
			}
		})
	}
	// An invalid spec is refused before anything is registered.
	_, mon, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := New(ctx, "byo", &Args{Spec: cluster.Spec{Name: "byo", Cloud: cluster.Existing, Network: cluster.Network{VPCCIDR: "10.0.0.0/16"}}})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err == nil || mon.Registrations() != 0 {
		t.Errorf("err = %v, registrations = %d; want a validation error and none", err, mon.Registrations())
	}
}

// TestExistingVirtualKubelet: an existing cluster's virtual kubelet, as the stack file
// describes it, is what the connection hands the layers above.
func TestExistingVirtualKubelet(t *testing.T) {
	spec := cluster.Spec{Name: "byo", Cloud: cluster.Existing, VirtualNodes: &cluster.VirtualNodesSpec{Enabled: true,
		NodeSelector: map[string]string{"type": "virtual-kubelet"},
		Tolerations:  []cluster.Toleration{{Key: "virtual-kubelet.io/provider", Operator: "Exists"}}}}
	var conn *cluster.Connection
	_, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		c, err := New(ctx, "byo", &Args{Spec: spec, Stack: "local"})
		if err == nil {
			conn = c.Connection()
		}
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "local"})
	if err != nil {
		t.Fatal(err)
	}
	v := conn.VirtualNodes
	if v == nil || v.NodeSelector["type"] != "virtual-kubelet" || len(v.Tolerations) != 1 || v.Supports(cluster.FeatureHostAccess) {
		t.Errorf("connection's virtual nodes = %+v, want the stack file's selector and toleration, host access refused", v)
	}
	if conn.VirtualNodesReady != nil {
		t.Errorf("VirtualNodesReady = %v, want nil: nothing is made for an existing virtual kubelet", conn.VirtualNodesReady)
	}
}
