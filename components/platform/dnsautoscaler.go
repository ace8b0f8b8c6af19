package platform

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/catalog"
	"github.com/fleetform/fleetform/components/addons/dnsautoscaler"
	"github.com/fleetform/fleetform/components/cluster"
)

// AddonDNSAutoscaler is the CoreDNS autoscaler's LabelAddon value.
const AddonDNSAutoscaler = catalog.DNSAutoscaler

// Defaults of DNSAutoscalerSpec: the linear parameters of Kubernetes' own DNS
// horizontal autoscaler add-on (kubernetes.io, "Autoscale the DNS Service in a
// Cluster"), the formula EKS's managed CoreDNS scaling uses too (max of nodes/16 and
// cores/256), with two replicas at least.
const (
	DefaultDNSCoresPerReplica = 256
	DefaultDNSNodesPerReplica = 16
	DefaultDNSMinReplicas     = 2
)

// Messages of DNSAutoscalerSpec's validation.
const (
	// MsgDNSScaledByCloud: the autoscaler asked for on a cluster whose cloud scales CoreDNS.
	MsgDNSScaledByCloud = "the cloud already scales CoreDNS on this cluster; two autoscalers would fight over its replicas"
	// MsgDNSMax: a max below min.
	MsgDNSMax = "must be 0 (no bound) or at least min"
)

// DNSAutoscalerSpec configures the cluster-proportional-autoscaler for CoreDNS
// (`fleetform:platform.dnsAutoscaler`), which sets the coredns Deployment's replicas
// from the cluster's nodes and cores (docs/platform.md, "DNS scaling").
type DNSAutoscalerSpec struct {
	// Enabled installs it. Defaults, per cluster, to cluster.Cloud.NeedsDNSAutoscaler:
	// true on ACK, false on existing clusters (which may run their own) and on EKS and
	// AKS, whose clouds scale CoreDNS; true with an EKS or AKS cluster is refused.
	Enabled *bool `yaml:"enabled"`
	// CoresPerReplica is one CoreDNS replica per this many cores. Defaults to DefaultDNSCoresPerReplica.
	CoresPerReplica int `yaml:"coresPerReplica"`
	// NodesPerReplica is one CoreDNS replica per this many nodes. Defaults to DefaultDNSNodesPerReplica.
	NodesPerReplica int `yaml:"nodesPerReplica"`
	// Min is the fewest CoreDNS replicas. Defaults to DefaultDNSMinReplicas.
	Min int `yaml:"min"`
	// Max is the most CoreDNS replicas; 0 (the default) sets no bound.
	Max int `yaml:"max"`
	// Chart overrides the chart source.
	Chart Chart `yaml:"chart"`
}

func (s *DNSAutoscalerSpec) applyDefaults() {
	if s.CoresPerReplica == 0 {
		s.CoresPerReplica = DefaultDNSCoresPerReplica
	}
	if s.NodesPerReplica == 0 {
		s.NodesPerReplica = DefaultDNSNodesPerReplica
	}
	if s.Min == 0 {
		s.Min = DefaultDNSMinReplicas
	}
}

func (s *DNSAutoscalerSpec) validate(p *field.Path) field.ErrorList {
	errs := validateChart(p.Child("chart"), s.Chart)
	for _, f := range []struct {
		name string
		v    int
	}{{"coresPerReplica", s.CoresPerReplica}, {"nodesPerReplica", s.NodesPerReplica}, {"min", s.Min}} {
		if f.v < 0 { // 0 is the default
			errs = append(errs, field.Invalid(p.Child(f.name), f.v, MsgAtLeastOneReplica))
		}
	}
	if s.Max < 0 || (s.Max != 0 && s.Max < s.Min) {
		errs = append(errs, field.Invalid(p.Child("max"), s.Max, MsgDNSMax))
	}
	return errs
}

// validateDNSAutoscalerClusters refuses the autoscaler switched on for a stack with a
// cluster whose cloud scales CoreDNS itself.
func (s *Spec) validateDNSAutoscalerClusters(p *field.Path, clusters []cluster.Spec) field.ErrorList {
	if !offByDefault(s.DNSAutoscaler.Enabled) {
		return nil
	}
	var errs field.ErrorList
	for _, c := range clusters {
		if c.Cloud.ScalesDNS() {
			errs = append(errs, field.Invalid(p.Child("dnsAutoscaler", "enabled"), true, "cluster "+c.Name+": "+MsgDNSScaledByCloud))
		}
	}
	return errs
}

// DNSAutoscaled says whether the platform runs the CoreDNS autoscaler on a cluster of
// cloud: as set, or unset, where the cloud needs it (cluster.Cloud.NeedsDNSAutoscaler).
func DNSAutoscaled(set *bool, cloud cluster.Cloud) bool {
	if set != nil {
		return *set
	}
	return cloud.NeedsDNSAutoscaler()
}

// dnsAutoscaler installs the cluster-proportional-autoscaler for CoreDNS where
// DNSAutoscaled; it waits for nothing but its namespace (CoreDNS is the cluster's).
func (b *builder) dnsAutoscaler() error {
	s := b.spec.DNSAutoscaler
	if !DNSAutoscaled(s.Enabled, b.args.Cloud) {
		return nil
	}
	s.applyDefaults()
	ns, err := b.namespace(AddonDNSAutoscaler)
	if err != nil {
		return fmt.Errorf("namespace: %w", err)
	}
	if _, err := dnsautoscaler.New(b.ctx, b.name+"-dns-autoscaler", &dnsautoscaler.Args{
		Namespace: ns, Production: b.args.Production, Chart: s.Chart.Override(),
		Linear: dnsautoscaler.Linear{CoresPerReplica: s.CoresPerReplica, NodesPerReplica: s.NodesPerReplica, Min: s.Min, Max: s.Max},
	}, pulumi.Parent(b.c)); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	return nil
}
