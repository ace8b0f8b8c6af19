package eks

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/cluster/clustertest"
	"github.com/fleetform/fleetform/internal/plan"
)

const (
	typeAccessEntry = "aws:eks/accessEntry:AccessEntry"
	typeAccessAssoc = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
)

func TestAccessEntriesFromIdentities(t *testing.T) {
	access := cluster.Access{
		Admins: []cluster.Member{
			{Group: "ci-deployer", Principal: "arn:aws:iam::111122223333:role/ci-deployer"},
			{Group: "platform-admins", Principal: "arn:aws:iam::111122223333:role/platform-admins"},
		},
		Groups: []cluster.Member{
			// An admin group that environments also bind: one entry, with its group and the policy.
			{Group: "platform-admins", Principal: "arn:aws:iam::111122223333:role/platform-admins"},
			{Group: "shop-developers", Principal: "arn:aws:iam::111122223333:role/shop-developers"},
		},
	}
	s := devSpec("dev-aws")
	var conn *cluster.Connection
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		c, err := New(ctx, s.Name, &Args{Spec: *s, Stack: testStack, Access: access})
		if err == nil {
			conn = c.Connection()
		}
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: testStack})
	if err != nil {
		t.Fatal(err)
	}
	cl := one(t, p, typeEKSCluster, "dev-aws-eks")
	if ac := cl.Inputs["accessConfig"].(map[string]any); ac["authenticationMode"] != AuthenticationMode || ac["bootstrapClusterCreatorAdminPermissions"] != false {
		t.Errorf("accessConfig: got %v, want mode API and no implicit creator admin", ac)
	}
	entries := p.ByType(typeAccessEntry)
	if len(entries) != 3 {
		t.Fatalf("got %d access entries, want 3 (one per principal)", len(entries))
	}
	wantGroups := map[string][]any{"dev-aws-access-ci-deployer": nil, "dev-aws-access-platform-admins": {"platform-admins"}, "dev-aws-access-shop-developers": {"shop-developers"}}
	for name, want := range wantGroups {
		e := one(t, p, typeAccessEntry, name)
		got, _ := e.Inputs["kubernetesGroups"].([]any)
		if !slices.Equal(got, want) || e.Inputs["type"] != AccessEntryStandard || !slices.Contains(e.Dependencies, cl.URN) {
			t.Errorf("%s: kubernetesGroups %v type %v deps %v; want %v, STANDARD, the cluster", name, got, e.Inputs["type"], e.Dependencies, want)
		}
	}
	assocs := p.ByType(typeAccessAssoc)
	if len(assocs) != 2 {
		t.Fatalf("got %d access policy associations, want 2 (the admins)", len(assocs))
	}
	prov := one(t, p, typeK8sProvider, "dev-aws-k8s")
	for _, name := range []string{"ci-deployer", "platform-admins"} {
		a := one(t, p, typeAccessAssoc, "dev-aws-access-"+name+"-admin")
		entry := one(t, p, typeAccessEntry, "dev-aws-access-"+name)
		scope, _ := a.Inputs["accessScope"].(map[string]any)
		if a.Inputs["policyArn"] != "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy" || scope["type"] != AccessScopeCluster {
			t.Errorf("%s association: policy %v scope %v, want the cluster admin policy on the cluster", name, a.Inputs["policyArn"], scope)
		}
		if !slices.Contains(a.Dependencies, entry.URN) {
			t.Errorf("%s association deps %v: want its access entry (EKS refuses a policy without one)", name, a.Dependencies)
		}
		if !slices.Contains(prov.Dependencies, a.URN) {
			t.Errorf("kubernetes provider deps %v: want the admin association %s, or the first objects meet 401", prov.Dependencies, a.URN)
		}
	}
	if got := conn.Subjects["shop-developers"]; got != (cluster.Subject{Kind: cluster.SubjectGroup, Name: "shop-developers"}) {
		t.Errorf("subject of shop-developers: got %v, want the Kubernetes group of its name", got)
	}
}

func TestPrincipalsMergeByARN(t *testing.T) {
	got := principals(cluster.Access{
		Admins: []cluster.Member{{Group: "a", Principal: "arn:1"}},
		Groups: []cluster.Member{{Group: "a", Principal: "arn:1"}, {Group: "b", Principal: "arn:2"}},
	})
	if len(got) != 2 || !got[0].admin || !slices.Equal(got[0].kubeGroups, []string{"a"}) || got[1].admin || got[1].arn != "arn:2" {
		t.Errorf("got %+v %+v, want arn:1 admin in group a, then arn:2", *got[0], *got[1])
	}
}

// eksOutputs answer like EKS after a deploy; endpoint and ca are the credentials a
// rotation changes.
func eksOutputs(endpoint, ca string) clustertest.Cloud {
	return clustertest.Cloud{Outputs: func(typ, name string, in resource.PropertyMap) resource.PropertyMap {
		if typ != typeEKSCluster {
			return nil
		}
		return resource.PropertyMap{
			"endpoint":             resource.NewProperty(endpoint),
			"arn":                  resource.NewProperty("arn:aws:eks:us-east-1:111122223333:cluster/" + in["name"].StringValue()),
			"certificateAuthority": resource.NewProperty(resource.PropertyMap{"data": resource.NewProperty(ca)}),
			"identities": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
				"oidcs": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{"issuer": resource.NewProperty("https://oidc.eks.us-east-1.amazonaws.com/id/X")})}),
			})}),
		}
	}}
}

func TestKubeconfigChangeKeepsProviderAndObjects(t *testing.T) {
	run := func(endpoint, ca string) *clustertest.Recorder {
		s := devSpec("dev-aws")
		return clustertest.Run(t, "fleetform", testStack, eksOutputs(endpoint, ca), func(ctx *pulumi.Context) error {
			_, err := New(ctx, s.Name, &Args{Spec: *s, Stack: testStack, Access: testAccess})
			return err
		})
	}
	before := run("https://A.gr7.us-east-1.eks.amazonaws.com", "Q0Ex")
	after := run("https://B.gr7.us-east-1.eks.amazonaws.com", "Q0Ey")
	clustertest.AssertKubeconfigChangeIsAnUpdate(t, before, after, "dev-aws-k8s")
}
