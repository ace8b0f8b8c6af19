package stacks

import (
	"errors"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/release"
)

// minimal is a valid stack body that the cases below break one field at a time.
const minimal = `
config:
  fleetform:clusters:
    - name: one
      cloud: existing
      kubeconfig:
        context: kind-one
  fleetform:environments:
    - name: qa
      cluster: one
  fleetform:releases:
    - name: web
      image: example.com/web:1.0.0
      strategy:
        canary:
          steps:
            - setWeight: 50
      environments:
        qa: {}
`

// problems parses and prepares a stack file and returns its problems (nil when valid).
func problems(t *testing.T, body string, mode Mode) field.ErrorList {
	t.Helper()
	cfg, err := Parse([]byte(body), "Pulumi.test.yaml", "test")
	if err == nil {
		_, err = cfg.Prepare(mode)
	}
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %T %v, want *stacks.Error", err, err)
	}
	if e.Source != "Pulumi.test.yaml" {
		t.Errorf("error source = %q, want the file name", e.Source)
	}
	return e.Problems
}

func TestValidMinimal(t *testing.T) {
	// Monitoring is on by default and then needs the Grafana admin password secret.
	if p := problems(t, minimal+"  fleetform:platform:\n    monitoring:\n      enabled: false\n", Deploy); p != nil {
		t.Fatalf("minimal config: got problems %v, want none", p)
	}
}

func TestProblems(t *testing.T) {
	awsCluster := func(network string) string {
		return `
config:
  fleetform:clusters:
    - name: one
      cloud: aws
      region: us-east-1
      network:` + network + `
      nodePools:
        - name: general
          instanceTypes: [t3.large]
          minSize: 1
          desiredSize: 1
          maxSize: 2
`
	}
	cases := []struct {
		name      string
		body      string
		wantPath  string
		wantInMsg string
	}{
		{"malformed YAML", "config:\n  fleetform:clusters: [\n", "<nil>", "malformed YAML"},
		{"unknown top-level key", "confg: {}\n", "confg", "unknown top-level key"},
		{"unknown section", "config:\n  fleetform:clustrs:\n    - name: a\n", "clustrs", "unknown config key"},
		{"unknown nested key", strings.Replace(minimal, "context: kind-one", "context: kind-one\n        contxt: x", 1), "clusters[0].kubeconfig.contxt", "unknown field"},
		{"wrong type string", strings.Replace(minimal, "image: example.com/web:1.0.0", "image: [a, b]", 1), "releases[0].image", "must be a string"},
		{"wrong type int", strings.Replace(minimal, "setWeight: 50", "setWeight: fifty", 1), "releases[0].strategy.canary.steps[0].setWeight", "must be an integer"},
		{"unquoted version", strings.Replace(minimal, "cloud: existing", "cloud: existing\n      kubernetesVersion: 1.30", 1), "clusters[0].kubernetesVersion", "quote numbers"},
		{"invalid CIDR", awsCluster("\n        vpcCidr: 10.0.0.0/33\n        zones: 2"), "clusters[0].network.vpcCidr", cluster.MsgBadCIDR},
		{"host bits set", awsCluster("\n        vpcCidr: 10.0.0.1/16\n        zones: 2"), "clusters[0].network.vpcCidr", cluster.MsgBadCIDR},
		{"overlapping CIDRs", awsCluster("\n        vpcCidr: 10.0.0.0/16\n        serviceCidr: 10.0.128.0/20\n        zones: 2"), "clusters[0].network.serviceCidr", cluster.MsgOverlap},
		{"duplicate cluster", strings.Replace(minimal, "  fleetform:environments:", "    - name: one\n      cloud: existing\n  fleetform:environments:", 1), "clusters[1].name", "Duplicate value"},
		{"not a DNS label", strings.Replace(minimal, "- name: one", "- name: One_1", 1), "clusters[0].name", MsgNotDNSLabel},
		{"dangling cluster reference", strings.Replace(minimal, "cluster: one", "cluster: two", 1), "environments[0].cluster", MsgNoSuchCluster},
		{"dangling environment reference", strings.Replace(minimal, "        qa: {}", "        prod: {}", 1), `releases[0].environments[prod]`, MsgNoSuchEnv},
		{"no strategy", strings.Replace(minimal, "strategy:\n        canary:\n          steps:\n            - setWeight: 50", "strategy: {}", 1), "releases[0].strategy", release.MsgOneStrategy},
		{"two strategies", strings.Replace(minimal, "            - setWeight: 50", "            - setWeight: 50\n        blueGreen: {}", 1), "releases[0].strategy", release.MsgOneStrategy},
		{"pool bounds", strings.Replace(awsCluster("\n        zones: 2"), "minSize: 1", "minSize: 2", 1), "clusters[0].nodePools[0]", cluster.MsgPoolBounds},
		{"plain-text secret", minimal + "  fleetform:harborAdminPassword: hunter2\n", "harborAdminPassword", MsgUnknownConfigKey},
		{"bad stack reference", minimal + "  fleetform:stackReferences:\n    - name: hub\n      stack: prod\n", "stackReferences[0].stack", MsgStackRefFormat},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := problems(t, tc.body, Offline)
			if len(got) == 0 {
				t.Fatalf("got no problems, want one at %q", tc.wantPath)
			}
			for _, p := range got {
				if p.Field == tc.wantPath && strings.Contains(p.Error(), tc.wantInMsg) {
					return
				}
			}
			t.Errorf("got %v, want a problem at %q containing %q", got, tc.wantPath, tc.wantInMsg)
		})
	}
}

func TestFiveMistakesReportedAtOnce(t *testing.T) {
	cfg, err := LoadFile("testdata/five-mistakes.yaml", "test")
	if err != nil {
		t.Fatalf("decoding: %v", err)
	}
	_, err = cfg.Prepare(Offline)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want *stacks.Error", err)
	}
	want := []string{"clusters[0].name", "clusters[0].network.vpcCidr", "clusters[0].nodePools[0]", "environments[0].cluster", "releases[0].strategy"}
	for _, w := range want {
		found := false
		for _, p := range e.Problems {
			found = found || p.Field == w
		}
		if !found {
			t.Errorf("no problem reported at %s; got:\n%v", w, err)
		}
	}
	if !strings.HasPrefix(err.Error(), "testdata/five-mistakes.yaml: ") {
		t.Errorf("message %q does not start with the file name", err.Error())
	}
}

func TestSecrets(t *testing.T) {
	withRef := minimal + `  fleetform:platform:
    monitoring:
      grafanaAdminPassword: grafanaAdminPassword
`
	t.Run("missing secret fails a deploy", func(t *testing.T) {
		got := problems(t, withRef, Deploy)
		if len(got) != 1 || got[0].Field != "platform.monitoring.grafanaAdminPassword" || !strings.Contains(got[0].Error(), MsgSecretNotSet) {
			t.Fatalf("got %v, want one %q problem at platform.monitoring.grafanaAdminPassword", got, MsgSecretNotSet)
		}
	})
	t.Run("missing secret warns offline", func(t *testing.T) {
		cfg, err := Parse([]byte(withRef), "Pulumi.test.yaml", "test")
		if err != nil {
			t.Fatal(err)
		}
		warnings, err := cfg.Prepare(Offline)
		if err != nil {
			t.Fatalf("offline: got %v, want no error", err)
		}
		if len(warnings) != 1 || !strings.Contains(warnings[0], "redacted placeholder") {
			t.Fatalf("warnings = %v, want one about a redacted placeholder", warnings)
		}
	})
	t.Run("encrypted secret is accepted", func(t *testing.T) {
		body := withRef + "  fleetform:grafanaAdminPassword:\n    secure: v1:AAAA\n"
		if got := problems(t, body, Deploy); got != nil {
			t.Fatalf("got %v, want none", got)
		}
	})
	t.Run("plain secret is refused", func(t *testing.T) {
		body := withRef + "  fleetform:grafanaAdminPassword: hunter2\n"
		got := problems(t, body, Offline)
		if len(got) != 1 || !strings.Contains(got[0].Error(), MsgSecretPlainText) {
			t.Fatalf("got %v, want %q", got, MsgSecretPlainText)
		}
		if strings.Contains(got.ToAggregate().Error(), "hunter2") {
			t.Fatalf("the message leaks the secret value: %v", got)
		}
	})
}

func TestFromEngine(t *testing.T) {
	raw := map[string]string{
		"fleetform:clusters":               `[{"name":"one","cloud":"existing"}]`,
		"fleetform:environments":           `[{"name":"qa","cluster":"one"}]`,
		"fleetform:platform":               `{"monitoring":{"grafanaAdminPassword":"grafana"}}`,
		"fleetform:grafana":                "s3cret",
		"kubernetes:enableServerSideApply": "true",
	}
	cfg, err := FromEngine(raw, []string{"fleetform:grafana"}, "dev")
	if err != nil {
		t.Fatalf("FromEngine: %v", err)
	}
	if _, err := cfg.Prepare(Deploy); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	if v := cfg.Secrets["grafana"]; !v.Secure || v.Plain != "s3cret" {
		t.Errorf("secret = %+v, want secure with its value", v)
	}
	if cfg.ProviderConfig["kubernetes:enableServerSideApply"] != "true" {
		t.Errorf("provider config not passed through: %v", cfg.ProviderConfig)
	}
	_, err = FromEngine(map[string]string{"fleetform:clusters": `[{"name":"one","clod":"aws"}]`}, nil, "dev")
	if err == nil || !strings.Contains(err.Error(), "clusters[0].clod") {
		t.Fatalf("got %v, want an unknown-field error at clusters[0].clod", err)
	}
}

// fakeConfig is a ConfigSource over a map, as *pulumi.Context is over the engine's.
type fakeConfig struct {
	values  map[string]string
	secrets map[string]bool
	reads   []string
}

func (f *fakeConfig) GetConfig(k string) (string, bool) {
	f.reads = append(f.reads, k)
	v, ok := f.values[k]
	return v, ok
}
func (f *fakeConfig) IsConfigSecret(k string) bool { return f.secrets[k] }

func TestFromContext(t *testing.T) {
	src := &fakeConfig{
		values: map[string]string{
			"fleetform:clusters":     `[{"name":"one","cloud":"existing"}]`,
			"fleetform:environments": `[{"name":"qa","cluster":"one"}]`,
			"fleetform:platform":     `{"monitoring":{"grafanaAdminPassword":"grafana"}}`,
			"fleetform:grafana":      "s3cret",
			"fleetform:unrelated":    "never read",
		},
		secrets: map[string]bool{"fleetform:grafana": true},
	}
	cfg, err := FromContext(src, "dev")
	if err != nil {
		t.Fatalf("FromContext: %v", err)
	}
	if _, err := cfg.Prepare(Deploy); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	if v := cfg.Secrets["grafana"]; !v.Secure || v.Plain != "s3cret" {
		t.Errorf("secret = %+v, want secure with its value", v)
	}
	for _, k := range src.reads {
		if k == "fleetform:unrelated" {
			t.Errorf("read %s, which no section refers to", k)
		}
	}

	src.secrets = nil // the same value set without --secret
	cfg, err = FromContext(src, "dev")
	if err != nil {
		t.Fatalf("FromContext: %v", err)
	}
	if _, err := cfg.Prepare(Deploy); err == nil || !strings.Contains(err.Error(), MsgSecretPlainText) {
		t.Fatalf("plain-text secret: got %v, want %q", err, MsgSecretPlainText)
	}

	src.secrets = map[string]bool{"fleetform:clusters": true}
	if _, err := FromContext(src, "dev"); err == nil || !strings.Contains(err.Error(), "clusters") {
		t.Fatalf("secret section: got %v, want an error at clusters", err)
	}
}

func TestRepositoryStackFiles(t *testing.T) {
	for _, stack := range []string{"dev", "prod", "local"} {
		t.Run(stack, func(t *testing.T) {
			cfg, err := LoadFile(StackFile("..", stack), stack)
			if err != nil {
				t.Fatalf("decoding: %v", err)
			}
			if _, err := cfg.Prepare(Offline); err != nil {
				t.Fatalf("validating: %v", err)
			}
			// A deploy needs the secrets, which are never in the file; every stack names some
			// (local its Grafana password), so a deploy validation must refuse each.
			if len(cfg.SecretRefs()) == 0 {
				t.Fatalf("stack %s names no secret; this test proves nothing of deploy validation", stack)
			}
			if _, err := cfg.Validate(Deploy); err == nil || !strings.Contains(err.Error(), MsgSecretNotSet) {
				t.Fatalf("deploy validation: got %v, want %q problems for the unset secrets", err, MsgSecretNotSet)
			}
		})
	}
}

// A Harbor secret key of the wrong length is refused at its path before anything
// registers, and the message never holds the value.
func TestHarborSecretKeyLengthValidated(t *testing.T) {
	for _, tc := range []struct {
		name, key string
		wantErr   bool
	}{
		{"16 characters", "0123456789abcdef", false},
		{"too long", "0123456789abcdef-too-long", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &fakeConfig{
				values: map[string]string{
					"fleetform:clusters":     `[{"name":"one","cloud":"existing"}]`,
					"fleetform:environments": `[{"name":"qa","cluster":"one"}]`,
					"fleetform:platform":     `{"monitoring":{"enabled":false},"harbor":{"secretKey":"hk"}}`,
					"fleetform:hk":           tc.key,
				},
				secrets: map[string]bool{"fleetform:hk": true},
			}
			cfg, err := FromContext(src, "dev")
			if err != nil {
				t.Fatal(err)
			}
			errs := cfg.validateSecretValues()
			if got := len(errs) > 0; got != tc.wantErr {
				t.Fatalf("errors %v, want an error: %v", errs, tc.wantErr)
			}
			if tc.wantErr {
				if msg := errs.ToAggregate().Error(); !strings.Contains(msg, "platform.harbor.secretKey") || strings.Contains(msg, tc.key) {
					t.Errorf("message %q: want the field path and not the value", msg)
				}
			}
		})
	}
}
