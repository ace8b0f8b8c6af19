package kubeconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

const fixture = "../testdata/kubeconfig.yaml"

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	noCurrent := filepath.Join(dir, "no-current.yaml")
	if err := os.WriteFile(noCurrent, []byte("apiVersion: v1\nkind: Config\ncontexts:\n- name: a\n  context: {cluster: a, user: a}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.yaml")
	tests := []struct {
		name          string
		path, context string
		deploy        bool
		env           string // KUBECONFIG for the default lookup
		wantField     string
		wantDetail    string
	}{
		{name: "context in the file", path: fixture, context: "minikube", deploy: true},
		{name: "current context", path: fixture, deploy: true},
		{name: "no such context", path: fixture, context: "prod", deploy: true, wantField: "clusters[0].kubeconfig.context", wantDetail: MsgNoContext},
		{name: "no such context offline", path: fixture, context: "prod", wantField: "clusters[0].kubeconfig.context", wantDetail: MsgNoContext},
		{name: "not a kubeconfig", path: "../testdata/not-a-kubeconfig.yaml", deploy: true, wantField: "clusters[0].kubeconfig.path", wantDetail: MsgBadFile},
		{name: "no current context", path: noCurrent, deploy: true, wantField: "clusters[0].kubeconfig.context", wantDetail: MsgNoCurrentContext},
		{name: "missing file deploy", path: missing, deploy: true, wantField: "clusters[0].kubeconfig.path", wantDetail: MsgFileMissing},
		{name: "missing file offline", path: missing},
		{name: "default lookup finds the context", context: "minikube", deploy: true, env: fixture},
		{name: "default lookup lacks the context", context: "prod", deploy: true, env: fixture, wantField: "clusters[0].kubeconfig.context", wantDetail: MsgNoContext},
		{name: "default lookup offline is not read", context: "prod", env: fixture},
		{name: "default lookup finds nothing", context: "prod", deploy: true, env: missing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("KUBECONFIG", tc.env)
			t.Setenv("HOME", dir) // no ~/.kube/config
			errs := Check(field.NewPath("clusters").Index(0).Child("kubeconfig"), tc.path, tc.context, tc.deploy)
			if tc.wantField == "" {
				if len(errs) != 0 {
					t.Fatalf("got %v, want no problem", errs)
				}
				return
			}
			if len(errs) != 1 {
				t.Fatalf("got %d problems %v, want 1", len(errs), errs)
			}
			if errs[0].Field != tc.wantField || !contains(errs[0].Detail, tc.wantDetail) {
				t.Errorf("got %s: %s; want %s: %s", errs[0].Field, errs[0].Detail, tc.wantField, tc.wantDetail)
			}
		})
	}
}

func contains(s, sub string) bool { return sub != "" && strings.Contains(s, sub) }
