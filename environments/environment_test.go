package environments

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/platform"
	fflabels "github.com/fleetform/fleetform/internal/labels"
	"github.com/fleetform/fleetform/internal/plan"
)

// Type tokens of the objects an environment holds.
const (
	typeNamespace      = "kubernetes:core/v1:Namespace"
	typeQuota          = "kubernetes:core/v1:ResourceQuota"
	typeLimitRange     = "kubernetes:core/v1:LimitRange"
	typeSecret         = "kubernetes:core/v1:Secret"
	typeSA             = "kubernetes:core/v1:ServiceAccount"
	typeSAPatch        = "kubernetes:core/v1:ServiceAccountPatch"
	typeRole           = "kubernetes:rbac.authorization.k8s.io/v1:Role"
	typeRoleBinding    = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
	typeClusterRole    = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"
	typeClusterBinding = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"
	typeNetPol         = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
	typeProvider       = "pulumi:providers:kubernetes"
)

// fixture is one environment to build in a test plan.
type fixture struct {
	name string
	spec Spec
}

// testRegistry stands in for the platform's Harbor outputs.
func testRegistry() *platform.Registry {
	return &platform.Registry{
		Host:     pulumi.String("harbor.example.com").ToStringOutput(),
		Username: pulumi.String("robot$pull").ToStringOutput(),
		Password: pulumi.ToSecret(pulumi.String("t0ken")).(pulumi.StringOutput),
	}
}

// planEnvironmentsE builds the fixtures on one mocked cluster and returns the plan.
func planEnvironmentsE(fixtures []fixture, registry bool) (*plan.Plan, *plan.Monitor, error) {
	return plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		prov, err := kubernetes.NewProvider(ctx, "cluster", &kubernetes.ProviderArgs{})
		if err != nil {
			return nil, err
		}
		for _, f := range fixtures {
			args := &Args{
				Spec: f.spec, Stack: "test", Provider: prov,
				IngressNamespace: platform.NamespaceIngress, MonitoringNamespace: platform.NamespaceMonitoring,
			}
			if registry {
				args.Registry = testRegistry()
			}
			if _, err := New(ctx, f.name, args); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}, plan.Options{Project: "fleetform", Stack: "test"})
}

// planEnvironments is planEnvironmentsE that fails the test on error.
func planEnvironments(t *testing.T, fixtures []fixture, registry bool) *plan.Plan {
	t.Helper()
	p, _, err := planEnvironmentsE(fixtures, registry)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return p
}

// qaAndProd are two environments as a dev and a prod team would write them.
func qaAndProd() []fixture {
	return []fixture{
		{"c1-qa", Spec{Name: "qa", Cluster: "c1", Team: "shop", Access: []Access{
			{Group: "shop-developers", Role: RoleEdit}, {Group: "platform-operators", Role: RoleAdmin},
		}}},
		{"c1-prod", Spec{Name: "prod", Cluster: "c1", Team: "shop", Access: []Access{
			{Group: "shop-developers", Role: RoleView}, {Group: "platform-operators", Role: RoleAdmin},
		}}},
	}
}

func get(m any, path ...string) any {
	for _, k := range path {
		mm, ok := m.(map[string]any)
		if !ok {
			return nil
		}
		m = mm[k]
	}
	return m
}

func str(m any, path ...string) string {
	s, _ := get(m, path...).(string)
	return s
}

// childrenOf returns the resources whose parent is urn.
func childrenOf(p *plan.Plan, urn string) []*plan.Resource {
	var out []*plan.Resource
	for i := range p.Resources {
		if p.Resources[i].Parent == urn {
			out = append(out, &p.Resources[i])
		}
	}
	return out
}

// component returns the Environment component named name.
func component(t *testing.T, p *plan.Plan, name string) *plan.Resource {
	t.Helper()
	for _, r := range p.ByType(TypeToken) {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no %s named %q", TypeToken, name)
	return nil
}

// child returns the child of the named component with the given type and object name.
func child(t *testing.T, p *plan.Plan, comp, typ, objName string) *plan.Resource {
	t.Helper()
	for _, r := range childrenOf(p, component(t, p, comp).URN) {
		if r.Type == typ && str(r.Inputs, "metadata", "name") == objName {
			return r
		}
	}
	t.Fatalf("%s has no %s named %q", comp, typ, objName)
	return nil
}

func TestEveryObjectHasItsNamespaceParentAndProvider(t *testing.T) {
	p := planEnvironments(t, qaAndProd(), true)
	provs := p.ByType(typeProvider)
	if len(provs) != 1 {
		t.Fatalf("got %d kubernetes providers, want 1", len(provs))
	}
	wantKinds := map[string]int{
		typeNamespace: 1, typeQuota: 1, typeLimitRange: 1, typeSecret: 1, typeSA: 1, typeSAPatch: 1,
		typeRole: 1, typeRoleBinding: 3, typeNetPol: 5,
	}
	for _, f := range qaAndProd() {
		t.Run(f.spec.Name, func(t *testing.T) {
			comp := component(t, p, f.name)
			kids := childrenOf(p, comp.URN)
			var nsURN string
			got := map[string]int{}
			for _, r := range kids {
				got[r.Type]++
				if r.Type == typeNamespace {
					nsURN = r.URN
				}
			}
			for typ, n := range wantKinds {
				if got[typ] != n {
					t.Errorf("%s: got %d, want %d", typ, got[typ], n)
				}
			}
			if len(kids) != 15 {
				t.Errorf("got %d children, want 15", len(kids))
			}
			for _, r := range kids {
				if !strings.HasPrefix(r.Name, f.name+"-") {
					t.Errorf("%s: name not derived from the component name %q", r.Name, f.name)
				}
				if r.Provider != provs[0].URN {
					t.Errorf("%s: provider %q, want the cluster's %q", r.Name, r.Provider, provs[0].URN)
				}
				if r.Type == typeNamespace {
					if got := str(r.Inputs, "metadata", "name"); got != f.spec.Name {
						t.Errorf("namespace name %q, want %q", got, f.spec.Name)
					}
					continue
				}
				if got := str(r.Inputs, "metadata", "namespace"); got != f.spec.Name {
					t.Errorf("%s: metadata.namespace %q, want %q", r.Name, got, f.spec.Name)
				}
				if !slices.Contains(r.Dependencies, nsURN) {
					t.Errorf("%s: does not depend on its Namespace %s (deps %v)", r.Name, nsURN, r.Dependencies)
				}
			}
		})
	}
	// Nothing is created outside a component, and nothing cluster-scoped but the Namespace.
	for _, r := range p.Resources {
		if r.Type == typeClusterRole || r.Type == typeClusterBinding {
			t.Errorf("%s: environments must not create cluster-scoped RBAC", r.URN)
		}
		if strings.HasPrefix(r.Type, "kubernetes:") && !strings.HasSuffix(r.Parent, "::c1-qa") && !strings.HasSuffix(r.Parent, "::c1-prod") {
			t.Errorf("%s: parent %q is not an environment", r.URN, r.Parent)
		}
	}
}

func TestPodSecurityLabels(t *testing.T) {
	cases := []struct {
		name                  string
		spec                  Spec
		enforce, audit, warn  string
		wantTier, wantTeamLbl string
	}{
		{"prod is restricted", Spec{Name: "prod", Team: "shop"}, LevelRestricted, LevelRestricted, LevelRestricted, "prod", "shop"},
		{"stage is restricted", Spec{Name: "stage"}, LevelRestricted, LevelRestricted, LevelRestricted, "stage", ""},
		{"qa enforces baseline, audits restricted", Spec{Name: "qa"}, LevelBaseline, LevelRestricted, LevelRestricted, "qa", ""},
		{"tier decides, not name", Spec{Name: "shop-live", Tier: "prod"}, LevelRestricted, LevelRestricted, LevelRestricted, "prod", ""},
		{"override", Spec{Name: "tools", PodSecurity: PodSecurity{Enforce: LevelPrivileged, Warn: LevelBaseline}}, LevelPrivileged, LevelRestricted, LevelBaseline, "tools", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := planEnvironments(t, []fixture{{"c1-" + tc.spec.Name, tc.spec}}, false)
			ns := child(t, p, "c1-"+tc.spec.Name, typeNamespace, tc.spec.Name)
			labels, _ := get(ns.Inputs, "metadata", "labels").(map[string]any)
			for key, want := range map[string]string{
				LabelPodSecurityEnforce: tc.enforce, LabelPodSecurityAudit: tc.audit, LabelPodSecurityWarn: tc.warn,
				LabelTier: tc.wantTier, LabelStack: "test", fflabels.ManagedBy: fflabels.ManagedByFleetform,
			} {
				if got, _ := labels[key].(string); got != want {
					t.Errorf("label %s: got %q, want %q", key, got, want)
				}
			}
			team, ok := labels[LabelTeam]
			if tc.wantTeamLbl == "" && ok {
				t.Errorf("label %s: got %v, want none", LabelTeam, team)
			}
			if tc.wantTeamLbl != "" && team != tc.wantTeamLbl {
				t.Errorf("label %s: got %v, want %q", LabelTeam, team, tc.wantTeamLbl)
			}
		})
	}
}

func TestQuotaAndLimitRange(t *testing.T) {
	cases := []struct {
		name      string
		spec      Spec
		hard      map[string]string
		limits    map[string]map[string]string
		fromTiers string
	}{
		{
			name: "qa defaults",
			spec: Spec{Name: "qa"},
			hard: map[string]string{
				"requests.cpu": "2", "requests.memory": "4Gi", "limits.cpu": "4", "limits.memory": "8Gi",
				"pods": "20", "services": "10", "services.loadbalancers": "0", "persistentvolumeclaims": "5", "requests.storage": "50Gi",
			},
			limits: map[string]map[string]string{
				"defaultRequest": {"cpu": "100m", "memory": "128Mi"},
				"default":        {"cpu": "500m", "memory": "512Mi"},
				"max":            {"cpu": "2", "memory": "4Gi"},
			},
		},
		{
			name: "prod defaults",
			spec: Spec{Name: "prod"},
			hard: map[string]string{
				"requests.cpu": "8", "requests.memory": "16Gi", "limits.cpu": "16", "limits.memory": "32Gi",
				"pods": "100", "services": "30", "services.loadbalancers": "0", "persistentvolumeclaims": "20", "requests.storage": "200Gi",
			},
			limits: map[string]map[string]string{
				"defaultRequest": {"cpu": "200m", "memory": "256Mi"},
				"default":        {"cpu": "1", "memory": "1Gi"},
				"max":            {"cpu": "4", "memory": "8Gi"},
			},
		},
		{
			name: "set values, written in canonical form",
			spec: Spec{Name: "e2e",
				Quota:  Quota{RequestsCPU: "4000m", LimitsCPU: "8", LoadBalancers: 1, Pods: 7},
				Limits: Limits{DefaultCPU: "0.5", MaxMemory: "2048Mi"}},
			hard: map[string]string{
				"requests.cpu": "4", "requests.memory": "4Gi", "limits.cpu": "8", "limits.memory": "8Gi",
				"pods": "7", "services": "10", "services.loadbalancers": "1", "persistentvolumeclaims": "5", "requests.storage": "50Gi",
			},
			limits: map[string]map[string]string{
				"defaultRequest": {"cpu": "100m", "memory": "128Mi"},
				"default":        {"cpu": "500m", "memory": "512Mi"},
				"max":            {"cpu": "2", "memory": "2Gi"},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			comp := "c1-" + tc.spec.Name
			p := planEnvironments(t, []fixture{{comp, tc.spec}}, false)
			q := child(t, p, comp, typeQuota, QuotaName)
			hard, _ := get(q.Inputs, "spec", "hard").(map[string]any)
			if len(hard) != len(tc.hard) {
				t.Errorf("quota has %d entries, want %d: %v", len(hard), len(tc.hard), hard)
			}
			for k, want := range tc.hard {
				if got, _ := hard[k].(string); got != want {
					t.Errorf("quota %s: got %q, want %q", k, got, want)
				}
			}
			lr := child(t, p, comp, typeLimitRange, LimitRangeName)
			items, _ := get(lr.Inputs, "spec", "limits").([]any)
			if len(items) != 1 {
				t.Fatalf("got %d LimitRange items, want 1", len(items))
			}
			if got := str(items[0], "type"); got != "Container" {
				t.Errorf("LimitRange type %q, want Container", got)
			}
			for kind, res := range tc.limits {
				for r, want := range res {
					if got := str(items[0], kind, r); got != want {
						t.Errorf("LimitRange %s.%s: got %q, want %q", kind, r, got, want)
					}
				}
			}
		})
	}
}

func TestAccessBindsBuiltInClusterRoles(t *testing.T) {
	p := planEnvironments(t, qaAndProd(), false)
	cases := []struct {
		comp, binding, role string
		groups              []string
	}{
		{"c1-qa", "access-edit", "edit", []string{"shop-developers"}},
		{"c1-qa", "access-admin", "admin", []string{"platform-operators"}},
		{"c1-prod", "access-view", "view", []string{"shop-developers"}},
		{"c1-prod", "access-admin", "admin", []string{"platform-operators"}},
	}
	for _, tc := range cases {
		t.Run(tc.comp+"/"+tc.binding, func(t *testing.T) {
			rb := child(t, p, tc.comp, typeRoleBinding, tc.binding)
			if got := str(rb.Inputs, "roleRef", "kind"); got != "ClusterRole" {
				t.Errorf("roleRef.kind %q, want ClusterRole", got)
			}
			if got := str(rb.Inputs, "roleRef", "name"); got != tc.role {
				t.Errorf("roleRef.name %q, want %q", got, tc.role)
			}
			if got := str(rb.Inputs, "roleRef", "apiGroup"); got != "rbac.authorization.k8s.io" {
				t.Errorf("roleRef.apiGroup %q", got)
			}
			subjects, _ := get(rb.Inputs, "subjects").([]any)
			var groups []string
			for _, s := range subjects {
				if str(s, "kind") != "Group" || str(s, "apiGroup") != "rbac.authorization.k8s.io" {
					t.Errorf("subject %v: want a Group of rbac.authorization.k8s.io", s)
				}
				groups = append(groups, str(s, "name"))
			}
			if !slices.Equal(groups, tc.groups) {
				t.Errorf("groups %v, want %v", groups, tc.groups)
			}
		})
	}
	// Developers can edit qa but not prod.
	for _, r := range childrenOf(p, component(t, p, "c1-prod").URN) {
		if r.Type == typeRoleBinding && str(r.Inputs, "metadata", "name") == "access-edit" {
			t.Errorf("prod has an edit binding: %v", r.Inputs)
		}
	}
}

func TestDeployerRoleIsLeastPrivilege(t *testing.T) {
	p := planEnvironments(t, qaAndProd(), true)
	allowedVerbs := []string{"get", "list", "watch", "create", "update", "patch"}
	wantResources := map[string][]string{
		"argoproj.io":       {"rollouts"},
		"apps":              {"deployments"},
		"":                  {"configmaps", "secrets", "services"},
		"networking.k8s.io": {"ingresses"},
	}
	for _, f := range qaAndProd() {
		t.Run(f.spec.Name, func(t *testing.T) {
			role := child(t, p, f.name, typeRole, DefaultDeployerName)
			if _, ok := role.Inputs["aggregationRule"]; ok {
				t.Error("the deployer Role must not aggregate other roles")
			}
			rules, _ := get(role.Inputs, "rules").([]any)
			got := map[string][]string{}
			for _, r := range rules {
				if u := get(r, "nonResourceURLs"); u != nil {
					t.Errorf("rule %v grants non-resource URLs (cluster-wide)", r)
				}
				if n := get(r, "resourceNames"); n != nil {
					t.Errorf("rule %v: unexpected resourceNames", r)
				}
				verbs, _ := get(r, "verbs").([]any)
				if len(verbs) == 0 {
					t.Errorf("rule %v has no verbs", r)
				}
				for _, v := range verbs {
					if s, _ := v.(string); s == "*" || !slices.Contains(allowedVerbs, s) {
						t.Errorf("rule %v: verb %v is not allowed", r, v)
					}
				}
				groups, _ := get(r, "apiGroups").([]any)
				resources, _ := get(r, "resources").([]any)
				for _, g := range groups {
					if g == "*" {
						t.Errorf("rule %v: wildcard API group", r)
					}
					for _, res := range resources {
						if res == "*" || strings.Contains(res.(string), "*") {
							t.Errorf("rule %v: wildcard resource", r)
						}
						got[g.(string)] = append(got[g.(string)], res.(string))
					}
				}
			}
			for g := range got {
				sort.Strings(got[g])
			}
			if jsonOf(t, got) != jsonOf(t, wantResources) {
				t.Errorf("deployer may touch %v, want exactly %v", got, wantResources)
			}

			rb := child(t, p, f.name, typeRoleBinding, DefaultDeployerName)
			if k := str(rb.Inputs, "roleRef", "kind"); k != "Role" {
				t.Errorf("deployer binding roleRef.kind %q, want Role (namespaced)", k)
			}
			if n := str(rb.Inputs, "roleRef", "name"); n != DefaultDeployerName {
				t.Errorf("deployer binding roleRef.name %q", n)
			}
			// Names are fixed, so the binding need not wait for the Role (a shallow graph).
			if slices.Contains(rb.Dependencies, role.URN) {
				t.Errorf("deployer binding waits for its Role, which it names by a fixed name")
			}
			subjects, _ := get(rb.Inputs, "subjects").([]any)
			if len(subjects) != 1 || str(subjects[0], "kind") != "ServiceAccount" ||
				str(subjects[0], "name") != DefaultDeployerName || str(subjects[0], "namespace") != f.spec.Name {
				t.Errorf("deployer binding subjects %v, want the ServiceAccount %s/%s", subjects, f.spec.Name, DefaultDeployerName)
			}
			sa := child(t, p, f.name, typeSA, DefaultDeployerName)
			if got := get(sa.Inputs, "automountServiceAccountToken"); got != false {
				t.Errorf("deployer automountServiceAccountToken %v, want false", got)
			}
		})
	}
}

func TestDeployerCanBeTurnedOffOrRenamed(t *testing.T) {
	off := false
	p := planEnvironments(t, []fixture{
		{"c1-a", Spec{Name: "a", Deployer: Deployer{Enabled: &off}}},
		{"c1-b", Spec{Name: "b", Deployer: Deployer{Name: "gitlab-deployer"}}},
	}, false)
	for _, r := range childrenOf(p, component(t, p, "c1-a").URN) {
		if r.Type == typeSA || r.Type == typeRole {
			t.Errorf("deployer disabled, but %s %s exists", r.Type, r.Name)
		}
	}
	child(t, p, "c1-b", typeSA, "gitlab-deployer")
	child(t, p, "c1-b", typeRole, "gitlab-deployer")
	child(t, p, "c1-b", typeRoleBinding, "gitlab-deployer")
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDefaultDenyPolicy(t *testing.T) {
	p := planEnvironments(t, qaAndProd(), false)
	for _, f := range qaAndProd() {
		t.Run(f.spec.Name, func(t *testing.T) {
			np := child(t, p, f.name, typeNetPol, PolicyDefaultDeny)
			sel, ok := get(np.Inputs, "spec", "podSelector").(map[string]any)
			if !ok || len(sel) != 0 {
				t.Errorf("podSelector %v, want {} (all pods)", get(np.Inputs, "spec", "podSelector"))
			}
			if got := jsonOf(t, get(np.Inputs, "spec", "policyTypes")); got != `["Ingress","Egress"]` {
				t.Errorf("policyTypes %s, want [Ingress Egress]", got)
			}
			for _, k := range []string{"ingress", "egress"} {
				if v := get(np.Inputs, "spec", k); v != nil {
					t.Errorf("default deny has %s rules: %v", k, v)
				}
			}
		})
	}
}

func TestPlatformAndDNSPolicies(t *testing.T) {
	p := planEnvironments(t, qaAndProd(), false)
	dns := child(t, p, "c1-qa", typeNetPol, PolicyDNS)
	want := `{"egress":[{"ports":[{"port":53,"protocol":"UDP"},{"port":53,"protocol":"TCP"}],` +
		`"to":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"kube-system"}},` +
		`"podSelector":{"matchLabels":{"k8s-app":"kube-dns"}}}]}],"podSelector":{},"policyTypes":["Egress"]}`
	if got := jsonOf(t, dns.Inputs["spec"]); got != want {
		t.Errorf("DNS policy\n got %s\nwant %s", got, want)
	}
	for name, ns := range map[string]string{PolicyIngressController: platform.NamespaceIngress, PolicyMonitoring: platform.NamespaceMonitoring} {
		np := child(t, p, "c1-prod", typeNetPol, name)
		want := `{"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"` + ns +
			`"}}}]}],"podSelector":{},"policyTypes":["Ingress"]}`
		if got := jsonOf(t, np.Inputs["spec"]); got != want {
			t.Errorf("%s\n got %s\nwant %s", name, got, want)
		}
	}
	same := child(t, p, "c1-prod", typeNetPol, PolicySameNamespace)
	want = `{"egress":[{"to":[{"podSelector":{}}]}],"ingress":[{"from":[{"podSelector":{}}]}],"podSelector":{},"policyTypes":["Ingress","Egress"]}`
	if got := jsonOf(t, same.Inputs["spec"]); got != want {
		t.Errorf("same-namespace policy\n got %s\nwant %s", got, want)
	}
}

// namespacesReached lists every namespace name a policy's peers select by name, and
// whether any peer selects namespaces some other way (which could include anything).
func namespacesReached(t *testing.T, np *plan.Resource) (names []string, open bool) {
	t.Helper()
	for _, dir := range []struct{ rules, peers string }{{"ingress", "from"}, {"egress", "to"}} {
		rules, _ := get(np.Inputs, "spec", dir.rules).([]any)
		for _, r := range rules {
			peers, ok := get(r, dir.peers).([]any)
			if !ok {
				open = true // a rule without peers allows everything
				continue
			}
			for _, peer := range peers {
				sel, ok := get(peer, "namespaceSelector").(map[string]any)
				if !ok {
					continue // pod selector alone is this namespace; ipBlock is checked by CIDR tests
				}
				if n := str(sel, "matchLabels", LabelNamespaceName); n != "" {
					names = append(names, n)
				}
				exprs, _ := get(sel, "matchExpressions").([]any)
				for _, e := range exprs {
					if str(e, "key") != LabelNamespaceName || str(e, "operator") != "In" {
						open = true
						continue
					}
					vals, _ := get(e, "values").([]any)
					for _, v := range vals {
						names = append(names, v.(string))
					}
				}
				if len(sel) == 0 {
					open = true
				}
			}
		}
	}
	return names, open
}

func TestCrossEnvironmentTraffic(t *testing.T) {
	cases := []struct {
		name     string
		qa, prod Spec
		// reach is what each environment's policies let in or out, besides platform namespaces.
		qaReach, prodReach []string
	}{
		{
			name:      "isolated by default: qa cannot reach prod",
			qa:        Spec{Name: "qa"},
			prod:      Spec{Name: "prod"},
			qaReach:   nil,
			prodReach: nil,
		},
		{
			name:      "prod lets stage in, still not qa",
			qa:        Spec{Name: "qa"},
			prod:      Spec{Name: "prod", AllowFrom: []string{"stage"}},
			qaReach:   nil,
			prodReach: []string{"stage"},
		},
		{
			name:      "config opens qa to prod on both sides",
			qa:        Spec{Name: "qa", Egress: Egress{Namespaces: []string{"prod"}, CIDRs: []string{"10.0.8.0/24"}}},
			prod:      Spec{Name: "prod", AllowFrom: []string{"qa", "e2e"}},
			qaReach:   []string{"prod"},
			prodReach: []string{"qa", "e2e"},
		},
	}
	platformNS := []string{NamespaceKubeSystem, platform.NamespaceIngress, platform.NamespaceMonitoring}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := planEnvironments(t, []fixture{{"c1-qa", tc.qa}, {"c1-prod", tc.prod}}, false)
			for _, env := range []struct {
				comp string
				want []string
			}{{"c1-qa", tc.qaReach}, {"c1-prod", tc.prodReach}} {
				var reach []string
				for _, r := range childrenOf(p, component(t, p, env.comp).URN) {
					if r.Type != typeNetPol {
						continue
					}
					names, open := namespacesReached(t, r)
					if open {
						t.Errorf("%s: policy %s selects namespaces beyond named ones: %s", env.comp, r.Name, jsonOf(t, r.Inputs["spec"]))
					}
					for _, n := range names {
						if !slices.Contains(platformNS, n) {
							reach = append(reach, n)
						}
					}
				}
				if !slices.Equal(reach, env.want) {
					t.Errorf("%s reaches %v, want %v", env.comp, reach, env.want)
				}
			}
		})
	}
	t.Run("egress CIDRs become ipBlocks", func(t *testing.T) {
		p := planEnvironments(t, []fixture{{"c1-qa", Spec{Name: "qa", Egress: Egress{CIDRs: []string{"10.0.8.0/24", "fd00::/64"}}}}}, false)
		np := child(t, p, "c1-qa", typeNetPol, PolicyEgress)
		want := `{"egress":[{"to":[{"ipBlock":{"cidr":"10.0.8.0/24"}},{"ipBlock":{"cidr":"fd00::/64"}}]}],"podSelector":{},"policyTypes":["Egress"]}`
		if got := jsonOf(t, np.Inputs["spec"]); got != want {
			t.Errorf("egress policy\n got %s\nwant %s", got, want)
		}
	})
	t.Run("no platform namespaces when the platform has none", func(t *testing.T) {
		p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
			prov, err := kubernetes.NewProvider(ctx, "cluster", &kubernetes.ProviderArgs{})
			if err != nil {
				return nil, err
			}
			_, err = New(ctx, "c1-qa", &Args{Spec: Spec{Name: "qa"}, Provider: prov})
			return nil, err
		}, plan.Options{Project: "fleetform", Stack: "test"})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range p.ByType(typeNetPol) {
			names = append(names, str(r.Inputs, "metadata", "name"))
		}
		sort.Strings(names)
		if want := []string{PolicyDNS, PolicySameNamespace, PolicyDefaultDeny}; !slices.Equal(names, sortedCopy(want)) {
			t.Errorf("policies %v, want %v", names, sortedCopy(want))
		}
	})
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func TestPullSecret(t *testing.T) {
	p := planEnvironments(t, qaAndProd(), true)
	for _, f := range qaAndProd() {
		t.Run(f.spec.Name, func(t *testing.T) {
			sec := child(t, p, f.name, typeSecret, PullSecretName)
			if got := str(sec.Inputs, "type"); got != "kubernetes.io/dockerconfigjson" {
				t.Errorf("type %q, want kubernetes.io/dockerconfigjson", got)
			}
			if got := sec.Inputs["stringData"]; got != plan.Secret {
				t.Errorf("stringData is %v in the plan, want %q: the password must stay a Pulumi secret", got, plan.Secret)
			}
			if d := get(sec.Inputs, "data"); d != nil {
				t.Errorf("unexpected plain data %v", d)
			}
			patch := child(t, p, f.name, typeSAPatch, DefaultServiceAccountName)
			if got := jsonOf(t, patch.Inputs["imagePullSecrets"]); got != `[{"name":"`+PullSecretName+`"}]` {
				t.Errorf("default ServiceAccount imagePullSecrets %s", got)
			}
			// The reference is by name; pods wait for both through PodsReady instead.
			if slices.Contains(patch.Dependencies, sec.URN) {
				t.Errorf("the default ServiceAccount patch waits for the pull secret it names by a fixed name")
			}
			sa := child(t, p, f.name, typeSA, DefaultDeployerName)
			if got := jsonOf(t, sa.Inputs["imagePullSecrets"]); got != `[{"name":"`+PullSecretName+`"}]` {
				t.Errorf("deployer imagePullSecrets %s", got)
			}
		})
	}
	t.Run("registry from a stack reference", func(t *testing.T) {
		refs := map[string]*plan.Plan{"organization/fleetform/shared": {Outputs: map[string]any{
			platform.ExportHarborHost:         "harbor.example.com",
			platform.ExportHarborPullUsername: "robot$pull",
			platform.ExportHarborPullPassword: plan.Secret,
		}}}
		p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
			prov, err := kubernetes.NewProvider(ctx, "cluster", &kubernetes.ProviderArgs{})
			if err != nil {
				return nil, err
			}
			ref, err := pulumi.NewStackReference(ctx, "shared", &pulumi.StackReferenceArgs{Name: pulumi.String("organization/fleetform/shared")})
			if err != nil {
				return nil, err
			}
			_, err = New(ctx, "c1-qa", &Args{Spec: Spec{Name: "qa"}, Provider: prov, Registry: platform.RegistryFromReference(ref)})
			return nil, err
		}, plan.Options{Project: "fleetform", Stack: "test", References: refs})
		if err != nil {
			t.Fatal(err)
		}
		sec := child(t, p, "c1-qa", typeSecret, PullSecretName)
		if got := sec.Inputs["stringData"]; got != plan.Secret {
			t.Errorf("stringData is %v, want %q", got, plan.Secret)
		}
		child(t, p, "c1-qa", typeSAPatch, DefaultServiceAccountName)
	})
	t.Run("no registry, no secret", func(t *testing.T) {
		p := planEnvironments(t, qaAndProd(), false)
		for _, typ := range []string{typeSecret, typeSAPatch} {
			if n := len(p.ByType(typ)); n != 0 {
				t.Errorf("%d %s without a registry, want 0", n, typ)
			}
		}
		for _, sa := range p.ByType(typeSA) {
			if v := sa.Inputs["imagePullSecrets"]; v != nil {
				t.Errorf("%s: imagePullSecrets %v without a registry", sa.Name, v)
			}
		}
	})
}

func TestDockerConfigJSON(t *testing.T) {
	doc, err := DockerConfigJSON("harbor.example.com", "robot$pull", "t0ken")
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Auths map[string]struct{ Username, Password, Auth string } `json:"auths"`
	}
	if err := json.Unmarshal([]byte(doc), &parsed); err != nil {
		t.Fatalf("not JSON: %v: %s", err, doc)
	}
	a, ok := parsed.Auths["harbor.example.com"]
	if !ok {
		t.Fatalf("no entry for the host: %s", doc)
	}
	auth, _ := base64.StdEncoding.DecodeString(a.Auth)
	if a.Username != "robot$pull" || a.Password != "t0ken" || string(auth) != "robot$pull:t0ken" {
		t.Errorf("got %+v (auth %q)", a, auth)
	}
}

func TestTwoClustersSameEnvironmentName(t *testing.T) {
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		for _, c := range []string{"aws", "azure"} {
			prov, err := kubernetes.NewProvider(ctx, c, &kubernetes.ProviderArgs{})
			if err != nil {
				return nil, err
			}
			if _, err := New(ctx, c+"-prod", &Args{Spec: Spec{Name: "prod"}, Provider: prov, Registry: testRegistry()}); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"aws", "azure"} {
		ns := child(t, p, c+"-prod", typeNamespace, "prod")
		if !strings.HasSuffix(ns.Provider, "::"+c) {
			t.Errorf("%s prod namespace goes to provider %q", c, ns.Provider)
		}
	}
}

func TestNewRejectsBeforeRegistering(t *testing.T) {
	cases := []struct {
		name    string
		args    func(prov pulumi.ProviderResource) *Args
		wantErr string
		wantIs  error
	}{
		{"no provider", func(pulumi.ProviderResource) *Args { return &Args{Spec: Spec{Name: "qa"}} }, "", ErrNoProvider},
		{"invalid spec", func(p pulumi.ProviderResource) *Args {
			return &Args{Spec: Spec{Name: "qa", Quota: Quota{RequestsCPU: "2cores"}}, Provider: p}
		}, "environment.quota.requestsCpu", nil},
		{"stack not a label value", func(p pulumi.ProviderResource) *Args {
			return &Args{Spec: Spec{Name: "qa"}, Stack: "-bad-", Provider: p}
		}, MsgNotLabelValue, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, mon, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				prov, err := kubernetes.NewProvider(ctx, "cluster", &kubernetes.ProviderArgs{})
				if err != nil {
					return nil, err
				}
				_, err = New(ctx, "c1-qa", tc.args(prov))
				return nil, err
			}, plan.Options{Project: "fleetform", Stack: "test"})
			if err == nil {
				t.Fatal("got no error")
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) && !strings.Contains(err.Error(), tc.wantIs.Error()) {
				t.Errorf("error %v, want %v", err, tc.wantIs)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not mention %q", err, tc.wantErr)
			}
			if n := mon.Registrations(); n != 1 {
				t.Errorf("%d registrations, want only the provider (1)", n)
			}
		})
	}
}
