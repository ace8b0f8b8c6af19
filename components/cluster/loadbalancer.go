package cluster

// Load-balancer annotations per cloud, as the in-tree cloud providers (and the
// Alibaba Cloud CCM) read them from an edge's Service.
const (
	AnnotationAWSLBType    = "service.beta.kubernetes.io/aws-load-balancer-type"
	AnnotationAWSInternal  = "service.beta.kubernetes.io/aws-load-balancer-internal"
	AnnotationAWSCrossZone = "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled"
	// AnnotationAWSScheme and AnnotationAWSAttributes are what EKS Auto Mode's load
	// balancing reads instead of AnnotationAWSInternal and AnnotationAWSCrossZone, which
	// it does not support (AWS EKS user guide, "Use Service Annotations to configure
	// Network Load Balancers"); the in-tree controller reads the other two.
	AnnotationAWSScheme     = "service.beta.kubernetes.io/aws-load-balancer-scheme"
	AnnotationAWSAttributes = "service.beta.kubernetes.io/aws-load-balancer-attributes"
	// AWSCrossZoneAttribute turns on cross-zone load balancing in AnnotationAWSAttributes.
	AWSCrossZoneAttribute        = "load_balancing.cross_zone.enabled=true"
	AnnotationAzureInternal      = "service.beta.kubernetes.io/azure-load-balancer-internal"
	AnnotationAzureProbePath     = "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path"
	AnnotationAlicloudChargeType = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-instance-charge-type"
	AnnotationAlicloudAddrType   = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type"
)

// Load-balancer defaults.
const (
	// AlicloudChargeType bills the CLB by capacity units used (pay-by-CLCU): since 2025-06-01
	// Alibaba Cloud sells no pay-by-specification CLB (slb.s1.small and the like), and the
	// cloud controller refuses a spec annotation on a pay-by-CLCU instance.
	AlicloudChargeType = "PayByCLCU"
	// AzureProbePath is the edges' health endpoint; AKS probes "/" otherwise and marks the LB down.
	AzureProbePath = "/healthz"
)

// EdgeService is the Service an edge's proxy is reached through on a cluster's cloud:
// what every edge (ingress-nginx, Envoy Gateway, Istio, Kong) puts on its own
// Service, so the cloud knowledge stays here and the edges switch on nothing.
type EdgeService struct {
	// Type is LoadBalancer, or NodePort for an internal edge on an existing cluster
	// (kind, minikube, bare metal), which may have no load-balancer implementation.
	Type string
	// ExternalTrafficPolicy is Local on a cloud (client source IPs kept, no second hop
	// between nodes), Cluster on an existing cluster.
	ExternalTrafficPolicy string
	// Annotations are the cloud's load-balancer annotations.
	Annotations map[string]any
}

// EdgeServiceFor is the edge Service on cloud, internal (private addresses only) or
// internet-facing. Each call returns a fresh annotations map.
func EdgeServiceFor(cloud Cloud, internal bool) EdgeService {
	s := EdgeService{Type: "LoadBalancer", ExternalTrafficPolicy: "Local", Annotations: map[string]any{}}
	switch cloud {
	case AWS:
		s.Annotations = map[string]any{AnnotationAWSLBType: "nlb", AnnotationAWSCrossZone: "true", AnnotationAWSScheme: "internet-facing",
			AnnotationAWSAttributes: AWSCrossZoneAttribute}
		if internal {
			s.Annotations[AnnotationAWSInternal] = "true"
			s.Annotations[AnnotationAWSScheme] = "internal"
		}
	case Azure:
		s.Annotations = map[string]any{AnnotationAzureProbePath: AzureProbePath}
		if internal {
			s.Annotations[AnnotationAzureInternal] = "true"
		}
	case Alicloud:
		addr := "internet"
		if internal {
			addr = "intranet"
		}
		s.Annotations = map[string]any{AnnotationAlicloudChargeType: AlicloudChargeType, AnnotationAlicloudAddrType: addr}
	case Existing:
		s.ExternalTrafficPolicy = "Cluster"
		if internal {
			s.Type = "NodePort"
		}
	}
	return s
}
