package release

// Spec is one app (`fleetform:releases[i]`), declared once and overridden per environment.
type Spec struct {
	// Name is the app name; a DNS-1123 label, unique in the stack.
	Name string `yaml:"name"`
	// Image is the container image with an explicit tag or digest.
	Image string `yaml:"image"`
	// Replicas is the Rollout replica count. Defaults to 2.
	Replicas int `yaml:"replicas"`
	// Ports are the container ports.
	Ports []Port `yaml:"ports"`
	// Env are plain environment variables, delivered through a ConfigMap.
	Env map[string]string `yaml:"env"`
	// SecretEnv maps env names to secret config keys, delivered through a Secret.
	SecretEnv map[string]string `yaml:"secretEnv"`
	// Resources are container requests and limits.
	Resources Resources `yaml:"resources"`
	// Probes are the liveness and readiness probes.
	Probes Probes `yaml:"probes"`
	// Strategy is exactly one of canary or blueGreen.
	Strategy Strategy `yaml:"strategy"`
	// Analysis is the Prometheus success-rate check.
	Analysis Analysis `yaml:"analysis"`
	// Ingress exposes the app.
	Ingress *Ingress `yaml:"ingress"`
	// Autoscaling is the HorizontalPodAutoscaler.
	Autoscaling *Autoscaling `yaml:"autoscaling"`
	// Monitoring adds a ServiceMonitor. Defaults to true.
	Monitoring *bool `yaml:"monitoring"`
	// Environments are the environments the app is released to, with per-environment overrides.
	Environments map[string]Override `yaml:"environments"`
}

// Override changes an app for one environment.
type Override struct {
	Image       string            `yaml:"image"`
	Replicas    int               `yaml:"replicas"`
	Strategy    *Strategy         `yaml:"strategy"`
	Ingress     *Ingress          `yaml:"ingress"`
	Autoscaling *Autoscaling      `yaml:"autoscaling"`
	Env         map[string]string `yaml:"env"`
}

// Port is a named container port.
type Port struct {
	Name          string `yaml:"name"`
	ContainerPort int    `yaml:"containerPort"`
}

// Resources are container requests and limits in Kubernetes quantities.
type Resources struct {
	RequestsCPU    string `yaml:"requestsCpu"`
	RequestsMemory string `yaml:"requestsMemory"`
	LimitsCPU      string `yaml:"limitsCpu"`
	LimitsMemory   string `yaml:"limitsMemory"`
}

// Probes are HTTP probes on a named port.
type Probes struct {
	Liveness  *Probe `yaml:"liveness"`
	Readiness *Probe `yaml:"readiness"`
}

// Probe is an HTTP GET probe.
type Probe struct {
	Path                string `yaml:"path"`
	Port                string `yaml:"port"`
	InitialDelaySeconds int    `yaml:"initialDelaySeconds"`
	PeriodSeconds       int    `yaml:"periodSeconds"`
}

// Strategy holds exactly one rollout strategy.
type Strategy struct {
	Canary    *Canary    `yaml:"canary"`
	BlueGreen *BlueGreen `yaml:"blueGreen"`
}

// Canary is a stepped canary with nginx traffic routing.
type Canary struct {
	Steps          []Step `yaml:"steps"`
	MaxSurge       string `yaml:"maxSurge"`
	MaxUnavailable string `yaml:"maxUnavailable"`
}

// Step is one canary step; exactly one field is set.
type Step struct {
	SetWeight *int   `yaml:"setWeight"`
	Pause     *Pause `yaml:"pause"`
	Analysis  bool   `yaml:"analysis"`
}

// Pause holds a canary; without Duration it waits for a manual promotion.
type Pause struct {
	Duration string `yaml:"duration"`
}

// BlueGreen switches between active and preview Services.
type BlueGreen struct {
	AutoPromotionEnabled  *bool  `yaml:"autoPromotionEnabled"`
	PrePromotionAnalysis  bool   `yaml:"prePromotionAnalysis"`
	PostPromotionAnalysis bool   `yaml:"postPromotionAnalysis"`
	ScaleDownDelaySeconds int    `yaml:"scaleDownDelaySeconds"`
	PreviewHost           string `yaml:"previewHost"`
}

// Analysis is the Prometheus success-rate check.
type Analysis struct {
	// SuccessRate is the minimum ratio of non-5xx requests, in (0,1]. Defaults to 0.99.
	SuccessRate float64 `yaml:"successRate"`
	// Interval between measurements. Defaults to 1m.
	Interval string `yaml:"interval"`
	// Count of measurements. Defaults to 5.
	Count int `yaml:"count"`
}

// Ingress exposes the app through the ingress controller.
type Ingress struct {
	Host          string   `yaml:"host"`
	Paths         []string `yaml:"paths"`
	TLSSecretName string   `yaml:"tlsSecretName"`
}

// Autoscaling is a CPU-based HorizontalPodAutoscaler on the Rollout.
type Autoscaling struct {
	MinReplicas      int `yaml:"minReplicas"`
	MaxReplicas      int `yaml:"maxReplicas"`
	TargetCPUPercent int `yaml:"targetCpuPercent"`
}
