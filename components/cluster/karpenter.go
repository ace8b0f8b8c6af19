package cluster

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// KarpenterPool makes a node pool Karpenter's (`clusters[i].nodePools[j].karpenter`):
// the EKS component then creates no managed node group for it, and the platform
// installs a NodePool and an EC2NodeClass of the pool's name instead. The pool's
// maxSize becomes the NodePool's node limit (limits.nodes), so the address-plan check
// of the cluster still holds; minSize and desiredSize must be 0, since Karpenter keeps
// no floor. Labels, taints, maxPods and diskSizeGb apply to its nodes as to a managed
// node group's.
type KarpenterPool struct {
	// InstanceFamilies lets Karpenter pick any size of these EC2 families (m6i, c7g);
	// without it the pool's instanceTypes are the exact types allowed. Exactly one of the
	// two is set. All families share one CPU architecture and, with VPC CNI prefix
	// delegation, are Nitro-based, as instanceTypes must.
	InstanceFamilies []string `yaml:"instanceFamilies"`
	// CapacityTypes are on-demand and/or spot (Karpenter takes the cheapest that fits,
	// so spot when both are listed). Defaults to DefaultKarpenterCapacityTypes.
	CapacityTypes []string `yaml:"capacityTypes"`
	// ConsolidationPolicy is WhenEmptyOrUnderutilized, WhenEmpty or Balanced. Defaults to
	// DefaultKarpenterConsolidationPolicy.
	ConsolidationPolicy string `yaml:"consolidationPolicy"`
	// ConsolidateAfter is how long a node must be consolidatable before Karpenter removes
	// it (30s, 5m) or Never. Defaults to DefaultKarpenterConsolidateAfter.
	ConsolidateAfter string `yaml:"consolidateAfter"`
	// ExpireAfter replaces every node this long after it started (720h) or Never.
	// Defaults to DefaultKarpenterExpireAfter.
	ExpireAfter string `yaml:"expireAfter"`
	// DisruptionBudget is how many of the pool's nodes Karpenter may disrupt at once
	// (consolidation, drift, expiry): a count (1) or a percentage (10%). Defaults to
	// DefaultKarpenterDisruptionBudget.
	DisruptionBudget string `yaml:"disruptionBudget"`
}

// KarpenterSpec holds the cluster-wide Karpenter settings (`clusters[i].aws.karpenter`).
type KarpenterSpec struct {
	// AMIVersion is the Amazon Linux 2023 EKS AMI release Karpenter nodes boot, as the
	// EC2NodeClass alias al2023@<version>: latest (the newest AMI for the cluster's
	// Kubernetes version; nodes are replaced, within each pool's disruption budget, when
	// AWS publishes one) or a release such as v20250715 (pinned: a new AMI is a reviewed
	// change). Defaults to DefaultKarpenterAMIVersion.
	AMIVersion string `yaml:"amiVersion"`
	// SpotServiceLinkedRole says how the account gets the EC2 Spot service-linked role
	// (AWSServiceRoleForEC2Spot), without which no Spot instance launches in an account
	// that never ran Spot: SpotRoleCreate makes it in this cluster's stack (one stack per
	// account, since the role is the account's), SpotRoleExists says the account has it.
	// Unset, a pool with spot capacity gets a warning naming the role. Only with a pool
	// whose capacityTypes hold spot.
	SpotServiceLinkedRole string `yaml:"spotServiceLinkedRole"`
}

// Values of KarpenterSpec.SpotServiceLinkedRole.
const (
	// SpotRoleCreate makes the EC2 Spot service-linked role in this stack.
	SpotRoleCreate = "create"
	// SpotRoleExists says the account already has the role.
	SpotRoleExists = "exists"
	// SpotServiceLinkedRoleName is the role AWS names for EC2 Spot.
	SpotServiceLinkedRoleName = "AWSServiceRoleForEC2Spot"
)

// SpotRoleModes are the accepted KarpenterSpec.SpotServiceLinkedRole values.
var SpotRoleModes = []string{SpotRoleCreate, SpotRoleExists}

// Spot service-linked role messages, exported so tests can assert on them.
const (
	MsgSpotRoleUnused = "is only used when a Karpenter pool has spot in capacityTypes"
	MsgSpotRoleUnset  = "a Karpenter pool asks for spot capacity, and an account that never ran Spot has no " +
		SpotServiceLinkedRoleName + " role: no spot node launches. Set aws.karpenter.spotServiceLinkedRole: " +
		SpotRoleCreate + " (in one stack per account) or " + SpotRoleExists
)

// UsesSpot reports whether a Karpenter pool of the spec takes spot capacity.
func (s *Spec) UsesSpot() bool {
	return slices.ContainsFunc(s.NodePools, func(np NodePool) bool {
		return np.Karpenter != nil && slices.Contains(np.Karpenter.CapacityTypes, CapacitySpot)
	})
}

// spotRoleWarning names the missing EC2 Spot role setting of a defaulted spec; "" when
// none is missing.
func (s *Spec) spotRoleWarning(p *field.Path) string {
	if s.Cloud != AWS || s.AWS == nil || s.AWS.Karpenter == nil || !s.UsesSpot() || s.AWS.Karpenter.SpotServiceLinkedRole != "" {
		return ""
	}
	return fmt.Sprintf("%s: %s", p.Child("aws", "karpenter", "spotServiceLinkedRole"), MsgSpotRoleUnset)
}

// Karpenter defaults, each with why.
const (
	// DefaultKarpenterConsolidationPolicy removes empty nodes and repacks underused
	// ones: what Karpenter is for, and its own default.
	DefaultKarpenterConsolidationPolicy = KarpenterConsolidateUnderutilized
	// DefaultKarpenterConsolidateAfter waits a minute before consolidating, so a burst of
	// short pods does not churn nodes (Karpenter's own default, 0s, does).
	DefaultKarpenterConsolidateAfter = "1m"
	// DefaultKarpenterExpireAfter replaces nodes after 30 days, Karpenter's default, so no
	// node runs an AMI older than a month.
	DefaultKarpenterExpireAfter = "720h"
	// DefaultKarpenterDisruptionBudget is Karpenter's default budget: a tenth of a pool's
	// nodes at a time.
	DefaultKarpenterDisruptionBudget = "10%"
	// DefaultKarpenterAMIVersion follows the newest AL2023 AMI for the cluster version.
	DefaultKarpenterAMIVersion = "latest"
	// KarpenterAMIFamily is the AMI family of the EC2NodeClass alias: Amazon Linux 2023,
	// the family the managed node groups boot too (AMIType in components/eks).
	KarpenterAMIFamily = "al2023"
	// KarpenterRootDevice is the root volume's device name on Amazon Linux 2023.
	KarpenterRootDevice = "/dev/xvda"
)

// Karpenter capacity types and consolidation policies, as the NodePool API spells them.
const (
	CapacityOnDemand                  = "on-demand"
	CapacitySpot                      = "spot"
	KarpenterConsolidateUnderutilized = "WhenEmptyOrUnderutilized"
	KarpenterConsolidateWhenEmpty     = "WhenEmpty"
	KarpenterConsolidateBalanced      = "Balanced"
)

// NodePool requirement spellings: the operator, and kubernetes.io/arch's values.
const (
	karpenterRequirementIn = "In"
	karpenterArchAMD64     = "amd64"
	karpenterArchARM64     = "arm64"
)

// DefaultKarpenterCapacityTypes is on-demand only: nodes are not reclaimed with two
// minutes' notice unless a pool opts into spot.
var DefaultKarpenterCapacityTypes = []string{CapacityOnDemand}

// KarpenterCapacityTypes and KarpenterConsolidationPolicies are the accepted values.
var (
	KarpenterCapacityTypes         = []string{CapacityOnDemand, CapacitySpot}
	KarpenterConsolidationPolicies = []string{KarpenterConsolidateUnderutilized, KarpenterConsolidateWhenEmpty, KarpenterConsolidateBalanced}
)

// Where Karpenter's controller runs, which its IRSA role trusts and the platform's
// install uses: a namespace of its own, and the chart's account name.
const (
	KarpenterNamespace      = "karpenter"
	KarpenterServiceAccount = "karpenter"
)

// Node labels Karpenter's NodePool requirements select on, and the discovery tag its
// EC2NodeClasses find the cluster's subnets and security group by.
const (
	LabelInstanceFamily   = "karpenter.k8s.aws/instance-family"
	LabelInstanceType     = "node.kubernetes.io/instance-type"
	LabelCapacityType     = "karpenter.sh/capacity-type"
	LabelArch             = "kubernetes.io/arch"
	LabelOS               = "kubernetes.io/os"
	TagKarpenterDiscovery = "karpenter.sh/discovery"
)

// Karpenter validation messages, exported so tests can assert on them.
const (
	MsgKarpenterNotAWS           = "karpenter is EKS's node provisioner; AKS and ACK scale each node pool between minSize and maxSize"
	MsgKarpenterMinSize          = "must be 0 for a Karpenter pool: Karpenter launches nodes for pending pods and keeps no floor (keep the pool a managed node group to have one)"
	MsgKarpenterDesiredSize      = "must be 0 for a Karpenter pool: Karpenter decides the node count from pending pods"
	MsgKarpenterTypesOrFamilies  = "a Karpenter pool lists either instanceTypes (exact types) or karpenter.instanceFamilies (every size of those families), not both"
	MsgKarpenterFamily           = "must be an EC2 instance family such as m6i or c7gn, without a size"
	MsgKarpenterDuration         = "must be a duration in whole s, m or h (30s, 5m, 720h) or Never"
	MsgKarpenterBudget           = "must be a node count (1) or a percentage (10%)"
	MsgKarpenterLabel            = "is reserved by Karpenter (the karpenter.sh and karpenter.k8s.aws domains, kubernetes.io/hostname)"
	MsgKarpenterNeedsManagedPool = "Karpenter's controller and the cluster's system pods run on managed node groups: keep at least one pool without karpenter, with minSize >= 1"
	MsgKarpenterUnused           = "is only used when a node pool has a karpenter block"
	MsgKarpenterAMIVersion       = "must be latest or an Amazon Linux 2023 EKS AMI release such as v20250715"
)

var (
	karpenterDurationRE = regexp.MustCompile(`^(([0-9]+(s|m|h))+|Never)$`)
	karpenterBudgetRE   = regexp.MustCompile(`^((100|[0-9]{1,2})%|[0-9]+)$`)
	karpenterAMIRE      = regexp.MustCompile(`^(latest|v[0-9]{8})$`)
	// ec2FamilyRE is an instance family: letters, a generation digit, attributes (m6i,
	// c7gn, r8gd, x2iedn, u-6tb1, mac2-m2pro); a '.' would be a size.
	ec2FamilyRE = regexp.MustCompile(`^[a-z][a-z0-9-]*[0-9][a-z0-9-]*$`)
)

func init() {
	cloudDefaulters[AWS] = append(cloudDefaulters[AWS], applyKarpenterDefaults)
	cloudValidators[AWS] = append(cloudValidators[AWS], validateKarpenter)
}

// HasKarpenter reports whether any node pool of the spec is Karpenter's.
func (s *Spec) HasKarpenter() bool {
	return slices.ContainsFunc(s.NodePools, func(np NodePool) bool { return np.Karpenter != nil })
}

// applyKarpenterDefaults fills each Karpenter pool's block and, when there is one, the
// cluster's aws.karpenter block.
func applyKarpenterDefaults(s *Spec) {
	for i := range s.NodePools {
		k := s.NodePools[i].Karpenter
		if k == nil {
			continue
		}
		if len(k.CapacityTypes) == 0 {
			k.CapacityTypes = slices.Clone(DefaultKarpenterCapacityTypes)
		}
		if k.ConsolidationPolicy == "" {
			k.ConsolidationPolicy = DefaultKarpenterConsolidationPolicy
		}
		if k.ConsolidateAfter == "" {
			k.ConsolidateAfter = DefaultKarpenterConsolidateAfter
		}
		if k.ExpireAfter == "" {
			k.ExpireAfter = DefaultKarpenterExpireAfter
		}
		if k.DisruptionBudget == "" {
			k.DisruptionBudget = DefaultKarpenterDisruptionBudget
		}
	}
	if s.AWS != nil && s.AWS.Karpenter == nil && s.HasKarpenter() {
		s.AWS.Karpenter = &KarpenterSpec{}
	}
	if s.AWS != nil && s.AWS.Karpenter != nil && s.AWS.Karpenter.AMIVersion == "" {
		s.AWS.Karpenter.AMIVersion = DefaultKarpenterAMIVersion
	}
}

// validateKarpenter checks the Karpenter pools of a defaulted AWS cluster; p is
// clusters[i]. The bounds, maxPods, disk and instance-type checks every EKS pool gets
// apply to Karpenter pools too (validateAWS and Spec.Validate); these are the rules
// only a Karpenter pool has.
func validateKarpenter(s *Spec, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if s.AWS == nil {
		return nil // reported by validateAWS
	}
	if !s.HasKarpenter() {
		if s.AWS.Karpenter != nil {
			errs = append(errs, field.Forbidden(p.Child("aws", "karpenter"), MsgKarpenterUnused))
		}
		return errs
	}
	if v := s.AWS.Karpenter.AMIVersion; !karpenterAMIRE.MatchString(v) {
		errs = append(errs, field.Invalid(p.Child("aws", "karpenter", "amiVersion"), v, MsgKarpenterAMIVersion))
	}
	if r := s.AWS.Karpenter.SpotServiceLinkedRole; r != "" {
		rp := p.Child("aws", "karpenter", "spotServiceLinkedRole")
		switch {
		case !slices.Contains(SpotRoleModes, r):
			errs = append(errs, field.NotSupported(rp, r, SpotRoleModes))
		case !s.UsesSpot():
			errs = append(errs, field.Forbidden(rp, MsgSpotRoleUnused))
		}
	}
	pd := s.AWS.VPCCNI.PrefixDelegation != nil && *s.AWS.VPCCNI.PrefixDelegation
	floor := false
	for i, np := range s.NodePools {
		pp := p.Child("nodePools").Index(i)
		k := np.Karpenter
		if k == nil {
			floor = floor || np.MinSize >= 1
			continue
		}
		kp := pp.Child("karpenter")
		if np.MinSize != 0 {
			errs = append(errs, field.Invalid(pp.Child("minSize"), np.MinSize, MsgKarpenterMinSize))
		}
		if np.DesiredSize != 0 {
			errs = append(errs, field.Invalid(pp.Child("desiredSize"), np.DesiredSize, MsgKarpenterDesiredSize))
		}
		if len(np.InstanceTypes) > 0 && len(k.InstanceFamilies) > 0 {
			errs = append(errs, field.Forbidden(kp.Child("instanceFamilies"), MsgKarpenterTypesOrFamilies))
		}
		errs = append(errs, validateFamilies(k.InstanceFamilies, pd, kp.Child("instanceFamilies"))...)
		seen := map[string]bool{}
		for j, c := range k.CapacityTypes {
			cp := kp.Child("capacityTypes").Index(j)
			switch {
			case !slices.Contains(KarpenterCapacityTypes, c):
				errs = append(errs, field.NotSupported(cp, c, KarpenterCapacityTypes))
			case seen[c]:
				errs = append(errs, field.Duplicate(cp, c))
			}
			seen[c] = true
		}
		if !slices.Contains(KarpenterConsolidationPolicies, k.ConsolidationPolicy) {
			errs = append(errs, field.NotSupported(kp.Child("consolidationPolicy"), k.ConsolidationPolicy, KarpenterConsolidationPolicies))
		}
		for _, d := range []struct{ name, v string }{{"consolidateAfter", k.ConsolidateAfter}, {"expireAfter", k.ExpireAfter}} {
			if !karpenterDurationRE.MatchString(d.v) {
				errs = append(errs, field.Invalid(kp.Child(d.name), d.v, MsgKarpenterDuration))
			}
		}
		if !karpenterBudgetRE.MatchString(k.DisruptionBudget) {
			errs = append(errs, field.Invalid(kp.Child("disruptionBudget"), k.DisruptionBudget, MsgKarpenterBudget))
		}
		for _, key := range sortedLabelKeys(np.Labels) {
			if karpenterReservedLabel(key) {
				errs = append(errs, field.Invalid(pp.Child("labels").Key(key), key, MsgKarpenterLabel))
			}
		}
	}
	if !floor {
		errs = append(errs, field.Required(p.Child("nodePools"), MsgKarpenterNeedsManagedPool))
	}
	return errs
}

// validateFamilies checks a Karpenter pool's instance families with the rules the
// cluster applies to instance types: one CPU architecture, and Nitro with prefix
// delegation (AWSInstanceArch and AWSInstanceNitro take a family as well as a type).
func validateFamilies(families []string, prefixDelegation bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	archs := map[string]bool{}
	for j, f := range families {
		fp := p.Index(j)
		switch {
		case !ec2FamilyRE.MatchString(f):
			errs = append(errs, field.Invalid(fp, f, MsgKarpenterFamily))
			continue
		case seen[f]:
			errs = append(errs, field.Duplicate(fp, f))
		}
		seen[f] = true
		archs[AWSInstanceArch(f)] = true
		if prefixDelegation && !AWSInstanceNitro(f) {
			errs = append(errs, field.Invalid(fp, f, MsgPrefixDelegationNitro))
		}
	}
	if len(archs) > 1 {
		errs = append(errs, field.Invalid(p, strings.Join(families, ","), MsgMixedArch))
	}
	return errs
}

// karpenterReservedLabel is a label a NodePool's template may not set (the NodePool
// CRD's own rules): the karpenter.sh and karpenter.k8s.aws domains, which Karpenter
// sets itself, and kubernetes.io/hostname.
func karpenterReservedLabel(key string) bool {
	domain, _, ok := strings.Cut(key, "/")
	if !ok {
		return false
	}
	return key == "kubernetes.io/hostname" || strings.HasSuffix(domain, "karpenter.sh") || strings.HasSuffix(domain, "karpenter.k8s.aws")
}

func sortedLabelKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Karpenter is what the EKS component made for Karpenter (Connection.Karpenter), and
// all the platform's install needs: the names the chart is configured with, the
// identity of its service account, and one NodePool with its EC2NodeClass per pool.
// Names are plain values, so the plan shows the chart's settings and the node classes
// in full.
type Karpenter struct {
	// ClusterName is the EKS cluster's name (the chart's settings.clusterName), which is
	// also the value of TagKarpenterDiscovery on its private subnets and node security group.
	ClusterName string
	// InterruptionQueue is the SQS queue the EventBridge rules send interruption events
	// to (settings.interruptionQueue).
	InterruptionQueue string
	// InstanceProfile is the instance profile of the Karpenter node role, which every
	// EC2NodeClass names (spec.instanceProfile), so the controller needs no right to
	// create instance profiles.
	InstanceProfile string
	// Identity is what the controller's service account carries (the IRSA role).
	Identity WorkloadIdentity
	// Pools are the NodePools, in the order of the stack's node pools.
	Pools []KarpenterNodePool
	// ControllerReady is what the controller needs before it starts: its role's policy,
	// the queue and the queue's policy.
	ControllerReady []pulumi.Resource
	// NodesReady is what a node needs to join: the node role's policies, its instance
	// profile and its EKS access entry. The EC2NodeClasses wait for them, so on destroy
	// the nodes are gone before those are.
	NodesReady []pulumi.Resource
}

// KarpenterNodePool is one Karpenter pool as its NodePool and EC2NodeClass (both named
// Name) need it.
type KarpenterNodePool struct {
	// Name is the pool's name.
	Name string
	// Requirements constrain the instances: architecture, OS, capacity types, and the
	// instance types or families.
	Requirements []KarpenterRequirement
	// Labels and Taints go on every node.
	Labels map[string]string
	Taints []Taint
	// MaxNodes is the pool's maxSize, the NodePool's limits.nodes.
	MaxNodes int
	// Disruption settings (KarpenterPool).
	ConsolidationPolicy, ConsolidateAfter, ExpireAfter, DisruptionBudget string
	// AMIAlias is the EC2NodeClass amiSelectorTerms alias (al2023@latest).
	AMIAlias string
	// MaxPods is the kubelet's maxPods; 0 leaves it to Karpenter, which then gives each
	// instance type its ENI limit, the same number the VPC CNI can hand out without
	// prefix delegation.
	MaxPods int
	// DiskSizeGB is the root volume's size.
	DiskSizeGB int
	// Tags go on every instance, volume and network interface Karpenter launches.
	Tags map[string]string
}

// KarpenterRequirement is one NodePool requirement (a node selector term).
type KarpenterRequirement struct {
	Key, Operator string
	Values        []string
}

// KarpenterNodePools derives the Karpenter pools of a defaulted, validated AWS spec.
// With VPC CNI prefix delegation, each node's maxPods is the pool's (110 by default,
// what the managed node groups get and the address plan counts); without it, Karpenter's
// ENI limit per instance type, as the VPC CNI's. stack goes into the instance tags.
func (s *Spec) KarpenterNodePools(stack string) []KarpenterNodePool {
	if s.AWS == nil || s.AWS.Karpenter == nil {
		return nil
	}
	pd := s.AWS.VPCCNI.PrefixDelegation != nil && *s.AWS.VPCCNI.PrefixDelegation
	var out []KarpenterNodePool
	for _, np := range s.NodePools {
		k := np.Karpenter
		if k == nil {
			continue
		}
		key, values := LabelInstanceType, np.InstanceTypes
		if len(k.InstanceFamilies) > 0 {
			key, values = LabelInstanceFamily, k.InstanceFamilies
		}
		arch := karpenterArchAMD64
		if len(values) > 0 && AWSInstanceArch(values[0]) == "arm64" {
			arch = karpenterArchARM64
		}
		pool := KarpenterNodePool{
			Name: np.Name,
			Requirements: []KarpenterRequirement{
				{Key: LabelArch, Operator: karpenterRequirementIn, Values: []string{arch}},
				{Key: LabelOS, Operator: karpenterRequirementIn, Values: []string{"linux"}},
				{Key: LabelCapacityType, Operator: karpenterRequirementIn, Values: slices.Clone(k.CapacityTypes)},
				{Key: key, Operator: karpenterRequirementIn, Values: slices.Clone(values)},
			},
			Labels:              cloneLabels(np.Labels),
			Taints:              slices.Clone(np.Taints),
			MaxNodes:            np.MaxSize,
			ConsolidationPolicy: k.ConsolidationPolicy,
			ConsolidateAfter:    k.ConsolidateAfter,
			ExpireAfter:         k.ExpireAfter,
			DisruptionBudget:    k.DisruptionBudget,
			AMIAlias:            fmt.Sprintf("%s@%s", KarpenterAMIFamily, s.AWS.Karpenter.AMIVersion),
			DiskSizeGB:          np.DiskSizeGB,
			Tags:                s.ResourceTags(stack),
		}
		if pd {
			pool.MaxPods = np.MaxPods
		}
		out = append(out, pool)
	}
	return out
}

func cloneLabels(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
