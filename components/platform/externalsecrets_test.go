package platform_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/externalsecrets"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/platform"
)

const storeType = "kubernetes:external-secrets.io/v1:ClusterSecretStore"

func TestSecretStorePerCloud(t *testing.T) {
	vaultID := "/subscriptions/0000/resourceGroups/shop/providers/Microsoft.KeyVault/vaults/shop-prod"
	cases := []struct {
		name     string
		cloud    cluster.Cloud
		mutate   func(*platform.ExternalSecretsSpec)
		provider string // "" for no store
		aws      bool   // the cluster component is asked for an IRSA role
		azure    bool   // ... for an Entra workload identity
	}{
		{"aws reads Secrets Manager", cluster.AWS, nil, externalsecrets.ProviderAWS, true, false},
		{"azure without a vault has none", cluster.Azure, nil, "", false, false},
		{"azure with a vault reads Key Vault", cluster.Azure, func(e *platform.ExternalSecretsSpec) { e.Azure.VaultID = vaultID }, externalsecrets.ProviderAzure, false, true},
		{"alicloud has none (ESO 2.x has no Alibaba provider)", cluster.Alicloud, nil, "", false, false},
		{"alicloud with Vault", cluster.Alicloud, func(e *platform.ExternalSecretsSpec) {
			e.Vault.Server, e.Vault.Role = "https://vault.example.com", "eso"
		}, externalsecrets.ProviderVault, false, false},
		{"existing with Vault", cluster.Existing, func(e *platform.ExternalSecretsSpec) {
			e.Vault.Server, e.Vault.Role = "https://vault.example.com", "eso"
		}, externalsecrets.ProviderVault, false, false},
		{"aws keeps its own store when Vault is set", cluster.AWS, func(e *platform.ExternalSecretsSpec) {
			e.Vault.Server, e.Vault.Role = "https://vault.example.com", "eso"
		}, externalsecrets.ProviderAWS, true, false},
		{"off", cluster.AWS, func(e *platform.ExternalSecretsSpec) { off := false; e.Enabled = &off }, "", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := platform.Spec{}
			if tc.mutate != nil {
				tc.mutate(&s.ExternalSecrets)
			}
			s.ApplyDefaults()
			s.ApplyStackDefaults("prod")
			c := cluster.Spec{Name: "c", Cloud: tc.cloud, Region: "eu-central-1"}
			store, ok := s.SecretStore(c)
			if ok != (tc.provider != "") || store.Provider != tc.provider {
				t.Fatalf("SecretStore = %q, %v; want %q", store.Provider, ok, tc.provider)
			}
			ws := s.Workloads(c)
			if got := len(ws) == 1 && ws[0].AWSPolicy != ""; got != tc.aws {
				t.Errorf("IRSA workload asked = %v, want %v (%+v)", got, tc.aws, ws)
			}
			if got := len(ws) == 1 && len(ws[0].AzureRoles) == 1 && ws[0].AzureRoles[0].Scope == vaultID; got != tc.azure {
				t.Errorf("Azure workload on the vault asked = %v, want %v (%+v)", got, tc.azure, ws)
			}
			if len(ws) == 1 && (ws[0].Namespace != externalsecrets.Namespace || ws[0].ServiceAccount != externalsecrets.ServiceAccount) {
				t.Errorf("workload bound to %s/%s, want the operator's account", ws[0].Namespace, ws[0].ServiceAccount)
			}
		})
	}
}

func TestAWSPolicyReadsOnlyTheStackPrefix(t *testing.T) {
	var doc struct {
		Statement []struct {
			Action    any
			Resource  string
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(externalsecrets.AWSPolicy("cn-north-1", "prod/")), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Statement) != 2 {
		t.Fatalf("statements = %+v", doc.Statement)
	}
	if got := doc.Statement[0].Resource; got != "arn:aws-cn:secretsmanager:cn-north-1:*:secret:prod/*" {
		t.Errorf("read statement on %s, want the stack prefix in the China partition", got)
	}
	for _, a := range doc.Statement[0].Action.([]any) {
		if s := a.(string); !strings.HasPrefix(s, "secretsmanager:") || strings.Contains(s, "Put") || strings.Contains(s, "Delete") || s == "secretsmanager:ListSecrets" {
			t.Errorf("action %s: the operator only reads", s)
		}
	}
	if doc.Statement[1].Condition["StringEquals"]["kms:ViaService"] != "secretsmanager.cn-north-1.amazonaws.com" {
		t.Errorf("kms:Decrypt is not limited to Secrets Manager: %+v", doc.Statement[1])
	}
}

func TestExternalSecretsInstall(t *testing.T) {
	p, out := build(t, func(a *platform.Args) {})
	r := release(t, p, "external-secrets")
	if r.Inputs["version"] != "2.9.0" || r.Inputs["namespace"] != externalsecrets.Namespace {
		t.Errorf("release %v in %v", r.Inputs["version"], r.Inputs["namespace"])
	}
	v := r.Inputs["values"]
	if dig(v, "serviceAccount", "create") != false || dig(v, "serviceAccount", "name") != externalsecrets.ServiceAccount {
		t.Errorf("values %v: the chart must use the account that carries the IRSA role", v)
	}
	// Uninstalling or renaming the release keeps the CRDs, and with them every
	// ExternalSecret and the Secrets they own (issue 27).
	if dig(v, "installCRDs") != true || dig(v, "crds", "annotations", "helm.sh/resource-policy") != "keep" {
		t.Errorf("values %v: the chart's CRDs must carry helm.sh/resource-policy: keep", v)
	}
	sas := p.ByType("kubernetes:core/v1:ServiceAccount")
	found := false
	for _, sa := range sas {
		md := sa.Inputs["metadata"].(map[string]any)
		if md["name"] == externalsecrets.ServiceAccount {
			found = true
			ann, _ := md["annotations"].(map[string]any)
			if ann[cluster.AnnotationIRSARole] != "arn:aws:iam::123456789012:role/c1-wl-external-secrets" {
				t.Errorf("service account annotations = %v, want the IRSA role", ann)
			}
		}
	}
	if !found {
		t.Fatal("no service account for the operator")
	}
	stores := p.ByType(storeType)
	if len(stores) != 1 {
		t.Fatalf("%d ClusterSecretStores, want 1", len(stores))
	}
	aws := dig(stores[0].Inputs, "spec", "provider", "aws")
	if dig(aws, "service") != "SecretsManager" || dig(aws, "region") != "us-east-1" || dig(aws, "auth") != nil {
		t.Errorf("store provider = %v, want Secrets Manager in the cluster's region on the operator's own identity", aws)
	}
	if out.Outputs.SecretStore != externalsecrets.StoreName || out.Outputs.SecretStoreReady == nil || out.Outputs.SecretRefresh != "1h" {
		t.Errorf("outputs store=%q ready=%v refresh=%q", out.Outputs.SecretStore, out.Outputs.SecretStoreReady, out.Outputs.SecretRefresh)
	}
	for _, d := range r.Dependencies {
		for _, other := range p.ByType(releaseType) {
			if other.URN == d {
				t.Errorf("the operator waits for release %s", other.Name)
			}
		}
	}
}

func TestExternalSecretsAzureWorkloadIdentity(t *testing.T) {
	p, _ := build(t, func(a *platform.Args) {
		a.Cloud = cluster.Azure
		a.Spec.ExternalSecrets.Azure.VaultID = "/subscriptions/0000/resourceGroups/shop/providers/Microsoft.KeyVault/vaults/Shop-Prod"
		a.Spec.ExternalSecrets.Azure.VaultURL = ""
		a.Spec.ApplyDefaults()
		a.Workloads = map[string]cluster.WorkloadIdentity{externalsecrets.WorkloadName: {
			Annotations: pulumi.StringMap{cluster.AnnotationAzureClientID: pulumi.String("11111111-2222-3333-4444-555555555555")}.ToStringMapOutput(),
			PodLabels:   map[string]string{cluster.LabelAzureUse: "true"},
		}}
	})
	v := release(t, p, "external-secrets").Inputs["values"]
	if dig(v, "podLabels", cluster.LabelAzureUse) != "true" {
		t.Errorf("values %v: the controller pod must opt into workload identity", v)
	}
	kv := dig(p.ByType(storeType)[0].Inputs, "spec", "provider", "azurekv")
	if dig(kv, "authType") != "WorkloadIdentity" || dig(kv, "vaultUrl") != "https://shop-prod.vault.azure.net/" {
		t.Errorf("store = %v", kv)
	}
}

func TestExternalSecretsWithoutIdentityFails(t *testing.T) {
	_, _, err := runPlatform(func(a *platform.Args) { a.Workloads = nil })
	if err == nil || !strings.Contains(err.Error(), "workload identity") {
		t.Fatalf("err = %v, want the missing identity named", err)
	}
}

func TestExternalSecretsValidation(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*platform.ExternalSecretsSpec)
		field  string
	}{
		{"refresh", func(e *platform.ExternalSecretsSpec) { e.RefreshInterval = "hourly" }, "platform.externalSecrets.refreshInterval"},
		{"vault ID", func(e *platform.ExternalSecretsSpec) { e.Azure.VaultID = "shop-prod" }, "platform.externalSecrets.azure.vaultId"},
		{"vault URL", func(e *platform.ExternalSecretsSpec) { e.Azure.VaultURL = "http://shop.vault.azure.net" }, "platform.externalSecrets.azure.vaultUrl"},
		{"vault server", func(e *platform.ExternalSecretsSpec) { e.Vault.Server, e.Vault.Role = "vault:8200", "eso" }, "platform.externalSecrets.vault.server"},
		{"vault role", func(e *platform.ExternalSecretsSpec) { e.Vault.Server = "https://vault:8200" }, "platform.externalSecrets.vault.role"},
		{"vault version", func(e *platform.ExternalSecretsSpec) { e.Vault.Version = "v3" }, "platform.externalSecrets.vault.version"},
		{"aws prefix", func(e *platform.ExternalSecretsSpec) { e.AWS.Prefix = "shop prod/" }, "platform.externalSecrets.aws.prefix"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := fullSpec(platform.LoggingLoki)
			tc.mutate(&s.ExternalSecrets)
			errs := s.Validate(field.NewPath("platform"))
			found := false
			for _, e := range errs {
				found = found || e.Field == tc.field
			}
			if !found {
				t.Errorf("errors %v, want one at %s", errs, tc.field)
			}
		})
	}
}
