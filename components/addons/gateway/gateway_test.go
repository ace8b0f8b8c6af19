package gateway

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/edges"
)

func TestArgsValidation(t *testing.T) {
	ok := func() Args {
		return Args{Implementation: edges.EnvoyGateway, Namespace: pulumi.String("ns"), NamespaceName: "ns", Replicas: 2,
			Listeners: []Listener{{Name: "harbor", Host: "harbor.example.com", TLSSecretName: "harbor-tls", TLSSecretNamespace: "harbor"}}}
	}
	for _, tc := range []struct {
		name   string
		mutate func(*Args)
		want   string // "" for valid
	}{
		{"valid", func(*Args) {}, ""},
		{"kong", func(a *Args) { a.Implementation = edges.Kong }, ""},
		{"mesh on kong", func(a *Args) { a.Implementation, a.Mesh = edges.Kong, &Mesh{} }, "mesh"},
		{"unknown implementation", func(a *Args) { a.Implementation = "traefik" }, "implementation"},
		{"no replicas", func(a *Args) { a.Replicas = 0 }, "replica"},
		{"no namespace", func(a *Args) { a.NamespaceName = "" }, "namespace"},
		{"listener named http", func(a *Args) { a.Listeners[0].Name = HTTPListener }, "unique DNS label"},
		{"listener without secret", func(a *Args) { a.Listeners[0].TLSSecretName = "" }, "TLS Secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := ok()
			tc.mutate(&a)
			err := a.validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want an error about %q", err, tc.want)
			}
		})
	}
}

func TestGatewaySpecListeners(t *testing.T) {
	spec := GatewaySpec(EnvoyGatewayClassName, []Listener{{Name: "harbor", Host: "harbor.example.com", TLSSecretName: "harbor-tls", TLSSecretNamespace: "harbor"}})
	ls := spec["listeners"].([]any)
	if len(ls) != 2 {
		t.Fatalf("got %d listeners, want http and harbor", len(ls))
	}
	http, https := ls[0].(map[string]any), ls[1].(map[string]any)
	if http["port"] != HTTPPort || http["protocol"] != "HTTP" || http["hostname"] != nil {
		t.Errorf("http listener = %v, want port 80 for every host", http)
	}
	wantRef := map[string]any{"kind": "Secret", "name": "harbor-tls", "namespace": "harbor"}
	if https["port"] != HTTPSPort || https["hostname"] != "harbor.example.com" ||
		!reflect.DeepEqual(https["tls"].(map[string]any)["certificateRefs"].([]any)[0], wantRef) {
		t.Errorf("https listener = %v, want 443 for harbor.example.com with %v", https, wantRef)
	}
}
