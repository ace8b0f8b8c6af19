package ack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ProviderVersion is the alicloud provider plugin every ACK resource runs on: the
// cluster's explicit provider asks for it (pulumi.Version), and the engine runs the
// plugin a provider asks for, not the SDK's. The Go SDK the module proxy serves is
// v3.10.0 (terraform-provider-alicloud v1.144.0, 2021), whose cluster update path
// calls APIs ACK turned off in 2026; v3.105.0 (2026-07-16) wraps
// terraform-provider-alicloud v1.285.0 and is the newest release whose generated
// schema could be read here (docs/clusters.md, "Alibaba Cloud provider").
const ProviderVersion = "3.105.0"

// Resources registered by type token, because their inputs at ProviderVersion differ
// from what the v3.10.0 SDK can express. The property names are the provider's at
// ProviderVersion (testdata/alicloud-schema-v3.105.0.txt lists them).
const (
	// TypeManagedKubernetes is the ACK managed cluster.
	TypeManagedKubernetes = "alicloud:cs/managedKubernetes:ManagedKubernetes"
	// TypeNodePool is an ACK node pool.
	TypeNodePool = "alicloud:cs/nodePool:NodePool"
	// TypeRAMRole is a RAM role (roleName and assumeRolePolicyDocument replace the
	// SDK's name and document, deprecated since provider 1.252.0).
	TypeRAMRole = "alicloud:ram/role:Role"
)

// managedKubernetes is the registered cluster and the outputs the component reads.
type managedKubernetes struct {
	pulumi.CustomResourceState

	Name    pulumi.StringOutput `pulumi:"name"`
	Version pulumi.StringOutput `pulumi:"version"`
	// Connections holds apiServerIntranet and apiServerInternet.
	Connections pulumi.StringMapOutput `pulumi:"connections"`
	// CertificateAuthority holds clusterCert, clientCert and clientKey (base64 PEM).
	CertificateAuthority pulumi.StringMapOutput `pulumi:"certificateAuthority"`
	// RRSAMetadata holds rrsaOidcIssuerUrl, ramOidcProviderArn and ramOidcProviderName.
	RRSAMetadata pulumi.MapOutput `pulumi:"rrsaMetadata"`
}

// nodePool is a registered node pool.
type nodePool struct {
	pulumi.CustomResourceState
}

// ramRole is a registered RAM role.
type ramRole struct {
	pulumi.CustomResourceState

	Arn      pulumi.StringOutput `pulumi:"arn"`
	RoleName pulumi.StringOutput `pulumi:"roleName"`
}

// mapString reads one string field of an object output ("" when absent).
func mapString(m pulumi.MapOutput, key string) pulumi.StringOutput {
	return m.ApplyT(func(v map[string]any) string {
		s, _ := v[key].(string)
		return s
	}).(pulumi.StringOutput)
}
