package cluster_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// TestRemoteCheck: an attach path's first step refuses another cloud and every bad
// request of the platform, at its path, and passes a good one.
func TestRemoteCheck(t *testing.T) {
	r := cluster.Remote{Contract: cluster.Contract{Name: "c", Cloud: cluster.Azure}}
	good := []cluster.Workload{{Name: "velero", Namespace: "velero", ServiceAccount: "velero"}}
	cases := []struct {
		name    string
		cloud   cluster.Cloud
		ws      []cluster.Workload
		backups *cluster.Backups
		wantIs  error
		want    []string
	}{
		{name: "good", cloud: cluster.Azure, ws: good},
		{name: "other cloud", cloud: cluster.AWS, ws: good, wantIs: cluster.ErrWrongCloud},
		{name: "bad workload and backups", cloud: cluster.Azure, ws: []cluster.Workload{{Name: "Not A Name", Namespace: "ns", ServiceAccount: "sa"}},
			backups: &cluster.Backups{Namespace: "velero", ServiceAccount: "velero"},
			want:    []string{"workloads[0].name", cluster.MsgWorkloadName, "backups.expireDays", cluster.MsgBackupExpire}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := r.Check(tc.cloud, tc.ws, tc.backups)
			switch {
			case tc.wantIs == nil && tc.want == nil && err != nil:
				t.Errorf("got %v, want no error", err)
			case tc.wantIs != nil && !errors.Is(err, tc.wantIs):
				t.Errorf("got %v, want %v", err, tc.wantIs)
			}
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("got %v, want it to name %q", err, w)
				}
			}
		})
	}
}

func TestRemoteTags(t *testing.T) {
	tags := map[string]string{"team": "platform", "stack": "prod"}
	r := cluster.Remote{Contract: cluster.Contract{Facts: map[string]string{cluster.FactTags: cluster.EncodeTags(tags)}}}
	if got := r.Tags(); len(got) != 2 || got["team"] != "platform" || got["stack"] != "prod" {
		t.Errorf("tags = %v, want %v", got, tags)
	}
	if got := (cluster.Remote{}).Tags(); got != nil {
		t.Errorf("no tags fact: got %v, want nil", got)
	}
}

// childMocks records, per resource name, its parent and whether it asked for the
// alias at the stack's root (NoParent).
type childMocks struct {
	parent   map[string]string
	noParent map[string]bool
}

func (m *childMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.parent[args.Name] = args.RegisterRPC.GetParent()
	for _, a := range args.RegisterRPC.GetAliases() {
		if a.GetSpec().GetNoParent() {
			m.noParent[args.Name] = true
		}
	}
	return args.Name + "-id", args.Inputs, nil
}

func (m *childMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

// TestChildOf: both children sit under the component; the attached one is also known
// at the stack's root (the alias a state move needs), the built one is not.
func TestChildOf(t *testing.T) {
	m := &childMocks{parent: map[string]string{}, noParent: map[string]bool{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		c := &struct{ pulumi.ResourceState }{}
		if err := ctx.RegisterComponentResource("platform:test:Cluster", "c", c); err != nil {
			return err
		}
		for name, attached := range map[string]bool{"attached": true, "built": false} {
			child := &struct{ pulumi.ResourceState }{}
			if err := ctx.RegisterComponentResource("platform:test:Child", name, child, cluster.ChildOf(c, attached)); err != nil {
				return err
			}
		}
		return nil
	}, pulumi.WithMocks("fleetform", "test", m))
	if err != nil {
		t.Fatal(err)
	}
	want := m.parent["attached"]
	if want == "" || !strings.HasSuffix(want, "platform:test:Cluster::c") || m.parent["built"] != want {
		t.Errorf("parents attached %q, built %q: want both the component", m.parent["attached"], m.parent["built"])
	}
	if !m.noParent["attached"] || m.noParent["built"] {
		t.Errorf("alias at the stack's root: attached %v, built %v; want the attached child only", m.noParent["attached"], m.noParent["built"])
	}
}
