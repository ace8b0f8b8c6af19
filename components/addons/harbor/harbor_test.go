package harbor

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/internal/secret"
)

func secretString(s string) pulumi.StringOutput {
	return pulumi.ToSecret(pulumi.String(s)).(pulumi.StringOutput)
}

func testArgs() *Args {
	return &Args{Namespace: pulumi.String("harbor"), Host: "harbor.example.com", TLSSecretName: "harbor-tls",
		IngressClass: "nginx", StorageClass: "managed-csi", RegistryStorageSize: "1Ti",
		AdminPassword: secretString("admin-pw"), SecretKey: secretString("0123456789abcdef"),
		DatabasePassword: secretString("db-pw"), Trivy: Trivy{Enabled: true},
		PullUsername: "robot$pull", PullPassword: secretString("pull-token")}
}

func dig(m any, path ...string) any {
	for _, k := range path {
		mm, ok := m.(map[string]any)
		if !ok {
			return nil
		}
		m = mm[k]
	}
	return m
}

func TestHarbor(t *testing.T) {
	var pull internals.UnsafeAwaitOutputResult
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		h, err := New(ctx, "c1-harbor", testArgs())
		if err != nil {
			return nil, err
		}
		pull, err = internals.UnsafeAwaitOutput(ctx.Context(), h.PullPassword)
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if !pull.Secret {
		t.Error("pull password output is not a secret")
	}
	rel := p.ByType("kubernetes:helm.sh/v3:Release")[0]
	v := rel.Inputs["values"].(map[string]any)
	if v["existingSecretAdminPassword"] != AdminSecret || v["externalURL"] != "https://harbor.example.com" {
		t.Errorf("values = %v, want the admin password from %s and the external URL", v, AdminSecret)
	}
	reg := dig(v, "persistence", "persistentVolumeClaim", "registry").(map[string]any)
	if reg["storageClass"] != "managed-csi" || reg["size"] != "1Ti" {
		t.Errorf("registry volume = %v, want 1Ti on managed-csi", reg)
	}
	tls := dig(v, "expose", "tls").(map[string]any)
	if tls["certSource"] != "secret" || dig(tls, "secret", "secretName") != "harbor-tls" {
		t.Errorf("expose.tls = %v, want the harbor-tls Secret", tls)
	}
	secrets := map[string]*plan.Resource{}
	for _, s := range p.ByType("kubernetes:core/v1:Secret") {
		secrets[dig(s.Inputs, "metadata", "name").(string)] = s
		if s.Inputs["stringData"] != plan.Secret {
			t.Errorf("Secret %s stringData = %v, want %s", s.Name, s.Inputs["stringData"], plan.Secret)
		}
	}
	for _, name := range []string{AdminSecret, SecretKeySecret, DatabaseSecret} {
		s := secrets[name]
		if s == nil {
			t.Errorf("no Secret %s among %v", name, secrets)
			continue
		}
		if !slices.Contains(rel.Dependencies, s.URN) {
			t.Errorf("the release does not wait for Secret %s", name)
		}
	}
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{"admin-pw", "0123456789abcdef", "db-pw", "pull-token"} {
		if strings.Contains(string(b), plain) {
			t.Errorf("plan holds the plain secret %q", plain)
		}
	}
}

// TestValues pins what keeps Harbor off the chart's published defaults and safe to upgrade.
func TestValues(t *testing.T) {
	envFromSecret := []any{map[string]any{"name": PostgresPasswordEnv, "valueFrom": map[string]any{
		"secretKeyRef": map[string]any{"name": DatabaseSecret, "key": DatabasePasswordKey}}}}
	ext := &ExternalDatabase{Host: "harbor-db.example.com", Port: 5432, Username: "harbor", Database: "registry", SSLMode: "verify-full"}
	for _, tc := range []struct {
		name   string
		mutate func(*Args)
		want   map[string]any // dotted path -> value; nil value means absent
	}{
		{"bundled database", func(*Args) {}, map[string]any{
			"existingSecretSecretKey":                    SecretKeySecret,
			"updateStrategy.type":                        RecreateStrategy,
			"database.type":                              "internal",
			"database.internal.password":                 "",
			"database.internal.extraEnvVars":             envFromSecret,
			"database.external.existingSecret":           DatabaseSecret,
			"persistence.persistentVolumeClaim.database": map[string]any{"storageClass": "managed-csi", "size": DatabaseSize},
			"expose.ingress.annotations":                 nil,
			"secretKey":                                  nil,
			"trivy.enabled":                              true,
			"trivy.dbRepository":                         toList(DefaultTrivyDBRepositories),
			"trivy.javaDBRepository":                     toList(DefaultTrivyJavaDBRepositories),
			"trivy.offlineScan":                          false,
		}},
		{"external database", func(a *Args) { a.ExternalDatabase = ext }, map[string]any{
			"database.type":                              "external",
			"database.external.host":                     "harbor-db.example.com",
			"database.external.port":                     "5432",
			"database.external.username":                 "harbor",
			"database.external.coreDatabase":             "registry",
			"database.external.sslmode":                  "verify-full",
			"database.external.existingSecret":           DatabaseSecret,
			"database.external.password":                 nil,
			"database.internal":                          nil,
			"persistence.persistentVolumeClaim.database": nil,
		}},
		{"trivy from a mirror", func(a *Args) {
			a.Trivy = Trivy{Enabled: true, DBRepositories: []string{"harbor.example.com/ghcr/aquasecurity/trivy-db"}, OfflineScan: true}
		}, map[string]any{
			"trivy.dbRepository":     []any{"harbor.example.com/ghcr/aquasecurity/trivy-db"},
			"trivy.javaDBRepository": toList(DefaultTrivyJavaDBRepositories),
			"trivy.offlineScan":      true,
		}},
		{"trivy off", func(a *Args) { a.Trivy = Trivy{} }, map[string]any{
			"trivy": map[string]any{"enabled": false},
			"persistence.persistentVolumeClaim.trivy": nil,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := testArgs()
			tc.mutate(a)
			v := Values(a)
			for path, want := range tc.want {
				got := dig(v, strings.Split(path, ".")...)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %#v, want %#v", path, got, want)
				}
			}
		})
	}
}

func TestSecretKeyLength(t *testing.T) {
	for _, tc := range []struct {
		key     string
		wantErr bool
	}{{"0123456789abcdef", false}, {secret.Placeholder, false}, {"too-short", true}, {"0123456789abcdef0", true}} {
		t.Run(tc.key, func(t *testing.T) {
			_, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				a := testArgs()
				a.SecretKey = secretString(tc.key)
				_, err := New(ctx, "c1-harbor", a)
				return nil, err
			}, plan.Options{Project: "fleetform", Stack: "test"})
			if gotErr := err != nil && strings.Contains(err.Error(), MsgSecretKeyLength); gotErr != tc.wantErr {
				t.Errorf("secret key of %d characters: err = %v, want a %q error: %v", len(tc.key), err, MsgSecretKeyLength, tc.wantErr)
			}
		})
	}
}

func TestArgsRequired(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*Args)
		want   string
	}{
		{"no secret key", func(a *Args) { a.SecretKey = nil }, MsgSecretsRequired},
		{"no database password", func(a *Args) { a.DatabasePassword = nil }, MsgSecretsRequired},
		{"no host", func(a *Args) { a.Host = "" }, MsgEdgeRequired},
		{"external database without host", func(a *Args) {
			a.ExternalDatabase = &ExternalDatabase{Port: 5432, Username: "u", Database: "registry", SSLMode: "require"}
		}, MsgExternalDatabase},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := testArgs()
			tc.mutate(a)
			if err := a.check(); err == nil || err.Error() != tc.want {
				t.Errorf("check: got %v, want %q", err, tc.want)
			}
		})
	}
}
