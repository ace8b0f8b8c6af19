package eks

import (
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

const typeServiceLinkedRole = "aws:iam/serviceLinkedRole:ServiceLinkedRole"

// retainMocks records, per resource name, the inputs and whether the engine is told to
// keep the resource on delete.
type retainMocks struct {
	mu     sync.Mutex
	types  map[string]string
	inputs map[string]resource.PropertyMap
	retain map[string]bool
}

func (m *retainMocks) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.types[a.Name] = a.TypeToken
	m.inputs[a.Name] = a.Inputs
	if a.RegisterRPC != nil {
		m.retain[a.Name] = a.RegisterRPC.GetRetainOnDelete()
	}
	return "", a.Inputs, nil // a preview: IDs unknown
}

func (m *retainMocks) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

// TestSpotServiceLinkedRole: create makes the account's EC2 Spot role, kept on destroy,
// and Karpenter's nodes wait for it; exists and unset make none.
func TestSpotServiceLinkedRole(t *testing.T) {
	nodesReady := map[string]int{}
	for _, mode := range []string{cluster.SpotRoleCreate, cluster.SpotRoleExists, ""} {
		t.Run("mode "+mode, func(t *testing.T) {
			s := karpenterDevSpec("dev-aws")
			s.AWS.Karpenter = &cluster.KarpenterSpec{SpotServiceLinkedRole: mode}
			m := &retainMocks{types: map[string]string{}, inputs: map[string]resource.PropertyMap{}, retain: map[string]bool{}}
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				c, err := New(ctx, s.Name, &Args{Spec: *s, Stack: testStack, Access: testAccess})
				if err == nil {
					nodesReady[mode] = len(c.Connection().Karpenter.NodesReady)
				}
				return err
			}, pulumi.WithMocks("fleetform", testStack, m), func(info *pulumi.RunInfo) { info.DryRun = true })
			if err != nil {
				t.Fatal(err)
			}
			var roles []string
			for name, typ := range m.types {
				if typ == typeServiceLinkedRole {
					roles = append(roles, name)
				}
			}
			if mode != cluster.SpotRoleCreate {
				if len(roles) != 0 {
					t.Errorf("service-linked roles: got %v, want none", roles)
				}
				return
			}
			if len(roles) != 1 || roles[0] != "dev-aws-spot-role" {
				t.Fatalf("service-linked roles: got %v, want [dev-aws-spot-role]", roles)
			}
			if got := m.inputs["dev-aws-spot-role"]["awsServiceName"]; !got.IsString() || got.StringValue() != SpotServiceName {
				t.Errorf("awsServiceName: got %v, want %s", got, SpotServiceName)
			}
			if !m.retain["dev-aws-spot-role"] {
				t.Error("the account's Spot role is not retained on delete")
			}
		})
	}
	if nodesReady[cluster.SpotRoleCreate] != nodesReady[cluster.SpotRoleExists]+1 {
		t.Errorf("NodesReady: got %d with create and %d with exists, want the role as one more", nodesReady[cluster.SpotRoleCreate], nodesReady[cluster.SpotRoleExists])
	}
}
