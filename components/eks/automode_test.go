package eks

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/sizing"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

const typePolicyAttachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"

// autoModeSpec is the dev cluster in Auto Mode with no node pool of its own.
func autoModeSpec(name string) *cluster.Spec {
	s := devSpec(name)
	s.NodePools = nil
	s.AWS.AutoMode = true
	return s
}

// attachedPolicies are the policy names attached to a role part ("cluster", "auto-node").
func attachedPolicies(t *testing.T, name, part string, rs []*plan.Resource) []string {
	t.Helper()
	var out []string
	for _, r := range rs {
		if strings.HasPrefix(r.Name, name+"-"+part+"-") {
			arn, _ := r.Inputs["policyArn"].(string)
			out = append(out, arn[strings.LastIndex(arn, "/")+1:])
		}
	}
	slices.Sort(out)
	return out
}

func TestAutoModeClusterArgs(t *testing.T) {
	p := planClusters(t, autoModeSpec("auto"), devSpec("std"))
	auto := one(t, p, typeEKSCluster, "auto-eks")
	want := map[string]any{
		"bootstrapSelfManagedAddons":                           false,
		"computeConfig.enabled":                                true,
		"computeConfig.nodePools":                              []any{cluster.AutoModeGeneralPurpose, cluster.AutoModeSystem},
		"storageConfig.blockStorage.enabled":                   true,
		"kubernetesNetworkConfig.elasticLoadBalancing.enabled": true,
		"kubernetesNetworkConfig.serviceIpv4Cidr":              "172.20.0.0/16",
	}
	for path, w := range want {
		if got := sizing.Get(auto.Inputs, path); mustJSON(got) != mustJSON(w) {
			t.Errorf("auto cluster %s = %v, want %v", path, got, w)
		}
	}
	if role, _ := sizing.Get(auto.Inputs, "computeConfig.nodeRoleArn").(string); role == "" {
		t.Error("auto cluster computeConfig.nodeRoleArn is empty, want the auto-node role's ARN")
	}
	if !slices.Contains(auto.IgnoreChanges, PropBootstrapSelfManagedAddons) {
		t.Errorf("auto cluster ignoreChanges = %v, want %s (a cluster turning Auto Mode on must not be replaced)", auto.IgnoreChanges, PropBootstrapSelfManagedAddons)
	}
	std := one(t, p, typeEKSCluster, "std-eks")
	for _, k := range []string{"bootstrapSelfManagedAddons", "computeConfig", "storageConfig", "kubernetesNetworkConfig.elasticLoadBalancing"} {
		if v := sizing.Get(std.Inputs, k); v != nil {
			t.Errorf("standard cluster has %s = %v, want it unset (an existing cluster's inputs unchanged)", k, v)
		}
	}
	if len(std.IgnoreChanges) != 0 {
		t.Errorf("standard cluster ignoreChanges = %v, want none", std.IgnoreChanges)
	}
}

func TestAutoModeRoles(t *testing.T) {
	p := planClusters(t, autoModeSpec("auto"), devSpec("std"))
	atts := p.ByType(typePolicyAttachment)
	wantCluster := slices.Clone(AutoModeClusterPolicies)
	slices.Sort(wantCluster)
	if got := attachedPolicies(t, "auto", "cluster", atts); !slices.Equal(got, wantCluster) {
		t.Errorf("auto cluster role policies = %v, want %v", got, wantCluster)
	}
	wantNode := slices.Clone(AutoModeNodePolicies)
	slices.Sort(wantNode)
	if got := attachedPolicies(t, "auto", autoModeNodeRolePart, atts); !slices.Equal(got, wantNode) {
		t.Errorf("auto node role policies = %v, want %v", got, wantNode)
	}
	if got := attachedPolicies(t, "std", "cluster", atts); !slices.Equal(got, []string{PolicyEKSCluster}) {
		t.Errorf("standard cluster role policies = %v, want only %s", got, PolicyEKSCluster)
	}
	trust := func(role string) []any {
		var doc struct{ Statement []struct{ Action []any } }
		if err := json.Unmarshal([]byte(one(t, p, "aws:iam/role:Role", role).Inputs["assumeRolePolicy"].(string)), &doc); err != nil {
			t.Fatalf("%s trust policy: %v", role, err)
		}
		return doc.Statement[0].Action
	}
	if got := trust("auto-cluster"); !slices.Contains(got, any("sts:TagSession")) {
		t.Errorf("auto cluster role trust actions = %v, want sts:TagSession among them", got)
	}
	if got := trust("std-cluster"); slices.Contains(got, any("sts:TagSession")) {
		t.Errorf("standard cluster role trust actions = %v, want no sts:TagSession", got)
	}
	// The auto-node role's attachments wait before the cluster: EKS checks the role on create.
	auto := one(t, p, typeEKSCluster, "auto-eks")
	for _, a := range atts {
		if strings.HasPrefix(a.Name, "auto-"+autoModeNodeRolePart+"-") && !slices.Contains(auto.Dependencies, a.URN) {
			t.Errorf("auto cluster does not depend on %s", a.Name)
		}
	}
}

func TestAutoModeLeavesOut(t *testing.T) {
	mixed := autoModeSpec("mixed")
	mixed.NodePools = devSpec("x").NodePools
	p := planClusters(t, autoModeSpec("auto"), mixed, devSpec("std"))
	addons := map[string][]string{}
	for _, r := range p.ByType(typeAddon) {
		c, _, _ := strings.Cut(r.Name, "-")
		addons[c] = append(addons[c], r.Inputs["addonName"].(string))
	}
	for c := range addons {
		slices.Sort(addons[c])
	}
	want := map[string][]string{
		// Auto Mode alone: every node add-on is Auto Mode's.
		"auto": nil,
		// A managed node group's nodes still need theirs; block storage stays Auto Mode's.
		"mixed": {AddonCoreDNS, AddonPodIdentityAgent, AddonKubeProxy, AddonVPCCNI},
		"std":   {AddonEBSCSI, AddonCoreDNS, AddonPodIdentityAgent, AddonKubeProxy, AddonVPCCNI},
	}
	for c, w := range want {
		slices.Sort(w)
		if !slices.Equal(addons[c], w) {
			t.Errorf("%s add-ons = %v, want %v", c, addons[c], w)
		}
	}
	groups := map[string]int{}
	for _, r := range p.ByType(typeNodeGroup) {
		c, _, _ := strings.Cut(r.Name, "-")
		groups[c]++
	}
	if groups["auto"] != 0 || groups["mixed"] != 1 || groups["std"] != 1 {
		t.Errorf("node groups per cluster = %v, want auto 0, mixed 1, std 1", groups)
	}
	for _, r := range p.Resources {
		if strings.HasPrefix(r.Name, "auto-") && (strings.Contains(r.Name, "karpenter") || strings.Contains(r.Name, "ebs-csi") || strings.Contains(r.Name, "vpc-cni")) {
			t.Errorf("auto cluster has %s %s, which Auto Mode runs", r.Type, r.Name)
		}
	}
}

func TestAutoModeStorageClass(t *testing.T) {
	p := planClusters(t, autoModeSpec("auto"), devSpec("std"))
	auto := one(t, p, typeStorageClass, "auto-"+StorageClassName)
	if got := auto.Inputs["provisioner"]; got != AutoModeEBSProvisioner {
		t.Errorf("auto StorageClass provisioner = %v, want %s", got, AutoModeEBSProvisioner)
	}
	if got := mustJSON(auto.Inputs["parameters"]); got != mustJSON(AutoModeStorageClassParameters()) {
		t.Errorf("auto StorageClass parameters = %s, want %s (no tag parameters)", got, mustJSON(AutoModeStorageClassParameters()))
	}
	if got := mustJSON(auto.Inputs["allowedTopologies"]); !strings.Contains(got, LabelComputeType) || !strings.Contains(got, `"`+ComputeTypeAuto+`"`) {
		t.Errorf("auto StorageClass allowedTopologies = %s, want %s in [%s]", got, LabelComputeType, ComputeTypeAuto)
	}
	std := one(t, p, typeStorageClass, "std-"+StorageClassName)
	if got := std.Inputs["provisioner"]; got != EBSCSIProvisioner {
		t.Errorf("standard StorageClass provisioner = %v, want %s", got, EBSCSIProvisioner)
	}
	if std.Inputs["allowedTopologies"] != nil {
		t.Errorf("standard StorageClass has allowedTopologies %v, want none", std.Inputs["allowedTopologies"])
	}
}

func TestAutoModeContractFact(t *testing.T) {
	for _, tc := range []struct {
		spec *cluster.Spec
		want string
	}{{autoModeSpec("auto"), "true"}, {devSpec("std"), ""}} {
		_, conn := planWithConnection(t, tc.spec)
		if got := conn.Facts[FactAutoMode]; got != tc.want {
			t.Errorf("%s: fact %s = %q, want %q", tc.spec.Name, FactAutoMode, got, tc.want)
		}
	}
}

// addonVersionParts splits vX.Y.Z-eksbuild.N into its four numbers.
func addonVersionParts(t *testing.T, v string) []int {
	t.Helper()
	var a, b, c, d int
	if _, err := fmt.Sscanf(v, "v%d.%d.%d-eksbuild.%d", &a, &b, &c, &d); err != nil {
		t.Fatalf("add-on version %q: %v", v, err)
	}
	return []int{a, b, c, d}
}

func TestAddonPinsMeetAutoModeMinimums(t *testing.T) {
	checked := 0
	for minor, pins := range AddonVersions.Versions {
		for addon, min := range AutoModeMinAddonVersions {
			pin, ok := pins[addon]
			if !ok {
				t.Errorf("%s: no %s pin", minor, addon)
				continue
			}
			if slices.Compare(addonVersionParts(t, pin), addonVersionParts(t, min)) < 0 {
				t.Errorf("%s: %s %s is older than %s, which a cluster turning Auto Mode on needs", minor, addon, pin, min)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no pins checked")
	}
}

// TestAttachFollowsAutoModeFact: an in-cluster stack makes its StorageClass on Auto Mode's
// provisioner, and Velero's snapshots on its driver, when the cluster stack's contract
// says Auto Mode; on the EBS CSI add-on's otherwise.
func TestAttachFollowsAutoModeFact(t *testing.T) {
	for _, auto := range []bool{true, false} {
		r := remoteWith(IdentityPodIdentity)
		r.Contract.Karpenter = nil
		if auto {
			r.Contract.Facts[FactAutoMode] = "true"
		}
		var driver string
		p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
			c, err := Attach(ctx, "prod-aws", &AttachArgs{Remote: r, Backups: &cluster.Backups{ExpireDays: 30, Namespace: "velero", ServiceAccount: "velero"}})
			if err != nil {
				return nil, err
			}
			conn := c.Connection()
			driver = conn.Backups.SnapshotDriver
			if got := conn.Facts[FactAutoMode] == "true"; got != auto {
				t.Errorf("auto %v: the attached connection's %s fact = %q", auto, FactAutoMode, conn.Facts[FactAutoMode])
			}
			return nil, nil
		}, plan.Options{Project: "fleetform", Stack: "test"})
		if err != nil {
			t.Fatal(err)
		}
		wantProv, wantDriver := EBSCSIProvisioner, EBSCSIDriver
		if auto {
			wantProv, wantDriver = AutoModeEBSProvisioner, AutoModeEBSProvisioner
		}
		if got := one(t, p, typeStorageClass, "prod-aws-"+StorageClassName).Inputs["provisioner"]; got != wantProv {
			t.Errorf("auto %v: StorageClass provisioner %v, want %s", auto, got, wantProv)
		}
		if driver != wantDriver {
			t.Errorf("auto %v: snapshot driver %s, want %s", auto, driver, wantDriver)
		}
	}
}
