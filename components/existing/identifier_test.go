package existing

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/cluster/clustertest"
)

func TestKubeconfigChangeKeepsProviderAndObjects(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join("testdata", "kubeconfig.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	run := func(token string) *clustertest.Recorder {
		if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(orig), "not-a-real-token\n", token+"\n")), 0o600); err != nil {
			t.Fatal(err)
		}
		return clustertest.Run(t, "fleetform", "test", clustertest.Cloud{}, func(ctx *pulumi.Context) error {
			c, err := New(ctx, "local", &Args{Spec: cluster.Spec{Name: "local", Cloud: cluster.Existing, Kubeconfig: &cluster.KubeconfigSpec{Path: path}}, Stack: "test"})
			if err != nil {
				return err
			}
			_, err = corev1.NewNamespace(ctx, "local-shop", &corev1.NamespaceArgs{
				Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("shop")},
			}, pulumi.Provider(c.Provider))
			return err
		})
	}
	before, after := run("token-before-rotation"), run("token-after-rotation")
	clustertest.AssertKubeconfigChangeIsAnUpdate(t, before, after, "local-k8s")
	id := before.ByType(clustertest.KubernetesProviderType)["local-k8s"].Inputs["clusterIdentifier"]
	if id.StringValue() != ClusterIdentifier("local", "kind-fleetform") {
		t.Errorf("clusterIdentifier = %v, want the context's cluster %q", id, ClusterIdentifier("local", "kind-fleetform"))
	}
}
