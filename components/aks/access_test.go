package aks

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/cluster/clustertest"
	"github.com/fleetform/fleetform/internal/plan"
)

func TestPlanAPIServerAccess(t *testing.T) {
	public := devSpec("dev-azure")
	public.Azure.EndpointAccess, public.Azure.PublicAccessCIDRs = cluster.EndpointPublic, nil
	tests := []struct {
		name string
		spec cluster.Spec
		want any // the apiServerAccessProfile input; nil for none
	}{
		{"prod: a private cluster by default", prodSpec("prod-azure"),
			map[string]any{"enablePrivateCluster": true, "enablePrivateClusterPublicFQDN": false, "privateDNSZone": PrivateDNSZoneSystem}},
		{"dev: authorized IP ranges", devSpec("dev-azure"), map[string]any{"authorizedIPRanges": []any{"198.51.100.0/24"}}},
		{"public on request", public, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := planOf(t, tc.spec)
			got := one(t, p, typeManagedCluster, tc.spec.Name+"-aks").Inputs["apiServerAccessProfile"]
			if g, w := mustJSON(got), mustJSON(tc.want); g != w {
				t.Errorf("apiServerAccessProfile = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPlanLongTermSupport(t *testing.T) {
	s := prodSpec("prod-azure")
	lts := true
	s.KubernetesVersion, s.Azure.Tier, s.Azure.LongTermSupport = "1.34", cluster.AzureTierPremium, &lts
	mc := one(t, planOf(t, s), typeManagedCluster, "prod-azure-aks")
	if mc.Inputs["supportPlan"] != "AKSLongTermSupport" || at(mc.Inputs, "sku", "tier") != cluster.AzureTierPremium {
		t.Errorf("supportPlan %v, tier %v; want AKSLongTermSupport on Premium", mc.Inputs["supportPlan"], at(mc.Inputs, "sku", "tier"))
	}
	if _, has := one(t, planOf(t, prodSpec("prod-azure")), typeManagedCluster, "prod-azure-aks").Inputs["supportPlan"]; has {
		t.Error("supportPlan set without longTermSupport")
	}
}

func TestAADWithoutAnyAdminRegistersNothing(t *testing.T) {
	s := prodSpec("prod-azure")
	s.Azure.AdminGroupObjectIDs = nil
	_, mon, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := New(ctx, s.Name, &Args{Spec: s, Stack: "test", Access: cluster.Access{Groups: testAccess.Groups}})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err == nil || !strings.Contains(err.Error(), cluster.MsgAzureAdminGroups) {
		t.Errorf("err = %v, want %q", err, cluster.MsgAzureAdminGroups)
	}
	if mon.Registrations() != 0 {
		t.Errorf("%d registrations, want none", mon.Registrations())
	}
}

func TestConvertKubeconfig(t *testing.T) {
	in := aksKubeconfig("x.hcp.westeurope.azmk8s.io", KubeconfigFormatExec)
	for _, mode := range cluster.KubeloginModes {
		t.Run(mode, func(t *testing.T) {
			out, err := ConvertKubeconfig(in, mode)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := clientcmd.Load([]byte(out))
			if err != nil {
				t.Fatalf("converted kubeconfig does not parse: %v", err)
			}
			exec := cfg.AuthInfos["clusterUser_prod-azure-rg_prod-azure"].Exec
			want := []string{"get-token", "--login", mode, "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"}
			if exec == nil || exec.Command != KubeloginCommand || strings.Join(exec.Args, " ") != strings.Join(want, " ") {
				t.Fatalf("exec = %+v, want kubelogin %v", exec, want)
			}
			if exec.InteractiveMode != "Never" || exec.InstallHint != "install kubelogin" {
				t.Errorf("interactiveMode %q installHint %q, want Never and AKS's hint kept", exec.InteractiveMode, exec.InstallHint)
			}
			if cfg.Clusters["prod-azure"].Server != "https://x.hcp.westeurope.azmk8s.io:443" || cfg.CurrentContext != "prod-azure" {
				t.Errorf("cluster or context changed: %+v %q", cfg.Clusters["prod-azure"], cfg.CurrentContext)
			}
		})
	}
	local := aksKubeconfig("x", "")
	out, err := ConvertKubeconfig(local, cluster.KubeloginAzureCLI)
	if err != nil {
		t.Fatal(err)
	}
	if cfg, _ := clientcmd.Load([]byte(out)); cfg == nil || cfg.AuthInfos["clusterUser_prod-azure-rg_prod-azure"].Exec != nil ||
		len(cfg.AuthInfos["clusterUser_prod-azure-rg_prod-azure"].ClientCertificateData) == 0 {
		t.Errorf("a local account's certificate user must stay as it is; got %s", out)
	}
	noServer := strings.Replace(in, "      - --server-id\n      - 6dae42f8-4368-4678-94ff-3960e28e3630\n", "", 1)
	if _, err := ConvertKubeconfig(noServer, cluster.KubeloginAzureCLI); !errors.Is(err, ErrNoServerID) {
		t.Errorf("no --server-id: got %v, want ErrNoServerID", err)
	}
	if _, err := ConvertKubeconfig("clusters: [", cluster.KubeloginAzureCLI); err == nil {
		t.Error("malformed kubeconfig: got no error")
	}
}

func TestDeployWaitsForTheDeployersAccess(t *testing.T) {
	var waited []string
	_, _, raw := deployWith(t, prodSpec("prod-azure"), "a.hcp.westeurope.azmk8s.io", func(kc string) error {
		waited = append(waited, kc)
		return nil
	})
	if len(waited) != 1 || !strings.Contains(waited[0], "azurecli") {
		t.Fatalf("waited on %d kubeconfigs (%v), want one, the converted one", len(waited), waited)
	}
	// The provider got the kubeconfig that was waited on.
	kc := raw[typeK8sProvider+"::prod-azure-k8s"]["kubeconfig"]
	if !kc.IsSecret() || kc.SecretValue().Element.StringValue() != waited[0] {
		t.Errorf("provider kubeconfig = %v, want the kubeconfig that was waited on, as a secret", kc)
	}
	if id := raw[typeK8sProvider+"::prod-azure-k8s"]["clusterIdentifier"]; !id.IsString() || !strings.HasSuffix(id.StringValue(), "/managedClusters/prod-azure") {
		t.Errorf("clusterIdentifier = %v, want the managed cluster's ARM ID", id)
	}

	// Without AAD there is no role assignment to wait for.
	waited = nil
	deployWith(t, devSpec("prod-azure"), "a", func(kc string) error { waited = append(waited, kc); return nil })
	if len(waited) != 0 {
		t.Errorf("waited %d times without aadRbac, want none", len(waited))
	}
}

func TestDeployFailsWhenAccessNeverArrives(t *testing.T) {
	mocks := &deployMocks{resources: map[string]resource.PropertyMap{}, server: "a"}
	defer func(f func(context.Context, string, time.Duration) error) { waitForAccess = f }(waitForAccess)
	waitForAccess = func(_ context.Context, _ string, _ time.Duration) error { return ErrAccessNotPropagated }
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "prod-azure", &Args{Spec: prodSpec("prod-azure"), Stack: "test", Access: testAccess})
		return err
	}, pulumi.WithMocks("fleetform", "test", mocks))
	if !errors.Is(err, ErrAccessNotPropagated) && (err == nil || !strings.Contains(err.Error(), ErrAccessNotPropagated.Error())) {
		t.Errorf("err = %v, want the propagation failure", err)
	}
}

// aksCloud answers like Azure for clustertest: ARM IDs, and credentials naming server.
func aksCloud(server string) clustertest.Cloud {
	rg := "/subscriptions/" + testSubscription + "/resourceGroups/prod-azure-rg"
	return clustertest.Cloud{
		ID: func(typ, name string, in resource.PropertyMap) string {
			switch typ {
			case typeResourceGroup:
				return rg
			case typeVNet:
				return rg + "/providers/Microsoft.Network/virtualNetworks/prod-azure-vnet"
			case typeManagedCluster:
				return rg + "/providers/Microsoft.ContainerService/managedClusters/prod-azure"
			}
			return ""
		},
		Outputs: func(typ, name string, in resource.PropertyMap) resource.PropertyMap {
			if typ != typeManagedCluster {
				return nil
			}
			return resource.PropertyMap{
				"name":     resource.NewProperty("prod-azure"),
				"identity": resource.NewProperty(resource.PropertyMap{"principalId": resource.NewProperty("cluster-principal")}),
			}
		},
		Invokes: map[string]resource.PropertyMap{
			"azure-native:authorization:getClientConfig": {"objectId": resource.NewProperty("deployer-object")},
			"azure-native:containerservice:listManagedClusterUserCredentials": {"kubeconfigs": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
				"name":  resource.NewProperty("clusterUser"),
				"value": resource.NewProperty(base64.StdEncoding.EncodeToString([]byte(aksKubeconfig(server, KubeconfigFormatExec)))),
			})})},
		},
	}
}

func TestKubeconfigChangeKeepsProviderAndObjects(t *testing.T) {
	defer func(f func(context.Context, string, time.Duration) error) { waitForAccess = f }(waitForAccess)
	waitForAccess = func(context.Context, string, time.Duration) error { return nil }
	run := func(server string) *clustertest.Recorder {
		return clustertest.Run(t, "fleetform", "test", aksCloud(server), func(ctx *pulumi.Context) error {
			c, err := New(ctx, "prod-azure", &Args{Spec: prodSpec("prod-azure"), Stack: "test", Access: testAccess})
			if err != nil {
				return err
			}
			// What the layers above deploy through the provider.
			_, err = corev1.NewNamespace(ctx, "prod-azure-shop", &corev1.NamespaceArgs{
				Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("shop")},
			}, pulumi.Provider(c.Provider))
			return err
		})
	}
	clustertest.AssertKubeconfigChangeIsAnUpdate(t, run("a.hcp.westeurope.azmk8s.io"), run("b.hcp.westeurope.azmk8s.io"), "prod-azure-k8s")
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
