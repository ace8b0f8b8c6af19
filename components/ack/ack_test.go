package ack

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

// Type tokens the tests look for.
const (
	typeCluster  = "alicloud:cs/managedKubernetes:ManagedKubernetes"
	typeNodePool = "alicloud:cs/nodePool:NodePool"
	typeSwitch   = "alicloud:vpc/switch:Switch"
	typeVPC      = "alicloud:vpc/network:Network"
	typeNAT      = "alicloud:vpc/natGateway:NatGateway"
	typeEIP      = "alicloud:ecs/eipAddress:EipAddress"
	typeEIPAssoc = "alicloud:ecs/eipAssociation:EipAssociation"
	typeSNAT     = "alicloud:vpc/snatEntry:SnatEntry"
	typeKMSKey   = "alicloud:kms/key:Key"
	typeK8sProv  = "pulumi:providers:kubernetes"
	typeAliProv  = "pulumi:providers:alicloud"
	typeSCPatch  = "kubernetes:storage.k8s.io/v1:StorageClassPatch"
)

func prodSpec() cluster.Spec {
	return cluster.Spec{
		Name: "prod-ali", Cloud: cluster.Alicloud, Region: "cn-hangzhou",
		KubernetesVersion: "1.36.1-aliyun.1", Environment: "prod",
		Network: cluster.Network{VPCCIDR: "10.120.0.0/16", PodCIDR: "10.120.128.0/17", ServiceCIDR: "172.22.0.0/16", Zones: 3},
		NodePools: []cluster.NodePool{
			{Name: "system", InstanceTypes: []string{"ecs.g7.large"}, MinSize: 2, DesiredSize: 2, MaxSize: 2,
				Taints: []cluster.Taint{{Key: "CriticalAddonsOnly", Value: "true", Effect: "NoSchedule"}}},
			{Name: "apps", InstanceTypes: []string{"ecs.g7.xlarge", "ecs.g6.xlarge"}, MinSize: 3, DesiredSize: 3, MaxSize: 12,
				Labels: map[string]string{"workload": "apps", "tier": "general"}},
		},
		Alicloud: &cluster.AlicloudSpec{ZoneIDs: []string{"cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"}},
	}
}

func devSpec() cluster.Spec {
	s := prodSpec()
	s.Name, s.Environment = "dev-ali", "dev"
	s.Network.Zones = 2
	s.NodePools = s.NodePools[1:]
	return s
}

// runPlan plans the clusters in one stack and exports each kubeconfig as <name>.kubeconfig.
func runPlan(t *testing.T, specs ...cluster.Spec) *plan.Plan {
	t.Helper()
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		out := map[string]pulumi.Output{}
		for _, s := range specs {
			c, err := New(ctx, s.Name, &Args{Spec: s, Stack: "test", Access: testAccess})
			if err != nil {
				return nil, err
			}
			conn := c.Connection()
			out[s.Name+".kubeconfig"] = conn.Kubeconfig
			out[s.Name+".storageClass"] = pulumi.String(conn.StorageClass).ToStringOutput()
		}
		return out, nil
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return p
}

// of returns the resources of a type whose name starts with the cluster's name.
func of(p *plan.Plan, typ, clusterName string) []*plan.Resource {
	var out []*plan.Resource
	for _, r := range p.ByType(typ) {
		if r.Name == clusterName || strings.HasPrefix(r.Name, clusterName+"-") {
			out = append(out, r)
		}
	}
	return out
}

func urns(rs []*plan.Resource) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.URN
	}
	return out
}

func TestTwoClustersInOneStack(t *testing.T) {
	p := runPlan(t, prodSpec(), devSpec())

	seen := map[string]bool{}
	for _, r := range p.Resources {
		if seen[r.URN] {
			t.Errorf("duplicate URN %s", r.URN)
		}
		seen[r.URN] = true
	}
	comps := p.ByType(TypeToken)
	if len(comps) != 2 {
		t.Fatalf("components: got %d, want 2", len(comps))
	}

	// Counts per cluster: prod has 3 zones and 2 pools, dev 2 zones and 1 pool.
	counts := []struct {
		typ       string
		prod, dev int
	}{
		{typeAliProv, 1, 1}, {typeVPC, 1, 1}, {typeSwitch, 6, 4}, {typeNAT, 1, 1}, {typeEIP, 1, 1},
		{typeEIPAssoc, 1, 1}, {typeSNAT, 6, 4}, {typeCluster, 1, 1}, {typeNodePool, 2, 1},
		{typeKMSKey, 1, 0}, {typeK8sProv, 1, 1}, {typeSCPatch, 1, 1},
	}
	for _, c := range counts {
		if got := len(of(p, c.typ, "prod-ali")); got != c.prod {
			t.Errorf("prod-ali %s: got %d, want %d", c.typ, got, c.prod)
		}
		if got := len(of(p, c.typ, "dev-ali")); got != c.dev {
			t.Errorf("dev-ali %s: got %d, want %d", c.typ, got, c.dev)
		}
	}

	// Every child is parented to its own component, and every cloud resource goes
	// through its own cluster's alicloud provider.
	for _, comp := range comps {
		prov := of(p, typeAliProv, comp.Name)[0]
		for i := range p.Resources {
			r := &p.Resources[i]
			if r.Type == TypeToken || r.Type == "pulumi:pulumi:Stack" || !strings.HasPrefix(r.Name, comp.Name) {
				continue
			}
			if r.Parent != comp.URN {
				t.Errorf("%s: parent %q, want %q", r.URN, r.Parent, comp.URN)
			}
			if strings.HasPrefix(r.Type, "alicloud:") && r.Provider != prov.URN {
				t.Errorf("%s: provider %q, want %q", r.URN, r.Provider, prov.URN)
			}
		}
		if got := prov.Inputs["region"]; got != "cn-hangzhou" {
			t.Errorf("%s provider region: got %v, want cn-hangzhou", comp.Name, got)
		}
	}
}

func TestClusterInputs(t *testing.T) {
	p := runPlan(t, prodSpec(), devSpec())
	for _, tc := range []struct {
		name         string
		protect      bool
		zones        int
		encrypted    bool
		logs         []any
		public       bool
		wantVSwitchs []string
	}{
		{"prod-ali", true, 3, true, []any{"apiserver", "kcm", "scheduler"}, false,
			[]string{"10.120.0.0/24", "10.120.1.0/24", "10.120.2.0/24", "10.120.128.0/19", "10.120.160.0/19", "10.120.192.0/19"}},
		{"dev-ali", false, 2, false, nil, true,
			[]string{"10.120.0.0/24", "10.120.1.0/24", "10.120.128.0/18", "10.120.192.0/18"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := of(p, typeCluster, tc.name)[0]
			in := k.Inputs

			// Terway ENI-IP with network policy, and the CSI add-ons behind the storage class.
			addons, _ := in["addons"].([]any)
			var names []string
			for _, a := range addons {
				m := a.(map[string]any)
				names = append(names, m["name"].(string))
				if m["name"] == AddonTerway && m["config"] != TerwayConfig {
					t.Errorf("terway config: got %v, want %s", m["config"], TerwayConfig)
				}
			}
			// Both are Pro: Terway's controller and the CSI provisioner run in the managed
			// control plane (TestAddonsOfABasicCluster has the Basic edition's list).
			wantAddons := []string{AddonTerwayControlPlane, AddonTerway, AddonCSIPlugin, AddonManagedCSIProvisioner, AddonPodIdentityWebhook}
			if !slices.Equal(names, wantAddons) {
				t.Errorf("addons: got %v, want %v", names, wantAddons)
			}

			// IDs are unknown offline, so the plan shows the vSwitches as dependencies;
			// TestIDsReachInputs checks the ID lists themselves.
			pods := of(p, typeSwitch, tc.name+"-pods")
			nodes := of(p, typeSwitch, tc.name+"-nodes")
			for _, u := range append(urns(pods), urns(nodes)...) {
				if !slices.Contains(k.Dependencies, u) {
					t.Errorf("cluster does not depend on %s", u)
				}
			}
			var cidrs []string
			for _, sw := range append(nodes, pods...) {
				cidrs = append(cidrs, sw.Inputs["cidrBlock"].(string))
			}
			if !slices.Equal(cidrs, tc.wantVSwitchs) {
				t.Errorf("vSwitch CIDRs: got %v, want %v", cidrs, tc.wantVSwitchs)
			}

			want := map[string]any{
				"clusterSpec": cluster.ACKProSmall, "version": "1.36.1-aliyun.1", "serviceCidr": "172.22.0.0/16",
				"deletionProtection": tc.protect, "newNatGateway": false, "proxyMode": ProxyMode,
				"slbInternetEnabled": tc.public, "name": tc.name + "-test",
			}
			for key, w := range want {
				if in[key] != w {
					t.Errorf("%s: got %v, want %v", key, in[key], w)
				}
			}
			keys := of(p, typeKMSKey, tc.name)
			if len(keys) == 1 != tc.encrypted || (tc.encrypted && !slices.Contains(k.Dependencies, keys[0].URN)) {
				t.Errorf("secret encryption: got KMS keys %v and cluster deps %v, want encrypted=%v", urns(keys), k.Dependencies, tc.encrypted)
			}
			logs, _ := in["controlPlaneLogComponents"].([]any)
			if !slices.Equal(logs, tc.logs) {
				t.Errorf("controlPlaneLogComponents: got %v, want %v", logs, tc.logs)
			}
			tags, _ := in["tags"].(map[string]any)
			if tags[cluster.TagCluster] != tc.name || tags[cluster.TagStack] != "test" {
				t.Errorf("tags: got %v, want cluster %s and stack test", tags, tc.name)
			}
		})
	}
}

func TestAddonsOfABasicCluster(t *testing.T) {
	s := devSpec()
	s.Alicloud = &cluster.AlicloudSpec{ZoneIDs: s.Alicloud.ZoneIDs, ClusterSpec: cluster.ACKStandard}
	p := runPlan(t, s)
	var names []string
	for _, a := range of(p, typeCluster, "dev-ali")[0].Inputs["addons"].([]any) {
		names = append(names, a.(map[string]any)["name"].(string))
	}
	want := []string{AddonTerway, AddonCSIPlugin, AddonCSIProvisioner, AddonPodIdentityWebhook}
	if !slices.Equal(names, want) {
		t.Errorf("addons: got %v, want %v", names, want)
	}
}

func TestMaintenanceWindowWithoutAutoUpgrade(t *testing.T) {
	in := of(runPlan(t, prodSpec()), typeCluster, "prod-ali")[0].Inputs
	mw := map[string]any{"enable": true, "maintenanceTime": MaintenanceTime, "duration": MaintenanceDuration, "weeklyPeriod": MaintenanceWeeklyPeriod}
	for k, v := range mw {
		if got := at(in, "maintenanceWindow", k); got != v {
			t.Errorf("maintenanceWindow.%s: got %v, want %v", k, got, v)
		}
	}
	if got := at(in, "operationPolicy", "clusterAutoUpgrade", "enabled"); got != false {
		t.Errorf("operationPolicy.clusterAutoUpgrade.enabled: got %v, want false (the version is pinned)", got)
	}
	if _, ok := in["loadBalancerSpec"]; ok {
		t.Errorf("loadBalancerSpec: got %v, want none (deprecated, billed by capacity units)", in["loadBalancerSpec"])
	}
}

func TestNodePools(t *testing.T) {
	p := runPlan(t, prodSpec())
	nodes := urns(of(p, typeSwitch, "prod-ali-nodes"))
	pods := urns(of(p, typeSwitch, "prod-ali-pods"))
	k := of(p, typeCluster, "prod-ali")[0]
	for _, tc := range []struct {
		name      string
		scaling   map[string]any
		nodeCount any
		instTypes []any
		labels    []any
		taints    []any
	}{
		{"prod-ali-apps", map[string]any{"minSize": 3.0, "maxSize": 12.0, "type": "cpu"}, nil,
			[]any{"ecs.g7.xlarge", "ecs.g6.xlarge"},
			[]any{map[string]any{"key": "tier", "value": "general"}, map[string]any{"key": "workload", "value": "apps"}}, []any{}},
		{"prod-ali-system", nil, "2", []any{"ecs.g7.large"}, []any{},
			[]any{map[string]any{"key": "CriticalAddonsOnly", "value": "true", "effect": "NoSchedule"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var np *plan.Resource
			for _, r := range p.ByType(typeNodePool) {
				if r.Name == tc.name {
					np = r
				}
			}
			if np == nil {
				t.Fatalf("node pool %s not planned", tc.name)
			}
			// In the node vSwitches only: it depends on all of them and on none of the pod vSwitches.
			for _, u := range nodes {
				if !slices.Contains(np.Dependencies, u) {
					t.Errorf("does not depend on node vSwitch %s", u)
				}
			}
			for _, u := range pods {
				if slices.Contains(np.Dependencies, u) {
					t.Errorf("depends on pod vSwitch %s", u)
				}
			}
			if !slices.Contains(np.Dependencies, k.URN) {
				t.Errorf("does not wait for the cluster %s", k.URN)
			}
			in := np.Inputs
			if tc.scaling != nil {
				sc, _ := in["scalingConfig"].(map[string]any)
				for k, v := range tc.scaling {
					if sc[k] != v {
						t.Errorf("scalingConfig.%s: got %v, want %v", k, sc[k], v)
					}
				}
			} else if _, ok := in["scalingConfig"]; ok {
				t.Errorf("fixed pool: got scalingConfig %v, want none", in["scalingConfig"])
			}
			if in["desiredSize"] != tc.nodeCount {
				t.Errorf("desiredSize: got %v, want %v", in["desiredSize"], tc.nodeCount)
			}
			if at(in, "management", "enable") != true || at(in, "management", "autoUpgrade") != false {
				t.Errorf("management: got %v, want a managed pool without kubelet auto-upgrade", in["management"])
			}
			checkList(t, "instanceTypes", in["instanceTypes"], tc.instTypes)
			checkList(t, "labels", in["labels"], tc.labels)
			checkList(t, "taints", in["taints"], tc.taints)
			if in["systemDiskCategory"] != NodeDiskCategory || in["systemDiskSize"] != float64(cluster.DefaultDiskSizeGB) {
				t.Errorf("system disk: got %v %v, want %s %d", in["systemDiskCategory"], in["systemDiskSize"], NodeDiskCategory, cluster.DefaultDiskSizeGB)
			}
		})
	}
}

func checkList(t *testing.T, name string, got any, want []any) {
	t.Helper()
	g, _ := got.([]any)
	if len(g) == 0 && len(want) == 0 {
		return
	}
	if len(g) != len(want) {
		t.Errorf("%s: got %v, want %v", name, got, want)
		return
	}
	for i := range want {
		if !equalAny(g[i], want[i]) {
			t.Errorf("%s[%d]: got %v, want %v", name, i, g[i], want[i])
		}
	}
}

func equalAny(a, b any) bool {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		if len(am) != len(bm) {
			return false
		}
		for k := range am {
			if am[k] != bm[k] {
				return false
			}
		}
		return true
	}
	return a == b
}

func TestEgress(t *testing.T) {
	p := runPlan(t, prodSpec())
	nat := of(p, typeNAT, "prod-ali")[0]
	eip := of(p, typeEIP, "prod-ali")[0]
	assoc := of(p, typeEIPAssoc, "prod-ali")[0]
	if nat.Inputs["natType"] != NATType || nat.Inputs["deletionProtection"] != true {
		t.Errorf("nat: got natType=%v deletionProtection=%v, want %s true", nat.Inputs["natType"], nat.Inputs["deletionProtection"], NATType)
	}
	firstNodes := of(p, typeSwitch, "prod-ali-nodes-cn-hangzhou-h")[0]
	if !slices.Contains(nat.Dependencies, firstNodes.URN) {
		t.Errorf("nat gateway is not in the first node vSwitch %s: deps %v", firstNodes.URN, nat.Dependencies)
	}
	if eip.Inputs["bandwidth"] != "100" || eip.Inputs["internetChargeType"] != EIPChargeType {
		t.Errorf("eip: got bandwidth=%v charge=%v, want 100 %s", eip.Inputs["bandwidth"], eip.Inputs["internetChargeType"], EIPChargeType)
	}
	if assoc.Inputs["instanceType"] != "Nat" || !slices.Contains(assoc.Dependencies, nat.URN) || !slices.Contains(assoc.Dependencies, eip.URN) {
		t.Errorf("eip association: got %v deps %v, want Nat binding %s to %s", assoc.Inputs, assoc.Dependencies, eip.URN, nat.URN)
	}
	// One SNAT entry per node and pod vSwitch, each after the EIP is bound.
	for _, sw := range of(p, typeSwitch, "prod-ali") {
		var entry *plan.Resource
		for _, e := range p.ByType(typeSNAT) {
			if slices.Contains(e.Dependencies, sw.URN) {
				entry = e
			}
		}
		if entry == nil {
			t.Errorf("no SNAT entry for %s", sw.Name)
			continue
		}
		for _, u := range []string{nat.URN, eip.URN, assoc.URN} {
			if !slices.Contains(entry.Dependencies, u) {
				t.Errorf("SNAT %s does not depend on %s", entry.Name, u)
			}
		}
	}
	// Tags from the one place on every taggable cloud resource.
	for _, r := range []*plan.Resource{nat, eip, of(p, typeVPC, "prod-ali")[0], firstNodes} {
		tags, _ := r.Inputs["tags"].(map[string]any)
		if tags[cluster.TagEnvironment] != "prod" || tags[cluster.TagManagedBy] != cluster.ManagedByValue {
			t.Errorf("%s tags: got %v, want environment prod and managed-by", r.Name, tags)
		}
	}
}

func TestKubeconfigIsSecret(t *testing.T) {
	p := runPlan(t, prodSpec())
	if got := p.Outputs["prod-ali.kubeconfig"]; got != plan.Secret {
		t.Errorf("kubeconfig output: got %v, want %s", got, plan.Secret)
	}
	if got := p.Outputs["prod-ali.storageClass"]; got != StorageClass {
		t.Errorf("storage class: got %v, want %s", got, StorageClass)
	}
	prov := of(p, typeK8sProv, "prod-ali")[0]
	if got, ok := prov.Inputs["kubeconfig"]; ok && got != plan.Secret && got != plan.Unknown {
		t.Errorf("kubernetes provider kubeconfig input: got %v, want it unknown or redacted", got)
	}
	k := of(p, typeCluster, "prod-ali")[0]
	if !slices.Contains(prov.Dependencies, k.URN) {
		t.Errorf("kubernetes provider does not depend on the cluster: %v", prov.Dependencies)
	}
	sc := of(p, typeSCPatch, "prod-ali")[0]
	md, _ := sc.Inputs["metadata"].(map[string]any)
	ann, _ := md["annotations"].(map[string]any)
	if md["name"] != StorageClass || ann[DefaultClassAnnotation] != "true" || sc.Provider != prov.URN {
		t.Errorf("default storage class patch: got %v via %s, want %s annotated default via %s", md, sc.Provider, StorageClass, prov.URN)
	}
}

func TestRenderKubeconfig(t *testing.T) {
	out, err := renderKubeconfig("prod-ali", kubeconfigCredentials{
		Server: "https://47.1.2.3:6443", ClusterCA: "Q0E=", ClientCert: "Q0VSVA==", ClientKey: "S0VZ",
	})
	if err != nil {
		t.Fatal(err)
	}
	kc, err := clientcmd.Load([]byte(out))
	if err != nil {
		t.Fatalf("not a kubeconfig: %v\n%s", err, out)
	}
	if ctx := kc.Contexts["prod-ali"]; kc.CurrentContext != "prod-ali" || ctx == nil || ctx.AuthInfo != "prod-ali-admin" || ctx.Cluster != "prod-ali" {
		t.Errorf("context: got %+v current %q, want prod-ali with user prod-ali-admin", ctx, kc.CurrentContext)
	}
	if c := kc.Clusters["prod-ali"]; c == nil || c.Server != "https://47.1.2.3:6443" || string(c.CertificateAuthorityData) != "CA" {
		t.Errorf("cluster: got %+v", c)
	}
	if u := kc.AuthInfos["prod-ali-admin"]; u == nil || string(u.ClientCertificateData) != "CERT" || string(u.ClientKeyData) != "KEY" {
		t.Errorf("user: got %+v", u)
	}
	if _, err := renderKubeconfig("x", kubeconfigCredentials{Server: "https://x", ClusterCA: "not base64!"}); err == nil {
		t.Error("a CA that is not base64: got no error")
	}
}

func TestInvalidSpecCreatesNothing(t *testing.T) {
	s := prodSpec()
	s.KubernetesVersion = "1.33"
	s.Network.PodCIDR = ""
	_, mon, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := New(ctx, s.Name, &Args{Spec: s, Stack: "test", Access: testAccess})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err == nil {
		t.Fatal("invalid spec: got no error")
	}
	for _, want := range []string{"clusters[0].kubernetesVersion", cluster.MsgACKVersionForm, "clusters[0].network.podCidr", cluster.MsgPodCIDRRequired} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if n := mon.Registrations(); n != 0 {
		t.Errorf("registrations after a validation error: got %d, want 0", n)
	}
	// The caller's spec is not defaulted in place.
	if s.Alicloud.ClusterSpec != "" || s.NodePools[0].MaxPods != 0 {
		t.Errorf("caller's spec changed: clusterSpec=%q maxPods=%d", s.Alicloud.ClusterSpec, s.NodePools[0].MaxPods)
	}
}

// idMocks answers like a finished deployment: every resource gets an ID (its name plus
// "-id"), and the cluster gets endpoints and certificates, so outputs resolve.
type idMocks struct {
	mu     sync.Mutex
	inputs map[string]resource.PropertyMap
}

func (m *idMocks) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	state := a.Inputs.Copy()
	switch a.TypeToken {
	case typeCluster:
		state["connections"] = resource.NewProperty(resource.PropertyMap{
			"apiServerInternet": resource.NewProperty("https://47.0.0.1:6443"),
			"apiServerIntranet": resource.NewProperty("https://10.120.0.5:6443"),
		})
		state["certificateAuthority"] = resource.NewProperty(resource.PropertyMap{
			"clusterCert": resource.NewProperty("Q0E="),
			"clientCert":  resource.NewProperty("Q0VSVA=="),
			"clientKey":   resource.NewProperty("S0VZ"),
		})
	case typeEIP:
		state["ipAddress"] = resource.NewProperty("47.0.0.2")
	case typeNAT:
		state["snatTableIds"] = resource.NewProperty("stb-1")
	}
	m.mu.Lock()
	m.inputs[a.Name] = a.Inputs
	m.mu.Unlock()
	if !a.Custom {
		return "", state, nil
	}
	return a.Name + "-id", state, nil
}

func (m *idMocks) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

func strs(v resource.PropertyValue) []string {
	var out []string
	if v.IsArray() {
		for _, e := range v.ArrayValue() {
			out = append(out, e.StringValue())
		}
	}
	return out
}

// TestIDsReachInputs deploys under mocks that assign IDs, and checks the vSwitch IDs
// the cluster and the node pools get, the SNAT wiring and the kubeconfig itself.
func TestIDsReachInputs(t *testing.T) {
	m := &idMocks{inputs: map[string]resource.PropertyMap{}}
	var kubeconfig internals.UnsafeAwaitOutputResult
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		c, err := New(ctx, "prod-ali", &Args{Spec: prodSpec(), Stack: "test", Access: testAccess})
		if err != nil {
			return err
		}
		kubeconfig, err = internals.UnsafeAwaitOutput(ctx.Context(), c.Connection().Kubeconfig)
		return err
	}, pulumi.WithMocks("fleetform", "test", m))
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	zones := []string{"cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"}
	var nodeIDs, podIDs []string
	for _, z := range zones {
		nodeIDs = append(nodeIDs, "prod-ali-nodes-"+z+"-id")
		podIDs = append(podIDs, "prod-ali-pods-"+z+"-id")
	}
	k := m.inputs["prod-ali"]
	if got := strs(k["podVswitchIds"]); !slices.Equal(got, podIDs) {
		t.Errorf("cluster podVswitchIds: got %v, want %v", got, podIDs)
	}
	if got := strs(k["vswitchIds"]); !slices.Equal(got, nodeIDs) {
		t.Errorf("cluster vswitchIds: got %v, want %v", got, nodeIDs)
	}
	if got := k["encryptionProviderKey"]; !got.IsString() || got.StringValue() != "prod-ali-secrets-id" {
		t.Errorf("encryptionProviderKey: got %v, want prod-ali-secrets-id", got)
	}
	for _, pool := range []string{"prod-ali-apps", "prod-ali-system"} {
		in := m.inputs[pool]
		if got := strs(in["vswitchIds"]); !slices.Equal(got, nodeIDs) {
			t.Errorf("%s vswitchIds: got %v, want the node vSwitches %v", pool, got, nodeIDs)
		}
		if got := in["clusterId"]; !got.IsString() || got.StringValue() != "prod-ali-id" {
			t.Errorf("%s clusterId: got %v, want prod-ali-id", pool, got)
		}
	}
	snat := m.inputs["prod-ali-snat-pods-cn-hangzhou-i"]
	if snat["sourceVswitchId"].StringValue() != "prod-ali-pods-cn-hangzhou-i-id" || snat["snatIp"].StringValue() != "47.0.0.2" || snat["snatTableId"].StringValue() != "stb-1" {
		t.Errorf("pod SNAT entry: got %v", snat)
	}
	if nat := m.inputs["prod-ali-nat"]; nat["vswitchId"].StringValue() != nodeIDs[0] {
		t.Errorf("nat vswitchId: got %v, want %s", nat["vswitchId"], nodeIDs[0])
	}

	// The kubeconfig: known, secret, and pointing at the VPC-internal endpoint (prod
	// keeps the API server off the internet).
	if !kubeconfig.Known || !kubeconfig.Secret {
		t.Fatalf("kubeconfig: known=%v secret=%v, want both", kubeconfig.Known, kubeconfig.Secret)
	}
	want, _ := renderKubeconfig("prod-ali", kubeconfigCredentials{Server: "https://10.120.0.5:6443", ClusterCA: "Q0E=", ClientCert: "Q0VSVA==", ClientKey: "S0VZ"})
	if kubeconfig.Value != want {
		t.Errorf("kubeconfig: got\n%v\nwant\n%s", kubeconfig.Value, want)
	}
	prov := m.inputs["prod-ali-k8s"]["kubeconfig"]
	if !prov.IsSecret() || prov.SecretValue().Element.StringValue() != want {
		t.Errorf("kubernetes provider kubeconfig input: got %v, want the kubeconfig as a secret", prov)
	}
}
