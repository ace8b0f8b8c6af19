package release

import (
	"errors"
	"slices"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/externalsecrets"
	"github.com/fleetform/fleetform/internal/plan"
)

const typeExternalSecret = "kubernetes:external-secrets.io/v1:ExternalSecret"

// externalSpec is the canary release with one secret from config and two from the store.
func externalSpec() Spec {
	s := canarySpec("storefront")
	s.SecretEnv["API_TOKEN"] = SecretEnvVar{External: &ExternalRef{Key: "prod/storefront/api", Property: "token"}}
	s.SecretEnv["TLS_KEY"] = SecretEnvVar{External: &ExternalRef{Key: "prod/storefront/tls", Version: "v7"}}
	return s
}

// runWithStore plans one release on a cluster whose ClusterSecretStore is a marker.
func runWithStore(args *Args) (*plan.Plan, string, error) {
	var storeURN string
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		prov, err := kubernetes.NewProvider(ctx, "cluster", &kubernetes.ProviderArgs{})
		if err != nil {
			return nil, err
		}
		m, err := corev1.NewConfigMap(ctx, "marker-store", &corev1.ConfigMapArgs{}, pulumi.Provider(prov))
		if err != nil {
			return nil, err
		}
		args.SecretStore, args.SecretStoreReady, args.SecretRefresh = externalsecrets.StoreName, m, "30m"
		m.URN().ApplyT(func(u pulumi.URN) string { storeURN = string(u); return "" })
		_, err = New(ctx, args.Spec.Name+"-"+args.Namespace, args, pulumi.Provider(prov))
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	return p, storeURN, err
}

func TestExternalSecretEnv(t *testing.T) {
	args := testArgs(externalSpec(), "prod")
	if len(args.SecretEnv) != 1 || args.SecretEnv["DB_PASSWORD"] == nil {
		t.Fatalf("resolved secret env = %v, want only the config entry", args.SecretEnv)
	}
	p, storeURN, err := runWithStore(args)
	if err != nil {
		t.Fatal(err)
	}
	es := one(t, p, typeExternalSecret)
	spec := get(t, es.Inputs, "spec")
	if get(t, spec, "secretStoreRef", "name") != externalsecrets.StoreName || get(t, spec, "secretStoreRef", "kind") != "ClusterSecretStore" {
		t.Errorf("store ref = %v", get(t, spec, "secretStoreRef"))
	}
	if get(t, spec, "target", "name") != "storefront-external-env" || get(t, spec, "target", "creationPolicy") != "Owner" || get(t, spec, "refreshInterval") != "30m" {
		t.Errorf("target and refresh = %v", spec)
	}
	data := get(t, spec, "data").([]any)
	if len(data) != 2 {
		t.Fatalf("data = %v, want the two external entries", data)
	}
	if get(t, data, 0, "secretKey") != "API_TOKEN" || get(t, data, 0, "remoteRef", "key") != "prod/storefront/api" || get(t, data, 0, "remoteRef", "property") != "token" {
		t.Errorf("data[0] = %v", data[0])
	}
	if get(t, data, 1, "secretKey") != "TLS_KEY" || get(t, data, 1, "remoteRef", "version") != "v7" {
		t.Errorf("data[1] = %v", data[1])
	}
	if !slices.Contains(es.Dependencies, storeURN) {
		t.Errorf("the ExternalSecret does not wait for the store: %v", es.Dependencies)
	}
	// The config entry still goes through the stack's own Secret, the external ones never do.
	sec := one(t, p, typeSecret)
	if sd := sec.Inputs["stringData"]; sd != plan.Secret {
		t.Errorf("config secret env stringData = %v", sd)
	}
	env := get(t, one(t, p, typeRollout).Inputs, "spec", "template", "spec", "containers", 0, "envFrom").([]any)
	names := []string{}
	for _, e := range env {
		if ref, ok := e.(map[string]any)["secretRef"]; ok {
			names = append(names, ref.(map[string]any)["name"].(string))
		}
	}
	if len(names) != 2 || names[0] != "storefront-secret-env" || names[1] != "storefront-external-env" {
		t.Errorf("envFrom secrets = %v, want the config Secret then the operator's", names)
	}
}

func TestExternalSecretEnvNeedsAStore(t *testing.T) {
	_, err := runReleaseE(testArgs(externalSpec(), "prod"))
	if !errors.Is(err, ErrNoSecretStore) {
		t.Fatalf("err = %v, want ErrNoSecretStore", err)
	}
}

func TestExternalRefChangeRollsOut(t *testing.T) {
	a, b := externalSpec(), externalSpec()
	b.SecretEnv["TLS_KEY"] = SecretEnvVar{External: &ExternalRef{Key: "prod/storefront/tls", Version: "v8"}}
	if envChecksum(&a) == envChecksum(&b) {
		t.Error("a new external secret version keeps the env checksum, so the pods would not pick it up")
	}
}

func TestNoSecretStoreIsAValidationError(t *testing.T) {
	s := externalSpec()
	s.Environments = map[string]Override{"prod": {}}
	errs := s.ValidatePlatform(field.NewPath("releases").Index(0), Platform{Rollouts: true, Ingress: true, Prometheus: true,
		NoSecretStore: map[string][]string{"prod": {"prod-ali"}}})
	got := map[string]bool{}
	for _, e := range errs {
		got[e.Field] = true
	}
	for _, f := range []string{"releases[0].secretEnv[API_TOKEN].external", "releases[0].secretEnv[TLS_KEY].external"} {
		if !got[f] {
			t.Errorf("errors %v, want one at %s", errs, f)
		}
	}
}

func TestTracingInjectsOTelEnv(t *testing.T) {
	s := canarySpec("storefront")
	s.Tracing = true
	args := testArgs(s, "prod")
	args.OTLPEndpoint, args.Environment = "http://otel-collector.tracing.svc:4318", "prod"
	p := runRelease(t, args)
	env := get(t, one(t, p, typeRollout).Inputs, "spec", "template", "spec", "containers", 0, "env").([]any)
	vals := map[string]any{}
	for _, e := range env {
		m := e.(map[string]any)
		if v, ok := m["value"]; ok {
			vals[m["name"].(string)] = v
		} else {
			vals[m["name"].(string)] = get(t, m, "valueFrom", "fieldRef", "fieldPath")
		}
	}
	want := map[string]any{
		"OTEL_SERVICE_NAME":           "storefront",
		"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel-collector.tracing.svc:4318",
		"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
		"OTEL_K8S_POD_NAME":           "metadata.name",
		"OTEL_RESOURCE_ATTRIBUTES":    "service.namespace=prod,k8s.namespace.name=prod,k8s.pod.name=$(OTEL_K8S_POD_NAME),deployment.environment.name=prod",
	}
	for k, w := range want {
		if vals[k] != w {
			t.Errorf("%s = %v, want %v", k, vals[k], w)
		}
	}
	// The pod name is defined before the attribute that refers to it.
	if env[0].(map[string]any)["name"] != "OTEL_K8S_POD_NAME" {
		t.Error("OTEL_K8S_POD_NAME must come first: $(VAR) only expands earlier variables")
	}
	args = testArgs(s, "prod")
	if _, err := runReleaseE(args); !errors.Is(err, ErrNoTracing) {
		t.Errorf("tracing without a collector: err = %v, want ErrNoTracing", err)
	}
	errs := s.ValidatePlatform(field.NewPath("r"), Platform{Rollouts: true, Ingress: true, Prometheus: true})
	found := false
	for _, e := range errs {
		found = found || e.Field == "r.tracing"
	}
	if !found {
		t.Errorf("errors %v, want one at r.tracing", errs)
	}
}
