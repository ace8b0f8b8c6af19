//go:build !no_alicloud && !no_aws

package program

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/ack"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/eks"
	"github.com/fleetform/fleetform/internal/plan"
)

// TestAttachHandsAddonsTheirIdentities: an in-cluster stack's attach path of each cloud
// makes the cloud identities the platform's addons ask for (platformNeeds.Workloads) and
// hands them over in the Connection, as the one-stack build does: the RRSA RAM role on
// ACK, the role and its Pod Identity association on EKS.
func TestAttachHandsAddonsTheirIdentities(t *testing.T) {
	w := cluster.Workload{Name: "external-dns", Namespace: "external-dns", ServiceAccount: "external-dns",
		AWSPolicy:      `{"Version":"2012-10-17","Statement":[]}`,
		AlicloudPolicy: `{"Version":"1","Statement":[]}`}
	kubeconfig := func() pulumi.StringOutput {
		return pulumi.ToSecret(pulumi.String("apiVersion: v1")).(pulumi.StringOutput)
	}
	cases := []struct {
		cloud    cluster.Cloud
		remote   func() cluster.Remote
		resource string // the identity's cloud resource, by type token
		name     string
	}{
		{cluster.Alicloud, func() cluster.Remote {
			return cluster.Remote{
				Contract: cluster.Contract{Version: cluster.ContractVersion, Name: "prod-ali", Cloud: cluster.Alicloud, Region: "cn-hangzhou", Stack: "test", Environment: "prod"},
				Outputs: pulumi.StringMap{
					cluster.OutputClusterName: pulumi.String("prod-ali-test"), cluster.OutputClusterIdentifier: pulumi.String("c0ffee"),
					cluster.OutputOIDCIssuer:  pulumi.String("https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/c0ffee"),
					ack.OutputOIDCProviderARN: pulumi.String("acs:ram::1:oidc-provider/ack-rrsa-c0ffee"),
				}.ToStringMapOutput(),
				Kubeconfig: kubeconfig(),
			}
		}, ack.TypeRAMRole, "prod-ali-wl-external-dns"},
		{cluster.AWS, func() cluster.Remote {
			return cluster.Remote{
				Contract: cluster.Contract{Version: cluster.ContractVersion, Name: "prod-aws", Cloud: cluster.AWS, Region: "us-east-1", Stack: "test", Environment: "prod",
					Facts: map[string]string{eks.FactClusterName: "prod-aws-test", eks.FactWorkloadIdentity: eks.IdentityPodIdentity}},
				Outputs: pulumi.StringMap{
					cluster.OutputClusterName: pulumi.String("prod-aws-test"), cluster.OutputClusterIdentifier: pulumi.String("arn:aws:eks:us-east-1:1:cluster/prod-aws-test"),
				}.ToStringMapOutput(),
				Kubeconfig: kubeconfig(),
			}
		}, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "prod-aws-wl-external-dns"},
	}
	for _, tc := range cases {
		t.Run(string(tc.cloud), func(t *testing.T) {
			for _, needs := range []platformNeeds{{}, {Workloads: []cluster.Workload{w}}} {
				var conn *cluster.Connection
				p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
					var err error
					conn, err = clusterBuilders[tc.cloud].attach(ctx, tc.remote(), needs)
					return nil, err
				}, plan.Options{Project: "fleetform", Stack: "test"})
				if err != nil {
					t.Fatal(err)
				}
				made := false
				for _, r := range p.ByType(tc.resource) {
					made = made || r.Name == tc.name
				}
				_, handed := conn.Workloads[w.Name]
				if want := len(needs.Workloads) > 0; made != want || handed != want {
					t.Errorf("asked for %d workloads: %s %s made %v, in the connection %v; want %v", len(needs.Workloads), tc.resource, tc.name, made, handed, want)
				}
			}
		})
	}
}
