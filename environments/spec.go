package environments

// Spec is one namespace environment (`fleetform:environments[i]`).
type Spec struct {
	// Name is the namespace name; a DNS-1123 label, unique per cluster.
	Name string `yaml:"name"`
	// Cluster names the cluster (in clusters) the namespace lives on.
	Cluster string `yaml:"cluster"`
	// Tier is qa, e2e, stage, prod or another label; prod and stage are hardened. Defaults to Name.
	Tier string `yaml:"tier"`
	// Team owns the namespace; it becomes a label.
	Team string `yaml:"team"`
	// PodSecurity overrides the Pod Security Admission levels.
	PodSecurity PodSecurity `yaml:"podSecurity"`
	// Quota is the namespace ResourceQuota.
	Quota Quota `yaml:"quota"`
	// Limits are the LimitRange container defaults.
	Limits Limits `yaml:"limits"`
	// Access binds groups to roles: view, edit or admin.
	Access []Access `yaml:"access"`
	// Deployer configures the CI ServiceAccount. Defaults to enabled.
	Deployer Deployer `yaml:"deployer"`
	// Egress lists what pods may reach beyond the namespace, DNS and the platform.
	Egress Egress `yaml:"egress"`
	// AllowFrom lists other environments (namespaces) allowed to send traffic in.
	AllowFrom []string `yaml:"allowFrom"`
}

// PodSecurity sets the Pod Security Admission levels (privileged, baseline, restricted).
type PodSecurity struct {
	Enforce string `yaml:"enforce"`
	Audit   string `yaml:"audit"`
	Warn    string `yaml:"warn"`
}

// Quota is a ResourceQuota in Kubernetes quantities.
type Quota struct {
	RequestsCPU    string `yaml:"requestsCpu"`
	RequestsMemory string `yaml:"requestsMemory"`
	LimitsCPU      string `yaml:"limitsCpu"`
	LimitsMemory   string `yaml:"limitsMemory"`
	Pods           int    `yaml:"pods"`
	Services       int    `yaml:"services"`
	// LoadBalancers is services.loadbalancers; 0 unless allowed.
	LoadBalancers int    `yaml:"loadBalancers"`
	PVCs          int    `yaml:"persistentVolumeClaims"`
	Storage       string `yaml:"requestsStorage"`
}

// Limits are LimitRange defaults for containers.
type Limits struct {
	DefaultRequestCPU    string `yaml:"defaultRequestCpu"`
	DefaultRequestMemory string `yaml:"defaultRequestMemory"`
	DefaultCPU           string `yaml:"defaultCpu"`
	DefaultMemory        string `yaml:"defaultMemory"`
	MaxCPU               string `yaml:"maxCpu"`
	MaxMemory            string `yaml:"maxMemory"`
}

// Access binds a group to a role in the namespace.
type Access struct {
	// Group is the Kubernetes group (from the cloud's identity integration).
	Group string `yaml:"group"`
	// Role is view, edit or admin.
	Role string `yaml:"role"`
}

// Deployer configures the CI ServiceAccount.
type Deployer struct {
	// Enabled creates the ServiceAccount and its Role. Defaults to true.
	Enabled *bool `yaml:"enabled"`
	// Name is the ServiceAccount name. Defaults to "ci-deployer".
	Name string `yaml:"name"`
}

// Egress lists extra destinations pods may reach.
type Egress struct {
	// Namespaces pods may reach.
	Namespaces []string `yaml:"namespaces"`
	// CIDRs pods may reach (e.g. a managed database).
	CIDRs []string `yaml:"cidrs"`
}
