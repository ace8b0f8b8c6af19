package platform_test

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/addons/catalog"
	"github.com/fleetform/fleetform/components/addons/certmanager"
	"github.com/fleetform/fleetform/components/addons/dnsautoscaler"
	"github.com/fleetform/fleetform/components/addons/externaldns"
	"github.com/fleetform/fleetform/components/addons/externalsecrets"
	"github.com/fleetform/fleetform/components/addons/karpenter"
	"github.com/fleetform/fleetform/components/addons/velero"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/components/helmrelease"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/internal/secret"
)

// monitorTypes are the prometheus-operator objects, which need kube-prometheus-stack's CRDs.
var monitorTypes = []string{
	"kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
	"kubernetes:monitoring.coreos.com/v1:PodMonitor",
	"kubernetes:monitoring.coreos.com/v1:PrometheusRule",
}

// everything turns on every addon the platform has on one EKS cluster, on edge.
func everything(edge edges.Edge) func(*platform.Args) {
	return func(a *platform.Args) {
		a.Spec = dnsSpec(cluster.Spec{Name: "c1", Cloud: cluster.AWS, Region: "us-east-1"})
		a.Spec.Edge = edge
		a.Stack, a.Workloads = "prod", dnsIdentities()
		a.Karpenter = eksKarpenter()
		a.Backups, a.BackupNamespaces = s3Location(), []string{"qa"}
		on := true
		a.Spec.RuntimeSecurity.Enabled, a.Spec.Chaos.Enabled = &on, &on
		// On EKS only where asked for (New leaves ValidateClusters' refusal to the stack).
		a.Spec.DNSAutoscaler.Enabled = &on
	}
}

// builtAddons plans the platform on every edge with everything on and returns the
// plans by edge.
func builtAddons(t *testing.T) map[edges.Edge]*plan.Plan {
	t.Helper()
	out := map[edges.Edge]*plan.Plan{}
	for _, edge := range edges.All {
		p, _ := build(t, everything(edge))
		out[edge] = p
	}
	return out
}

// addonOfNamespace is the registered addon that runs in namespace ns.
func addonOfNamespace(ns string) (catalog.Addon, bool) {
	for _, a := range catalog.Addons {
		if slices.Contains(a.Namespaces(), ns) {
			return a, true
		}
	}
	return catalog.Addon{}, false
}

// TestNamespaceConstantsFollowCatalog: the namespace constants other layers use (the
// environments' NetworkPolicies, the cluster components' identities) are the ones the
// addons register, and the edges' namespaces are the ingress addon's.
func TestNamespaceConstantsFollowCatalog(t *testing.T) {
	for _, tc := range []struct {
		addon     string
		constants []string
	}{
		{catalog.Ingress, []string{platform.NamespaceEnvoyGateway, platform.NamespaceIstio, platform.NamespaceKong, platform.NamespaceIngress}},
		{catalog.Rollouts, []string{platform.NamespaceRollouts}},
		{catalog.Monitoring, []string{platform.NamespaceMonitoring}},
		{catalog.Logging, []string{platform.NamespaceLogging}},
		{catalog.Harbor, []string{platform.NamespaceHarbor}},
		{catalog.VPA, []string{platform.NamespaceVPA}},
		{catalog.ExternalSecrets, []string{externalsecrets.Namespace}},
		{catalog.Tracing, []string{platform.NamespaceTracing}},
		{catalog.Backups, []string{velero.Namespace}},
		{catalog.CertManager, []string{certmanager.Namespace}},
		{catalog.ExternalDNS, []string{externaldns.Namespace}},
		{catalog.Karpenter, []string{karpenter.Namespace}},
		{catalog.RuntimeSecurity, []string{platform.NamespaceFalco}},
		{catalog.DNSAutoscaler, []string{dnsautoscaler.Namespace}},
		{catalog.Chaos, []string{platform.NamespaceChaos}},
	} {
		a, ok := catalog.Lookup(tc.addon)
		if !ok {
			t.Errorf("addon %s is not registered", tc.addon)
			continue
		}
		if !slices.Equal(a.Namespaces(), tc.constants) {
			t.Errorf("addon %s registers namespaces %v, the constants say %v", tc.addon, a.Namespaces(), tc.constants)
		}
	}
	ingress, _ := catalog.Lookup(catalog.Ingress)
	for _, edge := range edges.All {
		if ns := platform.EdgeNamespace(edge); !slices.Contains(ingress.Namespaces(), ns) {
			t.Errorf("edge %s runs in %s, which the ingress addon does not register", edge, ns)
		}
	}
	if ingress.Namespace != platform.EdgeNamespace(edges.Default) {
		t.Errorf("the ingress addon's own namespace is %s, the default edge's %s", ingress.Namespace, platform.EdgeNamespace(edges.Default))
	}
}

// TestEveryAddonBuiltAsRegistered: with everything on, on each edge, every namespace
// the platform makes carries a registered addon, one of its namespaces and its Pod
// Security level, and every registered addon is built on some edge (a registration
// without a platform step fails here).
func TestEveryAddonBuiltAsRegistered(t *testing.T) {
	built := map[string]bool{}
	for edge, p := range builtAddons(t) {
		for _, ns := range p.ByType("kubernetes:core/v1:Namespace") {
			name, _ := dig(ns.Inputs, "metadata", "name").(string)
			addon, _ := dig(ns.Inputs, "metadata", "labels", platform.LabelAddon).(string)
			a, ok := catalog.Lookup(addon)
			if !ok {
				t.Errorf("edge %s: namespace %s is labelled for unregistered addon %q", edge, name, addon)
				continue
			}
			built[addon] = true
			if !slices.Contains(a.Namespaces(), name) {
				t.Errorf("edge %s: addon %s runs in %s, registered %v", edge, addon, name, a.Namespaces())
			}
			if got := dig(ns.Inputs, "metadata", "labels", platform.LabelPodSecurityEnforce); got != a.PodSecurity {
				t.Errorf("edge %s: namespace %s enforces %v, addon %s registers %s", edge, name, got, addon, a.PodSecurity)
			}
		}
	}
	for _, a := range catalog.Addons {
		if !built[a.Name] {
			t.Errorf("registered addon %s is built on no edge with everything on", a.Name)
		}
	}
}

// TestEveryMonitorWaitsForMonitoring: with everything on, on each edge, every
// ServiceMonitor, PodMonitor and PrometheusRule waits explicitly for the
// prometheus-operator-crds chart that registers its CRD (as kube-prometheus-stack's
// install does), and the addons that have monitors are exactly the registered
// Scraped ones; with monitoring off there is none.
func TestEveryMonitorWaitsForMonitoring(t *testing.T) {
	scraped := map[string]bool{}
	for edge, p := range builtAddons(t) {
		crds := crdChart(t, p, helmrelease.PrometheusOperatorCRDs.Chart)
		if prom := release(t, p, "kube-prometheus-stack"); !slices.Contains(prom.Dependencies, crds.URN) {
			t.Errorf("edge %s: kube-prometheus-stack does not wait for its CRDs' chart: %v", edge, prom.Dependencies)
		}
		n := 0
		for _, typ := range monitorTypes {
			for _, m := range p.ByType(typ) {
				n++
				ns, _ := dig(m.Inputs, "metadata", "namespace").(string)
				a, ok := addonOfNamespace(ns)
				if !ok {
					t.Errorf("edge %s: %s %s is in %q, no addon's namespace", edge, typ, m.Name, ns)
					continue
				}
				scraped[a.Name] = true
				if !a.Scraped {
					t.Errorf("edge %s: addon %s has %s %s but does not register Scraped", edge, a.Name, typ, m.Name)
				}
				if !slices.Contains(m.Dependencies, crds.URN) {
					t.Errorf("edge %s: %s %s (addon %s) does not wait for prometheus-operator-crds: %v", edge, typ, m.Name, a.Name, m.Dependencies)
				}
			}
		}
		if n == 0 {
			t.Fatalf("edge %s: no monitor at all", edge)
		}
		t.Logf("edge %s: %d monitors, each waiting for prometheus-operator-crds", edge, n)
	}
	for _, a := range catalog.Addons {
		if a.Scraped && !scraped[a.Name] {
			t.Errorf("addon %s registers Scraped, but no monitor of it is planned on any edge", a.Name)
		}
	}
	off := false
	p, _ := build(t, func(a *platform.Args) {
		everything(edges.EnvoyGateway)(a)
		a.Spec.Monitoring.Enabled = &off
		a.Spec.Monitoring.Federation = platform.FederationSpec{}
	})
	for _, typ := range monitorTypes {
		for _, m := range p.ByType(typ) {
			t.Errorf("monitoring off, yet %s %s is planned", typ, m.Name)
		}
	}
}

// TestStorageFollowsCatalog: with everything on, the addons whose charts get the
// cluster's StorageClass (gp3) or its backup bucket are exactly those registering
// volume or bucket storage.
func TestStorageFollowsCatalog(t *testing.T) {
	uses := map[string]catalog.Storage{}
	for edge, p := range builtAddons(t) {
		for _, r := range p.ByType(releaseType) {
			ns, _ := r.Inputs["namespace"].(string)
			a, ok := addonOfNamespace(ns)
			if !ok {
				continue // the Istio CNI agent in kube-system
			}
			values, err := json.Marshal(r.Inputs["values"])
			if err != nil {
				t.Fatal(err)
			}
			var got catalog.Storage
			switch {
			case strings.Contains(string(values), `"gp3"`):
				got = catalog.StorageVolume
			case strings.Contains(string(values), `"c1-backups-abc"`):
				got = catalog.StorageBucket
			default:
				continue
			}
			uses[a.Name] = got
			if a.Storage != got {
				t.Errorf("edge %s: chart %v of addon %s uses %s storage, the addon registers %q", edge, r.Inputs["chart"], a.Name, got, a.Storage)
			}
		}
	}
	for _, a := range catalog.Addons {
		if a.Storage != catalog.StorageNone && uses[a.Name] != a.Storage {
			t.Errorf("addon %s registers %s storage, none of its charts gets it", a.Name, a.Storage)
		}
	}
}

// TestIdentitiesFollowCatalog: the cloud identities the platform asks its clusters
// for are those the addons register: a Workload per IdentityWorkload addon, bound in
// its namespace; the backup storage for IdentityBackups, Karpenter's for IdentityKarpenter.
func TestIdentitiesFollowCatalog(t *testing.T) {
	asked := map[string]catalog.Identity{}
	for _, c := range []cluster.Spec{
		{Name: "c1", Cloud: cluster.AWS, Region: "us-east-1"},
		{Name: "c2", Cloud: cluster.Azure, Region: "westeurope"},
		{Name: "c3", Cloud: cluster.Alicloud, Region: "cn-hangzhou"},
	} {
		s := dnsSpec(c)
		s.ExternalSecrets.Azure.VaultID = "/subscriptions/0000/resourceGroups/kv/providers/Microsoft.KeyVault/vaults/fleet-kv"
		s.ApplyDefaults()
		for _, w := range s.Workloads(c) {
			a, ok := catalog.Lookup(w.Name)
			switch {
			case !ok:
				t.Errorf("%s: workload %s is no registered addon", c.Cloud, w.Name)
			case a.Identity != catalog.IdentityWorkload:
				t.Errorf("%s: addon %s asks for a workload identity, registers %q", c.Cloud, a.Name, a.Identity)
			case w.Namespace != a.Namespace:
				t.Errorf("%s: workload %s is bound in %s, the addon runs in %s", c.Cloud, w.Name, w.Namespace, a.Namespace)
			default:
				asked[a.Name] = a.Identity
			}
		}
		if b := s.BackupsFor(c); b != nil {
			a, _ := addonOfNamespace(b.Namespace)
			if a.Identity != catalog.IdentityBackups {
				t.Errorf("%s: backups for namespace %s, whose addon %q registers identity %q", c.Cloud, b.Namespace, a.Name, a.Identity)
			}
			asked[a.Name] = a.Identity
		}
	}
	// The platform installs Karpenter with the role and queue its cluster made (Args.Karpenter).
	if a, _ := addonOfNamespace(karpenter.Namespace); a.Identity != catalog.IdentityKarpenter {
		t.Errorf("addon %q in %s registers identity %q, not %q", a.Name, karpenter.Namespace, a.Identity, catalog.IdentityKarpenter)
	} else {
		asked[a.Name] = a.Identity
	}
	var missing []string
	for _, a := range catalog.Addons {
		if a.Identity != catalog.IdentityNone && asked[a.Name] != a.Identity {
			missing = append(missing, a.Name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("addons registering an identity the platform never asks for: %v", missing)
	}
}

// TestAddonErrorsNameTheAddon: a step that fails (here: its secret is not set)
// fails New with the addon's name and what failed, around the cause.
func TestAddonErrorsNameTheAddon(t *testing.T) {
	for _, tc := range []struct {
		missing string
		mutate  func(*platform.Args)
		want    string
	}{
		{"grafanaAdminPassword", func(*platform.Args) {}, `platform "c1-platform": monitoring: secret grafanaAdminPassword: secret "grafanaAdminPassword" is not set`},
		{"harborAdminPassword", func(*platform.Args) {}, `platform "c1-platform": harbor: secret adminPassword: secret "harborAdminPassword" is not set`},
		{"tracingToken", func(a *platform.Args) { a.Federation = cluster.FederationHub }, `platform "c1-platform": tracing: secret token: secret "tracingToken" is not set`},
	} {
		t.Run(tc.missing, func(t *testing.T) {
			_, _, err := runPlatform(func(a *platform.Args) {
				tc.mutate(a)
				a.Secrets = storeWithout(secret.Ref(tc.missing))
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
