package gateway

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/helmrelease"
)

// Mesh turns an Istio edge into a sidecar mesh: istiod injects a proxy into the pods
// of namespaces that join it, and Istio's CNI node agent sets up their traffic
// redirection, so meshed pods need no NET_ADMIN init container and still pass
// baseline and restricted Pod Security.
type Mesh struct {
	// ProxyRequestsCPU and the other three are every sidecar's resources (istio-proxy
	// and its istio-validation init container); a meshed namespace's LimitRange must
	// admit them, and its quota pays for them per pod.
	ProxyRequestsCPU    string
	ProxyRequestsMemory string
	ProxyLimitsCPU      string
	ProxyLimitsMemory   string
}

// Names and ports of the mesh, exported for the environments and releases in it.
const (
	// IstioCNIReleaseName is the Helm release of the CNI node agent.
	IstioCNIReleaseName = "istio-cni"
	// IstioCNINamespace is where the agent's DaemonSet runs: it mounts host paths and
	// runs privileged, which the edge namespace's baseline Pod Security refuses, and
	// kube-system is where clusters admit node agents (Istio's own choice on GKE).
	IstioCNINamespace = "kube-system"
	// LabelInjection on a namespace makes istiod inject sidecars into its new pods.
	LabelInjection = "istio-injection"
	// InjectionEnabled is LabelInjection's value for a meshed namespace.
	InjectionEnabled = "enabled"
	// PeerAuthenticationAPIVersion and KindPeerAuthentication are the namespace-wide
	// mTLS policy.
	PeerAuthenticationAPIVersion = "security.istio.io/v1"
	KindPeerAuthentication       = "PeerAuthentication"
	// IstiodXDSPort is istiod's xDS and certificate port, which every sidecar dials.
	IstiodXDSPort = 15012
	// IstiodAppLabel is the label istiod's pods carry (app: istiod).
	IstiodAppLabel = "istiod"
	// MergedMetricsPort and MergedMetricsPath are the sidecar agent's metrics endpoint:
	// plain HTTP outside the mTLS redirection, serving the app's own metrics (read from
	// the prometheus.io annotations istiod rewrites) merged with the proxy's.
	MergedMetricsPort = 15020
	MergedMetricsPath = "/stats/prometheus"
)

// MeshIstiodValues are istiod's values for a mesh: injection in CNI mode (an
// istio-validation init container with no capabilities instead of istio-init), the
// RuntimeDefault seccomp profile on injected containers (restricted Pod Security asks
// for it), the sidecars' resources, and apps held until their proxy is ready (their
// first outbound call would fail otherwise). Keys as istio-discovery's values.yaml
// (cni, global.proxy, meshConfig), checked against Istio's chart source.
func MeshIstiodValues(m Mesh) map[string]any {
	return map[string]any{
		"cni": map[string]any{"enabled": true},
		"global": map[string]any{"proxy": map[string]any{
			"seccompProfile": map[string]any{"type": "RuntimeDefault"},
			"resources": map[string]any{
				"requests": map[string]any{"cpu": m.ProxyRequestsCPU, "memory": m.ProxyRequestsMemory},
				"limits":   map[string]any{"cpu": m.ProxyLimitsCPU, "memory": m.ProxyLimitsMemory},
			},
		}},
		"meshConfig": map[string]any{"defaultConfig": map[string]any{"holdApplicationUntilProxyStarts": true}},
	}
}

// installMesh installs the CNI node agent beside istiod; istiod's injection waits for
// nothing else. Returned: what a meshed pod needs before it is created.
func installMesh(ctx *pulumi.Context, name string, chart helmrelease.Override, after pulumi.ResourceOption, parent pulumi.ResourceOption) (pulumi.Resource, error) {
	rel, err := helmrelease.New(ctx, name+"-istio-cni", &helmrelease.Args{
		Pin: helmrelease.IstioCNI, Override: companion(chart, true), ReleaseName: IstioCNIReleaseName,
		Namespace: pulumi.String(IstioCNINamespace),
	}, parent, after)
	if err != nil {
		return nil, fmt.Errorf("istio cni: %w", err)
	}
	return rel, nil
}
