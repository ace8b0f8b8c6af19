package ack

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/cs"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/ecs"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/kms"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/vpc"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/secret"
)

// TypeToken is the component's Pulumi type.
const TypeToken = "platform:cluster:ACK"

// ACK add-ons and settings the component installs.
const (
	// AddonTerway is Terway in ENI multi-IP mode: pods take secondary IPs of ENIs in the
	// pod vSwitches, so they are first-class VPC addresses.
	AddonTerway = "terway-eniip"
	// TerwayConfig is the terway-eniip add-on config: NetworkPolicy on, because every
	// environment namespace is isolated by NetworkPolicy; IPVlan off, the datapath that
	// works on every node OS.
	TerwayConfig = `{"IPVlan":"false","NetworkPolicy":"true"}`
	// AddonCSIPlugin and AddonCSIProvisioner are the disk CSI driver; the provisioner
	// creates the alicloud-disk-* StorageClasses.
	AddonCSIPlugin      = "csi-plugin"
	AddonCSIProvisioner = "csi-provisioner"
	// StorageClass is the default StorageClass: ESSD cloud disks, the general-purpose
	// SSD every current instance family supports.
	StorageClass = "alicloud-disk-essd"
	// DefaultClassAnnotation marks the cluster's default StorageClass.
	DefaultClassAnnotation = "storageclass.kubernetes.io/is-default-class"
	// ProxyMode is kube-proxy's mode; IPVS scales with the number of Services.
	ProxyMode = "ipvs"
	// NATType is the enhanced NAT gateway, the only type ACK regions still sell.
	NATType = "Enhanced"
	// NATChargeType bills the NAT gateway by capacity units used.
	NATChargeType = "PayByLcu"
	// EIPChargeType bills the EIP by traffic, so the bandwidth cap costs nothing unused.
	EIPChargeType = "PayByTraffic"
	// NodePlatform is the node OS family; the image is alicloud.nodeImageId, an Alibaba
	// Cloud Linux 3 image by default (ACK refuses Alibaba Cloud Linux 2 from 1.30 on).
	NodePlatform = "AliyunLinux"
	// AdminBindingName is the ClusterRoleBinding that makes the identity map's admins
	// cluster-admin. ACK's own grants (cs.KubernetesPermission) replace every grant a RAM
	// user has in the account, so admins are bound with plain RBAC instead.
	AdminBindingName = "fleetform-admins"
	// NodeDiskCategory is the node system disk type.
	NodeDiskCategory = "cloud_essd"
	// ControlPlaneLogTTL is how many days control-plane logs are kept.
	ControlPlaneLogTTL = "30"
)

// Args configure an ACK cluster. Spec decides which resources exist, so it is plain.
type Args struct {
	// Spec is the cluster's spec from the stack file; defaults are applied to a copy.
	Spec cluster.Spec
	// Stack is the stack name, for tags and the default environment.
	Stack string
	// Access is who reaches the cluster: admins are bound to cluster-admin by their RAM
	// ID, groups become RBAC users of their RAM ID (Connection.Subjects).
	Access cluster.Access
	// Workloads are addon service accounts that want a cloud identity. ACK gives them
	// none: RRSA cannot be turned on with pulumi-alicloud v3.10.0, so the addons that
	// need Alibaba Cloud APIs take keys from secret config instead.
	Workloads []cluster.Workload
	// Backups asks for a backup bucket and Velero's credentials (Connection.Backups); nil for none.
	Backups *cluster.Backups
	// ClusterOnly builds the cloud side alone, for a cluster stack: no kubernetes
	// provider, StorageClass or admin binding, and no Backups (the in-cluster stack
	// makes those through Attach). Defaults to false: every layer in one stack.
	ClusterOnly bool
}

// Cluster is an ACK managed cluster with Terway networking and its node pools.
type Cluster struct {
	pulumi.ResourceState

	// ClusterName is the name ACK knows the cluster by.
	ClusterName pulumi.StringOutput `pulumi:"clusterName"`
	// ClusterID is ACK's cluster ID.
	ClusterID pulumi.StringOutput `pulumi:"clusterId"`
	// Kubeconfig reaches the cluster with an admin client certificate; a Pulumi secret.
	Kubeconfig pulumi.StringOutput `pulumi:"kubeconfig"`
	// VpcID is the cluster's VPC.
	VpcID pulumi.StringOutput `pulumi:"vpcId"`
	// NodeVSwitchIDs are the node vSwitches, in zone order.
	NodeVSwitchIDs pulumi.StringArrayOutput `pulumi:"nodeVSwitchIds"`
	// PodVSwitchIDs are the Terway pod vSwitches, in zone order.
	PodVSwitchIDs pulumi.StringArrayOutput `pulumi:"podVSwitchIds"`
	// EgressIP is the EIP all outbound traffic of nodes and pods leaves from, for
	// partners' allow-lists.
	EgressIP pulumi.StringOutput `pulumi:"egressIp"`
	// StorageClassName is the default StorageClass.
	StorageClassName pulumi.StringOutput `pulumi:"storageClass"`

	// KubernetesVersion is the version the control plane runs.
	KubernetesVersion pulumi.StringOutput `pulumi:"kubernetesVersion"`

	// Provider deploys Kubernetes objects into the cluster.
	Provider *kubernetes.Provider

	spec     cluster.Spec
	stack    string
	subjects map[string]cluster.Subject
	// admins are the subjects bound to cluster-admin in the cluster.
	admins  []cluster.Subject
	backups *cluster.BackupLocation
}

// New validates the spec and creates the network, the cluster and its node pools.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if args == nil {
		return nil, fmt.Errorf("ack cluster %q: %w", name, cluster.ErrNoArgs)
	}
	spec, err := cluster.Prepare(args.Spec, cluster.Alicloud, args.Stack)
	if err != nil {
		return nil, fmt.Errorf("ack cluster %q: %w", name, err)
	}
	plan, err := cluster.PlanTerway(&spec)
	if err != nil {
		return nil, fmt.Errorf("ack cluster %q: address plan: %w", name, err)
	}

	if errs := append(cluster.ValidateWorkloads(field.NewPath("workloads"), args.Workloads),
		cluster.ValidateBackups(field.NewPath("backups"), args.Backups)...); len(errs) > 0 {
		return nil, fmt.Errorf("ack cluster %q: %w", name, errs.ToAggregate())
	}
	c := &Cluster{spec: spec, stack: args.Stack, subjects: args.Access.Subjects(cluster.Alicloud), admins: adminSubjects(args.Access)}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, fmt.Errorf("ack cluster %q: registering component: %w", name, err)
	}
	b := &builder{ctx: ctx, name: name, stack: args.Stack, c: c, spec: &c.spec, plan: plan, grants: args.Access, tags: tagMap(spec.ResourceTags(args.Stack)), backupsReq: args.Backups}
	if err := b.build(args.ClusterOnly); err != nil {
		return nil, fmt.Errorf("ack cluster %q: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"clusterName":       c.ClusterName,
		"clusterId":         c.ClusterID,
		"kubeconfig":        c.Kubeconfig,
		"vpcId":             c.VpcID,
		"nodeVSwitchIds":    c.NodeVSwitchIDs,
		"podVSwitchIds":     c.PodVSwitchIDs,
		"egressIp":          c.EgressIP,
		"storageClass":      c.StorageClassName,
		"kubernetesVersion": c.KubernetesVersion,
	}); err != nil {
		return nil, fmt.Errorf("ack cluster %q: registering outputs: %w", name, err)
	}
	return c, nil
}

// Connection is what the layers above deploy through.
func (c *Cluster) Connection() *cluster.Connection {
	return &cluster.Connection{
		Name:        c.spec.Name,
		Cloud:       cluster.Alicloud,
		Environment: c.spec.Environment,
		Federation:  c.spec.Federation,
		ClusterName: c.ClusterName,
		Kubeconfig:  c.Kubeconfig,
		Provider:    c.Provider,
		// ACK's OIDC issuer comes with RRSA, which pulumi-alicloud v3.10.0 cannot turn on.
		OIDCIssuer:        pulumi.String("").ToStringOutput(),
		StorageClass:      StorageClass,
		KubernetesVersion: c.KubernetesVersion,
		Subjects:          c.subjects,
		Workloads:         map[string]cluster.WorkloadIdentity{},
		Backups:           c.backups,
		ClusterIdentifier: c.ClusterID,
		Outputs:           map[string]pulumi.StringOutput{},
		Facts:             map[string]string{cluster.FactTags: cluster.EncodeTags(c.spec.ResourceTags(c.stack))},
		Admins:            c.admins,
		ManagementCIDRs:   c.spec.ManagementCIDRs(),
		Component:         c,
	}
}

// builder carries what the steps of New share.
type builder struct {
	ctx        *pulumi.Context
	name       string
	stack      string
	c          *Cluster
	spec       *cluster.Spec
	plan       cluster.TerwayPlan
	grants     cluster.Access
	tags       pulumi.Map
	backupsReq *cluster.Backups

	cloud    pulumi.ResourceOption
	vpc      *vpc.Network
	nodes    []*vpc.Switch
	pods     []*vpc.Switch
	nodeSNAT []pulumi.Resource
	egressIP pulumi.StringOutput
	cluster  *cs.ManagedKubernetes
	// kubeconfig is secret whenever known; see managedKubernetes.
	kubeconfig pulumi.StringOutput
	// pathReady is the CEN attachment a runner in the management network reaches the
	// API server through.
	pathReady []pulumi.Resource
}

// With clusterOnly, the steps that serve the layers above (backup storage, the
// kubernetes provider, the default StorageClass and the admins' binding) are left to
// Attach.
func (b *builder) build(clusterOnly bool) error {
	steps := []cluster.Step{
		{Name: "alicloud provider", Run: b.provider},
		{Name: "network", Run: b.network},
		{Name: "management network", Run: b.attachManagement},
		{Name: "egress", Run: b.egress},
		{Name: "cluster", Run: b.managedKubernetes},
		{Name: "node pools", Run: b.nodePools},
		{Name: "backup storage", Run: b.backups},
		{Name: "kubernetes", Run: b.kubernetes},
	}
	if clusterOnly {
		steps = cluster.ClusterOnly(steps)
	}
	return cluster.RunSteps(steps...)
}

// provider is the cluster's own Alibaba Cloud provider for its region.
func (b *builder) provider() error {
	prov, err := alicloud.NewProvider(b.ctx, b.name+"-alicloud", &alicloud.ProviderArgs{
		Region: pulumi.String(b.spec.Region),
	}, pulumi.Parent(b.c))
	if err != nil {
		return err
	}
	b.cloud = pulumi.Provider(prov)
	return nil
}

func (b *builder) opts(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(b.c), b.cloud}, extra...)
}

// network creates the VPC and, per zone, a node vSwitch and a Terway pod vSwitch.
func (b *builder) network() error {
	var err error
	b.vpc, err = vpc.NewNetwork(b.ctx, b.name+"-vpc", &vpc.NetworkArgs{
		VpcName:   pulumi.String(b.name + "-vpc"),
		CidrBlock: pulumi.String(b.spec.Network.VPCCIDR),
		Tags:      b.tags,
	}, b.opts()...)
	if err != nil {
		return err
	}
	for i, zone := range b.plan.Zones {
		for _, sw := range []struct {
			role string
			cidr string
			into *[]*vpc.Switch
		}{
			{"nodes", b.plan.Nodes[i].String(), &b.nodes},
			{"pods", b.plan.Pods[i].String(), &b.pods},
		} {
			n := fmt.Sprintf("%s-%s-%s", b.name, sw.role, zone)
			s, err := vpc.NewSwitch(b.ctx, n, &vpc.SwitchArgs{
				VswitchName: pulumi.String(n),
				VpcId:       b.vpc.ID().ToStringOutput(),
				CidrBlock:   pulumi.String(sw.cidr),
				ZoneId:      pulumi.String(zone),
				Tags:        b.tags,
			}, b.opts()...)
			if err != nil {
				return err
			}
			*sw.into = append(*sw.into, s)
		}
	}
	b.c.VpcID = b.vpc.ID().ToStringOutput()
	b.c.NodeVSwitchIDs = switchIDs(b.nodes)
	b.c.PodVSwitchIDs = switchIDs(b.pods)
	return nil
}

// egress creates the NAT gateway, its EIP and one SNAT entry per vSwitch, so nodes
// and pods reach the internet (image registries, package mirrors) from one address.
func (b *builder) egress() error {
	protect := pulumi.Bool(*b.spec.Alicloud.DeletionProtection)
	nat, err := vpc.NewNatGateway(b.ctx, b.name+"-nat", &vpc.NatGatewayArgs{
		NatGatewayName:     pulumi.String(b.name + "-nat"),
		VpcId:              b.vpc.ID().ToStringOutput(),
		VswitchId:          b.nodes[0].ID().ToStringOutput(),
		NatType:            pulumi.String(NATType),
		NetworkType:        pulumi.String("internet"),
		PaymentType:        pulumi.String("PayAsYouGo"),
		InternetChargeType: pulumi.String(NATChargeType),
		DeletionProtection: protect,
		Tags:               b.tags,
	}, b.opts()...)
	if err != nil {
		return err
	}
	eip, err := ecs.NewEipAddress(b.ctx, b.name+"-nat-eip", &ecs.EipAddressArgs{
		AddressName:        pulumi.String(b.name + "-nat-eip"),
		Bandwidth:          pulumi.String(strconv.Itoa(b.spec.Alicloud.EIPBandwidth)),
		InternetChargeType: pulumi.String(EIPChargeType),
		PaymentType:        pulumi.String("PayAsYouGo"),
		DeletionProtection: protect,
		Tags:               b.tags,
	}, b.opts()...)
	if err != nil {
		return err
	}
	assoc, err := ecs.NewEipAssociation(b.ctx, b.name+"-nat-eip", &ecs.EipAssociationArgs{
		AllocationId: eip.ID().ToStringOutput(),
		InstanceId:   nat.ID().ToStringOutput(),
		InstanceType: pulumi.String("Nat"),
	}, b.opts()...)
	if err != nil {
		return err
	}
	b.egressIP = eip.IpAddress
	b.c.EgressIP = eip.IpAddress
	for i, zone := range b.plan.Zones {
		for _, sw := range []struct {
			role string
			sw   *vpc.Switch
		}{{"nodes", b.nodes[i]}, {"pods", b.pods[i]}} {
			n := fmt.Sprintf("%s-snat-%s-%s", b.name, sw.role, zone)
			// The SNAT IP must be bound to the gateway first; no input shows that.
			e, err := vpc.NewSnatEntry(b.ctx, n, &vpc.SnatEntryArgs{
				SnatEntryName:   pulumi.String(n),
				SnatTableId:     nat.SnatTableIds,
				SourceVswitchId: sw.sw.ID().ToStringOutput(),
				SnatIp:          eip.IpAddress,
			}, b.opts(pulumi.DependsOn([]pulumi.Resource{assoc}))...)
			if err != nil {
				return err
			}
			if sw.role == "nodes" {
				b.nodeSNAT = append(b.nodeSNAT, e)
			}
		}
	}
	return nil
}

// managedKubernetes creates the ACK cluster with Terway and, if asked, a KMS key for
// Secret encryption.
func (b *builder) managedKubernetes() error {
	a := b.spec.Alicloud
	args := &cs.ManagedKubernetesArgs{
		// ACK cluster names are unique per account: the stack name lets two stacks share one.
		Name:               pulumi.String(b.spec.Name + "-" + b.stack),
		ClusterSpec:        pulumi.String(a.ClusterSpec),
		Version:            pulumi.String(b.spec.KubernetesVersion),
		WorkerVswitchIds:   b.c.NodeVSwitchIDs,
		PodVswitchIds:      b.c.PodVSwitchIDs,
		ServiceCidr:        pulumi.String(b.spec.Network.ServiceCIDR),
		NewNatGateway:      pulumi.Bool(false),
		SlbInternetEnabled: pulumi.Bool(*a.PublicAPIServer),
		DeletionProtection: pulumi.Bool(*a.DeletionProtection),
		ProxyMode:          pulumi.String(ProxyMode),
		// Enterprise security groups hold far more private IPs, which ENI-IP pods use up.
		IsEnterpriseSecurityGroup: pulumi.Bool(true),
		Addons: cs.ManagedKubernetesAddonArray{
			cs.ManagedKubernetesAddonArgs{Name: pulumi.String(AddonTerway), Config: pulumi.String(TerwayConfig)},
			cs.ManagedKubernetesAddonArgs{Name: pulumi.String(AddonCSIPlugin)},
			cs.ManagedKubernetesAddonArgs{Name: pulumi.String(AddonCSIProvisioner)},
		},
		Tags: b.tags,
	}
	if len(a.ControlPlaneLogs) > 0 {
		args.ControlPlaneLogComponents = pulumi.ToStringArray(a.ControlPlaneLogs)
		args.ControlPlaneLogTtl = pulumi.String(ControlPlaneLogTTL)
	}
	if *a.SecretsEncryption {
		key, err := kms.NewKey(b.ctx, b.name+"-secrets", &kms.KeyArgs{
			Description:         pulumi.String(fmt.Sprintf("Secret encryption of ACK cluster %s", b.spec.Name)),
			PendingWindowInDays: pulumi.Int(30),
		}, b.opts()...)
		if err != nil {
			return err
		}
		args.EncryptionProviderKey = key.ID().ToStringOutput()
	}
	var err error
	// The certificates in certificateAuthority log in as cluster admin.
	b.cluster, err = cs.NewManagedKubernetes(b.ctx, b.name, args,
		b.opts(pulumi.AdditionalSecretOutputs([]string{"certificateAuthority"}))...)
	if err != nil {
		return err
	}
	b.c.ClusterName = b.cluster.Name
	b.c.ClusterID = b.cluster.ID().ToStringOutput()
	b.c.KubernetesVersion = b.cluster.Version
	server := b.cluster.Connections.ApiServerIntranet()
	if *a.PublicAPIServer {
		server = b.cluster.Connections.ApiServerInternet()
	}
	ca := b.cluster.CertificateAuthority
	name := b.spec.Name
	// The rendered kubeconfig is the kubernetes provider's input as a secret once known
	// (secret.Mark: an unknown secret cannot cross Pulumi's mock monitor); the output the
	// layers above see is always a secret.
	b.kubeconfig = secret.Mark(pulumi.All(server, ca.ClusterCert(), ca.ClientCert(), ca.ClientKey()).ApplyT(
		func(v []any) (string, error) {
			return renderKubeconfig(name, kubeconfigCredentials{
				Server: deref(v[0]), ClusterCA: deref(v[1]), ClientCert: deref(v[2]), ClientKey: deref(v[3]),
			})
		}).(pulumi.StringOutput))
	b.c.Kubeconfig = pulumi.ToSecret(b.kubeconfig).(pulumi.StringOutput)
	return nil
}

// nodePools creates one ACK node pool per spec pool, in the node vSwitches.
func (b *builder) nodePools() error {
	a := b.spec.Alicloud
	for _, np := range b.spec.NodePools {
		args := &cs.NodePoolArgs{
			Name:               pulumi.String(np.Name),
			ClusterId:          b.c.ClusterID,
			VswitchIds:         b.c.NodeVSwitchIDs,
			InstanceTypes:      pulumi.ToStringArray(np.InstanceTypes),
			Platform:           pulumi.String(NodePlatform),
			ImageId:            pulumi.String(a.NodeImageID),
			SystemDiskCategory: pulumi.String(NodeDiskCategory),
			SystemDiskSize:     pulumi.Int(np.DiskSizeGB),
			Labels:             poolLabels(np.Labels),
			Taints:             poolTaints(np.Taints),
			Tags:               b.tags,
		}
		if np.MinSize < np.MaxSize {
			// ACK's autoscaler owns the node count; it starts the pool at minSize.
			args.ScalingConfig = cs.NodePoolScalingConfigArgs{
				MinSize: pulumi.Int(np.MinSize),
				MaxSize: pulumi.Int(np.MaxSize),
				Type:    pulumi.String("cpu"),
			}
		} else {
			// ACK needs maxSize > minSize for scaling; a fixed pool is a node count.
			args.NodeCount = pulumi.Int(np.DesiredSize)
		}
		if a.KeyPairName != "" {
			args.KeyName = pulumi.String(a.KeyPairName)
		}
		// Nodes bootstrap through the internet (agents, images): wait for their SNAT.
		if _, err := cs.NewNodePool(b.ctx, b.name+"-"+np.Name, args,
			b.opts(pulumi.DependsOn(b.nodeSNAT))...); err != nil {
			return fmt.Errorf("%s: %w", np.Name, err)
		}
	}
	return nil
}

// kubernetes creates the provider for the layers above and makes ESSD the default class.
func (b *builder) kubernetes() error {
	var err error
	b.c.Provider, err = kubernetes.NewProvider(b.ctx, b.name+"-k8s", &kubernetes.ProviderArgs{
		Kubeconfig:            b.kubeconfig,
		EnableServerSideApply: pulumi.Bool(true),
		// ACK's cluster ID names this cluster for good, so a rotated admin certificate
		// updates the provider instead of replacing it and every object deployed through it.
		ClusterIdentifier: b.c.ClusterID,
	}, pulumi.Parent(b.c),
		// A runner in the management network reaches the API server once the VPC is in the CEN.
		pulumi.DependsOn(b.pathReady))
	if err != nil {
		return err
	}
	_, err = storagev1.NewStorageClassPatch(b.ctx, b.name+"-default-storage", &storagev1.StorageClassPatchArgs{
		Metadata: &metav1.ObjectMetaPatchArgs{
			Name:        pulumi.String(StorageClass),
			Annotations: pulumi.StringMap{DefaultClassAnnotation: pulumi.String("true")},
		},
	}, pulumi.Parent(b.c), pulumi.Provider(b.c.Provider))
	if err != nil {
		return err
	}
	b.c.StorageClassName = pulumi.String(StorageClass).ToStringOutput()
	return b.admins()
}

// admins binds the identity map's admins to cluster-admin as RBAC users of their RAM ID,
// the user name ACK gives the kubeconfig of a RAM user or role.
func (b *builder) admins() error {
	if len(b.c.admins) == 0 {
		return nil
	}
	var subjects rbacv1.SubjectArray
	for _, s := range b.c.admins {
		subjects = append(subjects, rbacv1.SubjectArgs{
			Kind: pulumi.String(s.Kind), ApiGroup: pulumi.String(rbacv1Group), Name: pulumi.String(s.Name),
		})
	}
	_, err := rbacv1.NewClusterRoleBinding(b.ctx, b.name+"-admins", &rbacv1.ClusterRoleBindingArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:   pulumi.String(AdminBindingName),
			Labels: pulumi.StringMap{cluster.TagManagedBy: pulumi.String(cluster.ManagedByValue)},
		},
		RoleRef:  rbacv1.RoleRefArgs{ApiGroup: pulumi.String(rbacv1Group), Kind: pulumi.String("ClusterRole"), Name: pulumi.String("cluster-admin")},
		Subjects: subjects,
	}, pulumi.Parent(b.c), pulumi.Provider(b.c.Provider))
	if err != nil {
		return fmt.Errorf("admin binding: %w", err)
	}
	return nil
}

// adminSubjects are the identity map's admins as ACK's RBAC subjects.
func adminSubjects(a cluster.Access) []cluster.Subject {
	var out []cluster.Subject
	for _, m := range a.Admins {
		out = append(out, cluster.SubjectOf(cluster.Alicloud, m))
	}
	return out
}

// rbacv1Group is the API group of RBAC roles and subjects.
const rbacv1Group = "rbac.authorization.k8s.io"

func switchIDs(sws []*vpc.Switch) pulumi.StringArrayOutput {
	ids := make(pulumi.StringArray, len(sws))
	for i, s := range sws {
		ids[i] = s.ID().ToStringOutput()
	}
	return ids.ToStringArrayOutput()
}

func tagMap(tags map[string]string) pulumi.Map {
	m := make(pulumi.Map, len(tags))
	for k, v := range tags {
		m[k] = pulumi.String(v)
	}
	return m
}

func poolLabels(labels map[string]string) cs.NodePoolLabelArray {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(cs.NodePoolLabelArray, 0, len(keys))
	for _, k := range keys {
		out = append(out, cs.NodePoolLabelArgs{Key: pulumi.String(k), Value: pulumi.String(labels[k])})
	}
	return out
}

func poolTaints(taints []cluster.Taint) cs.NodePoolTaintArray {
	out := make(cs.NodePoolTaintArray, 0, len(taints))
	for _, t := range taints {
		out = append(out, cs.NodePoolTaintArgs{Key: pulumi.String(t.Key), Value: pulumi.String(t.Value), Effect: pulumi.String(t.Effect)})
	}
	return out
}

func deref(v any) string {
	switch s := v.(type) {
	case *string:
		if s != nil {
			return *s
		}
	case string:
		return s
	}
	return ""
}
