package aks

import (
	"context"
	"encoding/base64"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

// Type tokens the tests look for.
const (
	typeProvider       = "pulumi:providers:azure-native"
	typeResourceGroup  = "azure-native:resources:ResourceGroup"
	typeVNet           = "azure-native:network:VirtualNetwork"
	typeManagedCluster = "azure-native:containerservice:ManagedCluster"
	typeAgentPool      = "azure-native:containerservice:AgentPool"
	typeRoleAssignment = "azure-native:authorization:RoleAssignment"
	typeK8sProvider    = "pulumi:providers:kubernetes"
)

// prodSpec is the prod stack's AKS cluster: podSubnet mode, cilium, AAD RBAC.
func prodSpec(name string) cluster.Spec {
	return cluster.Spec{
		Name:              name,
		Cloud:             cluster.Azure,
		Region:            "westeurope",
		KubernetesVersion: "1.36",
		Environment:       "prod",
		Network:           cluster.Network{VPCCIDR: "10.110.0.0/16", PodCIDR: "10.110.64.0/18", ServiceCIDR: "172.21.0.0/16", Zones: 3},
		NodePools: []cluster.NodePool{
			{Name: "system", System: true, InstanceTypes: []string{"Standard_D4s_v5"}, MinSize: 2, DesiredSize: 3, MaxSize: 4,
				Taints: []cluster.Taint{{Key: "CriticalAddonsOnly", Value: "true", Effect: "NoSchedule"}}},
			{Name: "apps", InstanceTypes: []string{"Standard_D8s_v5"}, MinSize: 3, DesiredSize: 3, MaxSize: 15, Labels: map[string]string{"workload": "apps"}},
		},
		Azure: &cluster.AzureSpec{NetworkPolicy: "cilium", AdminGroupObjectIDs: []string{"00000000-0000-0000-0000-00000000a11c"}},
	}
}

// devSpec is a small non-prod cluster in overlay mode without AAD.
func devSpec(name string) cluster.Spec {
	s := prodSpec(name)
	s.Environment = "dev"
	s.Network = cluster.Network{VPCCIDR: "10.30.0.0/16", PodCIDR: "192.168.0.0/16", Zones: 2}
	s.Azure = &cluster.AzureSpec{NetworkMode: cluster.AzureModeOverlay, PublicAccessCIDRs: []string{"198.51.100.0/24"}}
	return s
}

// testAdmin is the identity map's admin group on Azure; testAccess adds a team.
var (
	testAdmin  = cluster.Member{Group: "platform-admins", Principal: "3c7e2b1a-5d4f-4e6a-9b8c-1f2e3d4c5b6a"}
	testAccess = cluster.Access{
		Admins: []cluster.Member{testAdmin},
		Groups: []cluster.Member{{Group: "shop-developers", Principal: "8a1f0c2e-7b3d-4c5a-8e9f-0a1b2c3d4e5f"}},
	}
)

// planOf builds the clusters under the planner's dry-run mock monitor and exports
// each Connection's kubeconfig as <name>.kubeconfig.
func planOf(t *testing.T, specs ...cluster.Spec) *plan.Plan {
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
		t.Fatal(err)
	}
	return p
}

// one returns the single resource of a type and name, failing the test otherwise.
func one(t *testing.T, p *plan.Plan, typ, name string) *plan.Resource {
	t.Helper()
	for _, r := range p.ByType(typ) {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no %s named %s", typ, name)
	return nil
}

// at follows a path of map keys and slice indexes through plan inputs.
func at(v any, path ...any) any {
	for _, k := range path {
		switch key := k.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[key]
		case int:
			s, ok := v.([]any)
			if !ok || key >= len(s) {
				return nil
			}
			v = s[key]
		}
	}
	return v
}

func TestPlanCNI(t *testing.T) {
	tests := []struct {
		name string
		spec cluster.Spec
		// wantNet are networkProfile inputs; nil means the key is absent.
		wantNet map[string]any
		// wantSubnets are the VNet's inline subnets: name → address prefix.
		wantSubnets map[string]string
	}{
		{
			name: "podSubnet with cilium",
			spec: prodSpec("prod-azure"),
			wantNet: map[string]any{
				// Without overlay AKS ignores podCidr; the SDK always sends the API default.
				"networkPlugin": "azure", "networkPolicy": "cilium", "networkDataplane": "cilium",
				"networkPluginMode": nil, "podCidr": "10.244.0.0/16",
				"serviceCidr": "172.21.0.0/16", "dnsServiceIP": "172.21.0.10", "outboundType": "loadBalancer",
			},
			wantSubnets: map[string]string{"nodes": "10.110.0.0/22", "pods": "10.110.64.0/18"},
		},
		{
			name: "overlay with azure network policy",
			spec: devSpec("dev-azure"),
			wantNet: map[string]any{
				"networkPlugin": "azure", "networkPolicy": "azure", "networkDataplane": nil,
				"networkPluginMode": "overlay", "podCidr": "192.168.0.0/16",
				"serviceCidr": cluster.DefaultServiceCIDR, "dnsServiceIP": "172.20.0.10", "outboundType": "loadBalancer",
			},
			wantSubnets: map[string]string{"nodes": "10.30.0.0/22"},
		},
		{
			name: "a pod subnet per pool, NAT gateway egress",
			spec: func() cluster.Spec {
				s := prodSpec("prod-azure")
				s.Azure.PodSubnetPerPool = true
				s.Azure.OutboundType = "managedNATGateway"
				s.Azure.NetworkPolicy = "calico"
				return s
			}(),
			wantNet: map[string]any{
				"networkPlugin": "azure", "networkPolicy": "calico", "networkDataplane": nil,
				"networkPluginMode": nil, "podCidr": "10.244.0.0/16", "outboundType": "managedNATGateway",
				"serviceCidr": "172.21.0.0/16", "dnsServiceIP": "172.21.0.10",
			},
			wantSubnets: map[string]string{"nodes": "10.110.0.0/22", "pods-system": "10.110.64.0/19", "pods-apps": "10.110.96.0/19"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := tc.spec.Name
			p := planOf(t, tc.spec)
			mc := one(t, p, typeManagedCluster, name+"-aks")
			for k, want := range tc.wantNet {
				if got := at(mc.Inputs, "networkProfile", k); got != want {
					t.Errorf("networkProfile.%s = %v, want %v", k, got, want)
				}
			}
			vnet := one(t, p, typeVNet, name+"-vnet")
			subs := at(vnet.Inputs, "subnets").([]any)
			got := map[string]string{}
			for _, s := range subs {
				got[at(s, "name").(string)] = at(s, "addressPrefix").(string)
				if strings.HasPrefix(at(s, "name").(string), "pods") && at(s, "delegations", 0, "serviceName") != PodSubnetDelegation {
					t.Errorf("pod subnet %v is not delegated to %s", at(s, "name"), PodSubnetDelegation)
				}
			}
			if !reflect.DeepEqual(got, tc.wantSubnets) {
				t.Errorf("subnets = %v, want %v", got, tc.wantSubnets)
			}
			// Subnet IDs are unknown in a preview (TestDeployResolvedValues checks their
			// values); every pool, system (inline) and user (AgentPool), has its nodes in a
			// subnet, and its pods in one exactly when the mode has pod subnets.
			apps := one(t, p, typeAgentPool, name+"-apps")
			wantPod := len(tc.wantSubnets) > 1
			for _, pool := range []map[string]any{at(mc.Inputs, "agentPoolProfiles", 0).(map[string]any), apps.Inputs} {
				if pool["vnetSubnetID"] != plan.Unknown {
					t.Errorf("pool %v vnetSubnetID = %v, want %s", pool["name"], pool["vnetSubnetID"], plan.Unknown)
				}
				if got, has := pool["podSubnetID"]; has != wantPod || (has && got != plan.Unknown) {
					t.Errorf("pool %v podSubnetID = %v (set %v), want set=%v", pool["name"], got, has, wantPod)
				}
			}
			if !sameSet(apps.Dependencies, []string{one(t, p, typeResourceGroup, name+"-rg").URN, mc.URN, vnet.URN}) {
				t.Errorf("apps pool dependencies = %v, want the group, the cluster and the VNet", apps.Dependencies)
			}
		})
	}
}

func TestPlanClusterAndPools(t *testing.T) {
	p := planOf(t, prodSpec("prod-azure"))
	comp := one(t, p, TypeToken, "prod-azure")
	azp := one(t, p, typeProvider, "prod-azure-azure")
	if azp.Inputs["location"] != "westeurope" || azp.Parent != comp.URN {
		t.Errorf("azure provider location=%v parent=%s, want westeurope under the component", azp.Inputs["location"], azp.Parent)
	}
	// Every Azure resource is a child of the component and goes through its provider.
	for _, typ := range []string{typeResourceGroup, typeVNet, typeManagedCluster, typeAgentPool, typeRoleAssignment} {
		for _, r := range p.ByType(typ) {
			if r.Parent != comp.URN || r.Provider != azp.URN {
				t.Errorf("%s %s parent=%s provider=%s, want the component and %s", typ, r.Name, r.Parent, r.Provider, azp.URN)
			}
		}
	}
	mc := one(t, p, typeManagedCluster, "prod-azure-aks")
	checks := map[string][2]any{
		"identity.type":        {at(mc.Inputs, "identity", "type"), "SystemAssigned"},
		"kubernetesVersion":    {mc.Inputs["kubernetesVersion"], "1.36"},
		"sku.tier":             {at(mc.Inputs, "sku", "tier"), "Standard"},
		"enableRBAC":           {mc.Inputs["enableRBAC"], true},
		"oidcIssuerProfile":    {at(mc.Inputs, "oidcIssuerProfile", "enabled"), true},
		"pool[0].name":         {at(mc.Inputs, "agentPoolProfiles", 0, "name"), "system"},
		"pool[0].mode":         {at(mc.Inputs, "agentPoolProfiles", 0, "mode"), "System"},
		"pool[0].autoscaling":  {at(mc.Inputs, "agentPoolProfiles", 0, "enableAutoScaling"), true},
		"pool[0].minCount":     {at(mc.Inputs, "agentPoolProfiles", 0, "minCount"), 2.0},
		"pool[0].maxCount":     {at(mc.Inputs, "agentPoolProfiles", 0, "maxCount"), 4.0},
		"pool[0].maxPods":      {at(mc.Inputs, "agentPoolProfiles", 0, "maxPods"), float64(cluster.DefaultAzureMaxPods)},
		"pool[0].taint":        {at(mc.Inputs, "agentPoolProfiles", 0, "nodeTaints", 0), "CriticalAddonsOnly=true:NoSchedule"},
		"pool[0].zones":        {fmt.Sprint(at(mc.Inputs, "agentPoolProfiles", 0, "availabilityZones")), "[1 2 3]"},
		"pool count in inline": {len(at(mc.Inputs, "agentPoolProfiles").([]any)), 1},
	}
	for k, v := range checks {
		if v[0] != v[1] {
			t.Errorf("managed cluster %s = %v, want %v", k, v[0], v[1])
		}
	}
	apps := one(t, p, typeAgentPool, "prod-azure-apps")
	for k, want := range map[string]any{"agentPoolName": "apps", "mode": "User", "vmSize": "Standard_D8s_v5", "enableAutoScaling": true, "minCount": 3.0, "maxCount": 15.0, "count": 3.0} {
		if got := apps.Inputs[k]; got != want {
			t.Errorf("apps pool %s = %v, want %v", k, got, want)
		}
	}
	if at(apps.Inputs, "nodeLabels", "workload") != "apps" {
		t.Errorf("apps pool labels = %v, want workload=apps", apps.Inputs["nodeLabels"])
	}
	// Real dependencies only: the pool waits for the cluster, the VNet (its subnets) and the group.
	rg := one(t, p, typeResourceGroup, "prod-azure-rg")
	vnet := one(t, p, typeVNet, "prod-azure-vnet")
	if want := []string{rg.URN, mc.URN, vnet.URN}; !sameSet(apps.Dependencies, want) {
		t.Errorf("apps pool dependencies = %v, want %v", apps.Dependencies, want)
	}
	if want := []string{rg.URN}; !sameSet(vnet.Dependencies, want) {
		t.Errorf("vnet dependencies = %v, want %v", vnet.Dependencies, want)
	}
	if want := []string{rg.URN, vnet.URN}; !sameSet(mc.Dependencies, want) {
		t.Errorf("managed cluster dependencies = %v, want %v", mc.Dependencies, want)
	}
	// Tags from one place on every taggable Azure resource.
	wantTags := prodSpec("prod-azure")
	wantTags.ApplyDefaults("test")
	for _, r := range []*plan.Resource{rg, vnet, mc, apps} {
		for k, v := range wantTags.ResourceTags("test") {
			if got := at(r.Inputs, "tags", k); got != v {
				t.Errorf("%s tag %s = %v, want %s", r.Name, k, got, v)
			}
		}
	}
	netRole := one(t, p, typeRoleAssignment, "prod-azure-network-contributor")
	if netRole.Inputs["principalType"] != "ServicePrincipal" || !sameSet(netRole.Dependencies, []string{rg.URN, vnet.URN, mc.URN}) {
		t.Errorf("network role inputs=%v deps=%v, want the cluster identity on the VNet", netRole.Inputs, netRole.Dependencies)
	}
}

func TestPlanAAD(t *testing.T) {
	tests := []struct {
		name          string
		spec          cluster.Spec
		wantAAD       bool
		wantNoLocal   bool
		wantDeployer  bool
		wantK8sDepsOn string
	}{
		{name: "prod: AAD RBAC, no local accounts", spec: prodSpec("prod-azure"), wantAAD: true, wantNoLocal: true, wantDeployer: true, wantK8sDepsOn: "prod-azure-deployer-admin"},
		{name: "dev: local accounts", spec: devSpec("dev-azure")},
		{name: "AAD with local accounts kept", spec: func() cluster.Spec {
			s := prodSpec("prod-azure")
			f := false
			s.Azure.DisableLocalAccounts = &f
			return s
		}(), wantAAD: true, wantDeployer: true, wantK8sDepsOn: "prod-azure-deployer-admin"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := tc.spec.Name
			p := planOf(t, tc.spec)
			mc := one(t, p, typeManagedCluster, name+"-aks")
			if got := mc.Inputs["disableLocalAccounts"]; got != tc.wantNoLocal {
				t.Errorf("disableLocalAccounts = %v, want %v", got, tc.wantNoLocal)
			}
			aad, has := mc.Inputs["aadProfile"]
			if has != tc.wantAAD {
				t.Fatalf("aadProfile = %v, want present=%v", aad, tc.wantAAD)
			}
			if tc.wantAAD {
				// The spec's admin group and the identity map's admin, sorted.
				wantAdmins := []any{"00000000-0000-0000-0000-00000000a11c", testAdmin.Principal}
				if at(aad, "managed") != true || at(aad, "enableAzureRBAC") != true || !reflect.DeepEqual(at(aad, "adminGroupObjectIDs"), wantAdmins) {
					t.Errorf("aadProfile = %v, want managed, Azure RBAC and the admin groups %v", aad, wantAdmins)
				}
			}
			roles := map[string]*plan.Resource{}
			for _, r := range p.ByType(typeRoleAssignment) {
				roles[r.Name] = r
			}
			deployer, has := roles[name+"-deployer-admin"]
			if has != tc.wantDeployer {
				t.Fatalf("deployer role assignment present=%v, want %v", has, tc.wantDeployer)
			}
			k8s := one(t, p, typeK8sProvider, name+"-k8s")
			if tc.wantDeployer {
				if !sameSet(deployer.Dependencies, []string{one(t, p, typeResourceGroup, name+"-rg").URN, mc.URN}) {
					t.Errorf("deployer role deps = %v, want the group (role ID) and the cluster (scope)", deployer.Dependencies)
				}
			}
			// The kubeconfig comes from the cluster's credentials, so the provider waits for
			// the cluster; with AAD also for the deployer's role, and for nothing else.
			want := []string{one(t, p, typeResourceGroup, name+"-rg").URN, mc.URN}
			if tc.wantDeployer {
				want = append(want, deployer.URN)
			}
			if !sameSet(k8s.Dependencies, want) {
				t.Errorf("kubernetes provider deps = %v, want %v", k8s.Dependencies, want)
			}
		})
	}
}

func TestPlanKubeconfigSecret(t *testing.T) {
	p := planOf(t, prodSpec("prod-azure"))
	if got := p.Outputs["prod-azure.kubeconfig"]; got != plan.Secret {
		t.Errorf("kubeconfig output = %v, want %s", got, plan.Secret)
	}
	if got := p.Outputs["prod-azure.storageClass"]; got != StorageClass {
		t.Errorf("storage class = %v, want %s", got, StorageClass)
	}
	// Before the cluster exists the kubeconfig is unknown (and so holds nothing to
	// hide); TestDeployResolvedValues checks it is secret once known.
	k8s := one(t, p, typeK8sProvider, "prod-azure-k8s")
	if got := k8s.Inputs["kubeconfig"]; got != plan.Unknown {
		t.Errorf("kubernetes provider kubeconfig = %v in a preview, want %s", got, plan.Unknown)
	}
}

func TestPlanTwoClustersInOneStack(t *testing.T) {
	a, b := prodSpec("prod-azure"), devSpec("prod-azure-2")
	p := planOf(t, a, b)
	seen := map[string]bool{}
	for _, r := range p.Resources {
		if seen[r.URN] {
			t.Errorf("duplicate URN %s", r.URN)
		}
		seen[r.URN] = true
	}
	// Azure names must differ too: resource groups are unique per subscription.
	groups := map[any]bool{}
	for _, r := range p.ByType(typeResourceGroup) {
		groups[r.Inputs["resourceGroupName"]] = true
	}
	if len(groups) != 2 || !groups["prod-azure-rg"] || !groups["prod-azure-2-rg"] {
		t.Errorf("resource groups = %v, want prod-azure-rg and prod-azure-2-rg", groups)
	}
	if n := len(p.ByType(typeManagedCluster)); n != 2 {
		t.Errorf("got %d managed clusters, want 2", n)
	}
	if n := len(p.ByType(typeProvider)); n != 2 {
		t.Errorf("got %d azure providers, want one per cluster", n)
	}
}

func TestInvalidSpecRegistersNothing(t *testing.T) {
	s := prodSpec("prod-azure")
	s.Azure.NetworkMode = cluster.AzureModeOverlay
	s.Azure.PodSubnetPerPool = true
	_, mon, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := New(ctx, s.Name, &Args{Spec: s, Stack: "test"})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err == nil || !strings.Contains(err.Error(), cluster.MsgAzureOverlayPodSubnet) || !strings.Contains(err.Error(), "clusters[0].azure.podSubnetPerPool") {
		t.Errorf("err = %v, want %q at clusters[0].azure.podSubnetPerPool", err, cluster.MsgAzureOverlayPodSubnet)
	}
	if mon.Registrations() != 0 {
		t.Errorf("%d registrations, want none", mon.Registrations())
	}
	if s.Azure.ResourceGroup != "" {
		t.Errorf("New changed the caller's spec: resourceGroup = %q", s.Azure.ResourceGroup)
	}
}

// deployMocks answer like Azure after a deploy: ARM IDs, names, the cluster identity
// and credentials, so values computed from IDs resolve and can be checked.
type deployMocks struct {
	mu        sync.Mutex
	resources map[string]resource.PropertyMap
	// server is the API server host the credentials name; a rotation changes it.
	server string
}

// aksKubeconfig is what listManagedClusterUserCredentials returns: with format exec a
// kubelogin user that logs in with a device code (the cause of hanging CI runs), else a
// local account's client certificate.
func aksKubeconfig(server, format string) string {
	user := `    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ`
	if format == KubeconfigFormatExec {
		user = `    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - get-token
      - --environment
      - AzurePublicCloud
      - --server-id
      - 6dae42f8-4368-4678-94ff-3960e28e3630
      - --client-id
      - 80faf920-1908-4b52-b5ef-a8e7bedfc67a
      - --tenant-id
      - 72f988bf-86f1-41af-91ab-2d7cd011db47
      - --login
      - devicecode
      command: kubelogin
      installHint: install kubelogin`
	}
	return `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: Q0E=
    server: https://` + server + `:443
  name: prod-azure
contexts:
- context:
    cluster: prod-azure
    user: clusterUser_prod-azure-rg_prod-azure
  name: prod-azure
current-context: prod-azure
users:
- name: clusterUser_prod-azure-rg_prod-azure
  user:
` + user + "\n"
}

const testSubscription = "11111111-2222-3333-4444-555555555555"

func (m *deployMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	state := args.Inputs.Copy()
	str := func(k string) string {
		if v, ok := args.Inputs[resource.PropertyKey(k)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	id := args.Name + "-id"
	rgID := "/subscriptions/" + testSubscription + "/resourceGroups/" + str("resourceGroupName")
	switch args.TypeToken {
	case typeResourceGroup:
		id = rgID
		state["name"] = resource.NewProperty(str("resourceGroupName"))
	case typeVNet:
		id = rgID + "/providers/Microsoft.Network/virtualNetworks/" + str("virtualNetworkName")
		state["name"] = resource.NewProperty(str("virtualNetworkName"))
	case typeManagedCluster:
		id = rgID + "/providers/Microsoft.ContainerService/managedClusters/" + str("resourceName")
		state["name"] = resource.NewProperty(str("resourceName"))
		state["identity"] = resource.NewProperty(resource.PropertyMap{"principalId": resource.NewProperty("cluster-principal")})
		state["oidcIssuerProfile"] = resource.NewProperty(resource.PropertyMap{"issuerURL": resource.NewProperty("https://oidc.example/" + str("resourceName"))})
		state["privateFQDN"] = resource.NewProperty(str("resourceName") + "-1a2b3c4d." + testPrivateZone)
		state["nodeResourceGroup"] = resource.NewProperty("MC_" + str("resourceGroupName") + "_" + str("resourceName"))
	}
	m.mu.Lock()
	m.resources[args.TypeToken+"::"+args.Name] = args.Inputs
	m.mu.Unlock()
	return id, state, nil
}

func (m *deployMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	switch args.Token {
	case "azure-native:authorization:getClientConfig":
		return resource.PropertyMap{"objectId": resource.NewProperty("deployer-object"), "subscriptionId": resource.NewProperty(testSubscription)}, nil
	case "azure-native:containerservice:listManagedClusterUserCredentials":
		format := ""
		if v, ok := args.Args["format"]; ok {
			format = v.StringValue()
		}
		kc := aksKubeconfig(m.server, format)
		return resource.PropertyMap{"kubeconfigs": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
			"name":  resource.NewProperty("clusterUser"),
			"value": resource.NewProperty(base64.StdEncoding.EncodeToString([]byte(kc))),
		})})}, nil
	}
	return resource.PropertyMap{}, nil
}

// deploy runs the component as an update (not a preview) and returns the resolved
// inputs by "type::name" and the resolved Connection outputs.
func deploy(t *testing.T, spec cluster.Spec) (map[string]map[string]any, map[string]internals.UnsafeAwaitOutputResult) {
	t.Helper()
	in, outs, _ := deployWith(t, spec, "prod-azure-dns.hcp.westeurope.azmk8s.io", nil)
	return in, outs
}

// deployWith is deploy with the credentials' API server host and a stand-in for the wait
// for access (nil: succeed at once); it also returns the raw inputs by "type::name".
func deployWith(t *testing.T, spec cluster.Spec, server string, wait func(string) error) (map[string]map[string]any, map[string]internals.UnsafeAwaitOutputResult, map[string]resource.PropertyMap) {
	t.Helper()
	defer func(f func(context.Context, string, time.Duration) error) { waitForAccess = f }(waitForAccess)
	waitForAccess = func(_ context.Context, kc string, d time.Duration) error {
		if d != DefaultAccessWait {
			return fmt.Errorf("waiting %s, want %s", d, DefaultAccessWait)
		}
		if wait == nil {
			return nil
		}
		return wait(kc)
	}
	mocks := &deployMocks{resources: map[string]resource.PropertyMap{}, server: server}
	outs := map[string]internals.UnsafeAwaitOutputResult{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		c, err := New(ctx, spec.Name, &Args{Spec: spec, Stack: "test", Access: testAccess})
		if err != nil {
			return err
		}
		conn := c.Connection()
		for k, o := range map[string]pulumi.Output{"kubeconfig": conn.Kubeconfig, "oidcIssuer": conn.OIDCIssuer, "clusterName": conn.ClusterName, "nodeSubnetId": c.NodeSubnetID} {
			v, err := internals.UnsafeAwaitOutput(ctx.Context(), o)
			if err != nil {
				return err
			}
			outs[k] = v
		}
		return nil
	}, pulumi.WithMocks("fleetform", "test", mocks))
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]map[string]any{}
	for k, v := range mocks.resources {
		in[k] = plan.Redact(v)
	}
	return in, outs, mocks.resources
}

func TestDeployResolvedValues(t *testing.T) {
	const vnetID = "/subscriptions/" + testSubscription + "/resourceGroups/prod-azure-rg/providers/Microsoft.Network/virtualNetworks/prod-azure-vnet"
	tests := []struct {
		name       string
		spec       cluster.Spec
		wantPods   map[string]any // pool → podSubnetID (nil: none)
		wantFormat string
	}{
		{
			name:       "shared pod subnet",
			spec:       prodSpec("prod-azure"),
			wantPods:   map[string]any{"system": vnetID + "/subnets/pods", "apps": vnetID + "/subnets/pods"},
			wantFormat: "exec",
		},
		{
			name: "pod subnet per pool",
			spec: func() cluster.Spec {
				s := prodSpec("prod-azure")
				s.Azure.PodSubnetPerPool = true
				return s
			}(),
			wantPods:   map[string]any{"system": vnetID + "/subnets/pods-system", "apps": vnetID + "/subnets/pods-apps"},
			wantFormat: "exec",
		},
		{
			name: "overlay without AAD",
			spec: func() cluster.Spec {
				s := devSpec("prod-azure")
				return s
			}(),
			wantPods: map[string]any{"system": nil, "apps": nil},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, outs := deploy(t, tc.spec)
			mc := in[typeManagedCluster+"::prod-azure-aks"]
			apps := in[typeAgentPool+"::prod-azure-apps"]
			pools := map[string]map[string]any{"system": at(mc, "agentPoolProfiles", 0).(map[string]any), "apps": apps}
			for pool, inputs := range pools {
				if got := inputs["vnetSubnetID"]; got != vnetID+"/subnets/nodes" {
					t.Errorf("%s vnetSubnetID = %v, want the node subnet", pool, got)
				}
				if got := inputs["podSubnetID"]; got != tc.wantPods[pool] {
					t.Errorf("%s podSubnetID = %v, want %v", pool, got, tc.wantPods[pool])
				}
			}
			if got := apps["resourceName"]; got != "prod-azure" {
				t.Errorf("apps pool resourceName = %v, want the cluster's name", got)
			}
			netRole := in[typeRoleAssignment+"::prod-azure-network-contributor"]
			wantRole := "/subscriptions/" + testSubscription + "/providers/Microsoft.Authorization/roleDefinitions/" + NetworkContributorRole
			if netRole["principalId"] != "cluster-principal" || netRole["scope"] != vnetID || netRole["roleDefinitionId"] != wantRole {
				t.Errorf("network role = %v, want cluster-principal as Network Contributor on %s", netRole, vnetID)
			}
			// With AAD the deployer must be made cluster admin; without, there is no such role.
			deployer, ok := in[typeRoleAssignment+"::prod-azure-deployer-admin"]
			wantDeployer := tc.wantFormat == KubeconfigFormatExec
			switch {
			case ok != wantDeployer:
				t.Errorf("deployer role assignment present=%v, want %v", ok, wantDeployer)
			case ok && (deployer["principalId"] != "deployer-object" || deployer["principalType"] != "ServicePrincipal" ||
				!strings.HasSuffix(fmt.Sprint(deployer["roleDefinitionId"]), ClusterAdminRole) || !strings.HasSuffix(fmt.Sprint(deployer["scope"]), "/managedClusters/prod-azure")):
				t.Errorf("deployer role = %v, want deployer-object as cluster admin on the cluster", deployer)
			}
			kc := outs["kubeconfig"]
			if !kc.Secret {
				t.Errorf("kubeconfig is not a secret")
			}
			kcs, _ := kc.Value.(string)
			switch tc.wantFormat {
			case KubeconfigFormatExec:
				// Converted for a login without a person: azure CLI, the AKS server ID kept.
				if !strings.Contains(kcs, "- --login\n      - azurecli\n      - --server-id\n      - 6dae42f8-4368-4678-94ff-3960e28e3630") ||
					strings.Contains(kcs, "devicecode") || !strings.Contains(kcs, "interactiveMode: Never") {
					t.Errorf("kubeconfig = %s, want kubelogin with --login azurecli, no device code, never interactive", kcs)
				}
			default:
				if kcs != aksKubeconfig("prod-azure-dns.hcp.westeurope.azmk8s.io", "") {
					t.Errorf("kubeconfig = %q, want the local account's credentials unchanged", kcs)
				}
			}
			if got := in[typeK8sProvider+"::prod-azure-k8s"]["kubeconfig"]; got != plan.Secret {
				t.Errorf("kubernetes provider kubeconfig = %v, want %s", got, plan.Secret)
			}
			if got := outs["oidcIssuer"].Value; got != "https://oidc.example/prod-azure" {
				t.Errorf("oidcIssuer = %v, want the cluster's issuer", got)
			}
			if got := outs["nodeSubnetId"].Value; got != vnetID+"/subnets/nodes" {
				t.Errorf("nodeSubnetId = %v, want the node subnet", got)
			}
		})
	}
}

func TestSubscriptionOf(t *testing.T) {
	tests := []struct{ id, want string }{
		{"/subscriptions/" + testSubscription + "/resourceGroups/rg", testSubscription},
		{"/Subscriptions/abc/resourceGroups/rg", "abc"},
		{"resourceGroups/rg", ""},
		{"", ""},
	}
	for _, tc := range tests {
		got, err := subscriptionOf(tc.id)
		if got != tc.want || (err != nil) != (tc.want == "") {
			t.Errorf("subscriptionOf(%q) = %q, %v; want %q", tc.id, got, err, tc.want)
		}
	}
}

// sameSet reports whether a and b hold the same strings, ignoring order and repeats.
func sameSet(a, b []string) bool {
	set := func(s []string) map[string]bool {
		m := map[string]bool{}
		for _, v := range s {
			m[v] = true
		}
		return m
	}
	return reflect.DeepEqual(set(a), set(b))
}

// TestSystemAndUserPoolsShareTheirSettings: a system pool (inline in the managed
// cluster) and a user pool (an AgentPool) of the same settings get the same Azure
// fields with the same values, but for the pool's name and mode: both come from
// poolArgs, and inlinePool drops none of its fields.
func TestSystemAndUserPoolsShareTheirSettings(t *testing.T) {
	s := devSpec("twins")
	twin := s.NodePools[0]
	twin.Name, twin.System = "twin", false
	s.NodePools = append(s.NodePools[:1], twin)
	p := planOf(t, s)
	inline, ok := at(one(t, p, typeManagedCluster, "twins-aks").Inputs, "agentPoolProfiles", 0).(map[string]any)
	if !ok {
		t.Fatal("no inline system pool")
	}
	user := one(t, p, typeAgentPool, "twins-twin").Inputs
	ownName := map[string]bool{"name": true, "agentPoolName": true, "mode": true}
	agentPoolOnly := map[string]bool{"resourceGroupName": true, "resourceName": true}
	shared := 0
	for k, v := range user {
		if ownName[k] || agentPoolOnly[k] {
			continue
		}
		shared++
		if got, ok := inline[k]; !ok || !reflect.DeepEqual(got, v) {
			t.Errorf("%s: system pool %v, user pool %v; want the same", k, got, v)
		}
	}
	for k := range inline {
		if _, ok := user[k]; !ok && !ownName[k] {
			t.Errorf("%s is set on the system pool only", k)
		}
	}
	if shared < 15 {
		t.Errorf("%d shared fields, want every pool setting (at least 15): %v", shared, user)
	}
	if inline["name"] != "system" || inline["mode"] != "System" || user["agentPoolName"] != "twin" || user["mode"] != "User" {
		t.Errorf("names and modes: system %v/%v, user %v/%v", inline["name"], inline["mode"], user["agentPoolName"], user["mode"])
	}
}
