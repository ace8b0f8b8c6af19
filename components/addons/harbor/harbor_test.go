package harbor

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/fleetform/fleetform/internal/plan"
)

func TestHarbor(t *testing.T) {
	var pull internals.UnsafeAwaitOutputResult
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		h, err := New(ctx, "c1-harbor", &Args{Namespace: pulumi.String("harbor"), Host: "harbor.example.com", TLSSecretName: "harbor-tls",
			IngressClass: "nginx", StorageClass: "managed-csi", RegistryStorageSize: "1Ti",
			AdminPassword: pulumi.String("admin-pw"), PullUsername: "robot$pull", PullPassword: pulumi.String("pull-token")})
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
	v := p.ByType("kubernetes:helm.sh/v3:Release")[0].Inputs["values"].(map[string]any)
	if v["existingSecretAdminPassword"] != AdminSecret || v["externalURL"] != "https://harbor.example.com" {
		t.Errorf("values = %v, want the admin password from %s and the external URL", v, AdminSecret)
	}
	reg := v["persistence"].(map[string]any)["persistentVolumeClaim"].(map[string]any)["registry"].(map[string]any)
	if reg["storageClass"] != "managed-csi" || reg["size"] != "1Ti" {
		t.Errorf("registry volume = %v, want 1Ti on managed-csi", reg)
	}
	tls := v["expose"].(map[string]any)["tls"].(map[string]any)
	if tls["certSource"] != "secret" || tls["secret"].(map[string]any)["secretName"] != "harbor-tls" {
		t.Errorf("expose.tls = %v, want the harbor-tls Secret", tls)
	}
	if s := p.ByType("kubernetes:core/v1:Secret")[0].Inputs["stringData"]; s != plan.Secret {
		t.Errorf("admin Secret stringData = %v, want %s", s, plan.Secret)
	}
}
