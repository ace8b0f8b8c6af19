package rules

import (
	"fmt"
	"strings"
	"testing"
)

// component is a cluster component of a cloud, as the plan shows it.
func component(typ string) Resource { return res(typ, "c", "") }

// inCluster places a resource in the cluster of a component type (its provider).
func inCluster(r Resource, componentType string) Resource {
	r.Provider = "urn:pulumi:prod::fleetform::" + componentType + "$pulumi:providers:kubernetes::c-k8s"
	return r
}

// stackConfig is a stack's configuration as a resource.
func stackConfig(inputsJSON string) Resource {
	return res(TypeStackConfig, "Pulumi.prod.yaml", inputsJSON)
}

// awsRole is an IAM role through a provider of a region; trust "" leaves the trust
// policy unknown, as offline plans show it, with dependsOnOIDC saying where it came from.
func awsRole(name, region, trust string, dependsOnOIDC bool) (Resource, Resource) {
	prov := res(TypeAWSProvider, "aws-"+region, `{"region": "`+region+`"}`)
	r := res(TypeIAMRole, name, "")
	r.Inputs = map[string]any{"assumeRolePolicy": Unknown}
	if trust != "" {
		r.Inputs["assumeRolePolicy"] = trust
	}
	r.Provider = prov.URN
	if dependsOnOIDC {
		r.Dependencies = []string{"urn:pulumi:prod::fleetform::" + TypeOIDCProvider + "::oidc"}
	}
	return r, prov
}

const (
	irsaTrust = `{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X"},"Action":["sts:AssumeRoleWithWebIdentity"]}]}`
	podTrust  = `{"Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`
)

var (
	aliKeys                = stackConfig(`{"fleetform:platform": {"backups": {"alicloud": {"accessKeyId": "aliVeleroKeyId", "accessKeySecret": "aliVeleroKeySecret"}}, "dns": {"alicloud": {"domains": ["a.example.com"], "accessKeyId": "k", "accessKeySecret": "s"}}}}`)
	aliNoKeys              = stackConfig(`{"fleetform:platform": {"dns": {"alicloud": {"domains": ["a.example.com"]}}}}`)
	awsKeySecret           = inCluster(res(TypeSecret, "creds", `{"stringData": {"AWS_ACCESS_KEY_ID": "[secret]", "AWS_SECRET_ACCESS_KEY": "[secret]"}}`), "platform:cluster:EKS")
	irsaUSEast, provUSEast = awsRole("irsa", "us-east-1", irsaTrust, false)
	irsaOffline, provOff   = awsRole("irsa-offline", "us-east-1", "", true)
	irsaChina, provChina   = awsRole("irsa-cn", "cn-north-1", "", true)
	podRole, provPod       = awsRole("pod", "us-east-1", podTrust, false)
)

var identityCases = record([]ruleCase{
	// SEC005
	{name: "prod ACK keys in config", rule: IDStaticCloudKey, resources: []Resource{component("platform:cluster:ACK"), aliKeys},
		want: []string{at(aliKeys, "fleetform:platform.backups.alicloud"), at(aliKeys, "fleetform:platform.dns.alicloud")}},
	{name: "no keys", rule: IDStaticCloudKey, resources: []Resource{component("platform:cluster:ACK"), aliNoKeys}},
	{name: "keys of a cloud with no cluster here", rule: IDStaticCloudKey, resources: []Resource{component("platform:cluster:EKS"), aliKeys}},
	{name: "dev keys", rule: IDStaticCloudKey, stack: "dev", resources: []Resource{component("platform:cluster:ACK"), aliKeys}},
	{name: "AWS keys in a Secret on EKS", rule: IDStaticCloudKey, resources: []Resource{component("platform:cluster:EKS"), awsKeySecret},
		want: []string{at(awsKeySecret, "stringData.AWS_ACCESS_KEY_ID"), at(awsKeySecret, "stringData.AWS_SECRET_ACCESS_KEY")}},
	{name: "AWS keys in a Secret on an existing cluster", rule: IDStaticCloudKey, resources: []Resource{
		inCluster(res(TypeSecret, "creds", `{"stringData": {"AWS_ACCESS_KEY_ID": "[secret]"}}`), "platform:cluster:Existing")}},
	// EKS005
	{name: "pinned add-on", rule: IDEKSAddonVersion, resources: []Resource{res(TypeEKSAddon, "a", `{"addonName": "coredns", "addonVersion": "v1.14.3-eksbuild.3"}`)}},
	{name: "add-on without version", rule: IDEKSAddonVersion, resources: []Resource{res(TypeEKSAddon, "a", `{"addonName": "snapshot-controller"}`)},
		want: []string{at(res(TypeEKSAddon, "a", ""), "addonVersion")}},
	// EKS006
	{name: "IRSA in us-east-1", rule: IDIRSAWherePodIdent, resources: []Resource{provUSEast, irsaUSEast},
		want: []string{at(irsaUSEast, "assumeRolePolicy")}},
	{name: "IRSA offline (trust unknown, OIDC dependency)", rule: IDIRSAWherePodIdent, resources: []Resource{provOff, irsaOffline},
		want: []string{at(irsaOffline, "assumeRolePolicy")}},
	{name: "IRSA in China", rule: IDIRSAWherePodIdent, resources: []Resource{provChina, irsaChina}},
	{name: "Pod Identity", rule: IDIRSAWherePodIdent, resources: []Resource{provPod, podRole}},
})

func TestIdentityRules(t *testing.T) { runCases(t, identityCases) }

// TestIdentityMessages: each violation says what it found, in the message constant's form.
func TestIdentityMessages(t *testing.T) {
	cfg := DefaultConfig()
	env := cfg.Env("prod")
	for _, tc := range []struct {
		rule string
		rs   []Resource
		want string
	}{
		{IDStaticCloudKey, []Resource{component("platform:cluster:ACK"), aliKeys}, fmt.Sprintf(MsgStaticCloudKey, "alicloud", "alicloud", "RRSA")},
		{IDEKSAddonVersion, []Resource{res(TypeEKSAddon, "a", `{"addonName": "snapshot-controller"}`)}, fmt.Sprintf(MsgEKSAddonUnpinned, "snapshot-controller")},
		{IDIRSAWherePodIdent, []Resource{provUSEast, irsaUSEast}, fmt.Sprintf(MsgIRSAWherePodIdentity, "aws")},
	} {
		vs := Check(env, tc.rs)
		found := false
		for _, f := range vs {
			if f.Rule.ID == tc.rule {
				found = found || f.Message == tc.want
			}
		}
		if !found {
			var msgs []string
			for _, f := range vs {
				msgs = append(msgs, f.Rule.ID+": "+f.Message)
			}
			t.Errorf("%s: want %q among %s", tc.rule, tc.want, strings.Join(msgs, "; "))
		}
	}
}
