package eks

import (
	"errors"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

// remoteWith is an EKS cluster stack's contract as an in-cluster stack reads it, with a
// workload identity fact ("" for none, as a cluster stack from before Pod Identity).
func remoteWith(mode string) cluster.Remote {
	facts := map[string]string{FactClusterName: "prod-aws-test"}
	if mode != "" {
		facts[FactWorkloadIdentity] = mode
	}
	return cluster.Remote{
		Contract: cluster.Contract{Version: cluster.ContractVersion, Name: "prod-aws", Cloud: cluster.AWS, Region: "us-east-1",
			Stack: "test", Environment: "prod", Facts: facts,
			Karpenter: &cluster.ContractKarpenter{ClusterName: "prod-aws-test", InterruptionQueue: "q", InstanceProfile: "p"}},
		Outputs: pulumi.StringMap{
			cluster.OutputClusterName: pulumi.String("prod-aws-test"), cluster.OutputClusterIdentifier: pulumi.String("arn:aws:eks:us-east-1:1:cluster/prod-aws-test"),
			cluster.OutputOIDCIssuer: pulumi.String("https://oidc.eks.us-east-1.amazonaws.com/id/X"), OutputOIDCProviderArn: pulumi.String("arn:aws:iam::1:oidc-provider/x"),
			cluster.OutputKarpenterRole: pulumi.String("arn:aws:iam::1:role/prod-aws-karpenter"), cluster.OutputKubernetesVersion: pulumi.String("1.35"),
		}.ToStringMapOutput(),
		Kubeconfig: pulumi.ToSecret(pulumi.String("apiVersion: v1")).(pulumi.StringOutput),
	}
}

// TestAttachFollowsTheClusterStacksIdentity: an in-cluster stack makes its addons'
// roles the way the cluster stack recorded (FactWorkloadIdentity): associations and no
// annotation under Pod Identity, IRSA annotations for a contract without the fact, and
// an unknown value is refused before anything registers.
func TestAttachFollowsTheClusterStacksIdentity(t *testing.T) {
	ws := []cluster.Workload{{Name: "external-dns", Namespace: "external-dns", ServiceAccount: "external-dns", AWSPolicy: identityPolicy}}
	cases := []struct {
		mode         string
		associations int // external-dns and Velero under Pod Identity
		irsa         bool
		err          error
	}{
		{IdentityPodIdentity, 2, false, nil},
		{"", 0, true, nil},
		{"oidc", 0, false, cluster.ErrContractShape},
	}
	for _, tc := range cases {
		t.Run("fact "+tc.mode, func(t *testing.T) {
			var karp internals.UnsafeAwaitOutputResult
			p, mon, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				c, err := Attach(ctx, "prod-aws", &AttachArgs{Remote: remoteWith(tc.mode), Workloads: ws,
					Backups: &cluster.Backups{ExpireDays: 30, Namespace: "velero", ServiceAccount: "velero"}})
				if err != nil {
					return nil, err
				}
				karp, err = internals.UnsafeAwaitOutput(ctx.Context(), c.Connection().Karpenter.Identity.Annotations)
				return nil, err
			}, plan.Options{Project: "fleetform", Stack: "test"})
			if tc.err != nil {
				if !errors.Is(err, tc.err) || mon.Registrations() != 0 {
					t.Fatalf("got %v and %d registrations, want %v and none", err, mon.Registrations(), tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n := len(p.ByType(typePodIdentityAssociation)); n != tc.associations {
				t.Errorf("%d associations, want %d", n, tc.associations)
			}
			for _, name := range []string{"prod-aws-wl-external-dns", "prod-aws-velero"} {
				trust, _ := one(t, p, typeRole, name).Inputs["assumeRolePolicy"].(string)
				if irsa := strings.Contains(trust, "sts:AssumeRoleWithWebIdentity"); irsa != tc.irsa || !irsa && !strings.Contains(trust, PodIdentityService) {
					t.Errorf("%s trust %s: IRSA %v, want %v", name, trust, irsa, tc.irsa)
				}
			}
			// Karpenter's role is the cluster stack's: IRSA's annotation names it; under
			// Pod Identity the association is the cluster stack's and the account needs none.
			ann, _ := karp.Value.(map[string]string)
			if _, irsa := ann[cluster.AnnotationIRSARole]; irsa != tc.irsa || !karp.Known {
				t.Errorf("karpenter annotations %v (known %v): IRSA role %v, want %v", ann, karp.Known, irsa, tc.irsa)
			}
		})
	}
}
