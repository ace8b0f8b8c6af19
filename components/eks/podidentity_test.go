package eks

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

// identityPolicy is an AWS policy a test workload asks for.
const identityPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`

// identitySpec is the dev cluster with a Karpenter pool in a region; backups and a
// workload are asked for too, so every service-account role the component makes is there.
func identitySpec(region string) *cluster.Spec {
	s := karpenterDevSpec("dev-aws")
	s.Region = region
	s.AWS.AvailabilityZones = []string{region + "a", region + "b"}
	return s
}

// planIdentities plans a cluster with every kind of service-account role: vpc-cni, EBS
// CSI, Karpenter's controller, Velero and an addon workload.
func planIdentities(t *testing.T, s *cluster.Spec) (*plan.Plan, *cluster.Connection) {
	t.Helper()
	var conn *cluster.Connection
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		c, err := New(ctx, s.Name, &Args{Spec: *s, Stack: testStack, Access: testAccess,
			Workloads: []cluster.Workload{
				{Name: "external-secrets", Namespace: "external-secrets", ServiceAccount: "external-secrets", AWSPolicy: identityPolicy},
				{Name: "azure-only", Namespace: "x", ServiceAccount: "x", AzureRoles: []cluster.AzureRoleAssignment{{RoleDefinitionID: "r", Scope: "/s"}}},
			},
			Backups: &cluster.Backups{ExpireDays: 30, Namespace: "velero", ServiceAccount: "velero"}})
		if err == nil {
			conn = c.Connection()
		}
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: testStack})
	if err != nil {
		t.Fatalf("planning: %v", err)
	}
	return p, conn
}

// serviceAccountRoles are the roles bound to a service account, by role name, with the
// namespace and service account each is for.
var serviceAccountRoles = map[string][2]string{
	"dev-aws-vpc-cni":             {AddonNamespace, VPCCNIServiceAccount},
	"dev-aws-ebs-csi":             {AddonNamespace, EBSCSIServiceAccount},
	"dev-aws-karpenter":           {cluster.KarpenterNamespace, cluster.KarpenterServiceAccount},
	"dev-aws-velero":              {"velero", "velero"},
	"dev-aws-wl-external-secrets": {"external-secrets", "external-secrets"},
}

// TestPodIdentityWhereAWSHasIt: in the aws partition every service-account role is
// trusted by EKS Pod Identity (sts:AssumeRole and sts:TagSession, for that cluster,
// namespace and service account only) and bound by an association; no role trusts the
// OIDC provider, no add-on takes a role ARN, and no service account carries one.
func TestPodIdentityWhereAWSHasIt(t *testing.T) {
	p, conn := planIdentities(t, identitySpec("us-east-1"))
	clusterName := PhysicalName("dev-aws", testStack)
	eksCl := one(t, p, typeEKSCluster, "dev-aws-eks")
	for name, sa := range serviceAccountRoles {
		role := one(t, p, typeRole, name)
		trust, _ := role.Inputs["assumeRolePolicy"].(string)
		var doc policyDocument
		if err := json.Unmarshal([]byte(trust), &doc); err != nil || len(doc.Statement) != 1 {
			t.Fatalf("%s trust policy %q: want one statement (%v)", name, trust, err)
		}
		st := doc.Statement[0]
		if st.Principal["Service"] != PodIdentityService || !slices.Equal(st.Action, []string{"sts:AssumeRole", "sts:TagSession"}) {
			t.Errorf("%s trust: principal %v actions %v, want %s with sts:AssumeRole and sts:TagSession", name, st.Principal, st.Action, PodIdentityService)
		}
		want := map[string]string{
			"aws:RequestTag/eks-cluster-name": clusterName, "aws:RequestTag/kubernetes-namespace": sa[0],
			"aws:RequestTag/kubernetes-service-account": sa[1],
		}
		if !reflect.DeepEqual(st.Condition["StringEquals"], want) {
			t.Errorf("%s trust conditions %v, want %v", name, st.Condition, want)
		}
		assoc := one(t, p, typePodIdentityAssociation, name)
		if assoc.Inputs["namespace"] != sa[0] || assoc.Inputs["serviceAccount"] != sa[1] {
			t.Errorf("%s association: got %v/%v, want %s/%s", name, assoc.Inputs["namespace"], assoc.Inputs["serviceAccount"], sa[0], sa[1])
		}
		// The role's ARN and the cluster's name are known only once deployed.
		if !slices.Contains(assoc.Dependencies, role.URN) || !slices.Contains(assoc.Dependencies, eksCl.URN) {
			t.Errorf("%s association dependencies %v: want its role and the cluster", name, assoc.Dependencies)
		}
	}
	if n := len(p.ByType(typePodIdentityAssociation)); n != len(serviceAccountRoles) {
		t.Errorf("%d associations, want %d (one per service-account role)", n, len(serviceAccountRoles))
	}
	for _, r := range p.ByType(typeRole) {
		if trust, _ := r.Inputs["assumeRolePolicy"].(string); trust == plan.Unknown || strings.Contains(trust, "AssumeRoleWithWebIdentity") {
			t.Errorf("role %s is trusted through the OIDC provider (IRSA): %v", r.Name, trust)
		}
	}
	for _, a := range p.ByType(typeAddon) {
		if a.Inputs["serviceAccountRoleArn"] != nil {
			t.Errorf("add-on %s takes a role ARN %v (IRSA)", a.Name, a.Inputs["serviceAccountRoleArn"])
		}
	}
	agent := one(t, p, typeAddon, "dev-aws-"+AddonPodIdentityAgent)
	if agent.Inputs["addonVersion"] != AddonVersion(AddonPodIdentityAgent, "1.35") {
		t.Errorf("pod identity agent version %v, want the pinned one", agent.Inputs["addonVersion"])
	}
	if conn.Facts[FactWorkloadIdentity] != IdentityPodIdentity {
		t.Errorf("contract fact %s = %q, want %s", FactWorkloadIdentity, conn.Facts[FactWorkloadIdentity], IdentityPodIdentity)
	}
	if _, ok := conn.Workloads["external-secrets"]; !ok || len(conn.Workloads) != 1 {
		t.Errorf("connection workloads = %v, want the one with an AWS policy", conn.Workloads)
	}
}

// TestIRSAWhereAWSHasNoPodIdentity: in China regions EKS has no Pod Identity, so the
// same roles trust the cluster's OIDC provider, nothing is associated and no agent runs.
func TestIRSAWhereAWSHasNoPodIdentity(t *testing.T) {
	p, conn := planIdentities(t, identitySpec("cn-north-1"))
	for name := range serviceAccountRoles {
		if trust := one(t, p, typeRole, name).Inputs["assumeRolePolicy"]; trust != plan.Unknown {
			t.Errorf("%s trust = %v, want it computed from the OIDC provider (IRSA)", name, trust)
		}
	}
	if n := len(p.ByType(typePodIdentityAssociation)); n != 0 {
		t.Errorf("%d Pod Identity associations in aws-cn", n)
	}
	for _, a := range p.ByType(typeAddon) {
		if a.Inputs["addonName"] == AddonPodIdentityAgent {
			t.Error("the Pod Identity Agent is installed in aws-cn")
		}
	}
	for _, a := range []string{AddonVPCCNI, AddonEBSCSI} {
		if arn := one(t, p, typeAddon, "dev-aws-"+a).Inputs["serviceAccountRoleArn"]; arn != plan.Unknown {
			t.Errorf("%s serviceAccountRoleArn = %v, want its IRSA role", a, arn)
		}
	}
	if conn.Facts[FactWorkloadIdentity] != IdentityIRSA {
		t.Errorf("contract fact %s = %q, want %s", FactWorkloadIdentity, conn.Facts[FactWorkloadIdentity], IdentityIRSA)
	}
}

func TestWorkloadIdentityFor(t *testing.T) {
	for partition, want := range map[string]string{"aws": IdentityPodIdentity, "aws-cn": IdentityIRSA, "aws-us-gov": IdentityIRSA} {
		if got := WorkloadIdentityFor(partition); got != want {
			t.Errorf("%s: got %s, want %s", partition, got, want)
		}
	}
}

// TestAssociationProperties lists the properties the component sends for each AWS type
// it registers for Pod Identity, against the pinned SDK's (pulumi-aws v6.83.4) input
// struct, so a move to an SDK that renames one fails here.
func TestAssociationProperties(t *testing.T) {
	sent := map[string][]string{
		typePodIdentityAssociation: {"clusterName", "namespace", "roleArn", "serviceAccount", "tags"},
	}
	sdkInputs := map[string]reflect.Type{typePodIdentityAssociation: eks.PodIdentityAssociationArgs{}.ElementType()}
	p, _ := planIdentities(t, identitySpec("us-east-1"))
	for typ, want := range sent {
		sdk := map[string]bool{}
		for _, f := range reflect.VisibleFields(sdkInputs[typ]) {
			sdk[f.Tag.Get("pulumi")] = true
		}
		for _, r := range p.ByType(typ) {
			var got []string
			for k := range r.Inputs {
				got = append(got, k)
				if !sdk[k] {
					t.Errorf("%s %s sends %s, which the SDK's type does not have", typ, r.Name, k)
				}
			}
			sort.Strings(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s %s sends %v, want %v", typ, r.Name, got, want)
			}
		}
	}
}
