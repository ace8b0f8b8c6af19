package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	kubeconfigfile "github.com/fleetform/fleetform/components/existing/kubeconfig"
)

// twoClusters holds clusters dev and dev-aws; each case adds environments and releases.
const twoClusters = `
config:
  fleetform:platform:
    monitoring:
      enabled: false
  fleetform:clusters:
    - name: dev
      cloud: existing
    - name: dev-aws
      cloud: existing
`

func TestDerivedNameCollisions(t *testing.T) {
	canary := "      strategy:\n        canary:\n          steps:\n            - setWeight: 50\n"
	cases := []struct {
		name      string
		body      string
		wantPaths []string
	}{
		{
			name:      "environments",
			body:      twoClusters + "  fleetform:environments:\n    - {name: aws-qa, cluster: dev}\n    - {name: qa, cluster: dev-aws}\n",
			wantPaths: []string{"environments[0].name", "environments[1].name"},
		},
		{
			name: "releases in one cluster",
			body: twoClusters + "  fleetform:environments:\n    - {name: qa, cluster: dev}\n    - {name: qa-web, cluster: dev}\n" +
				"  fleetform:releases:\n    - name: web-api\n      image: example.com/a:1.0.0\n" + canary + "      environments: {qa: {}}\n" +
				"    - name: api\n      image: example.com/a:1.0.0\n" + canary + "      environments: {qa-web: {}}\n",
			wantPaths: []string{"releases[0].environments[qa]", "releases[1].environments[qa-web]"},
		},
		{
			name:      "no collision",
			body:      twoClusters + "  fleetform:environments:\n    - {name: qa, cluster: dev}\n    - {name: qa, cluster: dev-aws}\n",
			wantPaths: nil,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := problems(t, tc.body, Offline)
			var paths []string
			for _, p := range got {
				if strings.Contains(p.Detail, MsgDerivedNameCollision) {
					paths = append(paths, p.Field)
				}
			}
			if strings.Join(paths, " ") != strings.Join(tc.wantPaths, " ") {
				t.Fatalf("collisions at %v, want %v (all problems: %v)", paths, tc.wantPaths, got)
			}
			for _, p := range got {
				if strings.Contains(p.Detail, MsgDerivedNameCollision) && !strings.Contains(p.Detail, "(environments[") && !strings.Contains(p.Detail, "(releases[") {
					t.Errorf("%s: %q names no other field path", p.Field, p.Detail)
				}
			}
		})
	}
}

func TestEmptySecretRefused(t *testing.T) {
	src := &fakeConfig{
		values: map[string]string{
			"fleetform:clusters":     `[{"name":"one","cloud":"existing"}]`,
			"fleetform:environments": `[{"name":"qa","cluster":"one"}]`,
			"fleetform:platform":     `{"monitoring":{"grafanaAdminPassword":"grafana"}}`,
			"fleetform:grafana":      "",
		},
		secrets: map[string]bool{"fleetform:grafana": true},
	}
	cfg, err := FromContext(src, "dev")
	if err != nil {
		t.Fatal(err)
	}
	_, err = cfg.Prepare(Deploy)
	if err == nil || !strings.Contains(err.Error(), "platform.monitoring.grafanaAdminPassword: Invalid value: \"grafana\": "+MsgSecretEmpty) {
		t.Fatalf("got %v, want %q at platform.monitoring.grafanaAdminPassword", err, MsgSecretEmpty)
	}
	// An encrypted value an offline plan did not decrypt is not empty.
	body := minimal + "  fleetform:platform:\n    monitoring:\n      grafanaAdminPassword: grafana\n  fleetform:grafana:\n    secure: v1:AAAA\n"
	if got := problems(t, body, Deploy); got != nil {
		t.Fatalf("an undecrypted secret: got %v, want none", got)
	}
}

func TestExistingKubeconfigChecked(t *testing.T) {
	dir := t.TempDir()
	kc := filepath.Join(dir, "config")
	if err := os.WriteFile(kc, []byte("apiVersion: v1\nkind: Config\ncontexts:\n- name: kind-one\n  context: {cluster: one, user: one}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	body := func(path, context string) string {
		return strings.Replace(minimal, "        context: kind-one", "        path: "+path+"\n        context: "+context, 1) +
			"  fleetform:platform:\n    monitoring:\n      enabled: false\n"
	}
	cases := []struct {
		name, path, context string
		mode                Mode
		wantPath, wantMsg   string
	}{
		{"context in the file", kc, "kind-one", Deploy, "", ""},
		{"no such context", kc, "kind-two", Deploy, "clusters[0].kubeconfig.context", kubeconfigfile.MsgNoContext},
		{"no such context offline", kc, "kind-two", Offline, "clusters[0].kubeconfig.context", kubeconfigfile.MsgNoContext},
		{"missing file", filepath.Join(dir, "none"), "kind-one", Deploy, "clusters[0].kubeconfig.path", kubeconfigfile.MsgFileMissing},
		{"missing file offline", filepath.Join(dir, "none"), "kind-one", Offline, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := problems(t, body(tc.path, tc.context), tc.mode)
			if tc.wantPath == "" {
				if got != nil {
					t.Fatalf("got %v, want none", got)
				}
				return
			}
			if len(got) != 1 || got[0].Field != tc.wantPath || !strings.Contains(got[0].Detail, tc.wantMsg) {
				t.Fatalf("got %v, want one problem at %s: %s", got, tc.wantPath, tc.wantMsg)
			}
		})
	}
}
