package stacks

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/release"
)

// crossBase is a valid stack with two clusters, qa on one and prod on both, and one
// app with an ingress in prod only; the cases switch platform addons off under it.
const crossBase = `
config:
  fleetform:clusters:
    - name: one
      cloud: existing
      kubeconfig: {context: kind-one}
    - name: two
      cloud: existing
      kubeconfig: {context: kind-two}
  fleetform:environments:
    - {name: qa, cluster: one}
    - {name: prod, cluster: one, tier: prod}
    - {name: prod, cluster: two, tier: prod}
  fleetform:releases:
    - name: web
      image: example.com/web:1.0.0
      ports: [{name: http, containerPort: 8080}]
      strategy:
        canary:
          steps: [{setWeight: 50}]
      environments:
        qa: {}
        prod:
          ingress: {host: web.example.com, paths: [/]}
          strategy:
            canary:
              steps: [{setWeight: 20}, {analysis: true}]
`

// TestReleasesAgainstThePlatform: what the platform section switches off is checked
// against every release before anything is built, each problem at its own path.
func TestReleasesAgainstThePlatform(t *testing.T) {
	type problem struct{ path, detail string }
	cases := []struct {
		name                          string
		rollouts, ingress, monitoring bool
		want                          []problem
	}{
		{"everything on", true, true, true, nil},
		{"rollouts off", false, true, true, []problem{{"releases[0]", release.MsgNeedsRollouts}}},
		{"ingress off", true, false, true, []problem{{"releases[0].environments[prod].ingress", release.MsgNeedsIngressController}}},
		{"monitoring off", true, true, false, []problem{{"releases[0].environments[prod].strategy", release.MsgNeedsPrometheus}}},
		{"all three off", false, false, false, []problem{
			{"releases[0]", release.MsgNeedsRollouts},
			{"releases[0].environments[prod].ingress", release.MsgNeedsIngressController},
			{"releases[0].environments[prod].strategy", release.MsgNeedsPrometheus},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := crossBase + fmt.Sprintf(`  fleetform:platform:
    edge: ingress-nginx
    logging: {enabled: false}
    rollouts: {enabled: %t}
    ingress: {enabled: %t}
    monitoring: {enabled: %t, grafanaAdminPassword: grafana}
`, tc.rollouts, tc.ingress, tc.monitoring)
			var got []problem
			for _, p := range problems(t, body, Offline) {
				got = append(got, problem{p.Field, p.Detail})
			}
			sort.Slice(got, func(i, j int) bool { return got[i].path < got[j].path })
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("problem %d = %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// TestLatestRefusedOnTheStrictestTier: an environment name on two clusters with
// different tiers is checked against the one that pins images, as the program
// builds the release on both.
func TestLatestRefusedOnTheStrictestTier(t *testing.T) {
	body := strings.Replace(crossBase, "{name: prod, cluster: one, tier: prod}", "{name: prod, cluster: one, tier: qa}", 1)
	body = strings.Replace(body, "image: example.com/web:1.0.0", "image: example.com/web:latest", 1)
	body += "  fleetform:platform:\n    edge: ingress-nginx\n    logging: {enabled: false}\n    monitoring: {grafanaAdminPassword: grafana}\n"
	got := problems(t, body, Offline)
	if len(got) != 1 || got[0].Field != "releases[0].environments[prod].image" || got[0].Detail != release.MsgImageLatest {
		t.Fatalf("got %v, want one %q at releases[0].environments[prod].image", got, release.MsgImageLatest)
	}
}

// TestCrossSectionFilesHaveOneProblem keeps the seeded files of tests/testdata/bad,
// which the whole-program test runs under mocks, valid but for their one
// cross-section problem.
func TestCrossSectionFilesHaveOneProblem(t *testing.T) {
	want := map[string]struct{ path, detail string }{
		"release-rollouts-off.yaml":            {"releases[0]", release.MsgNeedsRollouts},
		"release-ingress-off.yaml":             {"releases[0].environments[qa].ingress", release.MsgNeedsIngressController},
		"release-analysis-monitoring-off.yaml": {"releases[0].strategy", release.MsgNeedsPrometheus},
	}
	for name, w := range want {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "tests", "testdata", "bad", name))
			if err != nil {
				t.Fatal(err)
			}
			got := problems(t, string(data), Deploy)
			if len(got) != 1 || got[0].Field != w.path || got[0].Detail != w.detail {
				t.Fatalf("got %v, want only %q at %s", got, w.detail, w.path)
			}
		})
	}
}
