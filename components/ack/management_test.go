package ack

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

const (
	typeCENAttachment = "alicloud:cen/instanceAttachment:InstanceAttachment"
	testCEN           = "cen-abc123def456"
)

// TestManagementCEN: the VPC joins the CEN with the inputs CEN needs, the provider waits
// for it, and the Connection names the management ranges.
func TestManagementCEN(t *testing.T) {
	s := prodSpec()
	s.Network.Management = &cluster.ManagementNetwork{CIDRs: []string{"10.250.0.0/20"}, CENID: testCEN}
	var conn *cluster.Connection
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		c, err := New(ctx, s.Name, &Args{Spec: s, Stack: "test", Access: testAccess})
		if err == nil {
			conn = c.Connection()
		}
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	atts := of(p, typeCENAttachment, "prod-ali")
	if len(atts) != 1 {
		t.Fatalf("cen attachments: got %d, want 1", len(atts))
	}
	att := atts[0]
	for k, want := range map[string]any{"instanceId": testCEN, "childInstanceType": CENChildVPC, "childInstanceRegionId": "cn-hangzhou"} {
		if att.Inputs[k] != want {
			t.Errorf("attachment %s: got %v, want %v", k, att.Inputs[k], want)
		}
	}
	vpc := of(p, typeVPC, "prod-ali")[0]
	if !slices.Contains(att.Dependencies, vpc.URN) {
		t.Error("the attachment does not take the cluster's VPC")
	}
	k8s := of(p, typeK8sProv, "prod-ali")[0]
	if !slices.Contains(k8s.Dependencies, att.URN) {
		t.Errorf("kubernetes provider does not depend on the CEN attachment; got %v", k8s.Dependencies)
	}
	if !slices.Equal(conn.ManagementCIDRs, []string{"10.250.0.0/20"}) {
		t.Errorf("Connection.ManagementCIDRs: got %v", conn.ManagementCIDRs)
	}

	// Deployed, the attachment gets the VPC's ID.
	m := &idMocks{inputs: map[string]resource.PropertyMap{}}
	if err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := New(ctx, s.Name, &Args{Spec: s, Stack: "test", Access: testAccess})
		return err
	}, pulumi.WithMocks("fleetform", "test", m)); err != nil {
		t.Fatal(err)
	}
	if got := m.inputs["prod-ali-mgmt-cen"]["childInstanceId"]; !got.IsString() || got.StringValue() != "prod-ali-vpc-id" {
		t.Errorf("childInstanceId: got %v, want prod-ali-vpc-id", got)
	}
}

func TestNoManagementNoCEN(t *testing.T) {
	p := runPlan(t, prodSpec())
	if n := len(p.ByType(typeCENAttachment)); n != 0 {
		t.Errorf("cen attachments: got %d, want none", n)
	}
}
