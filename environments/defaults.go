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
	DefaultQuotaRequestsCPU    = "2"
	DefaultQuotaRequestsMemory = "4Gi"
	DefaultQuotaLimitsCPU      = "4"
	DefaultQuotaLimitsMemory   = "8Gi"
	DefaultQuotaPods           = 20
	DefaultQuotaServices       = 10
	DefaultQuotaPVCs           = 5
	DefaultQuotaStorage        = "50Gi"
)

// Quota defaults of hardened tiers (prod, stage): the same services with production
// replica counts and headroom for a blue-green or canary doubling.
const (
	HardenedQuotaRequestsCPU    = "8"
	HardenedQuotaRequestsMemory = "16Gi"
	HardenedQuotaLimitsCPU      = "16"
	HardenedQuotaLimitsMemory   = "32Gi"
	HardenedQuotaPods           = 100
	HardenedQuotaServices       = 30
	HardenedQuotaPVCs           = 20
	HardenedQuotaStorage        = "200Gi"
)

// DefaultQuotaLoadBalancers is services.loadbalancers in every tier: apps are
// reached through the shared ingress controller, and a LoadBalancer Service costs
// a cloud load balancer and bypasses it.
const DefaultQuotaLoadBalancers = 0

// LimitRange defaults of ordinary tiers: a small sidecar-sized container, with a
// limit five times the request so bursts fit.
const (
	DefaultLimitsRequestCPU    = "100m"
	DefaultLimitsRequestMemory = "128Mi"
	DefaultLimitsCPU           = "500m"
	DefaultLimitsMemory        = "512Mi"
	DefaultLimitsMaxCPU        = "2"
	DefaultLimitsMaxMemory     = "4Gi"
)

// LimitRange defaults of hardened tiers: a typical service container.
const (
	HardenedLimitsRequestCPU    = "200m"
	HardenedLimitsRequestMemory = "256Mi"
	HardenedLimitsCPU           = "1"
	HardenedLimitsMemory        = "1Gi"
	HardenedLimitsMaxCPU        = "4"
	HardenedLimitsMaxMemory     = "8Gi"
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
		s.Tier = s.Name
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
