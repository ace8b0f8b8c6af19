package environments

import (
	"slices"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/gateway"
)

// Mesh is the environment's place in its cluster's sidecar mesh (platform.mesh).
type Mesh struct {
	// Enabled joins the namespace to the mesh: istiod injects a sidecar into its pods.
	// Defaults to true where the platform runs a mesh; true without one is refused.
	Enabled *bool `yaml:"enabled"`
	// MTLS is the namespace's PeerAuthentication mode: strict accepts only mutual TLS
	// from meshed workloads; permissive also takes plain text, for the weeks in which
	// the namespace's clients join. Defaults to strict.
	MTLS string `yaml:"mtls"`
}

// mTLS modes of Mesh.MTLS.
const (
	// MTLSStrict refuses plain-text connections to meshed pods (PeerAuthentication STRICT).
	MTLSStrict = "strict"
	// MTLSPermissive accepts both (PeerAuthentication PERMISSIVE).
	MTLSPermissive = "permissive"
)

// MTLSModes lists the accepted mesh.mtls values.
var MTLSModes = []string{MTLSStrict, MTLSPermissive}

// DefaultMTLS is strict: a meshed environment gets what the mesh is there for.
const DefaultMTLS = MTLSStrict

// Names of the mesh objects in a meshed environment.
const (
	// PeerAuthenticationName is the namespace-wide PeerAuthentication (Istio applies
	// the one named default to the whole namespace).
	PeerAuthenticationName = "default"
	// PolicyIstiod lets the sidecars reach istiod for their configuration and certificates.
	PolicyIstiod = "allow-istiod"
)

// InMesh reports whether the environment joins its cluster's mesh, given whether the
// platform runs one.
func (s *Spec) InMesh(platformMesh bool) bool {
	if s.Mesh.Enabled != nil {
		return *s.Mesh.Enabled && platformMesh
	}
	return platformMesh
}

// validate checks mtls; unset stays unset (DefaultMTLS applies where the environment
// is meshed), so the stack can refuse an mtls given to an environment outside a mesh.
func (m *Mesh) validate(p *field.Path) field.ErrorList {
	if m.MTLS != "" && !slices.Contains(MTLSModes, m.MTLS) {
		return field.ErrorList{field.NotSupported(p.Child("mtls"), m.MTLS, MTLSModes)}
	}
	return nil
}

// peerAuthenticationMode is the Istio mode of Mesh.MTLS (unset: DefaultMTLS).
func peerAuthenticationMode(mtls string) string {
	if mtls == "" {
		mtls = DefaultMTLS
	}
	if mtls == MTLSPermissive {
		return "PERMISSIVE"
	}
	return "STRICT"
}

// mesh makes the namespace's mTLS policy and lets its sidecars reach istiod. The
// NetworkPolicies stay as they are otherwise: they match the pods' own ports, which
// the sidecar keeps (it redirects inside the pod), so every path they open is still
// the only path, now also encrypted and authenticated.
func (b *builder) mesh() error {
	opts := append(append([]pulumi.ResourceOption(nil), b.opts...), pulumi.DependsOn(b.args.MeshReady))
	if _, err := apiextensions.NewCustomResource(b.ctx, b.name+"-peer-authentication", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(gateway.PeerAuthenticationAPIVersion),
		Kind:       pulumi.String(gateway.KindPeerAuthentication),
		Metadata:   b.meta(PeerAuthenticationName),
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"mtls": map[string]any{"mode": peerAuthenticationMode(b.spec.Mesh.MTLS)},
		}},
	}, opts...); err != nil {
		return err
	}
	_, err := networkingv1.NewNetworkPolicy(b.ctx, b.name+"-netpol-istiod", &networkingv1.NetworkPolicyArgs{
		Metadata: b.meta(PolicyIstiod),
		Spec: &networkingv1.NetworkPolicySpecArgs{
			PodSelector: allPods(),
			PolicyTypes: pulumi.ToStringArray([]string{policyEgress}),
			Egress: networkingv1.NetworkPolicyEgressRuleArray{networkingv1.NetworkPolicyEgressRuleArgs{
				To: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{
					NamespaceSelector: namespacesNamed(b.args.MeshNamespace),
					PodSelector:       &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"app": pulumi.String(gateway.IstiodAppLabel)}},
				}},
				Ports: networkingv1.NetworkPolicyPortArray{
					networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(gateway.IstiodXDSPort)},
				},
			}},
		},
	}, b.opts...)
	return err
}
