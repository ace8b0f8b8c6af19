package release

import (
	"github.com/fleetform/fleetform/components/addons/chaos"
	"github.com/fleetform/fleetform/internal/secret"
)

// Spec is one app (`fleetform:releases[i]`), declared once and overridden per environment.
type Spec struct {
	// Name is the app name: a DNS-1035 label of at most MaxNameLength characters, unique
	// in the stack. Every Kubernetes object of the release is named after it.
	Name string `yaml:"name"`
	// Formerly lists the names the release had before, oldest first. Its resources keep
	// their identity through Pulumi aliases, and the first name stays the name of its
	// Kubernetes objects, which Kubernetes cannot rename. Keep the list as long as the
	// release lives.
	Formerly []string `yaml:"formerly"`
	// Image is the container image with an explicit tag (`repo:1.2.3`) or digest
	// (`repo@sha256:...`). `latest` is refused for the stage and prod tiers.
	Image string `yaml:"image"`
	// Replicas is the Rollout replica count, at least 1. Defaults to DefaultReplicas.
	// Ignored when Autoscaling is set: the HorizontalPodAutoscaler owns the count then.
	Replicas *int `yaml:"replicas"`
	// Ports are the container ports; at least one. Services expose each one on the same number.
	Ports []Port `yaml:"ports"`
	// Env are plain environment variables, delivered through a ConfigMap.
	Env map[string]string `yaml:"env"`
	// SecretEnv maps env names to where each secret value comes from: a secret config key
	// (`API_KEY: storefrontApiKey`, set with `pulumi config set --secret`; the value stays
	// a Pulumi secret), or an entry of the cluster's external secret store
	// (`DB_PASSWORD: {external: {key: shop/db, property: password}}`), which the
	// cluster's External Secrets Operator reads so the value never passes through the stack.
	SecretEnv map[string]SecretEnvVar `yaml:"secretEnv"`
	// Resources are container requests and limits.
	Resources Resources `yaml:"resources"`
	// Probes are the liveness and readiness probes.
	Probes Probes `yaml:"probes"`
	// RunAsUser is the numeric user the container runs as. Unset leaves the image's USER,
	// which must then be numeric and non-zero for runAsNonRoot to admit the pod.
	RunAsUser *int64 `yaml:"runAsUser"`
	// Strategy is exactly one of canary or blueGreen.
	Strategy Strategy `yaml:"strategy"`
	// Analysis is the Prometheus success-rate check used by canary analysis steps and
	// blue-green promotion analysis.
	Analysis Analysis `yaml:"analysis"`
	// Ingress exposes the app through the cluster's ingress controller. Unset: no Ingress.
	Ingress *Ingress `yaml:"ingress"`
	// Autoscaling is the HorizontalPodAutoscaler. Unset: a fixed replica count.
	Autoscaling *Autoscaling `yaml:"autoscaling"`
	// VerticalAutoscaling sets the VerticalPodAutoscaler made on clusters that run the
	// VPA. Unset: recommendations only (updateMode Off, cpu and memory).
	VerticalAutoscaling *VerticalAutoscaling `yaml:"verticalAutoscaling"`
	// Tracing exports the app's traces over OTLP to its cluster's collector: the
	// container gets the standard OTEL_* variables (endpoint, protocol, service name and
	// resource attributes), which every OpenTelemetry SDK reads. Needs platform.tracing.
	Tracing bool `yaml:"tracing"`
	// Monitoring adds a metrics Service and a ServiceMonitor on clusters whose platform runs
	// monitoring. Defaults to true.
	Monitoring *bool `yaml:"monitoring"`
	// Metrics says where the app serves Prometheus metrics, for the ServiceMonitor.
	Metrics Metrics `yaml:"metrics"`
	// Chaos are chaos experiments (pod kill, network delay, CPU stress) that Chaos Mesh
	// runs on a schedule against the release's pods, each in the environments it names.
	// Needs platform.chaos; refused in prod-tier environments by policy CHA001 unless the
	// stack sets stack.chaosInProduction.
	Chaos []chaos.Experiment `yaml:"chaos"`
	// VirtualNodes puts the app's pods on their cluster's virtual nodes (true) or keeps
	// them off (false). Unset: as the environment says (environments[i].virtualNodes).
	VirtualNodes *bool `yaml:"virtualNodes"`
	// Environments are the environments the app is released to, with per-environment overrides.
	Environments map[string]Override `yaml:"environments"`
}

// Override changes an app for one environment. Every set field replaces the base
// value whole, except Env, whose keys are merged over the base Env.
type Override struct {
	// Image replaces the image; promoting a version is changing this line.
	Image string `yaml:"image"`
	// Replicas replaces the replica count.
	Replicas *int `yaml:"replicas"`
	// Strategy replaces the whole strategy.
	Strategy *Strategy `yaml:"strategy"`
	// Ingress replaces the whole Ingress (host, paths, TLS).
	Ingress *Ingress `yaml:"ingress"`
	// Autoscaling replaces the whole autoscaling block.
	Autoscaling *Autoscaling `yaml:"autoscaling"`
	// VerticalAutoscaling replaces the whole verticalAutoscaling block.
	VerticalAutoscaling *VerticalAutoscaling `yaml:"verticalAutoscaling"`
	// Env is merged over the base Env; these keys win.
	Env map[string]string `yaml:"env"`
	// VirtualNodes replaces virtualNodes for this environment.
	VirtualNodes *bool `yaml:"virtualNodes"`
}

// Port is a named container port.
type Port struct {
	// Name is an IANA_SVC_NAME (at most 15 characters, lowercase letters, digits and '-').
	Name string `yaml:"name"`
	// ContainerPort is the port number, 1..65535.
	ContainerPort int `yaml:"containerPort"`
}

// Resources are container requests and limits in Kubernetes quantities; empty fields are not set.
type Resources struct {
	RequestsCPU    string `yaml:"requestsCpu"`
	RequestsMemory string `yaml:"requestsMemory"`
	LimitsCPU      string `yaml:"limitsCpu"`
	LimitsMemory   string `yaml:"limitsMemory"`
}

// Probes are the liveness and readiness probes; an unset probe is not configured.
type Probes struct {
	Liveness  *Probe `yaml:"liveness"`
	Readiness *Probe `yaml:"readiness"`
}

// Probe is an HTTP GET probe on a named port.
type Probe struct {
	// Path is the HTTP path, starting with '/'.
	Path string `yaml:"path"`
	// Port names one of the release's ports.
	Port string `yaml:"port"`
	// InitialDelaySeconds before the first probe. 0 leaves the Kubernetes default (0).
	InitialDelaySeconds int `yaml:"initialDelaySeconds"`
	// PeriodSeconds between probes. 0 leaves the Kubernetes default (10).
	PeriodSeconds int `yaml:"periodSeconds"`
}

// Strategy holds exactly one rollout strategy.
type Strategy struct {
	Canary    *Canary    `yaml:"canary"`
	BlueGreen *BlueGreen `yaml:"blueGreen"`
}

// Canary is a stepped canary. With an Ingress, traffic is split by weight through the
// nginx ingress (Argo Rollouts makes a canary Ingress from the stable one); without
// one, weights are approximated by replica counts.
type Canary struct {
	// Steps run in order; each sets exactly one of setWeight, pause or analysis.
	Steps []Step `yaml:"steps"`
	// MaxSurge is a count ("1") or a percentage ("25%"). Unset: the Argo default (25%).
	MaxSurge string `yaml:"maxSurge"`
	// MaxUnavailable is a count ("0") or a percentage ("25%"). Unset: the Argo default (25%).
	MaxUnavailable string `yaml:"maxUnavailable"`
}

// Step is one canary step; exactly one field is set.
type Step struct {
	// SetWeight sends this percentage (1..100) of traffic to the canary; strictly increasing.
	SetWeight *int `yaml:"setWeight"`
	// Pause holds the canary, for a duration or until promoted by hand.
	Pause *Pause `yaml:"pause"`
	// Analysis runs the release's success-rate analysis on the canary Service.
	Analysis bool `yaml:"analysis"`
}

// Pause holds a canary; without Duration it waits for a manual promotion.
type Pause struct {
	// Duration is a sequence of whole numbers with a unit s, m or h: `30s`, `5m`, `1h`, `1h30m`.
	Duration string `yaml:"duration"`
}

// BlueGreen switches the active Service between two ReplicaSets.
type BlueGreen struct {
	// AutoPromotionEnabled promotes the preview without a manual step. Unset: the Argo default (true).
	AutoPromotionEnabled *bool `yaml:"autoPromotionEnabled"`
	// PrePromotionAnalysis runs the success-rate analysis on the preview Service before the
	// switch. It needs PreviewHost: only traffic through the ingress is measured.
	PrePromotionAnalysis bool `yaml:"prePromotionAnalysis"`
	// PostPromotionAnalysis runs the success-rate analysis on the active Service after the
	// switch. It needs an Ingress.
	PostPromotionAnalysis bool `yaml:"postPromotionAnalysis"`
	// ScaleDownDelaySeconds keeps the old ReplicaSet after the switch. 0: the Argo default (30).
	ScaleDownDelaySeconds int `yaml:"scaleDownDelaySeconds"`
	// PreviewHost adds an Ingress for the preview Service on this host (same paths and TLS
	// secret as Ingress, or "/" without TLS when there is none).
	PreviewHost string `yaml:"previewHost"`
}

// Analysis is the Prometheus success-rate check: the share of requests through the
// ingress controller that did not answer 5xx.
type Analysis struct {
	// SuccessRate is the minimum ratio of non-5xx requests, in (0,1]. 0 or unset: DefaultSuccessRate.
	SuccessRate float64 `yaml:"successRate"`
	// Interval between measurements, also the query's rate window. Defaults to DefaultAnalysisInterval.
	Interval string `yaml:"interval"`
	// Count of measurements. Defaults to DefaultAnalysisCount.
	Count int `yaml:"count"`
}

// Ingress exposes the app through the ingress controller.
type Ingress struct {
	// Host is the DNS name the app is served on.
	Host string `yaml:"host"`
	// Paths are prefix paths routed to the app. Defaults to ["/"].
	Paths []string `yaml:"paths"`
	// TLSSecretName is the kubernetes.io/tls Secret in the namespace. Unset: plain HTTP.
	TLSSecretName string `yaml:"tlsSecretName"`
	// Port names the release port the Ingress sends traffic to. Defaults to the first port.
	Port string `yaml:"port"`
}

// Autoscaling is a CPU-based HorizontalPodAutoscaler on the Rollout.
type Autoscaling struct {
	// MinReplicas is at least 1 and at most MaxReplicas.
	MinReplicas int `yaml:"minReplicas"`
	// MaxReplicas is the upper bound.
	MaxReplicas int `yaml:"maxReplicas"`
	// TargetCPUPercent is the average CPU utilisation of requests to aim for, 1..100.
	// Defaults to DefaultTargetCPUPercent. Needs resources.requestsCpu.
	TargetCPUPercent int `yaml:"targetCpuPercent"`
}

// Metrics says where the app serves Prometheus metrics.
type Metrics struct {
	// Port names the release port to scrape. Defaults to the first port.
	Port string `yaml:"port"`
	// Path is the scrape path. Defaults to DefaultMetricsPath.
	Path string `yaml:"path"`
}

// SecretEnvVar is where one secret env value comes from: exactly one of Config or External.
type SecretEnvVar struct {
	// Config names a secret config key; the plain string form sets it.
	Config secret.Ref `yaml:"config"`
	// External names an entry of the cluster's ClusterSecretStore.
	External *ExternalRef `yaml:"external"`
}

// SetScalar takes the string form, a secret config key.
func (v *SecretEnvVar) SetScalar(s string) { v.Config = secret.Ref(s) }

// ExternalRef is one value in the external secret store.
type ExternalRef struct {
	// Key is the secret's name in the store: the AWS Secrets Manager name (under the
	// stack's prefix), the Key Vault secret name, or the Vault path.
	Key string `yaml:"key"`
	// Property picks one field of a JSON secret; empty takes the whole value.
	Property string `yaml:"property"`
	// Version pins a version (a Secrets Manager version ID or stage, a Key Vault
	// version); empty follows the latest.
	Version string `yaml:"version"`
}

// ConfigSecretEnv are the secret env entries that come from secret config, by env name.
func (s *Spec) ConfigSecretEnv() map[string]secret.Ref {
	out := map[string]secret.Ref{}
	for k, v := range s.SecretEnv {
		if v.External == nil {
			out[k] = v.Config
		}
	}
	return out
}

// ExternalSecretEnv are the secret env entries read from the external store, by env name.
func (s *Spec) ExternalSecretEnv() map[string]ExternalRef {
	out := map[string]ExternalRef{}
	for k, v := range s.SecretEnv {
		if v.External != nil {
			out[k] = *v.External
		}
	}
	return out
}

// Identity is the name the entry's resources were first created under: the first of
// Formerly, else Name.
func (s *Spec) Identity() string {
	if len(s.Formerly) > 0 {
		return s.Formerly[0]
	}
	return s.Name
}

// Names are every name the entry has had, Formerly then Name.
func (s *Spec) Names() []string { return append(append([]string(nil), s.Formerly...), s.Name) }
