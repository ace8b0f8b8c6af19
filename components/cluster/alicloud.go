package cluster

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Alibaba Cloud ACK defaults.
const (
	// DefaultACKClusterSpec is ACK Pro: its control plane has an SLA and it is the only
	// edition with Secret encryption through KMS.
	DefaultACKClusterSpec = ACKProSmall
	// DefaultACKNodeImageID is an Alibaba Cloud Linux 3 public image (x86_64, 2026-05-13
	// build): ACK runs nodes on Alibaba Cloud Linux 3 from 1.30 on. The image is named
	// rather than an imageType, so that node replacements are reviewable changes.
	DefaultACKNodeImageID = "aliyun_3_x64_20G_alibase_20260513.vhd"
	// DefaultEIPBandwidth (Mbps) is the NAT EIP's cap; billed by traffic, so a high cap
	// costs nothing until it is used, and image pulls of a scaling node pool need it.
	DefaultEIPBandwidth = 100
	// DefaultNodeVSwitchPrefixLength gives each zone's node vSwitch a /24: 252 nodes per
	// zone. Pods do not use it: Terway gives them addresses from the pod vSwitches.
	DefaultNodeVSwitchPrefixLength = 24
	// DefaultACKMaxPods sizes the pod range when a pool does not say: Terway ENI-IP runs
	// as many pods as the instance type's ENIs have secondary IPs (45 on ecs.g7.xlarge,
	// 210 on ecs.g7.4xlarge), so 64 covers the common general-purpose sizes.
	DefaultACKMaxPods = 64
)

// How an ACK deploy's kubeconfig logs in (alicloud.kubeconfigCredential).
const (
	// ACKCredentialAdminCertificate puts ACK's admin client certificate in the kubeconfig.
	ACKCredentialAdminCertificate = "adminCertificate"
	// ACKCredentialRAMTool runs ack-ram-tool's credential plugin for a temporary client
	// certificate of the runner's RAM identity.
	ACKCredentialRAMTool = "ackRamTool"
	// DefaultACKKubeconfigCredential keeps the admin certificate: a runner needs no tool,
	// and an in-cluster stack run by another identity still gets in.
	DefaultACKKubeconfigCredential = ACKCredentialAdminCertificate
)

// ACKKubeconfigCredentials lists the values of alicloud.kubeconfigCredential.
var ACKKubeconfigCredentials = []string{ACKCredentialAdminCertificate, ACKCredentialRAMTool}

// ACK cluster editions (clusterSpec).
const (
	ACKProSmall = "ack.pro.small"
	ACKStandard = "ack.standard"
)

// ACKClusterSpecs lists the editions a managed cluster can be created with.
var ACKClusterSpecs = []string{ACKProSmall, ACKStandard}

// ACKControlPlaneLogs lists the control-plane components ACK can ship logs for.
var ACKControlPlaneLogs = []string{"apiserver", "kcm", "scheduler"}

// ACK validation messages, exported so tests can assert on them.
const (
	MsgACKVersionForm      = "ACK needs the full version x.y.z-aliyun.n (e.g. 1.36.1-aliyun.1), not a minor version"
	MsgZoneNotInRegion     = "zone is not in the cluster's region"
	MsgPodCIDRRequired     = "Terway ENI-IP takes pod addresses from pod vSwitches carved from network.podCidr"
	MsgPodCIDROutsideVPC   = "must lie inside network.vpcCidr: Terway pod vSwitches are part of the VPC"
	MsgPodRangeTooSmall    = "pod range too small for the configured maximum nodes"
	MsgPodVSwitchTooSmall  = "too small to split into one pod vSwitch per zone (a vSwitch is at most a /29)"
	MsgNoRoomForNodes      = "no room in network.vpcCidr outside network.podCidr for one node vSwitch per zone"
	MsgNodeRangeTooSmall   = "node vSwitches too small for the configured maximum nodes"
	MsgEncryptionNeedsPro  = "Secret encryption with KMS needs clusterSpec " + ACKProSmall
	MsgSystemPoolNotOnACK  = "system pools are an AKS concept; ACK runs system pods on any pool"
	MsgReservedTagPrefix   = "Alibaba Cloud refuses tag keys starting with aliyun, acs:, http:// or https://"
	MsgACKPoolScalingRange = "ACK node pool scaling bounds are 0 to 1000"
	// MsgAutoModeNeedsPro: ACK offers auto mode on Pro clusters only.
	MsgAutoModeNeedsPro = "ACK auto mode needs clusterSpec " + ACKProSmall
	// MsgAutoModeImage: auto-mode pools run the image ACK picks.
	MsgAutoModeImage = "ACK auto mode picks the node image; remove nodeImageId or autoMode"
	// MsgAutoModeKeyPair: auto-mode pools ignore an ECS key pair.
	MsgAutoModeKeyPair = "ACK auto-mode node pools take no ECS key pair; remove keyPairName or autoMode"
)

// Address plan errors of PlanTerway, for errors.Is.
var (
	ErrPodVSwitchTooSmall = errors.New(MsgPodVSwitchTooSmall)
	ErrNoRoomForNodes     = errors.New(MsgNoRoomForNodes)
)

// ackVersionForm is ACK's version form: the upstream version plus ACK's own patch number.
var ackVersionForm = regexp.MustCompile(`^\d+\.\d+\.\d+-aliyun\.\d+$`)

// vSwitch reserved addresses: Alibaba Cloud keeps the first and the last three of each.
const vSwitchReservedIPs = 4

// VSwitch prefix length bounds of Alibaba Cloud VPCs.
const (
	minVSwitchPrefixLength = 16
	maxVSwitchPrefixLength = 29
)

func init() {
	cloudDefaulters[Alicloud] = append(cloudDefaulters[Alicloud], defaultAlicloud)
	cloudValidators[Alicloud] = append(cloudValidators[Alicloud], validateAlicloud)
}

func defaultAlicloud(s *Spec) {
	if s.Alicloud == nil {
		s.Alicloud = &AlicloudSpec{}
	}
	a := s.Alicloud
	if a.NodeImageID == "" && !a.AutoMode {
		a.NodeImageID = DefaultACKNodeImageID
	}
	if a.ClusterSpec == "" {
		a.ClusterSpec = DefaultACKClusterSpec
	}
	if a.KubeconfigCredential == "" {
		a.KubeconfigCredential = DefaultACKKubeconfigCredential
	}
	if a.DeletionProtection == nil {
		a.DeletionProtection = aliBoolPtr(s.IsProd())
	}
	if a.EIPBandwidth == 0 {
		a.EIPBandwidth = DefaultEIPBandwidth
	}
	if a.NodeVSwitchPrefixLength == 0 {
		a.NodeVSwitchPrefixLength = DefaultNodeVSwitchPrefixLength
	}
	if a.PublicAPIServer == nil {
		a.PublicAPIServer = aliBoolPtr(!s.IsProd())
	}
	if a.SecretsEncryption == nil {
		a.SecretsEncryption = aliBoolPtr(s.IsProd() && a.ClusterSpec == ACKProSmall)
	}
	if a.ControlPlaneLogs == nil && s.IsProd() {
		a.ControlPlaneLogs = slices.Clone(ACKControlPlaneLogs)
	}
	for i := range s.NodePools {
		if s.NodePools[i].MaxPods == 0 {
			s.NodePools[i].MaxPods = DefaultACKMaxPods
		}
	}
}

func aliBoolPtr(b bool) *bool { return &b }

// TerwayPlan is a cluster's vSwitch address plan: per zone, in zone order, one node
// vSwitch and one pod vSwitch.
type TerwayPlan struct {
	// Zones are the zone IDs used, the first network.zones of alicloud.zoneIds.
	Zones []string
	// Nodes are the node vSwitch ranges, carved from vpcCidr outside podCidr.
	Nodes []netip.Prefix
	// Pods are the pod vSwitch ranges: podCidr split into equal parts.
	Pods []netip.Prefix
}

// PodIPs is how many pod addresses the pod vSwitches hold.
func (p TerwayPlan) PodIPs() int { return UsableIPs(p.Pods, vSwitchReservedIPs) }

// NodeIPs is how many node addresses the node vSwitches hold.
func (p TerwayPlan) NodeIPs() int { return UsableIPs(p.Nodes, vSwitchReservedIPs) }

// PlanTerway computes the vSwitch address plan of a defaulted alicloud spec. Validation
// and the ACK component both use it, so what is checked is what is built.
func PlanTerway(s *Spec) (TerwayPlan, error) {
	if s.Alicloud == nil || len(s.Alicloud.ZoneIDs) < s.Network.Zones || s.Network.Zones < 1 {
		return TerwayPlan{}, fmt.Errorf("%s: need %d zone IDs", MsgTooFewZones, s.Network.Zones)
	}
	plan := TerwayPlan{Zones: s.Alicloud.ZoneIDs[:s.Network.Zones]}
	vpc, err := ParseCIDR(s.Network.VPCCIDR)
	if err != nil {
		return TerwayPlan{}, fmt.Errorf("vpcCidr: %w", err)
	}
	pods, err := ParseCIDR(s.Network.PodCIDR)
	if err != nil {
		return TerwayPlan{}, fmt.Errorf("podCidr: %w", err)
	}
	if !ContainsPrefix(vpc, pods) {
		return TerwayPlan{}, fmt.Errorf("podCidr %s %s", pods, MsgPodCIDROutsideVPC)
	}
	zones := len(plan.Zones)
	if pods.Bits()+BitsFor(zones) > maxVSwitchPrefixLength {
		return TerwayPlan{}, fmt.Errorf("podCidr %s: %w", pods, ErrPodVSwitchTooSmall)
	}
	plan.Pods, _ = SplitPrefix(pods, zones)
	nodeBits := s.Alicloud.NodeVSwitchPrefixLength
	if nodeBits < vpc.Bits() {
		return TerwayPlan{}, ErrNoRoomForNodes
	}
	// The VPC's first blocks of the node size, in address order, that do not touch the pod range.
	plan.Nodes = FreeBlocks(vpc, nodeBits, zones, &pods)
	if len(plan.Nodes) < zones {
		return TerwayPlan{}, ErrNoRoomForNodes
	}
	return plan, nil
}

func validateAlicloud(s *Spec, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	a := s.Alicloud
	ap := p.Child("alicloud")
	if a == nil {
		return append(errs, field.Required(ap, "ACK settings (zoneIds at least)"))
	}
	vp := p.Child("kubernetesVersion")
	switch {
	case !ackVersionForm.MatchString(s.KubernetesVersion):
		errs = append(errs, field.Invalid(vp, s.KubernetesVersion, MsgACKVersionForm))
	default:
		verrs := checkVersionSupport(&ACKVersionTable, s.KubernetesVersion, now(), false, vp)
		errs = append(errs, verrs...)
		if r := ACKVersionTable.Release(MinorOf(s.KubernetesVersion)); len(verrs) == 0 && !slices.Contains(r.Versions, s.KubernetesVersion) {
			errs = append(errs, field.NotSupported(vp, s.KubernetesVersion, r.Versions))
		}
	}
	switch {
	case a.AutoMode && a.NodeImageID != "":
		errs = append(errs, field.Invalid(ap.Child("nodeImageId"), a.NodeImageID, MsgAutoModeImage))
	case !a.AutoMode && a.NodeImageID == "":
		errs = append(errs, field.Required(ap.Child("nodeImageId"), "apply defaults first"))
	}
	if a.AutoMode && a.ClusterSpec != ACKProSmall {
		errs = append(errs, field.Invalid(ap.Child("autoMode"), true, MsgAutoModeNeedsPro))
	}
	if a.AutoMode && a.KeyPairName != "" {
		errs = append(errs, field.Invalid(ap.Child("keyPairName"), a.KeyPairName, MsgAutoModeKeyPair))
	}
	if !slices.Contains(ACKKubeconfigCredentials, a.KubeconfigCredential) {
		errs = append(errs, field.NotSupported(ap.Child("kubeconfigCredential"), a.KubeconfigCredential, ACKKubeconfigCredentials))
	}
	if !slices.Contains(ACKClusterSpecs, a.ClusterSpec) {
		errs = append(errs, field.NotSupported(ap.Child("clusterSpec"), a.ClusterSpec, ACKClusterSpecs))
	}
	if a.SecretsEncryption != nil && *a.SecretsEncryption && a.ClusterSpec != ACKProSmall {
		errs = append(errs, field.Invalid(ap.Child("secretsEncryption"), true, MsgEncryptionNeedsPro))
	}
	for i, c := range a.ControlPlaneLogs {
		if !slices.Contains(ACKControlPlaneLogs, c) {
			errs = append(errs, field.NotSupported(ap.Child("controlPlaneLogs").Index(i), c, ACKControlPlaneLogs))
		}
	}
	if a.EIPBandwidth < 1 || a.EIPBandwidth > 200 {
		errs = append(errs, field.Invalid(ap.Child("eipBandwidth"), a.EIPBandwidth, "must be 1 to 200 Mbps (pay-by-traffic EIP)"))
	}
	if a.NodeVSwitchPrefixLength < minVSwitchPrefixLength || a.NodeVSwitchPrefixLength > maxVSwitchPrefixLength {
		errs = append(errs, field.Invalid(ap.Child("nodeVSwitchPrefixLength"), a.NodeVSwitchPrefixLength,
			fmt.Sprintf("must be %d to %d", minVSwitchPrefixLength, maxVSwitchPrefixLength)))
	}

	// Zones: enough of them, each once, each in the region.
	zp := ap.Child("zoneIds")
	if len(a.ZoneIDs) < s.Network.Zones {
		errs = append(errs, field.Invalid(zp, a.ZoneIDs,
			fmt.Sprintf("%s: network.zones is %d but %d zone IDs are given", MsgTooFewZones, s.Network.Zones, len(a.ZoneIDs))))
	}
	seen := map[string]bool{}
	for i, z := range a.ZoneIDs {
		switch {
		case seen[z]:
			errs = append(errs, field.Duplicate(zp.Index(i), z))
		case s.Region != "" && !strings.HasPrefix(z, s.Region+"-"):
			errs = append(errs, field.Invalid(zp.Index(i), z, fmt.Sprintf("%s %s", MsgZoneNotInRegion, s.Region)))
		}
		seen[z] = true
	}

	for k := range s.Tags {
		lk := strings.ToLower(k)
		for _, pre := range []string{"aliyun", "acs:", "http://", "https://"} {
			if strings.HasPrefix(lk, pre) {
				errs = append(errs, field.Invalid(p.Child("tags").Key(k), k, MsgReservedTagPrefix))
				break
			}
		}
	}

	maxNodes, maxPods := s.Capacity()
	for i, np := range s.NodePools {
		pp := p.Child("nodePools").Index(i)
		if np.System {
			errs = append(errs, field.Forbidden(pp.Child("system"), MsgSystemPoolNotOnACK))
		}
		if np.MaxSize > 1000 {
			errs = append(errs, field.Invalid(pp.Child("maxSize"), np.MaxSize, MsgACKPoolScalingRange))
		}
		if np.DiskSizeGB < 40 || np.DiskSizeGB > 500 {
			errs = append(errs, field.Invalid(pp.Child("diskSizeGb"), np.DiskSizeGB, "ACK system disks are 40 to 500 GB"))
		}
	}

	// The address plan: podCidr is required, inside the VPC, and big enough.
	np := p.Child("network")
	if s.Network.PodCIDR == "" {
		return append(errs, field.Required(np.Child("podCidr"), MsgPodCIDRRequired))
	}
	vpc, verr := ParseCIDR(s.Network.VPCCIDR)
	pods, perr := ParseCIDR(s.Network.PodCIDR)
	if verr != nil || perr != nil || len(a.ZoneIDs) < s.Network.Zones || s.Network.Zones < MinZones {
		return errs // reported by the network and zone checks
	}
	if !ContainsPrefix(vpc, pods) {
		return append(errs, field.Invalid(np.Child("podCidr"), s.Network.PodCIDR, MsgPodCIDROutsideVPC))
	}
	if a.NodeVSwitchPrefixLength < minVSwitchPrefixLength || a.NodeVSwitchPrefixLength > maxVSwitchPrefixLength {
		return errs
	}
	plan, err := PlanTerway(s)
	switch {
	case errors.Is(err, ErrPodVSwitchTooSmall):
		return append(errs, field.Invalid(np.Child("podCidr"), s.Network.PodCIDR, MsgPodVSwitchTooSmall))
	case err != nil:
		return append(errs, field.Invalid(ap.Child("nodeVSwitchPrefixLength"), a.NodeVSwitchPrefixLength, MsgNoRoomForNodes))
	}
	if have := plan.PodIPs(); maxPods > have {
		errs = append(errs, field.Invalid(np.Child("podCidr"), s.Network.PodCIDR,
			fmt.Sprintf("%s: sum(maxSize*maxPods) needs %d pod IPs, %d pod vSwitches of %s hold %d",
				MsgPodRangeTooSmall, maxPods, len(plan.Pods), plan.Pods[0], have)))
	}
	if have := plan.NodeIPs(); maxNodes > have {
		errs = append(errs, field.Invalid(ap.Child("nodeVSwitchPrefixLength"), a.NodeVSwitchPrefixLength,
			fmt.Sprintf("%s: sum(maxSize) needs %d node IPs, %d node vSwitches hold %d", MsgNodeRangeTooSmall, maxNodes, len(plan.Nodes), have)))
	}
	return errs
}
