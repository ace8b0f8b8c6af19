package helmrelease

// Chart pins: the one place chart versions and upstream repositories are set. Bump a
// version here (and in docs/platform.md, which TestDocsListEveryPin checks against
// Pins) after reading the chart's upgrade notes. Each version carries a renovate
// comment (chart and repository) that renovate.json's custom manager reads.
const (
	// IngressNginxVersion is the ingress-nginx chart (controller v1.13).
	// renovate: datasource=helm depName=ingress-nginx registryUrl=https://kubernetes.github.io/ingress-nginx
	IngressNginxVersion = "4.13.3"
	// ArgoRolloutsVersion is the argo-rollouts chart (Argo Rollouts v1.8).
	// renovate: datasource=helm depName=argo-rollouts registryUrl=https://argoproj.github.io/argo-helm
	ArgoRolloutsVersion = "2.40.5"
	// PrometheusOperatorCRDsVersion is the prometheus-operator-crds chart: the
	// monitoring.coreos.com CRDs of Prometheus Operator v0.93.1, the operator
	// KubePrometheusStackVersion runs. Move the two together.
	// renovate: datasource=helm depName=prometheus-operator-crds registryUrl=https://prometheus-community.github.io/helm-charts
	PrometheusOperatorCRDsVersion = "31.0.1"
	// KubePrometheusStackVersion is the kube-prometheus-stack chart (Prometheus Operator
	// v0.93.1; Grafana 13.2.0 from grafana-community's grafana chart 12.11.1, past
	// CVE-2026-21720), installed without its CRDs (PrometheusOperatorCRDsVersion has them).
	// renovate: datasource=helm depName=kube-prometheus-stack registryUrl=https://prometheus-community.github.io/helm-charts
	KubePrometheusStackVersion = "88.5.3"
	// LokiVersion is the grafana/loki chart (Loki 3.5.7: 3.5.6 fixed GHSA-2464-8j7c-4cjm), run as a single binary.
	// renovate: datasource=helm depName=loki registryUrl=https://grafana.github.io/helm-charts
	LokiVersion = "6.46.0"
	// AlloyVersion is the grafana/alloy chart, the node log collector for Loki.
	// renovate: datasource=helm depName=alloy registryUrl=https://grafana.github.io/helm-charts
	AlloyVersion = "1.3.0"
	// ECKOperatorVersion is the eck-operator chart (ECK 3.1), which installs the Elastic CRDs.
	// renovate: datasource=helm depName=eck-operator registryUrl=https://helm.elastic.co
	ECKOperatorVersion = "3.1.0"
	// ECKStackVersion is the eck-stack chart that declares Elasticsearch and Kibana for the operator.
	// renovate: datasource=helm depName=eck-stack registryUrl=https://helm.elastic.co
	ECKStackVersion = "0.16.0"
	// FluentBitVersion is the fluent-bit chart (Fluent Bit 4.1.1: 4.1 fixed CVE-2025-12969 and
	// related), the node log collector for Elasticsearch.
	// renovate: datasource=helm depName=fluent-bit registryUrl=https://fluent.github.io/helm-charts
	FluentBitVersion = "0.54.1"
	// HarborVersion is the goharbor/harbor chart (Harbor v2.14.4: 2.14.3 fixed CVE-2025-68121 and CVE-2025-15467).
	// renovate: datasource=helm depName=harbor registryUrl=https://helm.goharbor.io
	HarborVersion = "1.18.4"
	// VPAVersion is the Fairwinds vpa chart (Vertical Pod Autoscaler 1.7, CRD autoscaling.k8s.io/v1).
	// renovate: datasource=helm depName=vpa registryUrl=https://charts.fairwinds.com/stable
	VPAVersion = "5.0.0"
	// EnvoyGatewayVersion is Envoy Gateway's gateway-helm chart and its gateway-crds-helm
	// chart, which also carries the Gateway API CRDs every Gateway implementation here uses.
	// renovate: datasource=docker depName=gateway-helm packageName=docker.io/envoyproxy/gateway-helm
	EnvoyGatewayVersion = "v1.8.3"
	// IstioVersion is Istio's base (CRDs), istiod and cni charts; istiod serves Gateway
	// API Gateways of class istio, and with platform.mesh the cni node agent sets up
	// sidecar redirection without privileged init containers.
	// renovate: datasource=helm depName=istiod registryUrl=https://istio-release.storage.googleapis.com/charts
	IstioVersion = "1.32.0"
	// KongIngressVersion is Kong's kong/ingress chart (Kong Ingress Controller 3.5 and
	// Kong Gateway 3.9, DB-less, from its kong/kong 3.2.0 subcharts), the Kong edge.
	// renovate: datasource=helm depName=ingress registryUrl=https://charts.konghq.com
	KongIngressVersion = "0.24.0"
	// ExternalSecretsVersion is the external-secrets chart (External Secrets Operator
	// v2.9, API external-secrets.io/v1; 2.x has no Alibaba Cloud provider).
	// renovate: datasource=helm depName=external-secrets registryUrl=https://charts.external-secrets.io
	ExternalSecretsVersion = "2.9.0"
	// OpenTelemetryCollectorVersion is the opentelemetry-collector chart (collector 0.158).
	// renovate: datasource=helm depName=opentelemetry-collector registryUrl=https://open-telemetry.github.io/opentelemetry-helm-charts
	OpenTelemetryCollectorVersion = "0.170.0"
	// TempoVersion is the single-binary tempo chart (Tempo 2.10), which moved from
	// grafana to grafana-community in 2026.
	// renovate: datasource=helm depName=tempo registryUrl=https://grafana-community.github.io/helm-charts
	TempoVersion = "2.2.4"
	// VeleroVersion is the vmware-tanzu velero chart (Velero 1.18, CSI built in).
	// renovate: datasource=helm depName=velero registryUrl=https://vmware-tanzu.github.io/helm-charts
	VeleroVersion = "12.1.0"
	// CertManagerVersion is the jetstack cert-manager chart (cert-manager v1.21, API cert-manager.io/v1).
	// renovate: datasource=helm depName=cert-manager registryUrl=https://charts.jetstack.io
	CertManagerVersion = "v1.21.1"
	// ExternalDNSVersion is the kubernetes-sigs external-dns chart (external-dns v0.21).
	// renovate: datasource=helm depName=external-dns registryUrl=https://kubernetes-sigs.github.io/external-dns
	ExternalDNSVersion = "1.21.1"
	// KarpenterVersion is the karpenter chart (Karpenter v1.14, APIs karpenter.sh/v1 and
	// karpenter.k8s.aws/v1; the chart's crds/ install the NodePool and EC2NodeClass CRDs).
	// renovate: datasource=docker depName=karpenter packageName=public.ecr.aws/karpenter/karpenter
	KarpenterVersion = "1.14.1"
	// FalcoVersion is the falcosecurity falco chart (Falco 0.44.1; Falcosidekick 2.31.1
	// from its falcosidekick 0.12 dependency), the runtime security engine.
	// renovate: datasource=helm depName=falco registryUrl=https://falcosecurity.github.io/charts
	FalcoVersion = "9.1.0"
	// ClusterProportionalAutoscalerVersion is the kubernetes-sigs cluster-proportional-autoscaler
	// chart (autoscaler 1.8.6), which scales CoreDNS with the cluster's nodes and cores.
	// renovate: datasource=helm depName=cluster-proportional-autoscaler registryUrl=https://kubernetes-sigs.github.io/cluster-proportional-autoscaler
	ClusterProportionalAutoscalerVersion = "1.1.0"
	// ChaosMeshVersion is the chaos-mesh chart (Chaos Mesh v2.8.3, June 2026, the newest
	// release tag in chaos-mesh/chaos-mesh; APIs chaos-mesh.org/v1alpha1; the chart's
	// crds/ install the CRDs, which Helm never deletes).
	// renovate: datasource=helm depName=chaos-mesh registryUrl=https://charts.chaos-mesh.org
	ChaosMeshVersion = "2.8.3"
)

// Upstream chart repositories.
const (
	RepoIngressNginx     = "https://kubernetes.github.io/ingress-nginx"
	RepoArgo             = "https://argoproj.github.io/argo-helm"
	RepoPrometheus       = "https://prometheus-community.github.io/helm-charts"
	RepoGrafana          = "https://grafana.github.io/helm-charts"
	RepoElastic          = "https://helm.elastic.co"
	RepoFluent           = "https://fluent.github.io/helm-charts"
	RepoHarbor           = "https://helm.goharbor.io"
	RepoFairwinds        = "https://charts.fairwinds.com/stable"
	RepoEnvoyProxy       = "oci://docker.io/envoyproxy"
	RepoIstio            = "https://istio-release.storage.googleapis.com/charts"
	RepoKong             = "https://charts.konghq.com"
	RepoESO              = "https://charts.external-secrets.io"
	RepoOTel             = "https://open-telemetry.github.io/opentelemetry-helm-charts"
	RepoGrafanaCommunity = "https://grafana-community.github.io/helm-charts"
	RepoVMwareTanzu      = "https://vmware-tanzu.github.io/helm-charts"
	RepoJetstack         = "https://charts.jetstack.io"
	RepoExternalDNS      = "https://kubernetes-sigs.github.io/external-dns"
	RepoKarpenter        = "oci://public.ecr.aws/karpenter"
	RepoFalco            = "https://falcosecurity.github.io/charts"
	RepoCPA              = "https://kubernetes-sigs.github.io/cluster-proportional-autoscaler"
	RepoChaosMesh        = "https://charts.chaos-mesh.org"
)

// Pin is where a chart comes from unless the stack overrides it.
type Pin struct {
	// Chart is the chart name in its repository.
	Chart string
	// Repository is the upstream repository URL.
	Repository string
	// Version is the pinned chart version.
	Version string
}

// The pinned charts, one per addon component.
var (
	IngressNginx           = Pin{Chart: "ingress-nginx", Repository: RepoIngressNginx, Version: IngressNginxVersion}
	ArgoRollouts           = Pin{Chart: "argo-rollouts", Repository: RepoArgo, Version: ArgoRolloutsVersion}
	PrometheusOperatorCRDs = Pin{Chart: "prometheus-operator-crds", Repository: RepoPrometheus, Version: PrometheusOperatorCRDsVersion}
	KubePrometheusStack    = Pin{Chart: "kube-prometheus-stack", Repository: RepoPrometheus, Version: KubePrometheusStackVersion}
	Loki                   = Pin{Chart: "loki", Repository: RepoGrafana, Version: LokiVersion}
	Alloy                  = Pin{Chart: "alloy", Repository: RepoGrafana, Version: AlloyVersion}
	ECKOperator            = Pin{Chart: "eck-operator", Repository: RepoElastic, Version: ECKOperatorVersion}
	ECKStack               = Pin{Chart: "eck-stack", Repository: RepoElastic, Version: ECKStackVersion}
	FluentBit              = Pin{Chart: "fluent-bit", Repository: RepoFluent, Version: FluentBitVersion}
	Harbor                 = Pin{Chart: "harbor", Repository: RepoHarbor, Version: HarborVersion}
	VPA                    = Pin{Chart: "vpa", Repository: RepoFairwinds, Version: VPAVersion}
	GatewayCRDs            = Pin{Chart: "gateway-crds-helm", Repository: RepoEnvoyProxy, Version: EnvoyGatewayVersion}
	EnvoyGateway           = Pin{Chart: "gateway-helm", Repository: RepoEnvoyProxy, Version: EnvoyGatewayVersion}
	IstioBase              = Pin{Chart: "base", Repository: RepoIstio, Version: IstioVersion}
	Istiod                 = Pin{Chart: "istiod", Repository: RepoIstio, Version: IstioVersion}
	IstioCNI               = Pin{Chart: "cni", Repository: RepoIstio, Version: IstioVersion}
	KongIngress            = Pin{Chart: "ingress", Repository: RepoKong, Version: KongIngressVersion}
	ExternalSecrets        = Pin{Chart: "external-secrets", Repository: RepoESO, Version: ExternalSecretsVersion}
	OpenTelemetryCollector = Pin{Chart: "opentelemetry-collector", Repository: RepoOTel, Version: OpenTelemetryCollectorVersion}
	Tempo                  = Pin{Chart: "tempo", Repository: RepoGrafanaCommunity, Version: TempoVersion}
	Velero                 = Pin{Chart: "velero", Repository: RepoVMwareTanzu, Version: VeleroVersion}
	CertManager            = Pin{Chart: "cert-manager", Repository: RepoJetstack, Version: CertManagerVersion}
	ExternalDNS            = Pin{Chart: "external-dns", Repository: RepoExternalDNS, Version: ExternalDNSVersion}
	Karpenter              = Pin{Chart: "karpenter", Repository: RepoKarpenter, Version: KarpenterVersion}
	Falco                  = Pin{Chart: "falco", Repository: RepoFalco, Version: FalcoVersion}
	DNSAutoscaler          = Pin{Chart: "cluster-proportional-autoscaler", Repository: RepoCPA, Version: ClusterProportionalAutoscalerVersion}
	ChaosMesh              = Pin{Chart: "chaos-mesh", Repository: RepoChaosMesh, Version: ChaosMeshVersion}
)

// Pins lists every pinned chart in the order of catalog.Addons and their charts, which
// TestPinsFollowCatalog holds it to: a pin no addon registers, or an addon's chart
// without a pin, fails there.
var Pins = []Pin{
	GatewayCRDs, EnvoyGateway, IstioBase, Istiod, IstioCNI, KongIngress, IngressNginx, // ingress (the edge)
	ArgoRollouts, PrometheusOperatorCRDs, KubePrometheusStack, Loki, Alloy, ECKOperator, ECKStack, FluentBit, Harbor, VPA,
	ExternalSecrets, OpenTelemetryCollector, Tempo, Velero, CertManager, ExternalDNS, Karpenter,
	Falco, DNSAutoscaler, ChaosMesh,
}
