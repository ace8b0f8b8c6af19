package harbor

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/go-crypt/x/bcrypt"
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
	for _, name := range []string{AdminSecret, SecretKeySecret, DatabaseSecret, RegistrySecret} {
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
	if got := dig(v, "registry", "credentials"); !reflect.DeepEqual(got, map[string]any{"username": RegistryUser, "existingSecret": RegistrySecret}) {
		t.Errorf("registry.credentials = %v, want user %s and the password from %s", got, RegistryUser, RegistrySecret)
	}
	for _, plain := range []string{"admin-pw", "0123456789abcdef", "db-pw", "pull-token", registryPasswordOf(t, "0123456789abcdef")} {
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

func contains(xs []string, x string) bool {
	for _, e := range xs {
		if e == x {
			return true
		}
	}
	return false
}

func registryPasswordOf(t *testing.T, key string) string {
	t.Helper()
	var got internals.UnsafeAwaitOutputResult
	_, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		var err error
		got, err = internals.UnsafeAwaitOutput(ctx.Context(), RegistryPassword(secretString(key)))
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Secret {
		t.Error("the registry password is not a secret")
	}
	return got.Value.(string)
}

// TestRegistryCredential: the registry password is derived from the secret key
// (stable, never the chart's default) and its htpasswd line is a stable bcrypt hash
// the registry verifies.
func TestRegistryCredential(t *testing.T) {
	a, b := registryPasswordOf(t, "0123456789abcdef"), registryPasswordOf(t, "0123456789abcdeX")
	if a == b || len(a) != 64 || a == "harbor_registry_password" {
		t.Errorf("registry passwords %q and %q: want 64 hex characters, different per secret key", a, b)
	}
	if again := registryPasswordOf(t, "0123456789abcdef"); again != a {
		t.Errorf("registry password changed between runs: %q, then %q", a, again)
	}
	line, err := RegistryHtpasswd(RegistryUser, a)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := RegistryHtpasswd(RegistryUser, a)
	if line != again {
		t.Errorf("htpasswd line changed between runs: %q, then %q", line, again)
	}
	user, hash, _ := strings.Cut(line, ":")
	if user != RegistryUser || !strings.HasPrefix(hash, "$2a$10$") {
		t.Fatalf("htpasswd line %q: want %s and a bcrypt hash", line, RegistryUser)
	}
	if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(a)); err != nil {
		t.Errorf("the hash does not verify the password: %v", err)
	}
	if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(b)); err == nil {
		t.Error("the hash verifies another password")
	}
}
