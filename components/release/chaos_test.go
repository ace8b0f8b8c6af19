package release

import (
	"errors"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/chaos"
)

const typeSchedule = "kubernetes:chaos-mesh.org/v1alpha1:Schedule"

func chaosSpec() Spec {
	s := canarySpec("storefront")
	s.Environments = map[string]Override{"qa": {}, "e2e": {}, "prod": {}}
	s.Chaos = []chaos.Experiment{
		{Name: "kill", Action: chaos.ActionPodKill, Schedule: "*/30 * * * *", Environments: []string{"qa"}},
		{Name: "slow", Action: chaos.ActionNetworkDelay, Schedule: "@hourly", Environments: []string{"qa", "e2e"},
			NetworkDelay: &chaos.NetworkDelay{Latency: "100ms"}},
	}
	return s
}

// Each environment gets the Schedules of the experiments that name it, and only
// those; each waits for the Chaos Mesh install and the namespace, targets the
// release's pods in its namespace and carries the release's label.
func TestChaosSchedulesPerEnvironment(t *testing.T) {
	base := chaosSpec()
	for env, want := range map[string][]string{"qa": {"storefront-chaos-kill", "storefront-chaos-slow"}, "e2e": {"storefront-chaos-slow"}, "prod": nil} {
		t.Run(env, func(t *testing.T) {
			p := runWithMarkers(t, "cluster", "storefront-"+env, func(mk func(string) pulumi.Resource) *Args {
				args := testArgs(base.For(env), env)
				args.NamespaceReady, args.ChaosReady = mk("ns"), mk("chaos")
				return args
			})
			urns := map[string]string{}
			for _, r := range p.ByType("kubernetes:core/v1:ConfigMap") {
				urns[r.Name] = r.URN
			}
			var got []string
			for _, r := range p.ByType(typeSchedule) {
				name, _ := get(t, r.Inputs, "metadata", "name").(string)
				got = append(got, name)
				if ns := get(t, r.Inputs, "metadata", "namespace"); ns != env {
					t.Errorf("%s in namespace %v, want %s", name, ns, env)
				}
				if l := get(t, r.Inputs, "metadata", "labels", LabelName); l != "storefront" {
					t.Errorf("%s carries %s=%v, want the release's", name, LabelName, l)
				}
				typ, _ := get(t, r.Inputs, "spec", "type").(string)
				key := map[string]string{"PodChaos": "podChaos", "NetworkChaos": "networkChaos"}[typ]
				if sel := get(t, r.Inputs, "spec", key, "selector", "labelSelectors", LabelName); sel != "storefront" {
					t.Errorf("%s selects %v, want the release's pods", name, sel)
				}
				for _, dep := range []string{"marker-ns", "marker-chaos"} {
					if !slices.Contains(r.Dependencies, urns[dep]) {
						t.Errorf("%s does not wait for %s: %v", name, dep, r.Dependencies)
					}
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("schedules %v, want %v", got, want)
			}
		})
	}
}

func TestChaosNeedsChaosMesh(t *testing.T) {
	base := chaosSpec()
	_, err := runReleaseE(testArgs(base.For("qa"), "qa"))
	if !errors.Is(err, ErrNoChaos) {
		t.Errorf("New without Chaos Mesh: %v, want ErrNoChaos", err)
	}
	if _, err := runReleaseE(testArgs(base.For("prod"), "prod")); err != nil {
		t.Errorf("an environment with no experiment needs no Chaos Mesh: %v", err)
	}
}
