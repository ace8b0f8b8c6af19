package ack

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/cluster/clustertest"
)

const typeCRB = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"

// testAccess is the identity map on Alibaba Cloud: a RAM role as admin, and a team.
var testAccess = cluster.Access{
	Admins: []cluster.Member{{Group: "platform-admins", Principal: "300000000000000001"}},
	Groups: []cluster.Member{{Group: "shop-developers", Principal: "200000000000000002"}},
}

func TestAdminsAreClusterAdminsByRAMID(t *testing.T) {
	p := runPlan(t, prodSpec())
	crbs := of(p, typeCRB, "prod-ali")
	if len(crbs) != 1 {
		t.Fatalf("got %d cluster role bindings, want 1", len(crbs))
	}
	in := crbs[0].Inputs
	want := map[string]any{"kind": cluster.SubjectUser, "apiGroup": rbacv1Group, "name": "300000000000000001"}
	subjects, _ := in["subjects"].([]any)
	if len(subjects) != 1 || mustJSON(subjects[0]) != mustJSON(want) || at(in, "roleRef", "name") != "cluster-admin" ||
		at(in, "metadata", "name") != AdminBindingName {
		t.Errorf("binding: got %v, want %s binding the RAM ID to cluster-admin", in, AdminBindingName)
	}
	prov := of(p, typeK8sProv, "prod-ali-k8s")[0]
	if crbs[0].Provider != prov.URN {
		t.Errorf("binding provider = %s, want the cluster's %s", crbs[0].Provider, prov.URN)
	}
}

func TestNodePoolsRunAlibabaCloudLinux3(t *testing.T) {
	p := runPlan(t, prodSpec())
	for _, np := range p.ByType(typeNodePool) {
		// No platform: it is deprecated at ProviderVersion and its schema default was CentOS.
		if _, platform := np.Inputs["platform"]; np.Inputs["imageId"] != cluster.DefaultACKNodeImageID || platform {
			t.Errorf("%s: imageId %v platform %v, want %s and no platform", np.Name, np.Inputs["imageId"], np.Inputs["platform"], cluster.DefaultACKNodeImageID)
		}
	}
	s := prodSpec()
	s.Alicloud.NodeImageID = "aliyun_3_arm64_20G_alibase_20260513.vhd"
	for _, np := range runPlan(t, s).ByType(typeNodePool) {
		if np.Inputs["imageId"] != s.Alicloud.NodeImageID {
			t.Errorf("%s: imageId %v, want the spec's %s", np.Name, np.Inputs["imageId"], s.Alicloud.NodeImageID)
		}
	}
}

// ackCloud answers like ACK after a deploy, with certificates that a rotation changes.
func ackCloud(clientCert string) clustertest.Cloud {
	return clustertest.Cloud{Outputs: func(typ, name string, in resource.PropertyMap) resource.PropertyMap {
		switch typ {
		case typeCluster:
			return resource.PropertyMap{
				"connections": resource.NewProperty(resource.PropertyMap{
					"apiServerInternet": resource.NewProperty("https://47.0.0.1:6443"),
					"apiServerIntranet": resource.NewProperty("https://10.120.0.5:6443"),
				}),
				"certificateAuthority": resource.NewProperty(resource.PropertyMap{
					"clusterCert": resource.NewProperty("Q0E="),
					"clientCert":  resource.NewProperty(clientCert),
					"clientKey":   resource.NewProperty("S0VZ"),
				}),
				"rrsaMetadata": resource.NewProperty(resource.PropertyMap{
					"enabled":             resource.NewProperty(true),
					"rrsaOidcIssuerUrl":   resource.NewProperty(testIssuer),
					"ramOidcProviderArn":  resource.NewProperty(testProviderARN),
					"ramOidcProviderName": resource.NewProperty("ack-rrsa-prod-ali-id"),
				}),
			}
		case TypeRAMRole:
			return resource.PropertyMap{
				"arn": resource.NewProperty("acs:ram::5123456789012345:role/" + in["roleName"].StringValue()),
			}
		case typeEIP:
			return resource.PropertyMap{"ipAddress": resource.NewProperty("47.0.0.2")}
		case typeNAT:
			return resource.PropertyMap{"snatTableIds": resource.NewProperty("stb-1")}
		}
		return nil
	}}
}

// The RRSA issuer and OIDC provider ackCloud answers with.
const (
	testIssuer      = "https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/prod-ali-id"
	testProviderARN = "acs:ram::5123456789012345:oidc-provider/ack-rrsa-prod-ali-id"
)

func TestKubeconfigChangeKeepsProviderAndObjects(t *testing.T) {
	run := func(cert string) *clustertest.Recorder {
		return clustertest.Run(t, "fleetform", "test", ackCloud(cert), func(ctx *pulumi.Context) error {
			_, err := New(ctx, "prod-ali", &Args{Spec: prodSpec(), Stack: "test", Access: testAccess})
			return err
		})
	}
	clustertest.AssertKubeconfigChangeIsAnUpdate(t, run("Q0VSVDE="), run("Q0VSVDI="), "prod-ali-k8s")
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// at follows map keys through plan inputs.
func at(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// TestRAMToolKubeconfig: with kubeconfigCredential ackRamTool the kubeconfig holds the
// server and the cluster CA, no key, and a user that runs ack-ram-tool for a temporary
// certificate of the runner's RAM identity.
func TestRAMToolKubeconfig(t *testing.T) {
	s := prodSpec()
	s.Alicloud.KubeconfigCredential = cluster.ACKCredentialRAMTool
	var kc internals.UnsafeAwaitOutputResult
	clustertest.Run(t, "fleetform", "test", ackCloud("Q0VSVA=="), func(ctx *pulumi.Context) error {
		c, err := New(ctx, "prod-ali", &Args{Spec: s, Stack: "test", Access: testAccess})
		if err != nil {
			return err
		}
		kc, err = internals.UnsafeAwaitOutput(ctx.Context(), c.Connection().Kubeconfig)
		return err
	})
	if !kc.Known || !kc.Secret {
		t.Fatalf("kubeconfig: known=%v secret=%v, want both", kc.Known, kc.Secret)
	}
	cfg, err := clientcmd.Load([]byte(kc.Value.(string)))
	if err != nil {
		t.Fatalf("not a kubeconfig: %v", err)
	}
	c := cfg.Clusters["prod-ali"]
	u := cfg.AuthInfos["prod-ali-ram"]
	if c == nil || c.Server != "https://10.120.0.5:6443" || string(c.CertificateAuthorityData) != "CA" {
		t.Errorf("cluster: got %+v, want the internal endpoint and the cluster CA", c)
	}
	if u == nil || u.Exec == nil || len(u.ClientKeyData) > 0 || len(u.ClientCertificateData) > 0 {
		t.Fatalf("user: got %+v, want an exec user and no certificate or key", u)
	}
	want := RAMToolArgs("prod-ali-id", "cn-hangzhou")
	if u.Exec.Command != RAMToolCommand || !slices.Equal(u.Exec.Args, want) || u.Exec.APIVersion != ExecAPIVersion {
		t.Errorf("exec: got %s %v (%s), want %s %v (%s)", u.Exec.Command, u.Exec.Args, u.Exec.APIVersion, RAMToolCommand, want, ExecAPIVersion)
	}
	if !slices.Contains(want, "--expiration") || !slices.Contains(want, RAMToolExpiration) {
		t.Errorf("args %v: want an expiring certificate (--expiration %s)", want, RAMToolExpiration)
	}
}
