package environments

// Spec is one namespace environment (`fleetform:environments[i]`). Every field that
// is left unset takes the default of the environment's tier (see defaults.go and
// docs/environments.md).
type Spec struct {
	// Name is the namespace name; a DNS-1123 label, unique per cluster.
	Name string `yaml:"name"`
	// Formerly lists the names the environment had before, oldest first. Its resources
	// keep their identity through Pulumi aliases, and the first name stays the namespace
	// (and the default tier): Kubernetes cannot rename a namespace. Keep the list as long
	// as the environment lives.
	Formerly []string `yaml:"formerly"`
	// Cluster names the cluster (in clusters) the namespace lives on.
	Cluster string `yaml:"cluster"`
	// Tier is qa, e2e, stage, prod or another label value; prod and stage are
	// hardened (restricted Pod Security, larger quota). Defaults to Name (the first
	// name, Identity, once renamed).
	Tier string `yaml:"tier"`
	// Team owns the namespace; it becomes the LabelTeam label. Optional.
	Team string `yaml:"team"`
	// PodSecurity overrides the Pod Security Admission levels.
	PodSecurity PodSecurity `yaml:"podSecurity"`
	// Quota is the namespace ResourceQuota. Unset fields take the tier's defaults.
	Quota Quota `yaml:"quota"`
	// Limits are the LimitRange container defaults. Unset fields take the tier's defaults.
	Limits Limits `yaml:"limits"`
	// Access binds groups to the built-in ClusterRoles view, edit or admin in the namespace.
	Access []Access `yaml:"access"`
	// Deployer configures the CI ServiceAccount. Defaults to enabled, named ci-deployer.
	Deployer Deployer `yaml:"deployer"`
	// Egress lists what pods may reach beyond the namespace, DNS and the platform.
	// Defaults to nothing.
	Egress Egress `yaml:"egress"`
	// AllowFrom lists other environments (namespaces on the same cluster) whose pods
	// may open connections into this one. Defaults to none: environments are isolated.
	AllowFrom []string `yaml:"allowFrom"`
	// Mesh joins the namespace to the cluster's sidecar mesh, with strict mTLS by
	// default. Only where platform.mesh is on, which it then joins unless told not to.
	Mesh Mesh `yaml:"mesh"`
	// VirtualNodes puts the environment's releases on its cluster's virtual nodes
	// (clusters[i].virtualNodes): pods billed per pod, with no node pool to grow. A
	// release may still say otherwise (releases[i].virtualNodes). Defaults to false.
	VirtualNodes bool `yaml:"virtualNodes"`
}

// PodSecurity sets the Pod Security Admission levels: privileged, baseline or restricted.
type PodSecurity struct {
	// Enforce rejects pods that break the level. Defaults to restricted for prod and
	// stage, baseline for every other tier.
	Enforce string `yaml:"enforce"`
	// Audit records violations in the audit log. Defaults to restricted.
	Audit string `yaml:"audit"`
	// Warn returns violations as warnings to the client. Defaults to restricted.
	Warn string `yaml:"warn"`
}

// Quota is a ResourceQuota. Quantities are Kubernetes quantities (`500m`, `4`, `8Gi`).
// A zero count means "the tier default", except LoadBalancers.
type Quota struct {
	// RequestsCPU caps requests.cpu over all pods. Defaults to 2 (8 for prod and stage).
	RequestsCPU string `yaml:"requestsCpu"`
	// RequestsMemory caps requests.memory. Defaults to 4Gi (16Gi for prod and stage).
	RequestsMemory string `yaml:"requestsMemory"`
	// LimitsCPU caps limits.cpu. Defaults to 4 (16 for prod and stage).
	LimitsCPU string `yaml:"limitsCpu"`
	// LimitsMemory caps limits.memory. Defaults to 8Gi (32Gi for prod and stage).
	LimitsMemory string `yaml:"limitsMemory"`
	// Pods caps the pod count. Defaults to 20 (100 for prod and stage).
	Pods int `yaml:"pods"`
	// Services caps the Service count. Defaults to 10 (30 for prod and stage).
	Services int `yaml:"services"`
	// LoadBalancers is services.loadbalancers. Defaults to 0: apps are reached
	// through the shared ingress controller, not a cloud load balancer each.
	LoadBalancers int `yaml:"loadBalancers"`
	// PVCs caps the PersistentVolumeClaim count. Defaults to 5 (20 for prod and stage).
	PVCs int `yaml:"persistentVolumeClaims"`
	// Storage caps requests.storage over all claims. Defaults to 50Gi (200Gi for prod and stage).
	Storage string `yaml:"requestsStorage"`
}

// Limits are LimitRange defaults and maxima for each container, so that a pod
// without resources still gets requests and limits and is admitted by the quota.
type Limits struct {
	// DefaultRequestCPU is the CPU request of a container that sets none. Defaults to 100m (200m for prod and stage).
	DefaultRequestCPU string `yaml:"defaultRequestCpu"`
	// DefaultRequestMemory is the memory request of a container that sets none. Defaults to 128Mi (256Mi for prod and stage).
	DefaultRequestMemory string `yaml:"defaultRequestMemory"`
	// DefaultCPU is the CPU limit of a container that sets none. Defaults to 500m (1 for prod and stage).
	DefaultCPU string `yaml:"defaultCpu"`
	// DefaultMemory is the memory limit of a container that sets none. Defaults to 512Mi (1Gi for prod and stage).
	DefaultMemory string `yaml:"defaultMemory"`
	// MaxCPU is the largest CPU limit one container may have. Defaults to 2 (4 for prod and stage).
	MaxCPU string `yaml:"maxCpu"`
	// MaxMemory is the largest memory limit one container may have. Defaults to 4Gi (8Gi for prod and stage).
	MaxMemory string `yaml:"maxMemory"`
}

// Access binds a group to a built-in ClusterRole in the namespace.
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
	// Name is the ServiceAccount, Role and RoleBinding name. Defaults to DefaultDeployerName.
	Name string `yaml:"name"`
}

// IsEnabled reports whether the deployer is created; nil means the default, true.
func (d Deployer) IsEnabled() bool { return d.Enabled == nil || *d.Enabled }

// Egress lists extra destinations pods may reach.
type Egress struct {
	// Namespaces pods may reach (any port). The other side must also allow the
	// traffic in, e.g. through its allowFrom.
	Namespaces []string `yaml:"namespaces"`
	// CIDRs pods may reach, in canonical form (e.g. 10.0.8.0/24 for a managed database).
	CIDRs []string `yaml:"cidrs"`
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
