package platform

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/catalog"
	"github.com/fleetform/fleetform/components/addons/karpenter"
)

// AddonKarpenter is Karpenter's LabelAddon value.
const AddonKarpenter = catalog.Karpenter

// Defaults of KarpenterSpec, each with why.
const (
	// DefaultKarpenterReplicas is a leader and a standby, as the chart ships: nodes keep
	// coming while one controller pod restarts.
	DefaultKarpenterReplicas = 2
	// DefaultKarpenterCPU and DefaultKarpenterMemory are Karpenter's getting-started
	// sizing (requests equal to limits).
	DefaultKarpenterCPU    = "1"
	DefaultKarpenterMemory = "1Gi"
)

// KarpenterSpec configures the Karpenter controller (`fleetform:platform.karpenter`).
// It is installed on every EKS cluster whose node pools include a Karpenter pool
// (clusters[i].nodePools[j].karpenter), which also decides its NodePools; elsewhere
// these settings are unused.
type KarpenterSpec struct {
	// Replicas is the controller's replica count. Defaults to DefaultKarpenterReplicas.
	Replicas int `yaml:"replicas"`
	// CPU is the controller's CPU request and limit. Defaults to DefaultKarpenterCPU.
	CPU string `yaml:"cpu"`
	// Memory is the controller's memory request and limit. Defaults to DefaultKarpenterMemory.
	Memory string `yaml:"memory"`
	// Chart overrides the chart source.
	Chart Chart `yaml:"chart"`
}

func (s *KarpenterSpec) applyDefaults() {
	if s.Replicas == 0 {
		s.Replicas = DefaultKarpenterReplicas
	}
	if s.CPU == "" {
		s.CPU = DefaultKarpenterCPU
	}
	if s.Memory == "" {
		s.Memory = DefaultKarpenterMemory
	}
}

func (s *KarpenterSpec) validate(p *field.Path) field.ErrorList {
	errs := validateChart(p.Child("chart"), s.Chart)
	if s.Replicas < 1 {
		errs = append(errs, field.Invalid(p.Child("replicas"), s.Replicas, MsgAtLeastOneReplica))
	}
	errs = append(errs, validateQuantity(p.Child("cpu"), s.CPU)...)
	errs = append(errs, validateQuantity(p.Child("memory"), s.Memory)...)
	return errs
}

// karpenter installs Karpenter where the cluster component made its AWS side. The
// install waits for its namespace and that AWS side, never for another addon (only its
// ServiceMonitor waits for the monitoring CRDs).
func (b *builder) karpenter() error {
	k, s := b.args.Karpenter, b.spec.Karpenter
	if k == nil {
		return nil
	}
	ns, err := b.namespace(AddonKarpenter)
	if err != nil {
		return fmt.Errorf("namespace: %w", err)
	}
	ready, err := b.monitoringReady()
	if err != nil {
		return fmt.Errorf("monitors: %w", err)
	}
	if _, err := karpenter.New(b.ctx, b.name+"-karpenter", &karpenter.Args{
		Namespace: ns, Karpenter: k, Replicas: s.Replicas, CPU: s.CPU, Memory: s.Memory,
		Monitoring: ready != nil, MonitoringReady: ready,
		Chart: s.Chart.Override(),
	}, pulumi.Parent(b.c)); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	return nil
}
