package release

import (
	"fmt"
	"github.com/fleetform/fleetform/components/addons/chaos"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/edges"
)

// Platform is what the platform layer of the clusters a release goes to offers it,
// as the stack's platform section decides. The same section configures every
// cluster, so one Platform holds for all of them.
type Platform struct {
	// Rollouts says Argo Rollouts runs (platform.rollouts.enabled); a release is a Rollout.
	Rollouts bool
	// Ingress says an ingress controller serves Ingresses (platform.ingress.enabled).
	Ingress bool
	// Prometheus says a Prometheus answers analysis queries (platform.monitoring.enabled).
	Prometheus bool
	// Edge is the platform's edge, which decides how releases are routed.
	Edge edges.Edge
	// GatewayPlugin says Argo Rollouts loads the Gateway API traffic-router plugin
	// (platform.rollouts.gatewayPlugin), which edges.EnvoyGateway and edges.Kong canaries need.
	GatewayPlugin bool
	// VPA says the Vertical Pod Autoscaler runs (platform.vpa.enabled).
	VPA bool
	// VPAUpdates says it applies recommendations (platform.vpa.updates).
	VPAUpdates bool
	// NoSecretStore lists, by environment name, the clusters holding that environment
	// that have no external secret store (platform.externalSecrets).
	NoSecretStore map[string][]string
	// Tracing says every cluster runs an OpenTelemetry Collector (platform.tracing.enabled).
	Tracing bool
	// Chaos says every cluster runs Chaos Mesh (platform.chaos.enabled).
	Chaos bool
}

// Messages of ValidatePlatform, exported so tests can assert on them.
const (
	MsgNeedsRollouts          = "releases run as Argo Rollouts, which platform.rollouts.enabled: false turns off"
	MsgNeedsIngressController = "an ingress needs the ingress controller, which platform.ingress.enabled: false turns off"
	MsgNeedsPrometheus        = "the strategy runs analysis, which queries the Prometheus that platform.monitoring.enabled: false turns off"
	MsgNeedsTracing           = "exports traces to the cluster's OpenTelemetry Collector, which platform.tracing.enabled: false turns off"
	MsgNeedsSecretStore       = "is an external secret, and External Secrets Operator has no store on cluster(s) %s (platform.externalSecrets: enabled, and azure.vaultId on azure or vault.server on alicloud and existing)"
	MsgCanaryNeedsPlugin      = "a canary with an ingress on a Gateway API edge shifts traffic through Argo Rollouts' Gateway API plugin, which platform.rollouts.gatewayPlugin.enabled: false turns off; turn it on, or use edge istio or a blueGreen strategy"
)

// ValidatePlatform checks a defaulted release at path p against what the platform
// offers, in every environment it goes to. Each problem is reported where it is set:
// on the base block, or on the environment's override. New refuses the same
// releases mid-build (ErrNoPrometheus); this reports them, with their paths, before
// anything is registered.
func (s *Spec) ValidatePlatform(p *field.Path, pf Platform) field.ErrorList {
	var errs field.ErrorList
	if !pf.Rollouts {
		errs = append(errs, field.Invalid(p, s.Name, MsgNeedsRollouts))
	}
	if s.Tracing && !pf.Tracing {
		errs = append(errs, field.Invalid(p.Child("tracing"), true, MsgNeedsTracing))
	}
	if len(s.Chaos) > 0 && !pf.Chaos {
		errs = append(errs, field.Invalid(p.Child("chaos"), len(s.Chaos), chaos.MsgNoChaos))
	}
	seen := map[string]bool{}
	add := func(e *field.Error) {
		if !seen[e.Field] {
			seen[e.Field] = true
			errs = append(errs, e)
		}
	}
	for _, env := range s.EnvironmentNames() {
		o := s.Environments[env]
		ep := p.Child("environments").Key(env)
		r := s.For(env)
		if !pf.Ingress && r.Ingress != nil {
			at := p.Child("ingress")
			if o.Ingress != nil {
				at = ep.Child("ingress")
			}
			add(field.Invalid(at, r.Ingress.Host, MsgNeedsIngressController))
		} else if pf.Edge.RoutesByPlugin() && !pf.GatewayPlugin && r.Ingress != nil && r.Strategy.Canary != nil {
			at := p.Child("strategy")
			if o.Strategy != nil {
				at = ep.Child("strategy")
			}
			add(field.Invalid(at, "canary", MsgCanaryNeedsPlugin))
		}
		if missing := pf.NoSecretStore[env]; len(missing) > 0 {
			for _, k := range slices.Sorted(maps.Keys(r.ExternalSecretEnv())) {
				add(field.Invalid(p.Child("secretEnv").Key(k).Child("external"), r.SecretEnv[k].External.Key,
					fmt.Sprintf(MsgNeedsSecretStore, strings.Join(missing, ", "))))
			}
		}
		if !pf.Prometheus && r.Strategy.usesAnalysis() {
			at := p.Child("strategy")
			if o.Strategy != nil {
				at = ep.Child("strategy")
			}
			add(field.Invalid(at, describeAnalysis(&r.Strategy), MsgNeedsPrometheus))
		}
		if r.appliesVPA() {
			at := s.vpaPath(p, ep, o)
			switch {
			case !pf.VPA:
				add(field.Invalid(at, r.VerticalAutoscaling.UpdateMode, MsgNeedsVPA))
			case !pf.VPAUpdates:
				add(field.Invalid(at, r.VerticalAutoscaling.UpdateMode, MsgNeedsVPAUpdates))
			}
		}
	}
	return errs
}

// describeAnalysis names where a strategy runs analysis, for messages.
func describeAnalysis(st *Strategy) string {
	if st.BlueGreen != nil {
		return "blueGreen with promotion analysis"
	}
	return "canary with an analysis step"
}
