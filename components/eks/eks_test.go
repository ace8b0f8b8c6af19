package eks

import (
	"encoding/json"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

// Type tokens the tests look for.
const (
	typeAddon = "aws:eks/addon:Addon"
	// typePodIdentityAssociation is an EKS Pod Identity association.
	typePodIdentityAssociation = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
	typeNodeGroup              = "aws:eks/nodeGroup:NodeGroup"
	typeEKSCluster             = "aws:eks/cluster:Cluster"
	typeSubnet                 = "aws:ec2/subnet:Subnet"
	typeNAT                    = "aws:ec2/natGateway:NatGateway"
	typeAWSProvider            = "pulumi:providers:aws"
	typeK8sProvider            = "pulumi:providers:kubernetes"
	typeStorageClass           = "kubernetes:storage.k8s.io/v1:StorageClass"
	testStack                  = "test"
)

// testAccess is who reaches the test clusters: the CI role as admin, and one team.
var testAccess = cluster.Access{
	Admins: []cluster.Member{{Group: "ci-deployer", Principal: "arn:aws:iam::111122223333:role/ci-deployer"}},
	Groups: []cluster.Member{{Group: "shop-developers", Principal: "arn:aws:iam::111122223333:role/shop-developers"}},
}

// Resources that AWS cannot tag.
var untaggable = map[string]bool{
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":       true,
	"aws:iam/rolePolicy:RolePolicy":                           true,
	"aws:ec2/routeTableAssociation:RouteTableAssociation":     true,
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation": true,
}

// devSpec mirrors the dev stack's cluster: two zones, one NAT, an allow-listed endpoint.
func devSpec(name string) *cluster.Spec {
	return &cluster.Spec{
		Name: name, Cloud: cluster.AWS, Region: "us-east-1", KubernetesVersion: "1.35", Environment: "dev",
		Network: cluster.Network{VPCCIDR: "10.20.0.0/16", Zones: 2},
		NodePools: []cluster.NodePool{{
			Name: "general", InstanceTypes: []string{"t3.large"}, MinSize: 1, DesiredSize: 2, MaxSize: 4,
			Labels: map[string]string{"workload": "general"},
		}},
		AWS: &cluster.AWSSpec{
			AvailabilityZones: []string{"us-east-1a", "us-east-1b"},
			NATGateways:       cluster.NATSingle,
			PublicAccessCIDRs: []string{"203.0.113.0/24"},
		},
	}
}

// prodSpec mirrors the prod stack's cluster: three zones, a tainted system pool, defaults elsewhere.
func prodSpec(name, region string) *cluster.Spec {
	return &cluster.Spec{
		Name: name, Cloud: cluster.AWS, Region: region, KubernetesVersion: "1.35", Environment: "prod",
		Network: cluster.Network{VPCCIDR: "10.100.0.0/16", Zones: 3},
		NodePools: []cluster.NodePool{
			{Name: "system", InstanceTypes: []string{"m7g.large"}, MinSize: 2, DesiredSize: 3, MaxSize: 4,
				Taints: []cluster.Taint{{Key: "CriticalAddonsOnly", Value: "true", Effect: "NoSchedule"}}},
			{Name: "apps", InstanceTypes: []string{"m6i.xlarge", "m6a.xlarge"}, MinSize: 3, DesiredSize: 4, MaxSize: 20},
		},
	}
}

// planClusters defaults each spec, builds it, and exports its kubeconfig as "<name>.kubeconfig".
func planClusters(t *testing.T, specs ...*cluster.Spec) *plan.Plan {
	t.Helper()
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		out := map[string]pulumi.Output{}
		for _, s := range specs {
			c, err := New(ctx, s.Name, &Args{Spec: *s, Stack: testStack, Access: testAccess})
			if err != nil {
				return nil, err
			}
			out[s.Name+".kubeconfig"] = c.Kubeconfig
			out[s.Name+".connectionKubeconfig"] = c.Connection().Kubeconfig
		}
		return out, nil
	}, plan.Options{Project: "fleetform", Stack: testStack})
	if err != nil {
		t.Fatalf("planning: %v", err)
	}
	return p
}

// one returns the single resource of a type whose name is name.
func one(t *testing.T, p *plan.Plan, typ, name string) *plan.Resource {
	t.Helper()
	for _, r := range p.ByType(typ) {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no %s named %q in the plan", typ, name)
	return nil
}

func tagsOf(r *plan.Resource) map[string]any {
	m, _ := r.Inputs["tags"].(map[string]any)
	return m
}

func TestVPCCNISettingsReachAddon(t *testing.T) {
	cases := []struct {
		name    string
		cni     cluster.VPCCNI
		wantEnv map[string]string
		wantNP  string
	}{
		{"defaults", cluster.VPCCNI{},
			map[string]string{EnvPrefixDelegation: "true", EnvWarmPrefixTarget: "1"}, "true"},
		{"prefix delegation with warm IPs", cluster.VPCCNI{WarmIPTarget: 8},
			map[string]string{EnvPrefixDelegation: "true", EnvWarmIPTarget: "8"}, "true"},
		{"secondary IPs, no network policy", cluster.VPCCNI{PrefixDelegation: new(false), WarmIPTarget: 3, EnableNetworkPolicy: new(false)},
			map[string]string{EnvPrefixDelegation: "false", EnvWarmIPTarget: "3"}, "false"},
		{"two warm prefixes", cluster.VPCCNI{WarmPrefixTarget: 2},
			map[string]string{EnvPrefixDelegation: "true", EnvWarmPrefixTarget: "2"}, "true"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := devSpec("dev-aws")
			s.AWS.VPCCNI = tc.cni
			p := planClusters(t, s)
			addon := one(t, p, typeAddon, "dev-aws-vpc-cni")
			if got := addon.Inputs["addonName"]; got != AddonVPCCNI {
				t.Errorf("addonName: got %v, want %s", got, AddonVPCCNI)
			}
			raw, ok := addon.Inputs["configurationValues"].(string)
			if !ok {
				t.Fatalf("configurationValues: got %#v, want a JSON string", addon.Inputs["configurationValues"])
			}
			var got VPCCNIValues
			if err := json.Unmarshal([]byte(raw), &got); err != nil {
				t.Fatalf("configurationValues %q: %v", raw, err)
			}
			if !mapsEqual(got.Env, tc.wantEnv) || got.EnableNetworkPolicy != tc.wantNP {
				t.Errorf("configurationValues: got env %v enableNetworkPolicy %q, want env %v enableNetworkPolicy %q",
					got.Env, got.EnableNetworkPolicy, tc.wantEnv, tc.wantNP)
			}
			assoc := one(t, p, typePodIdentityAssociation, "dev-aws-vpc-cni")
			if !slices.Contains(addon.Dependencies, assoc.URN) || addon.Inputs["serviceAccountRoleArn"] != nil {
				t.Errorf("vpc-cni dependencies %v, serviceAccountRoleArn %v: want its Pod Identity association %s and no IRSA role",
					addon.Dependencies, addon.Inputs["serviceAccountRoleArn"], assoc.URN)
			}
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestNodeGroupsUsePrivateSubnetsOnly(t *testing.T) {
	s := prodSpec("prod-aws", "us-east-1")
	s.AWS = &cluster.AWSSpec{AvailabilityZones: []string{"us-east-1a", "us-east-1b", "us-east-1c"}}
	p := planClusters(t, s)
	layout, err := cluster.AWSSubnets(netip.MustParsePrefix("10.100.0.0/16"), 3)
	if err != nil {
		t.Fatal(err)
	}
	var private, public []string
	var privateCIDRs []string
	for _, r := range p.ByType(typeSubnet) {
		tags := tagsOf(r)
		switch {
		case tags[TagRoleInternalELB] == "1":
			private = append(private, r.URN)
			privateCIDRs = append(privateCIDRs, r.Inputs["cidrBlock"].(string))
		case tags[TagRoleELB] == "1":
			public = append(public, r.URN)
		default:
			t.Errorf("subnet %s has neither load balancer role tag: %v", r.Name, tags)
		}
		if tags[TagClusterPrefix+PhysicalName("prod-aws", testStack)] != "shared" {
			t.Errorf("subnet %s: cluster tag missing: %v", r.Name, tags)
		}
	}
	if len(private) != 3 || len(public) != 3 {
		t.Fatalf("got %d private and %d public subnets, want 3 and 3", len(private), len(public))
	}
	for i, want := range layout.Private {
		if privateCIDRs[i] != want.String() {
			t.Errorf("private subnet %d: got %s, want %s", i, privateCIDRs[i], want)
		}
	}
	groups := p.ByType(typeNodeGroup)
	if len(groups) != 2 {
		t.Fatalf("got %d node groups, want 2", len(groups))
	}
	for _, ng := range groups {
		if ids, _ := ng.Inputs["subnetIds"].([]any); len(ids) != 3 {
			t.Errorf("%s subnetIds: got %v, want 3", ng.Name, ng.Inputs["subnetIds"])
		}
		for _, u := range private {
			if !slices.Contains(ng.Dependencies, u) {
				t.Errorf("%s does not use private subnet %s", ng.Name, u)
			}
		}
		for _, u := range public {
			if slices.Contains(ng.Dependencies, u) {
				t.Errorf("%s uses public subnet %s", ng.Name, u)
			}
		}
	}
	system := one(t, p, typeNodeGroup, "prod-aws-ng-system")
	if got := system.Inputs["amiType"]; got != AMIArm64 {
		t.Errorf("Graviton pool amiType: got %v, want %s", got, AMIArm64)
	}
	wantTaint := []any{map[string]any{"key": "CriticalAddonsOnly", "value": "true", "effect": "NO_SCHEDULE"}}
	if got, _ := json.Marshal(system.Inputs["taints"]); string(got) != mustJSON(wantTaint) {
		t.Errorf("taints: got %s, want %s", got, mustJSON(wantTaint))
	}
	wantScaling := map[string]any{"minSize": 2.0, "desiredSize": 3.0, "maxSize": 4.0}
	if got, _ := json.Marshal(system.Inputs["scalingConfig"]); string(got) != mustJSON(wantScaling) {
		t.Errorf("scalingConfig: got %s, want %s", got, mustJSON(wantScaling))
	}
	cl := one(t, p, typeEKSCluster, "prod-aws-eks")
	for _, u := range public {
		if slices.Contains(cl.Dependencies, u) {
			t.Errorf("the control plane uses public subnet %s", u)
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestHardeningByEnvironment(t *testing.T) {
	cases := []struct {
		name         string
		spec         *cluster.Spec
		wantLogs     []any
		wantPublic   bool
		wantCIDRs    any
		wantNATs     int
		wantEncrypts bool
	}{
		{"prod", prodSpec("prod-aws", "us-east-1"),
			[]any{"api", "audit", "authenticator", "controllerManager", "scheduler"}, false, nil, 3, true},
		{"dev", devSpec("dev-aws"), []any{"api", "audit"}, true, []any{"203.0.113.0/24"}, 1, true},
		{"dev without encryption", func() *cluster.Spec {
			s := devSpec("dev-aws")
			s.AWS.SecretsEncryption = new(false)
			return s
		}(), []any{"api", "audit"}, true, []any{"203.0.113.0/24"}, 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := planClusters(t, tc.spec)
			cl := one(t, p, typeEKSCluster, tc.spec.Name+"-eks")
			if got := cl.Inputs["enabledClusterLogTypes"]; !slices.Equal(asSlice(got), tc.wantLogs) {
				t.Errorf("enabledClusterLogTypes: got %v, want %v", got, tc.wantLogs)
			}
			vpc, _ := cl.Inputs["vpcConfig"].(map[string]any)
			if vpc["endpointPrivateAccess"] != true || vpc["endpointPublicAccess"] != tc.wantPublic {
				t.Errorf("endpoint access: got private %v public %v, want true %v", vpc["endpointPrivateAccess"], vpc["endpointPublicAccess"], tc.wantPublic)
			}
			if got := vpc["publicAccessCidrs"]; mustJSON(got) != mustJSON(tc.wantCIDRs) {
				t.Errorf("publicAccessCidrs: got %v, want %v", got, tc.wantCIDRs)
			}
			enc, hasEnc := cl.Inputs["encryptionConfig"].(map[string]any)
			keys := p.ByType("aws:kms/key:Key")
			if tc.wantEncrypts {
				if !hasEnc || mustJSON(enc["resources"]) != `["secrets"]` {
					t.Fatalf("encryptionConfig: got %v, want resources [secrets]", cl.Inputs["encryptionConfig"])
				}
				if len(keys) != 1 || keys[0].Inputs["enableKeyRotation"] != true {
					t.Errorf("got %d KMS keys, want 1 with rotation", len(keys))
				} else if !slices.Contains(cl.Dependencies, keys[0].URN) {
					t.Errorf("cluster dependencies %v: want the KMS key", cl.Dependencies)
				}
			} else if hasEnc || len(keys) != 0 {
				t.Errorf("got encryptionConfig %v and %d keys, want neither", enc, len(keys))
			}
			if got := len(p.ByType(typeNAT)); got != tc.wantNATs {
				t.Errorf("NAT gateways: got %d, want %d", got, tc.wantNATs)
			}
			if got := cl.Inputs["version"]; got != "1.35" {
				t.Errorf("version: got %v, want 1.35", got)
			}
		})
	}
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

func TestTwoClustersInOneStack(t *testing.T) {
	single := planClusters(t, prodSpec("east", "us-east-1"))
	p := planClusters(t, prodSpec("east", "us-east-1"), prodSpec("west", "eu-west-1"))
	seen := map[string]bool{}
	for _, r := range p.Resources {
		if seen[r.URN] {
			t.Errorf("URN %s registered twice", r.URN)
		}
		seen[r.URN] = true
	}
	// The stack resource is shared; everything else doubles.
	if got, want := len(p.Resources), 2*len(single.Resources)-1; got != want {
		t.Errorf("got %d resources, want %d (twice one cluster's %d, one stack)", got, want, len(single.Resources)-1)
	}
	provs := map[string]string{} // cluster component URN -> its aws provider URN
	for _, r := range p.ByType(typeAWSProvider) {
		provs[r.Parent] = r.URN
		wantRegion := map[string]string{"east-aws": "us-east-1", "west-aws": "eu-west-1"}[r.Name]
		if r.Inputs["region"] != wantRegion {
			t.Errorf("provider %s region: got %v, want %s", r.Name, r.Inputs["region"], wantRegion)
		}
	}
	if len(provs) != 2 {
		t.Fatalf("got aws providers %v, want one per cluster", provs)
	}
	names := map[string]bool{}
	for _, r := range p.Resources {
		if !strings.HasPrefix(r.Type, "aws:") {
			continue
		}
		if r.Provider != provs[r.Parent] {
			t.Errorf("%s %s: provider %s, want its cluster's %s", r.Type, r.Name, r.Provider, provs[r.Parent])
		}
		if r.Type == typeEKSCluster {
			names[r.Inputs["name"].(string)] = true
		}
	}
	if !names["east-test"] || !names["west-test"] {
		t.Errorf("EKS cluster names: got %v, want east-test and west-test", names)
	}
}

func TestKubeconfigIsSecret(t *testing.T) {
	p := planClusters(t, devSpec("dev-aws"))
	for _, k := range []string{"dev-aws.kubeconfig", "dev-aws.connectionKubeconfig"} {
		if got := p.Outputs[k]; got != plan.Secret {
			t.Errorf("output %s: got %v, want %s", k, got, plan.Secret)
		}
	}
	// The provider's copy holds no credential (exec auth); it comes from the cluster's endpoint and CA.
	prov := one(t, p, typeK8sProvider, "dev-aws-k8s")
	cl := one(t, p, typeEKSCluster, "dev-aws-eks")
	if !slices.Contains(prov.Dependencies, cl.URN) {
		t.Errorf("kubernetes provider dependencies %v: want the EKS cluster", prov.Dependencies)
	}
	sc := one(t, p, typeStorageClass, "dev-aws-gp3")
	if sc.Provider != prov.URN {
		t.Errorf("storage class provider: got %s, want %s", sc.Provider, prov.URN)
	}
}

func TestKubeconfigUsesExecAuth(t *testing.T) {
	out, err := Kubeconfig("https://ABC.gr7.us-east-1.eks.amazonaws.com", "Q0E=", "dev-aws-dev", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	kc, err := clientcmd.Load([]byte(out))
	if err != nil {
		t.Fatalf("not a kubeconfig: %v", err)
	}
	exec := kc.AuthInfos["dev-aws-dev"].Exec
	wantArgs := []string{"eks", "get-token", "--cluster-name", "dev-aws-dev", "--region", "us-east-1", "--output", "json"}
	if exec == nil || exec.Command != "aws" || !slices.Equal(exec.Args, wantArgs) || exec.APIVersion != ExecAPIVersion || exec.InteractiveMode != "Never" {
		t.Errorf("exec: got %+v, want aws %v with %s, never interactive", exec, wantArgs, ExecAPIVersion)
	}
	if c := kc.Clusters["dev-aws-dev"]; c == nil || c.Server != "https://ABC.gr7.us-east-1.eks.amazonaws.com" || string(c.CertificateAuthorityData) != "CA" {
		t.Errorf("cluster: got %+v", c)
	}
	if ctx := kc.Contexts[kc.CurrentContext]; ctx == nil || ctx.Cluster != "dev-aws-dev" || ctx.AuthInfo != "dev-aws-dev" {
		t.Errorf("current context %q: %+v", kc.CurrentContext, ctx)
	}
	if strings.Contains(out, "token:") {
		t.Errorf("kubeconfig holds a static token:\n%s", out)
	}
	if _, err := Kubeconfig("", "Q0E=", "x", "us-east-1"); err == nil {
		t.Error("empty endpoint: got no error, want one")
	}
	if _, err := Kubeconfig("https://x", "not base64!", "x", "us-east-1"); err == nil {
		t.Error("a certificate authority that is not base64: got no error, want one")
	}
}

func TestEveryAWSResourceIsTagged(t *testing.T) {
	p := planClusters(t, prodSpec("prod-aws", "us-east-1"))
	want := map[string]string{
		cluster.TagStack: testStack, cluster.TagCluster: "prod-aws", cluster.TagEnvironment: "prod", cluster.TagManagedBy: cluster.ManagedByValue,
	}
	tagged := 0
	for _, r := range p.Resources {
		if !strings.HasPrefix(r.Type, "aws:") || untaggable[r.Type] {
			continue
		}
		tags := tagsOf(&r)
		for k, v := range want {
			if tags[k] != v {
				t.Errorf("%s %s: tag %s = %v, want %s", r.Type, r.Name, k, tags[k], v)
			}
		}
		tagged++
	}
	// VPC, IGW, 1+3 route tables, 6 subnets, 3 EIPs, 3 NATs, KMS key, EKS, OIDC, 4 roles, 2 node groups, 5 add-ons
	// (with the Pod Identity Agent), 2 access entries, 2 Pod Identity associations (vpc-cni, EBS CSI).
	if tagged != 36 {
		t.Errorf("got %d tagged AWS resources, want 36", tagged)
	}
	params, _ := one(t, p, typeStorageClass, "prod-aws-gp3").Inputs["parameters"].(map[string]any)
	var volumeTags []string
	for k, v := range params {
		if strings.HasPrefix(k, "tagSpecification_") {
			volumeTags = append(volumeTags, v.(string))
		}
	}
	slices.Sort(volumeTags)
	wantVolume := []string{"fleetform:cluster=prod-aws", "fleetform:environment=prod", "fleetform:stack=test", "managed-by=fleetform"}
	if !slices.Equal(volumeTags, wantVolume) {
		t.Errorf("EBS volume tags: got %v, want %v", volumeTags, wantVolume)
	}
}

func TestOnlyRealDependencies(t *testing.T) {
	p := planClusters(t, prodSpec("prod-aws", "us-east-1"))
	cni := one(t, p, typeAddon, "prod-aws-vpc-cni")
	proxy := one(t, p, typeAddon, "prod-aws-kube-proxy")
	dns := one(t, p, typeAddon, "prod-aws-coredns")
	ebs := one(t, p, typeAddon, "prod-aws-aws-ebs-csi-driver")
	cl := one(t, p, typeEKSCluster, "prod-aws-eks")
	// CoreDNS scales with the cluster (cluster.Cloud.ScalesDNS counts on it).
	if got := dns.Inputs["configurationValues"]; got != CoreDNSConfiguration || !cluster.AWS.ScalesDNS() {
		t.Errorf("coredns configurationValues = %v, want %s", got, CoreDNSConfiguration)
	}
	groups := p.ByType(typeNodeGroup)
	for _, ng := range groups {
		if !slices.Contains(ng.Dependencies, cl.URN) || !slices.Contains(ng.Dependencies, cni.URN) {
			t.Errorf("%s dependencies %v: want the cluster and vpc-cni", ng.Name, ng.Dependencies)
		}
		for _, a := range []*plan.Resource{dns, ebs} {
			if !slices.Contains(a.Dependencies, ng.URN) {
				t.Errorf("%s does not wait for %s", a.Name, ng.Name)
			}
		}
		for _, a := range []*plan.Resource{cni, proxy} {
			if slices.Contains(a.Dependencies, ng.URN) {
				t.Errorf("%s waits for %s without need", a.Name, ng.Name)
			}
		}
		// Pools do not wait for each other.
		for _, other := range groups {
			if slices.Contains(ng.Dependencies, other.URN) {
				t.Errorf("%s waits for %s", ng.Name, other.Name)
			}
		}
	}
	ebsAssoc := one(t, p, typePodIdentityAssociation, "prod-aws-ebs-csi")
	if !slices.Contains(ebs.Dependencies, ebsAssoc.URN) {
		t.Errorf("ebs csi dependencies %v: want its Pod Identity association", ebs.Dependencies)
	}
	agent := one(t, p, typeAddon, "prod-aws-"+AddonPodIdentityAgent)
	if got := agent.Dependencies; len(got) != 1 || got[0] != cl.URN {
		t.Errorf("pod identity agent dependencies: got %v, want only the cluster", got)
	}
	for _, ng := range groups {
		if !slices.Contains(ng.Dependencies, agent.URN) {
			t.Errorf("%s does not wait for the Pod Identity Agent", ng.Name)
		}
	}
	if got := proxy.Dependencies; len(got) != 1 || got[0] != cl.URN {
		t.Errorf("kube-proxy dependencies: got %v, want only the cluster", got)
	}
	sc := one(t, p, typeStorageClass, "prod-aws-gp3")
	if len(sc.Dependencies) != 0 {
		t.Errorf("storage class dependencies: got %v, want none beyond its provider", sc.Dependencies)
	}
}

func TestNewRejectsBadArgs(t *testing.T) {
	tooFewZones := devSpec("x")
	tooFewZones.Network.Zones = 1
	existing := cluster.Spec{Name: "x", Cloud: cluster.Existing}
	cases := []struct {
		name    string
		args    *Args
		wantErr error
		wantMsg string
	}{
		{"nil args", nil, cluster.ErrNoArgs, ""},
		{"empty spec", &Args{Stack: testStack, Access: testAccess}, cluster.ErrWrongCloud, ""},
		{"other cloud", &Args{Spec: existing, Stack: testStack, Access: testAccess}, cluster.ErrWrongCloud, ""},
		{"no stack", &Args{Spec: *devSpec("x"), Access: testAccess}, cluster.ErrNoStack, ""},
		{"no admin", &Args{Spec: *devSpec("x"), Stack: testStack, Access: cluster.Access{Groups: testAccess.Groups}}, ErrNoAdmin, ""},
		{"invalid spec", &Args{Spec: *tooFewZones, Stack: testStack, Access: testAccess}, nil, "clusters[0].network.zones"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, mon, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				_, err := New(ctx, "x", tc.args)
				return nil, err
			}, plan.Options{Project: "fleetform", Stack: testStack})
			if err == nil {
				t.Fatal("got no error, want one")
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("got %v, want %v", err, tc.wantErr)
			}
			if tc.wantMsg != "" && (!strings.Contains(err.Error(), tc.wantMsg) || !strings.Contains(err.Error(), cluster.MsgTooFewZones)) {
				t.Errorf("got %v, want it to name %q", err, tc.wantMsg)
			}
			if n := mon.Registrations(); n != 0 {
				t.Errorf("got %d registrations, want none before validation passes", n)
			}
		})
	}
}

func TestPureHelpers(t *testing.T) {
	if got := PhysicalName("dev-aws", "dev"); got != "dev-aws-dev" {
		t.Errorf("PhysicalName: got %q, want dev-aws-dev", got)
	}
	if got := PhysicalName("a", "org.stack"); got != "a-org-stack" {
		t.Errorf("PhysicalName with a dot: got %q, want a-org-stack", got)
	}
	if got := len(PhysicalName(strings.Repeat("a", 63), strings.Repeat("s", 60))); got != MaxClusterNameLength {
		t.Errorf("long PhysicalName: got length %d, want %d", got, MaxClusterNameLength)
	}
	for region, want := range map[string]string{"us-east-1": "aws", "cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov"} {
		if got := Partition(region); got != want {
			t.Errorf("Partition(%s): got %s, want %s", region, got, want)
		}
	}
	trust := IRSATrustPolicy("arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
		"https://oidc.eks.us-east-1.amazonaws.com/id/ABC", "kube-system", "ebs-csi-controller-sa")
	var doc policyDocument
	if err := json.Unmarshal([]byte(trust), &doc); err != nil {
		t.Fatal(err)
	}
	cond := doc.Statement[0].Condition["StringEquals"]
	if cond["oidc.eks.us-east-1.amazonaws.com/id/ABC:sub"] != "system:serviceaccount:kube-system:ebs-csi-controller-sa" ||
		cond["oidc.eks.us-east-1.amazonaws.com/id/ABC:aud"] != "sts.amazonaws.com" {
		t.Errorf("IRSA trust condition: got %v", cond)
	}
	if got := ManagedPolicyARN("aws-cn", PolicyEBSCSIDriver); got != "arn:aws-cn:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy" {
		t.Errorf("ManagedPolicyARN: got %s", got)
	}
	if priv, pub := EndpointAccess(cluster.EndpointPrivate); !priv || pub {
		t.Errorf("private endpoint: got private %v public %v, want true false", priv, pub)
	}
}
