package eks

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// EKS add-on names.
const (
	AddonVPCCNI    = "vpc-cni"
	AddonCoreDNS   = "coredns"
	AddonKubeProxy = "kube-proxy"
	AddonEBSCSI    = "aws-ebs-csi-driver"
)

// Add-on and node group settings that are not in the spec, with why.
const (
	// ResolveConflicts is OVERWRITE on create and update: EKS pre-installs vpc-cni, coredns and
	// kube-proxy as self-managed, and this program owns their configuration from then on.
	ResolveConflicts = "OVERWRITE"
	// CapacityOnDemand keeps nodes from being reclaimed; the spec has no spot option.
	CapacityOnDemand = "ON_DEMAND"
	// AMIx86 and AMIArm64 are the Amazon Linux 2023 EKS AMIs, the only family EKS ships from 1.33 on.
	AMIx86   = "AL2023_x86_64_STANDARD"
	AMIArm64 = "AL2023_ARM_64_STANDARD"
	// NodeGroupMaxUnavailable replaces one node at a time during node group updates.
	NodeGroupMaxUnavailable = 1
	// EBSCSIProvisioner is the EBS CSI driver's provisioner name.
	EBSCSIProvisioner = "ebs.csi.aws.com"
	// AnnotationDefaultClass marks the StorageClass that PVCs without a class get.
	AnnotationDefaultClass = "storageclass.kubernetes.io/is-default-class"
)

// Environment variables of the VPC CNI that the spec sets.
const (
	EnvPrefixDelegation = "ENABLE_PREFIX_DELEGATION"
	EnvWarmPrefixTarget = "WARM_PREFIX_TARGET"
	EnvWarmIPTarget     = "WARM_IP_TARGET"
)

// VPCCNIValues is the vpc-cni add-on's configurationValues document (the schema of
// `aws eks describe-addon-configuration --addon-name vpc-cni`): env vars of the aws-node
// daemon, and the NetworkPolicy agent switch. The schema takes strings.
type VPCCNIValues struct {
	Env                 map[string]string `json:"env"`
	EnableNetworkPolicy string            `json:"enableNetworkPolicy"`
}

// VPCCNIConfiguration renders the vpc-cni configurationValues JSON of a defaulted spec.
// Targets left at 0 are omitted, which leaves the CNI's own defaults.
func VPCCNIConfiguration(c cluster.VPCCNI) string {
	v := VPCCNIValues{
		Env:                 map[string]string{EnvPrefixDelegation: strconv.FormatBool(c.PrefixDelegation != nil && *c.PrefixDelegation)},
		EnableNetworkPolicy: strconv.FormatBool(c.EnableNetworkPolicy != nil && *c.EnableNetworkPolicy),
	}
	if c.WarmPrefixTarget > 0 {
		v.Env[EnvWarmPrefixTarget] = strconv.Itoa(c.WarmPrefixTarget)
	}
	if c.WarmIPTarget > 0 {
		v.Env[EnvWarmIPTarget] = strconv.Itoa(c.WarmIPTarget)
	}
	out, _ := json.Marshal(v) // strings only: cannot fail; map keys come out sorted
	return string(out)
}

// CoreDNSConfiguration is the coredns add-on's configurationValues: EKS's managed
// CoreDNS autoscaling, which sets the replicas from the cluster's nodes and cores
// (max of nodes/16 and cores/256; AWS EKS user guide, "Scale CoreDNS Pods for high DNS
// traffic", coredns-autoscaling.md: add-on v1.9.3-eksbuild.15 and later, every
// version AddonVersions pins). cluster.Cloud.ScalesDNS counts on it.
const CoreDNSConfiguration = `{"autoScaling":{"enabled":true}}`

// TaintEffect maps a Kubernetes taint effect to the EKS API's spelling.
var TaintEffect = map[string]string{
	"NoSchedule":       "NO_SCHEDULE",
	"PreferNoSchedule": "PREFER_NO_SCHEDULE",
	"NoExecute":        "NO_EXECUTE",
}

// AMIType is the node AMI for a pool's instance types (validation made them one architecture).
func AMIType(instanceTypes []string) string {
	if len(instanceTypes) > 0 && cluster.AWSInstanceArch(instanceTypes[0]) == "arm64" {
		return AMIArm64
	}
	return AMIx86
}

// addon creates one EKS add-on at its pinned version for the cluster's Kubernetes
// version (AddonVersions); it takes the cluster's name from the cluster, so an upgrade
// updates it after the control plane.
func (b *builder) addon(name string, clusterName pulumi.StringInput, config, roleARN pulumi.StringPtrInput, deps []pulumi.Resource) (*eks.Addon, error) {
	var version pulumi.StringPtrInput
	if v := AddonVersion(name, b.spec.KubernetesVersion); v != "" {
		version = pulumi.String(v)
	}
	a, err := eks.NewAddon(b.ctx, b.name+"-"+name, &eks.AddonArgs{
		ClusterName:              clusterName,
		AddonName:                pulumi.String(name),
		AddonVersion:             version,
		ConfigurationValues:      config,
		ServiceAccountRoleArn:    roleARN,
		ResolveConflictsOnCreate: pulumi.String(ResolveConflicts),
		ResolveConflictsOnUpdate: pulumi.String(ResolveConflicts),
		Tags:                     b.tags(name, nil),
	}, b.opts(pulumi.DependsOn(deps))...)
	if err != nil {
		return nil, fmt.Errorf("addon %s: %w", name, err)
	}
	return a, nil
}

// computeAndAddons creates the add-ons and node groups in the order they need each other:
// vpc-cni before nodes (its prefix-delegation setting decides the nodes' max pods when they
// join), coredns and the EBS CSI controller after nodes (their pods must run for the add-on
// to turn ACTIVE), kube-proxy and the Pod Identity Agent with no wait (a DaemonSet is
// healthy with no nodes).
//
// Under EKS Auto Mode the EBS CSI add-on is left out (Auto Mode's block storage serves
// the StorageClass), and with no managed node group every other add-on too: Auto Mode
// runs the CNI, kube-proxy, CoreDNS and the Pod Identity Agent on its own nodes.
func (b *builder) computeAndAddons(cl *eks.Cluster, net *network, id *identity) error {
	if LeavesOutAddons(b.spec) {
		return nil
	}
	if err := b.podIdentityAgent(cl.Name); err != nil {
		return err
	}
	cniRole, cniReady, err := b.addonRole("vpc-cni", VPCCNIServiceAccount, PolicyEKSCNI)
	if err != nil {
		return err
	}
	cni, err := b.addon(AddonVPCCNI, cl.Name, pulumi.String(VPCCNIConfiguration(b.spec.AWS.VPCCNI)), cniRole, cniReady)
	if err != nil {
		return err
	}
	if _, err := b.addon(AddonKubeProxy, cl.Name, nil, nil, nil); err != nil {
		return err
	}
	var groups []pulumi.Resource
	for _, np := range b.spec.NodePools {
		if np.Karpenter != nil {
			continue // Karpenter's NodePool, which the platform installs (karpenter step)
		}
		ng, err := b.nodeGroup(np, cl, net, id, cni)
		if err != nil {
			return err
		}
		groups = append(groups, ng)
	}
	b.groups = groups
	if _, err := b.addon(AddonCoreDNS, cl.Name, pulumi.String(CoreDNSConfiguration), nil, groups); err != nil {
		return err
	}
	if b.spec.AWS.AutoMode {
		return nil
	}
	ebsRole, ebsReady, err := b.addonRole("ebs-csi", EBSCSIServiceAccount, PolicyEBSCSIDriver)
	if err != nil {
		return err
	}
	_, err = b.addon(AddonEBSCSI, cl.Name, nil, ebsRole, append(ebsReady, groups...))
	return err
}

// nodeGroup creates a managed node group of a pool in the private subnets.
func (b *builder) nodeGroup(np cluster.NodePool, cl *eks.Cluster, net *network, id *identity, cni *eks.Addon) (*eks.NodeGroup, error) {
	part := "ng-" + np.Name
	var taints eks.NodeGroupTaintArray
	for _, t := range np.Taints {
		taints = append(taints, &eks.NodeGroupTaintArgs{
			Key: pulumi.String(t.Key), Value: pulumi.String(t.Value), Effect: pulumi.String(TaintEffect[t.Effect]),
		})
	}
	ng, err := eks.NewNodeGroup(b.ctx, b.name+"-"+part, &eks.NodeGroupArgs{
		ClusterName:   cl.Name,
		Version:       cl.Version,
		NodeRoleArn:   id.nodeRole.Arn,
		SubnetIds:     net.privateIDs(),
		InstanceTypes: pulumi.ToStringArray(np.InstanceTypes),
		AmiType:       pulumi.String(AMIType(np.InstanceTypes)),
		CapacityType:  pulumi.String(CapacityOnDemand),
		DiskSize:      pulumi.Int(np.DiskSizeGB),
		Labels:        pulumi.ToStringMap(np.Labels),
		Taints:        taints,
		ScalingConfig: &eks.NodeGroupScalingConfigArgs{
			MinSize: pulumi.Int(np.MinSize), DesiredSize: pulumi.Int(np.DesiredSize), MaxSize: pulumi.Int(np.MaxSize),
		},
		UpdateConfig: &eks.NodeGroupUpdateConfigArgs{MaxUnavailable: pulumi.Int(NodeGroupMaxUnavailable)},
		Tags:         b.tags(part, nil),
	}, b.opts(
		// Nodes join only with the node role's policies attached, and take their max pods
		// from the vpc-cni configuration present when they are created.
		pulumi.DependsOn(b.nodesNeed(id, cni)),
		// The cluster autoscaler moves the desired size; the next update must not undo it.
		pulumi.IgnoreChanges([]string{"scalingConfig.desiredSize"}),
	)...)
	if err != nil {
		return nil, fmt.Errorf("node group %s: %w", np.Name, err)
	}
	return ng, nil
}

// nodesNeed is what nodes wait for before they join: the node role's policies, the
// vpc-cni add-on (with its role bound), and the Pod Identity Agent where the cluster
// uses Pod Identity, so the CNI's pods find their credentials on the first node.
func (b *builder) nodesNeed(id *identity, cni *eks.Addon) []pulumi.Resource {
	out := append(append([]pulumi.Resource{}, id.nodePolicies...), cni)
	if b.agent != nil {
		out = append(out, b.agent)
	}
	return out
}

// StorageClassParameters are the gp3 class's parameters: encrypted volumes, with the
// cluster's resource tags as EBS volume tags (the driver's tagSpecification_N parameters).
func StorageClassParameters(tags map[string]string) map[string]string {
	params := map[string]string{
		"type":                      "gp3",
		"encrypted":                 "true",
		"csi.storage.k8s.io/fstype": "ext4",
	}
	for i, k := range sortedKeys(tags) {
		params[fmt.Sprintf("tagSpecification_%d", i+1)] = k + "=" + tags[k]
	}
	return params
}

// AutoModeStorageClassParameters are the gp3 class's parameters under EKS Auto Mode:
// encrypted gp3 volumes without the tag parameters, since Auto Mode's managed policies do
// not let it put user-defined tags on what it creates ("Amazon EKS Auto Mode cluster IAM
// role", custom AWS tags).
func AutoModeStorageClassParameters() map[string]string {
	return map[string]string{"type": "gp3", "encrypted": "true", "csi.storage.k8s.io/fstype": "ext4"}
}

// storageClass creates the default gp3 StorageClass through the cluster's provider. It needs
// only the API server: PVCs wait for the EBS CSI driver on their own. Under EKS Auto Mode
// it names Auto Mode's provisioner, whose volumes attach to Auto Mode's nodes only, so
// its topology keeps their pods there.
func (b *builder) storageClass(k8s *kubernetes.Provider) error {
	args := &storagev1.StorageClassArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:        pulumi.String(StorageClassName),
			Annotations: pulumi.StringMap{AnnotationDefaultClass: pulumi.String("true")},
			Labels:      pulumi.StringMap{cluster.TagManagedBy: pulumi.String(cluster.ManagedByValue)},
		},
		Provisioner:          pulumi.String(EBSCSIProvisioner),
		Parameters:           pulumi.ToStringMap(StorageClassParameters(b.spec.ResourceTags(b.stack))),
		ReclaimPolicy:        pulumi.String("Delete"),
		VolumeBindingMode:    pulumi.String("WaitForFirstConsumer"),
		AllowVolumeExpansion: pulumi.Bool(true),
	}
	if b.autoMode {
		args.Provisioner = pulumi.String(AutoModeEBSProvisioner)
		args.Parameters = pulumi.ToStringMap(AutoModeStorageClassParameters())
		args.AllowedTopologies = corev1.TopologySelectorTermArray{&corev1.TopologySelectorTermArgs{
			MatchLabelExpressions: corev1.TopologySelectorLabelRequirementArray{&corev1.TopologySelectorLabelRequirementArgs{
				Key: pulumi.String(LabelComputeType), Values: pulumi.StringArray{pulumi.String(ComputeTypeAuto)},
			}},
		}}
	}
	_, err := storagev1.NewStorageClass(b.ctx, b.name+"-"+StorageClassName, args, b.parent, pulumi.Provider(k8s))
	if err != nil {
		return fmt.Errorf("storage class: %w", err)
	}
	return nil
}
