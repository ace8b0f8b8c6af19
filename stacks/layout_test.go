package stacks

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// hasProblem says whether problems holds one at path whose detail contains msg.
func hasProblem(ps field.ErrorList, path, msg string) bool {
	for _, p := range ps {
		if p.Field == path && strings.Contains(p.Detail, msg) {
			return true
		}
	}
	return false
}

func TestLayout(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		want []struct{ path, msg string }
	}{
		{
			name: "a stack reference in a whole stack",
			body: `
config:
  fleetform:stackReferences:
    - {name: c, stack: organization/fleetform/c}
  fleetform:clusters:
    - {name: one, stackReference: c}
`,
			want: []struct{ path, msg string }{{"clusters[0].stackReference", MsgRemoteOnlyInCluster}},
		},
		{
			name: "an in-cluster stack that sets the cluster and builds one",
			body: `
config:
  fleetform:stack: {layers: in-cluster}
  fleetform:clusters:
    - {name: one, stackReference: nope, cloud: aws, region: us-east-1}
    - {name: two, cloud: existing}
  fleetform:identities:
    admins: [a]
    groups: {a: {aws: "arn:aws:iam::111122223333:role/a"}}
`,
			want: []struct{ path, msg string }{
				{"clusters[0].stackReference", MsgNoSuchReference},
				{"clusters[0].cloud", MsgRemoteFieldSet},
				{"clusters[0].region", MsgRemoteFieldSet},
				{"clusters[1].stackReference", MsgInClusterNeedsRemote},
				{"identities", MsgIdentitiesInCluster},
			},
		},
		{
			name: "a cluster stack with in-cluster sections",
			body: `
config:
  fleetform:stack: {layers: cluster}
  fleetform:clusters:
    - {name: one, cloud: existing}
  fleetform:platform:
    monitoring: {enabled: false}
  fleetform:environments:
    - {name: qa, cluster: one}
`,
			want: []struct{ path, msg string }{
				{"platform", MsgSectionOtherLayer},
				{"environments", MsgSectionOtherLayer},
				{"clusters[0].kubeconfig.path", MsgExportedKubeconfig},
			},
		},
		{
			name: "unknown layers and runner network",
			body: `
config:
  fleetform:stack: {layers: platform, runnerNetwork: vpn, runner: "a b"}
`,
			want: []struct{ path, msg string }{
				{"stack.layers", "supported values"},
				{"stack.runnerNetwork", "supported values"},
				{"stack.runner", MsgRunnerLabel},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps := problems(t, tc.body, Offline)
			for _, w := range tc.want {
				if !hasProblem(ps, w.path, w.msg) {
					t.Errorf("want a problem at %s with %q; got %v", w.path, w.msg, ps)
				}
			}
		})
	}
}

func TestPrivateAPIServerNeedsARunnerThatReachesIt(t *testing.T) {
	body := `
config:
  fleetform:clusters:
    - name: one
      cloud: aws
      region: us-east-1
      environment: prod
      nodePools: [{name: a, instanceTypes: [m6i.large], minSize: 1, desiredSize: 1, maxSize: 2}]
  fleetform:identities:
    admins: [a]
    groups: {a: {aws: "arn:aws:iam::111122223333:role/a"}}
  fleetform:platform:
    monitoring: {enabled: false}
`
	ps := problems(t, body, Offline)
	if !hasProblem(ps, "stack.runnerNetwork", "API server of cluster one is private") {
		t.Errorf("a prod EKS cluster (private by default) deployed into from a public runner: got %v, want the runnerNetwork problem", ps)
	}
	for _, fix := range []string{"stack.layers: cluster", "stack.runnerNetwork: cluster"} {
		fixed := strings.Replace(body, "config:\n", "config:\n  fleetform:stack: {"+strings.Replace(fix, "stack.", "", 1)+"}\n", 1)
		if strings.Contains(fix, "layers") {
			fixed = strings.Replace(fixed, "  fleetform:platform:\n    monitoring: {enabled: false}\n", "", 1)
		}
		if ps := problems(t, fixed, Offline); hasProblem(ps, "stack.runnerNetwork", "is private") {
			t.Errorf("with %s: got %v, want no runnerNetwork problem", fix, ps)
		}
	}
}
