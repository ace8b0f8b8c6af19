package platform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/catalog"
	"github.com/fleetform/fleetform/components/addons/chaos"
)

// AddonChaos is Chaos Mesh's LabelAddon value.
const AddonChaos = catalog.Chaos

// NamespaceChaos is the namespace Chaos Mesh runs in.
const NamespaceChaos = chaos.Namespace

// MsgChaosRuntime is the message for a container runtime the chaos daemon cannot use.
const MsgChaosRuntime = "must be one of containerd, crio or docker"

// MsgChaosSocket is the message for a socket path set without a runtime, or not absolute.
const MsgChaosSocket = "must be an absolute path, set together with runtime"

// ChaosSpec configures Chaos Mesh (`fleetform:platform.chaos`), off by default. With it
// on, releases may declare experiments (release `chaos`), which run only in the
// environments they name; those environments' namespaces are annotated for Chaos
// Mesh's namespace filter, and no other namespace can be a target.
type ChaosSpec struct {
	// Enabled installs Chaos Mesh on every cluster of the stack. Defaults to false.
	Enabled *bool `yaml:"enabled"`
	// Runtime is the nodes' container runtime (containerd, crio or docker), with
	// SocketPath its socket. Defaults to containerd at /run/containerd/containerd.sock,
	// what EKS, AKS and ACK node images run.
	Runtime    string `yaml:"runtime"`
	SocketPath string `yaml:"socketPath"`
	// Chart overrides the chart source.
	Chart Chart `yaml:"chart"`
}

// On says Chaos Mesh is installed.
func (s ChaosSpec) On() bool { return offByDefault(s.Enabled) }

func (s *ChaosSpec) validate(p *field.Path) field.ErrorList {
	errs := validateChart(p.Child("chart"), s.Chart)
	if s.Runtime != "" && !slices.Contains(chaos.Runtimes, s.Runtime) {
		errs = append(errs, field.NotSupported(p.Child("runtime"), s.Runtime, chaos.Runtimes))
	}
	if s.SocketPath != "" && (s.Runtime == "" || !strings.HasPrefix(s.SocketPath, "/")) {
		errs = append(errs, field.Invalid(p.Child("socketPath"), s.SocketPath, MsgChaosSocket))
	}
	if s.Runtime != "" && s.SocketPath == "" {
		errs = append(errs, field.Required(p.Child("socketPath"), MsgChaosSocket))
	}
	return errs
}

// chaosMesh installs Chaos Mesh. Its controller's ServiceMonitor waits for the
// monitoring install; releases' Schedules wait for the release (its CRDs).
func (b *builder) chaosMesh() error {
	s := b.spec.Chaos
	if !s.On() {
		return nil
	}
	ns, err := b.namespace(AddonChaos)
	if err != nil {
		return fmt.Errorf("namespace: %w", err)
	}
	ready, err := b.monitoringReady()
	if err != nil {
		return fmt.Errorf("monitors: %w", err)
	}
	c, err := chaos.New(b.ctx, b.name+"-chaos", &chaos.Args{
		Namespace: ns, Runtime: s.Runtime, SocketPath: s.SocketPath,
		MonitoringReady: ready, Production: b.args.Production, Chart: s.Chart.Override(),
	}, pulumi.Parent(b.c))
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	b.c.Outputs.ChaosReady = c.Release
	return nil
}
