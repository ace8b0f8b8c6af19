package platform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/catalog"
	"github.com/fleetform/fleetform/components/addons/falco"
	"github.com/fleetform/fleetform/components/addons/monitoring"
)

// AddonRuntimeSecurity is Falco's LabelAddon value.
const AddonRuntimeSecurity = catalog.RuntimeSecurity

// NamespaceFalco is the namespace Falco runs in.
const NamespaceFalco = falco.Namespace

// DefaultRuntimeSecurityMinimumPriority loads the rules of priority warning and above:
// every alert reaches the paging receivers, and Falco's notice and info rules (shells,
// package managers, outbound connections in ordinary workloads) would page all day.
const DefaultRuntimeSecurityMinimumPriority = falco.PriorityWarning

// AlertmanagerPort is the port of kube-prometheus-stack's Alertmanager Service
// (alertmanager.service.port in the chart's values.yaml at 88.5.3), named
// <release>-alertmanager (templates/alertmanager/service.yaml).
const AlertmanagerPort = 9093

// MsgPriority is the message for a priority Falco does not know.
const MsgPriority = "must be one of Falco's priorities"

// RuntimeSecuritySpec configures Falco (`fleetform:platform.runtimeSecurity`): a
// DaemonSet on every node with the modern eBPF driver, whose alerts Falcosidekick sends
// to the in-cluster Alertmanager and so to every receiver of platform.monitoring.receivers.
type RuntimeSecuritySpec struct {
	// Enabled installs Falco on every cluster. Defaults to false.
	Enabled *bool `yaml:"enabled"`
	// MinimumPriority is the least severe priority of the rules Falco loads, and of the
	// alerts it forwards: emergency, alert, critical, error, warning, notice, info or
	// debug. Defaults to DefaultRuntimeSecurityMinimumPriority.
	MinimumPriority string `yaml:"minimumPriority"`
	// Chart overrides the chart source.
	Chart Chart `yaml:"chart"`
}

func (s *RuntimeSecuritySpec) applyDefaults() {
	if s.MinimumPriority == "" {
		s.MinimumPriority = DefaultRuntimeSecurityMinimumPriority
	}
}

func (s *RuntimeSecuritySpec) validate(p *field.Path) field.ErrorList {
	errs := validateChart(p.Child("chart"), s.Chart)
	if s.MinimumPriority != "" && !slices.Contains(falco.Priorities, s.MinimumPriority) {
		errs = append(errs, field.Invalid(p.Child("minimumPriority"), s.MinimumPriority,
			MsgPriority+" ("+strings.Join(falco.Priorities, ", ")+")"))
	}
	return errs
}

// AlertmanagerURL is the in-cluster Alertmanager of the monitoring install in namespace ns.
func AlertmanagerURL(ns string) string {
	return fmt.Sprintf("http://%s-alertmanager.%s.svc:%d", monitoring.ReleaseName, ns, AlertmanagerPort)
}

// runtimeSecurity installs Falco. The install waits for its namespace only: with
// monitoring on, Falcosidekick posts to Alertmanager whenever it is up, and only the
// ServiceMonitor waits for the monitoring install.
func (b *builder) runtimeSecurity() error {
	s := b.spec.RuntimeSecurity
	if !offByDefault(s.Enabled) {
		return nil
	}
	ns, err := b.namespace(AddonRuntimeSecurity)
	if err != nil {
		return fmt.Errorf("namespace: %w", err)
	}
	ready, err := b.monitoringReady()
	if err != nil {
		return fmt.Errorf("monitors: %w", err)
	}
	am := ""
	if ready != nil {
		am = AlertmanagerURL(NamespaceMonitoring)
	}
	if s.MinimumPriority == "" {
		s.MinimumPriority = DefaultRuntimeSecurityMinimumPriority
	}
	if _, err := falco.New(b.ctx, b.name+"-falco", &falco.Args{
		Namespace: ns, MinimumPriority: s.MinimumPriority, AlertmanagerURL: am,
		MonitoringReady: ready, Production: b.args.Production, Chart: s.Chart.Override(),
	}, pulumi.Parent(b.c)); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	return nil
}
