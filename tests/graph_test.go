package tests

import (
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/release"
	"github.com/fleetform/fleetform/environments"
	"github.com/fleetform/fleetform/internal/graph"
	"github.com/fleetform/fleetform/internal/plan"
)

// layerOf names the layer a resource belongs to, by its outermost fleetform component.
func layerOf(p *plan.Plan, r *plan.Resource) string {
	layer := ""
	for cur := r; cur != nil; cur = p.Find(cur.Parent) {
		switch {
		case cur.Type == environments.TypeToken:
			layer = "environment"
		case cur.Type == release.TypeToken:
			layer = "release"
		case strings.HasPrefix(cur.Type, "platform:cluster:"):
			if layer == "" {
				layer = "cluster"
			}
		case strings.HasPrefix(cur.Type, "platform:"):
			if layer == "" {
				layer = "platform"
			}
		}
	}
	return layer
}

const helmRelease = "kubernetes:helm.sh/v3:Release"

// Operations addons' objects and where each may wait.
const typeVPA = "kubernetes:autoscaling.k8s.io/v1:VerticalPodAutoscaler"

// addonObjects maps an object type a release makes to the one addon install (by
// name) it may wait for: the install registering its CRD.
var addonObjects = map[string]string{
	typeVPA: "-vpa-release",
}

// Karpenter's objects (prod-aws's apps pool) wait for the Karpenter install, which
// registers their CRDs, and never for another addon.
const (
	typeNodePool     = "kubernetes:karpenter.sh/v1:NodePool"
	typeNodeClass    = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"
	karpenterInstall = "-karpenter-release"
)

// realNeed says whether a resource of layer `from` may wait for `to`, and why not.
func realNeed(p *plan.Plan, from, to *plan.Resource) (bool, string) {
	fromLayer, toLayer := layerOf(p, from), layerOf(p, to)
	switch fromLayer {
	case "environment":
		// Namespaces, quotas, RBAC and NetworkPolicies need the cluster's provider and
		// their own Namespace; never an addon.
		if toLayer == "platform" {
			return false, "an environment waits for a platform addon"
		}
		if toLayer == "release" {
			return false, "an environment waits for a release"
		}
	case "release":
		if want, ok := addonObjects[from.Type]; ok && to.Type == helmRelease {
			if !strings.HasSuffix(to.Name, want) {
				return false, from.Type + " waits for " + to.Name + " instead of its addon (" + want + ")"
			}
			return true, ""
		}
		if to.Type == helmRelease && !strings.Contains(to.Name, "rollouts") && !strings.Contains(to.Name, "monitoring") {
			return false, "a release waits for an addon it does not use (" + to.Name + ")"
		}
		switch to.Type {
		case "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "kubernetes:rbac.authorization.k8s.io/v1:Role",
			"kubernetes:networking.k8s.io/v1:NetworkPolicy", "kubernetes:core/v1:ServiceAccount":
			return false, "a release waits for its environment's RBAC or NetworkPolicy"
		}
		if to.Type == "kubernetes:autoscaling/v2:HorizontalPodAutoscaler" || from.Type == "kubernetes:autoscaling/v2:HorizontalPodAutoscaler" && to.Type == "kubernetes:argoproj.io/v1alpha1:Rollout" {
			return false, "an HPA and its Rollout wait for each other"
		}
	case "platform":
		if toLayer == "environment" || toLayer == "release" {
			return false, "an addon waits for an environment or a release"
		}
		if (from.Type == typeNodePool || from.Type == typeNodeClass) && to.Type == helmRelease && !strings.HasSuffix(to.Name, karpenterInstall) {
			return false, from.Type + " waits for " + to.Name + " instead of the Karpenter install"
		}
		if from.Type == typeNodePool && to.Type == typeNodeClass {
			return false, "a NodePool waits for its EC2NodeClass (Karpenter takes them in either order)"
		}
		// Addons wait for each other only where one needs the other.
		if from.Type == helmRelease && to.Type == helmRelease {
			// ECK's stack needs the operator's CRDs; each edge chart needs the CRD
			// chart it ships with (gateway-helm and istio base the Gateway API CRDs,
			// istiod base's).
			ok := strings.Contains(from.Name, "eck-stack") && strings.Contains(to.Name, "eck-operator") ||
				strings.HasSuffix(from.Name, "-gateway-envoy-gateway") && strings.HasSuffix(to.Name, "-gateway-crds") ||
				strings.HasSuffix(from.Name, "-gateway-istio-base") && strings.HasSuffix(to.Name, "-gateway-crds") ||
				strings.HasSuffix(from.Name, "-gateway-istiod") && strings.HasSuffix(to.Name, "-gateway-istio-base") ||
				strings.HasSuffix(from.Name, "-gateway-kong") && strings.HasSuffix(to.Name, "-gateway-crds") ||
				// external-dns and cert-manager watch Gateway API objects, whose CRDs
				// must exist when they start.
				(strings.Contains(from.Name, "-external-dns-") || strings.Contains(from.Name, "-cert-manager-")) && strings.HasSuffix(to.Name, "-gateway-crds")
			if !ok {
				return false, "addon " + from.Name + " waits for addon " + to.Name
			}
		}
	}
	return true, ""
}

func TestProdDependenciesAreReal(t *testing.T) {
	p := planStack(t, "prod", nil)
	g := graph.New(p)
	if len(g.Edges()) == 0 {
		t.Fatal("prod's graph has no edges: nothing to check")
	}
	for _, e := range g.Edges() {
		if ok, why := realNeed(p, e.From.Resource, e.To.Resource); !ok {
			t.Errorf("%s %s -> %s %s: %s", e.From.Resource.Type, e.From.Resource.Name, e.To.Resource.Type, e.To.Resource.Name, why)
		}
	}
	cp, err := g.CriticalPath()
	if err != nil {
		t.Fatal(err)
	}
	var chain []string
	for _, n := range cp {
		chain = append(chain, n.Resource.Type+" "+n.Resource.Name)
	}
	t.Logf("prod critical path (%d):\n  %s", len(cp), strings.Join(chain, "\n  "))
	for i := 1; i < len(cp); i++ {
		if ok, why := realNeed(p, cp[i].Resource, cp[i-1].Resource); !ok {
			t.Errorf("critical path step %d: %s", i+1, why)
		}
	}
	// Today (12, on EKS): the provider, VPC, subnet, cluster, the deployer's access
	// entry and policy, the kubernetes provider, then cert-manager's namespace, its
	// service account (after its Pod Identity association), the install (its
	// CRDs), the ClusterIssuer and a Certificate. Each step needs the one before; more
	// steps means a new wait crept in: review it.
	if len(cp) > 12 {
		t.Errorf("critical path grew to %d steps", len(cp))
	}
	// The operations addons install beside the others, so none lies on the critical
	// path, and each release's object of theirs waits only for that addon (and its
	// namespace), never for the Rollout.
	for _, n := range cp {
		for _, suffix := range addonObjects {
			if strings.HasSuffix(n.Resource.Name, suffix) {
				t.Errorf("critical path holds operations addon %s", n.Resource.Name)
			}
		}
	}
	// Falco and the CoreDNS autoscaler (prod's ACK cluster) wait for their namespace
	// alone (Falco's ServiceMonitor for the monitoring install): both are in prod, and
	// neither lies on the critical path.
	for _, component := range []string{"platform:addons:Falco", "platform:addons:DNSAutoscaler"} {
		n := 0
		for _, r := range p.Resources {
			if strings.Contains(r.URN, component) {
				n++
			}
		}
		if n == 0 {
			t.Errorf("prod plans no %s", component)
		}
		for _, c := range cp {
			if strings.Contains(c.Resource.URN, component) {
				t.Errorf("critical path holds %s (%s)", component, c.Resource.Name)
			}
		}
	}
	// Karpenter installs beside the other addons: the critical path is no longer with it
	// than without it (its namespace, account, install and objects tie with it today),
	// and each NodePool and EC2NodeClass waits for the install.
	without := *p
	without.Resources = nil
	for _, r := range p.Resources {
		if !strings.Contains(r.URN, "platform:addons:Karpenter") && !strings.Contains(r.Name, "-ns-karpenter") {
			without.Resources = append(without.Resources, r)
		}
	}
	if len(without.Resources) == len(p.Resources) {
		t.Error("prod has no Karpenter resources to take out")
	}
	base, err := graph.New(&without).CriticalPath()
	if err != nil {
		t.Fatal(err)
	}
	if len(cp) > len(base) {
		t.Errorf("Karpenter lengthens the critical path from %d to %d steps", len(base), len(cp))
	}
	for _, typ := range []string{typeNodePool, typeNodeClass} {
		objs := p.ByType(typ)
		if len(objs) == 0 {
			t.Errorf("prod has no %s: prod-aws's apps pool is Karpenter's", typ)
		}
		for _, o := range objs {
			install := false
			for _, d := range g.Find(o.URN).Needs {
				install = install || d.Resource.Type == helmRelease && strings.HasSuffix(d.Resource.Name, karpenterInstall)
			}
			if !install {
				t.Errorf("%s %s does not wait for the Karpenter install (its CRD)", typ, o.Name)
			}
		}
	}
	for typ, suffix := range addonObjects {
		objs := p.ByType(typ)
		if len(objs) == 0 {
			t.Errorf("prod has no %s: the addon is off or releases make none", typ)
		}
		for _, o := range objs {
			addon := false
			for _, d := range g.Find(o.URN).Needs {
				switch {
				case d.Resource.Type == helmRelease && strings.HasSuffix(d.Resource.Name, suffix):
					addon = true
				case d.Resource.Type == "kubernetes:argoproj.io/v1alpha1:Rollout":
					t.Errorf("%s %s waits for its Rollout", typ, o.Name)
				}
			}
			if !addon {
				t.Errorf("%s %s does not wait for its addon (%s)", typ, o.Name, suffix)
			}
		}
	}
}

// kongInstall is the kong/ingress release, which registers Kong's CRDs.
const kongInstall = "-gateway-kong"

// isKongObject says whether r is one of Kong's own objects or a credential Secret of one.
func isKongObject(r *plan.Resource) bool {
	if strings.Contains(r.Type, "configuration.konghq.com") {
		return true
	}
	return r.Type == "kubernetes:core/v1:Secret" && dig(r.Inputs, "metadata", "labels", "konghq.com/credential") != nil
}

// TestKongDependenciesAreReal plans the Kong stack: every wait is one the resource
// needs (the kong/ingress chart waits for the Gateway API CRDs alone), Kong's own
// objects and credentials wait for the Kong install (their CRDs), their namespace and
// each other and nothing else, and they add no step to the critical path.
func TestKongDependenciesAreReal(t *testing.T) {
	p := planKong(t)
	g := graph.New(p)
	for _, e := range g.Edges() {
		if ok, why := realNeed(p, e.From.Resource, e.To.Resource); !ok {
			t.Errorf("%s %s -> %s %s: %s", e.From.Resource.Type, e.From.Resource.Name, e.To.Resource.Type, e.To.Resource.Name, why)
		}
	}
	kong := 0
	for i := range p.Resources {
		r := &p.Resources[i]
		if !isKongObject(r) {
			continue
		}
		kong++
		for _, d := range g.Find(r.URN).Needs {
			to := d.Resource
			switch {
			case to.Type == helmRelease && strings.HasSuffix(to.Name, kongInstall), isKongObject(to),
				to.Type == "kubernetes:core/v1:Namespace", strings.HasPrefix(to.Type, "pulumi:providers:"):
			default:
				t.Errorf("%s %s waits for %s %s, which it does not use", r.Type, r.Name, to.Type, to.Name)
			}
		}
	}
	if kong < 9 { // 1 cluster plugin; per authed route 2 plugins, 1 consumer, 2 credentials
		t.Fatalf("the Kong stack plans %d Kong objects, want at least 9", kong)
	}
	cp, err := g.CriticalPath()
	if err != nil {
		t.Fatal(err)
	}
	without := *p
	without.Resources = nil
	for i, r := range p.Resources {
		if !isKongObject(&p.Resources[i]) {
			without.Resources = append(without.Resources, r)
		}
	}
	base, err := graph.New(&without).CriticalPath()
	if err != nil {
		t.Fatal(err)
	}
	if len(cp) > len(base) {
		t.Errorf("Kong's objects lengthen the critical path from %d to %d steps", len(base), len(cp))
	}
	t.Logf("kong stack: %d Kong objects, critical path %d steps (%d without them)", kong, len(cp), len(base))
}

func TestWorkloadsWaitForWhatPodsNeed(t *testing.T) {
	p := planStack(t, "prod", nil)
	g := graph.New(p)
	if len(p.ByType("kubernetes:argoproj.io/v1alpha1:Rollout")) == 0 {
		t.Fatal("prod has no Rollouts: nothing to check")
	}
	for _, ro := range p.ByType("kubernetes:argoproj.io/v1alpha1:Rollout") {
		needs := map[string]bool{}
		for _, d := range g.Find(ro.URN).Needs {
			needs[d.Resource.Type] = true
		}
		for _, want := range []string{"kubernetes:core/v1:ResourceQuota", "kubernetes:core/v1:LimitRange", "kubernetes:core/v1:Namespace"} {
			if !needs[want] {
				t.Errorf("Rollout %s does not wait for its %s", ro.Name, want)
			}
		}
	}
	services := 0
	for _, svc := range p.ByType("kubernetes:core/v1:Service") {
		if layerOf(p, svc) != "release" {
			continue
		}
		services++
		for _, d := range g.Find(svc.URN).Needs {
			if d.Resource.Type == "kubernetes:core/v1:LimitRange" || d.Resource.Type == "kubernetes:core/v1:ResourceQuota" {
				t.Errorf("Service %s waits for %s, which only pods need", svc.Name, d.Resource.Name)
			}
		}
	}
	if services == 0 {
		t.Error("prod releases make no Service: nothing checked")
	}
}
