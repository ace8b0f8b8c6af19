package environments

// Tiers that get the hardened defaults: restricted Pod Security and the larger quota.
const (
	// TierProd is the production tier.
	TierProd = "prod"
	// TierStage is the pre-production tier; it mirrors prod so that what passes
	// stage is admitted by prod too.
	TierStage = "stage"
)

// Pod Security Admission levels.
const (
	// LevelPrivileged allows everything.
	LevelPrivileged = "privileged"
	// LevelBaseline blocks known privilege escalations (hostPath, privileged, host namespaces).
	LevelBaseline = "baseline"
	// LevelRestricted also requires non-root, dropped capabilities and a seccomp profile.
	LevelRestricted = "restricted"
)

// Default Pod Security levels.
const (
	// DefaultEnforceHardened is enforced in prod and stage: workloads there must be
	// hardened, and stage catches what prod would refuse.
	DefaultEnforceHardened = LevelRestricted
	// DefaultEnforce is enforced in every other tier: it blocks privilege escalation
	// while teams still harden their images.
	DefaultEnforce = LevelBaseline
	// DefaultAudit audits against restricted everywhere, so the gap to prod shows up early.
	DefaultAudit = LevelRestricted
	// DefaultWarn warns against restricted everywhere, so `kubectl apply` tells developers early.
	DefaultWarn = LevelRestricted
)

// DefaultDeployerName is the CI ServiceAccount's name; CI pipelines expect it by name.
const DefaultDeployerName = "ci-deployer"

// Quota defaults of ordinary tiers (qa, e2e, dev, ...): a team's handful of services
// with one or two replicas each.
const (
	// DefaultQuotaRequestsCPU is the CPU all pods of the namespace may request together.
	DefaultQuotaRequestsCPU = "2"
	// DefaultQuotaRequestsMemory is the memory all pods of the namespace may request together.
	DefaultQuotaRequestsMemory = "4Gi"
	// DefaultQuotaLimitsCPU caps the sum of CPU limits; twice the requests leaves room to burst.
	DefaultQuotaLimitsCPU = "4"
	// DefaultQuotaLimitsMemory caps the sum of memory limits; twice the requests leaves room to burst.
	DefaultQuotaLimitsMemory = "8Gi"
	// DefaultQuotaPods caps the pod count, so a crash-looping Job cannot fill the nodes.
	DefaultQuotaPods = 20
	// DefaultQuotaServices caps the Service count.
	DefaultQuotaServices = 10
	// DefaultQuotaPVCs caps the PersistentVolumeClaim count; test tiers rarely keep state.
	DefaultQuotaPVCs = 5
	// DefaultQuotaStorage caps the storage all claims may request together.
	DefaultQuotaStorage = "50Gi"
)

// Quota defaults of hardened tiers (prod, stage): the same services with production
// replica counts and headroom for a blue-green or canary doubling.
const (
	// HardenedQuotaRequestsCPU is the CPU all pods of a prod or stage namespace may request together.
	HardenedQuotaRequestsCPU = "8"
	// HardenedQuotaRequestsMemory is the memory all pods of a prod or stage namespace may request together.
	HardenedQuotaRequestsMemory = "16Gi"
	// HardenedQuotaLimitsCPU caps the sum of CPU limits in prod and stage.
	HardenedQuotaLimitsCPU = "16"
	// HardenedQuotaLimitsMemory caps the sum of memory limits in prod and stage.
	HardenedQuotaLimitsMemory = "32Gi"
	// HardenedQuotaPods caps the pod count in prod and stage, with room for a rollout doubling.
	HardenedQuotaPods = 100
	// HardenedQuotaServices caps the Service count in prod and stage (stable, canary and preview Services per app).
	HardenedQuotaServices = 30
	// HardenedQuotaPVCs caps the PersistentVolumeClaim count in prod and stage.
	HardenedQuotaPVCs = 20
	// HardenedQuotaStorage caps the storage all claims of prod or stage may request together.
	HardenedQuotaStorage = "200Gi"
)

// DefaultQuotaLoadBalancers is services.loadbalancers in every tier: apps are
// reached through the shared ingress controller, and a LoadBalancer Service costs
// a cloud load balancer and bypasses it.
const DefaultQuotaLoadBalancers = 0

// LimitRange defaults of ordinary tiers: a small sidecar-sized container, with a
// limit five times the request so bursts fit.
const (
	// DefaultLimitsRequestCPU is the CPU request of a container that sets none.
	DefaultLimitsRequestCPU = "100m"
	// DefaultLimitsRequestMemory is the memory request of a container that sets none.
	DefaultLimitsRequestMemory = "128Mi"
	// DefaultLimitsCPU is the CPU limit of a container that sets none.
	DefaultLimitsCPU = "500m"
	// DefaultLimitsMemory is the memory limit of a container that sets none.
	DefaultLimitsMemory = "512Mi"
	// DefaultLimitsMaxCPU is the largest CPU limit one container may have.
	DefaultLimitsMaxCPU = "2"
	// DefaultLimitsMaxMemory is the largest memory limit one container may have.
	DefaultLimitsMaxMemory = "4Gi"
)

// LimitRange defaults of hardened tiers: a typical service container.
const (
	// HardenedLimitsRequestCPU is the CPU request of a prod or stage container that sets none.
	HardenedLimitsRequestCPU = "200m"
	// HardenedLimitsRequestMemory is the memory request of a prod or stage container that sets none.
	HardenedLimitsRequestMemory = "256Mi"
	// HardenedLimitsCPU is the CPU limit of a prod or stage container that sets none.
	HardenedLimitsCPU = "1"
	// HardenedLimitsMemory is the memory limit of a prod or stage container that sets none.
	HardenedLimitsMemory = "1Gi"
	// HardenedLimitsMaxCPU is the largest CPU limit one prod or stage container may have.
	HardenedLimitsMaxCPU = "4"
	// HardenedLimitsMaxMemory is the largest memory limit one prod or stage container may have.
	HardenedLimitsMaxMemory = "8Gi"
)

// Hardened reports whether a tier gets the hardened defaults.
func Hardened(tier string) bool { return tier == TierProd || tier == TierStage }

// DefaultQuota returns the quota a tier starts from.
func DefaultQuota(tier string) Quota {
	if Hardened(tier) {
		return Quota{
			RequestsCPU: HardenedQuotaRequestsCPU, RequestsMemory: HardenedQuotaRequestsMemory,
			LimitsCPU: HardenedQuotaLimitsCPU, LimitsMemory: HardenedQuotaLimitsMemory,
			Pods: HardenedQuotaPods, Services: HardenedQuotaServices, LoadBalancers: DefaultQuotaLoadBalancers,
			PVCs: HardenedQuotaPVCs, Storage: HardenedQuotaStorage,
		}
	}
	return Quota{
		RequestsCPU: DefaultQuotaRequestsCPU, RequestsMemory: DefaultQuotaRequestsMemory,
		LimitsCPU: DefaultQuotaLimitsCPU, LimitsMemory: DefaultQuotaLimitsMemory,
		Pods: DefaultQuotaPods, Services: DefaultQuotaServices, LoadBalancers: DefaultQuotaLoadBalancers,
		PVCs: DefaultQuotaPVCs, Storage: DefaultQuotaStorage,
	}
}

// DefaultLimits returns the LimitRange a tier starts from.
func DefaultLimits(tier string) Limits {
	if Hardened(tier) {
		return Limits{
			DefaultRequestCPU: HardenedLimitsRequestCPU, DefaultRequestMemory: HardenedLimitsRequestMemory,
			DefaultCPU: HardenedLimitsCPU, DefaultMemory: HardenedLimitsMemory,
			MaxCPU: HardenedLimitsMaxCPU, MaxMemory: HardenedLimitsMaxMemory,
		}
	}
	return Limits{
		DefaultRequestCPU: DefaultLimitsRequestCPU, DefaultRequestMemory: DefaultLimitsRequestMemory,
		DefaultCPU: DefaultLimitsCPU, DefaultMemory: DefaultLimitsMemory,
		MaxCPU: DefaultLimitsMaxCPU, MaxMemory: DefaultLimitsMaxMemory,
	}
}

// ApplyDefaults fills unset fields with the documented defaults of the environment's
// tier. It is idempotent.
func (s *Spec) ApplyDefaults() {
	if s.Tier == "" {
		s.Tier = s.Identity() // a renamed environment keeps its tier
	}
	hardened := Hardened(s.Tier)
	if s.PodSecurity.Enforce == "" {
		s.PodSecurity.Enforce = DefaultEnforce
		if hardened {
			s.PodSecurity.Enforce = DefaultEnforceHardened
		}
	}
	if s.PodSecurity.Audit == "" {
		s.PodSecurity.Audit = DefaultAudit
	}
	if s.PodSecurity.Warn == "" {
		s.PodSecurity.Warn = DefaultWarn
	}
	q, d := &s.Quota, DefaultQuota(s.Tier)
	setString(&q.RequestsCPU, d.RequestsCPU)
	setString(&q.RequestsMemory, d.RequestsMemory)
	setString(&q.LimitsCPU, d.LimitsCPU)
	setString(&q.LimitsMemory, d.LimitsMemory)
	setString(&q.Storage, d.Storage)
	setInt(&q.Pods, d.Pods)
	setInt(&q.Services, d.Services)
	setInt(&q.PVCs, d.PVCs)
	l, dl := &s.Limits, DefaultLimits(s.Tier)
	setString(&l.DefaultRequestCPU, dl.DefaultRequestCPU)
	setString(&l.DefaultRequestMemory, dl.DefaultRequestMemory)
	setString(&l.DefaultCPU, dl.DefaultCPU)
	setString(&l.DefaultMemory, dl.DefaultMemory)
	setString(&l.MaxCPU, dl.MaxCPU)
	setString(&l.MaxMemory, dl.MaxMemory)
	if s.Deployer.Enabled == nil {
		enabled := true
		s.Deployer.Enabled = &enabled
	}
	if s.Deployer.Name == "" {
		s.Deployer.Name = DefaultDeployerName
	}
}

func setString(p *string, def string) {
	if *p == "" {
		*p = def
	}
}

func setInt(p *int, def int) {
	if *p == 0 {
		*p = def
	}
}
