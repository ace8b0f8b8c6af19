package platform

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/internal/secret"
)

// Namespaces the platform installs its addons into. Environments open NetworkPolicy
// holes for exactly these, so they are constants shared by both layers.
const (
	NamespaceIngress    = "ingress-nginx"
	NamespaceRollouts   = "argo-rollouts"
	NamespaceMonitoring = "monitoring"
	NamespaceLogging    = "logging"
	NamespaceHarbor     = "harbor"
)

// IngressClassName is the IngressClass ingress-nginx serves.
const IngressClassName = "nginx"

// Outputs is what one cluster's platform hands the environments and releases layers.
type Outputs struct {
	// Cluster is the cluster's name in the stack.
	Cluster string
	// IngressClass is the IngressClass apps use; empty unless the edge is ingress-nginx.
	IngressClass string
	// Edge is the stack's platform.edge; empty when the edge is disabled.
	Edge edges.Edge
	// GatewayName and GatewayNamespace are the shared Gateway routes attach to; empty
	// unless the edge is a Gateway API implementation.
	GatewayName, GatewayNamespace string
	// ReleaseGatewayName and ReleaseGatewayNamespace are what releases' routes attach
	// to: the shared Gateway on envoy-gateway, the Istio Gateway for releases on istio.
	ReleaseGatewayName, ReleaseGatewayNamespace string
	// RoutesReady is what a release's HTTPRoute or VirtualService must depend on (the
	// install that serves its kind); nil on ingress-nginx, whose Ingress is built in.
	RoutesReady pulumi.Resource
	// GatewayPlugin says Argo Rollouts loads the Gateway API traffic-router plugin.
	GatewayPlugin bool
	// Issuer is the cert-manager ClusterIssuer that certifies the cluster's hosts;
	// empty when the cluster issues no certificates.
	Issuer string
	// PrometheusURL is the in-cluster Prometheus address analysis queries go to; empty when monitoring is disabled.
	PrometheusURL string
	// RolloutsReady is what Rollout, AnalysisTemplate objects must depend on (the
	// Argo Rollouts install that registers their CRDs); nil when rollouts are disabled.
	RolloutsReady pulumi.Resource
	// MonitoringReady is what ServiceMonitor, PodMonitor and PrometheusRule objects must
	// depend on: the prometheus-operator-crds chart that registers their CRDs (which
	// kube-prometheus-stack's install waits for too); nil when monitoring is disabled.
	MonitoringReady pulumi.Resource
	// MeshReady is what a meshed environment waits for (istiod, whose webhook injects
	// sidecars and whose base install registers PeerAuthentication, and the CNI agent);
	// nil without platform.mesh.
	MeshReady []pulumi.Resource
	// Registry is the Harbor registry environments pull from; nil when there is none.
	Registry *Registry
	// VPAReady is what VerticalPodAutoscaler objects must depend on (the install that
	// registers the CRD); nil when the VPA is off.
	VPAReady pulumi.Resource
	// VPAUpdates says the VPA's updater and admission controller run, so modes other
	// than Off take effect.
	VPAUpdates bool
	// SecretStore is the ClusterSecretStore releases' ExternalSecrets read; empty when
	// the cluster has none. SecretStoreReady is the store object they depend on, and
	// SecretRefresh how often they re-read it.
	SecretStore      string
	SecretStoreReady pulumi.Resource
	SecretRefresh    string
	// OTLPEndpoint is the cluster collector's OTLP/HTTP address releases with tracing
	// export to; empty when tracing is off.
	OTLPEndpoint string
	// ChaosReady is what releases' chaos Schedules must depend on (the Chaos Mesh
	// install, whose chart serves the CRDs); nil when platform.chaos is off.
	ChaosReady pulumi.Resource
}

// Registry is a container registry and a pull credential for it.
type Registry struct {
	// Host is the registry host name (e.g. harbor.example.com).
	Host pulumi.StringOutput
	// Username is the pull user (a Harbor robot account).
	Username pulumi.StringOutput
	// Password is the pull token; always a Pulumi secret.
	Password pulumi.StringOutput
}

// NullReceiver is the Alertmanager receiver that drops alerts (the always-firing
// Watchdog goes there); user receivers may not take its name.
const NullReceiver = "null"

// Stack outputs of a stack that runs Harbor, read by other stacks (harbor.stackReference).
const (
	ExportHarborHost         = "platform.harbor.host"
	ExportHarborPullUsername = "platform.harbor.pullUsername"
	ExportHarborPullPassword = "platform.harbor.pullPassword"
)

// RegistryFromReference is the Harbor another stack runs, read from its exports;
// the password is a secret once known (an unknown one has nothing to leak).
func RegistryFromReference(ref *pulumi.StackReference) *Registry {
	return &Registry{
		Host:     ref.GetStringOutput(pulumi.String(ExportHarborHost)),
		Username: ref.GetStringOutput(pulumi.String(ExportHarborPullUsername)),
		Password: secret.Mark(ref.GetStringOutput(pulumi.String(ExportHarborPullPassword))),
	}
}
