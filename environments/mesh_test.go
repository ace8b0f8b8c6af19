package environments

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/internal/plan"
)

const typePeerAuthentication = "kubernetes:security.istio.io/v1:PeerAuthentication"

// planMeshed plans qa (permissive), stage (strict by default) and prod (out of the
// mesh) on one cluster whose platform runs a mesh; istiod is a stand-in ConfigMap.
func planMeshed(t *testing.T) *plan.Plan {
	t.Helper()
	off := false
	specs := []Spec{
		{Name: "qa", Cluster: "c1", Mesh: Mesh{MTLS: MTLSPermissive}},
		{Name: "stage", Cluster: "c1"},
		{Name: "prod", Cluster: "c1", Mesh: Mesh{Enabled: &off}},
	}
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		prov, err := kubernetes.NewProvider(ctx, "cluster", &kubernetes.ProviderArgs{})
		if err != nil {
			return nil, err
		}
		istiod, err := corev1.NewConfigMap(ctx, "istiod-stand-in", &corev1.ConfigMapArgs{}, pulumi.Provider(prov))
		if err != nil {
			return nil, err
		}
		for _, s := range specs {
			meshed := s.InMesh(true)
			if _, err := New(ctx, "c1-"+s.Name, &Args{
				Spec: s, Stack: "test", Provider: prov,
				IngressNamespace: platform.NamespaceIstio, MonitoringNamespace: platform.NamespaceMonitoring,
				Mesh: meshed, MeshNamespace: platform.NamespaceIstio, MeshReady: []pulumi.Resource{istiod},
			}); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return p
}

func TestMeshedEnvironments(t *testing.T) {
	p := planMeshed(t)
	var istiod string
	for _, r := range p.ByType("kubernetes:core/v1:ConfigMap") {
		istiod = r.URN
	}
	for _, tc := range []struct{ env, mode string }{{"qa", "PERMISSIVE"}, {"stage", "STRICT"}} {
		t.Run(tc.env, func(t *testing.T) {
			comp := "c1-" + tc.env
			ns := child(t, p, comp, typeNamespace, tc.env)
			if got := str(ns.Inputs, "metadata", "labels", gateway.LabelInjection); got != gateway.InjectionEnabled {
				t.Errorf("namespace label %s = %q, want %q (istiod injects sidecars)", gateway.LabelInjection, got, gateway.InjectionEnabled)
			}
			pa := child(t, p, comp, typePeerAuthentication, PeerAuthenticationName)
			if got := str(pa.Inputs, "spec", "mtls", "mode"); got != tc.mode {
				t.Errorf("PeerAuthentication mode %q, want %q", got, tc.mode)
			}
			if !slices.Contains(pa.Dependencies, istiod) {
				t.Errorf("PeerAuthentication waits for %v, not istiod (which brings its CRD)", pa.Dependencies)
			}
			np := child(t, p, comp, typeNetPol, PolicyIstiod)
			want := `{"egress":[{"ports":[{"port":15012,"protocol":"TCP"}],"to":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"istio-system"}},` +
				`"podSelector":{"matchLabels":{"app":"istiod"}}}]}],"podSelector":{},"policyTypes":["Egress"]}`
			if got := jsonOf(t, np.Inputs["spec"]); got != want {
				t.Errorf("istiod policy\n got %s\nwant %s", got, want)
			}
			// The paths the environment opened are the same as without the mesh.
			for _, name := range []string{PolicyDefaultDeny, PolicySameNamespace, PolicyDNS, PolicyIngressController, PolicyMonitoring} {
				child(t, p, comp, typeNetPol, name)
			}
		})
	}
	t.Run("prod opted out", func(t *testing.T) {
		for _, r := range childrenOf(p, component(t, p, "c1-prod").URN) {
			if r.Type == typePeerAuthentication || str(r.Inputs, "metadata", "name") == PolicyIstiod {
				t.Errorf("prod is out of the mesh but has %s %s", r.Type, str(r.Inputs, "metadata", "name"))
			}
			if r.Type == typeNamespace && str(r.Inputs, "metadata", "labels", gateway.LabelInjection) != "" {
				t.Errorf("prod's namespace asks for injection")
			}
		}
	})
}

func TestInMesh(t *testing.T) {
	on, off := true, false
	for _, tc := range []struct {
		enabled      *bool
		platformMesh bool
		want         bool
	}{{nil, true, true}, {nil, false, false}, {&off, true, false}, {&on, true, true}, {&on, false, false}} {
		s := Spec{Mesh: Mesh{Enabled: tc.enabled}}
		if got := s.InMesh(tc.platformMesh); got != tc.want {
			t.Errorf("enabled %v, platform mesh %v: InMesh %v, want %v", tc.enabled, tc.platformMesh, got, tc.want)
		}
	}
}

func TestMeshValidation(t *testing.T) {
	s := Spec{Name: "qa", Cluster: "c1", Mesh: Mesh{MTLS: "STRICT"}}
	s.ApplyDefaults()
	errs := s.Validate(field.NewPath("environments").Index(0))
	if len(errs) != 1 || errs[0].Field != "environments[0].mesh.mtls" {
		t.Fatalf("got %v, want one error at environments[0].mesh.mtls", errs)
	}
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		prov, err := kubernetes.NewProvider(ctx, "cluster", &kubernetes.ProviderArgs{})
		if err != nil {
			return nil, err
		}
		_, err = New(ctx, "c1-qa", &Args{Spec: Spec{Name: "qa", Cluster: "c1"}, Provider: prov, Mesh: true})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err == nil || !strings.Contains(err.Error(), "meshNamespace") {
		t.Fatalf("a meshed environment without istiod's namespace: err %v, want one about meshNamespace", err)
	}
	if p != nil && len(p.ByType(TypeToken)) > 0 {
		t.Errorf("the refused environment was registered")
	}
}
