package release

import (
	"sort"

	"github.com/fleetform/fleetform/components/addons/chaos"
)

// Defaults, each chosen so an app that sets nothing more still rolls out safely.
const (
	// DefaultReplicas keeps two pods so a node drain or a bad pod never takes the app down.
	DefaultReplicas = 2
	// DefaultSuccessRate fails analysis when more than 1% of requests answer 5xx.
	DefaultSuccessRate = 0.99
	// DefaultAnalysisInterval is long enough for two 30s Prometheus scrapes per rate window.
	DefaultAnalysisInterval = "1m"
	// DefaultAnalysisCount takes five measurements: five minutes of evidence at the default interval.
	DefaultAnalysisCount = 5
	// DefaultAnalysisFailureLimit aborts on the second failed measurement, so one noisy
	// minute does not roll a release back.
	DefaultAnalysisFailureLimit = 1
	// DefaultTargetCPUPercent scales out before pods saturate, leaving headroom for a canary.
	DefaultTargetCPUPercent = 80
	// DefaultIngressPath routes everything on the host to the app.
	DefaultIngressPath = "/"
	// DefaultMetricsPath is where Prometheus client libraries serve metrics.
	DefaultMetricsPath = "/metrics"
	// DefaultMonitoring turns on the ServiceMonitor: apps are observable unless they opt out.
	DefaultMonitoring = true
	// PodDisruptionMaxUnavailable lets drains evict one pod at a time, whatever the replica count.
	PodDisruptionMaxUnavailable = 1
)

// ApplyDefaults fills unset fields with the documented defaults, in the base block and
// in every per-environment override.
func (s *Spec) ApplyDefaults() {
	if s.Replicas == nil {
		r := DefaultReplicas
		s.Replicas = &r
	}
	if s.Analysis.SuccessRate == 0 {
		s.Analysis.SuccessRate = DefaultSuccessRate
	}
	if s.Analysis.Interval == "" {
		s.Analysis.Interval = DefaultAnalysisInterval
	}
	if s.Analysis.Count == 0 {
		s.Analysis.Count = DefaultAnalysisCount
	}
	if s.Monitoring == nil {
		m := DefaultMonitoring
		s.Monitoring = &m
	}
	if s.Metrics.Path == "" {
		s.Metrics.Path = DefaultMetricsPath
	}
	if s.Metrics.Port == "" && len(s.Ports) > 0 {
		s.Metrics.Port = s.Ports[0].Name
	}
	s.defaultIngress(s.Ingress)
	defaultAutoscaling(s.Autoscaling)
	defaultVerticalAutoscaling(s.VerticalAutoscaling)
	for env, o := range s.Environments {
		s.defaultIngress(o.Ingress)
		defaultAutoscaling(o.Autoscaling)
		defaultVerticalAutoscaling(o.VerticalAutoscaling)
		s.Environments[env] = o
	}
}

func (s *Spec) defaultIngress(in *Ingress) {
	if in == nil {
		return
	}
	if len(in.Paths) == 0 {
		in.Paths = []string{DefaultIngressPath}
	}
	if in.Port == "" && len(s.Ports) > 0 {
		in.Port = s.Ports[0].Name
	}
}

func defaultAutoscaling(a *Autoscaling) {
	if a != nil && a.TargetCPUPercent == 0 {
		a.TargetCPUPercent = DefaultTargetCPUPercent
	}
}

// For returns the release as deployed to one environment: the base block with that
// environment's override applied, and no Environments of its own. The result shares
// no maps or pointers with s that an override replaced.
func (s *Spec) For(env string) Spec {
	out := *s
	out.Environments = nil
	out.Chaos = chaos.RunsIn(s.Chaos, env)
	o, ok := s.Environments[env]
	if !ok {
		return out
	}
	if o.Image != "" {
		out.Image = o.Image
	}
	if o.Replicas != nil {
		out.Replicas = o.Replicas
	}
	if o.Strategy != nil {
		out.Strategy = *o.Strategy
	}
	if o.Ingress != nil {
		out.Ingress = o.Ingress
	}
	if o.Autoscaling != nil {
		out.Autoscaling = o.Autoscaling
	}
	if o.VerticalAutoscaling != nil {
		out.VerticalAutoscaling = o.VerticalAutoscaling
	}
	if o.VirtualNodes != nil {
		out.VirtualNodes = o.VirtualNodes
	}
	if len(o.Env) > 0 {
		merged := make(map[string]string, len(s.Env)+len(o.Env))
		for k, v := range s.Env {
			merged[k] = v
		}
		for k, v := range o.Env {
			merged[k] = v
		}
		out.Env = merged
	}
	return out
}

// EnvironmentNames returns the environments the release goes to, sorted.
func (s *Spec) EnvironmentNames() []string {
	out := make([]string, 0, len(s.Environments))
	for env := range s.Environments {
		out = append(out, env)
	}
	sort.Strings(out)
	return out
}

// usesAnalysis reports whether the strategy runs the success-rate analysis anywhere.
func (st *Strategy) usesAnalysis() bool {
	if st.Canary != nil {
		for _, step := range st.Canary.Steps {
			if step.Analysis {
				return true
			}
		}
	}
	if st.BlueGreen != nil {
		return st.BlueGreen.PrePromotionAnalysis || st.BlueGreen.PostPromotionAnalysis
	}
	return false
}
