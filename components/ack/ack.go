package ack

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/ecs"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/kms"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/vpc"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

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
	// AddonTerwayControlPlane is Terway's controller, which ACK runs in the managed
	// control plane of Pro clusters (the ACK Pro example of terraform-provider-alicloud
	// v1.285.0 installs it with terway-eniip).
	AddonTerwayControlPlane = "terway-controlplane"
	// AddonCSIPlugin and AddonCSIProvisioner are the disk CSI driver; the provisioner
	// creates the alicloud-disk-* StorageClasses. Pro clusters run the provisioner in
	// the managed control plane (AddonManagedCSIProvisioner).
	AddonCSIPlugin             = "csi-plugin"
	AddonCSIProvisioner        = "csi-provisioner"
	AddonManagedCSIProvisioner = "managed-csiprovisioner"
	// AddonPodIdentityWebhook injects the RRSA token volume and the
	// ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and
	// ALIBABA_CLOUD_OIDC_TOKEN_FILE variables into pods whose service account names a
	// RAM role (AnnotationRRSARoleName).
	AddonPodIdentityWebhook = "ack-pod-identity-webhook"
	// AddonVirtualNode is ACK's virtual node controller (Virtual Kubelet with the
	// Alibaba Cloud provider): pods sent to it run as elastic container instances (ECI).
	AddonVirtualNode = "ack-virtual-node"
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
	// MaintenanceWeeklyPeriod, MaintenanceTime and MaintenanceDuration are the
	// cluster's maintenance window, in which ACK's managed node pools repair nodes and
	// patch node CVEs: Saturday from 02:00 China Standard Time, four hours.
	MaintenanceWeeklyPeriod = "Saturday"
	MaintenanceTime         = "2026-01-03T02:00:00.000+08:00"
	MaintenanceDuration     = "4h"
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
	// Index is the spec's position in the stack file's clusters list: New reports the
	// spec's problems at clusters[Index] (cluster.Path), as the stack's validation does.
	// Defaults to 0, right for a stack of one cluster.
	Index int
	// Stack is the stack name, for tags and the default environment.
	Stack string
	// Access is who reaches the cluster: admins are bound to cluster-admin by their RAM
	// ID, groups become RBAC users of their RAM ID (Connection.Subjects).
	Access cluster.Access
	// Workloads are addon service accounts that want a cloud identity: each with an
	// AlicloudPolicy gets a RAM role trusted through the cluster's RRSA OIDC provider
	// for its service account alone (workloads.go).
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
	// OIDCIssuer is the cluster's RRSA token issuer URL.
	OIDCIssuer pulumi.StringOutput `pulumi:"oidcIssuer"`
	// OIDCProviderARN is the RAM OIDC provider ACK registered for RRSA, which workload
	// roles trust.
	OIDCProviderARN pulumi.StringOutput `pulumi:"oidcProviderArn"`

	// Provider deploys Kubernetes objects into the cluster.
	Provider *kubernetes.Provider

	spec     cluster.Spec
	stack    string
	subjects map[string]cluster.Subject
	// admins are the subjects bound to cluster-admin in the cluster.
	admins    []cluster.Subject
	backups   *cluster.BackupLocation
	workloads map[string]cluster.WorkloadIdentity
}

// New validates the spec and creates the network, the cluster and its node pools.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if args == nil {
		return nil, fmt.Errorf("ack cluster %q: %w", name, cluster.ErrNoArgs)
	}
	spec, err := cluster.Prepare(args.Spec, args.Index, cluster.Alicloud, args.Stack)
	if err != nil {
		return nil, fmt.Errorf("ack cluster %q: %w", name, err)
	}
	plan, err := cluster.PlanTerway(&spec)
	if err != nil {
		return nil, fmt.Errorf("ack cluster %q: address plan: %w", name, err)
	}

	if err := cluster.CheckNeeds(args.Workloads, args.Backups); err != nil {
		return nil, fmt.Errorf("ack cluster %q: %w", name, err)
	}
	c := &Cluster{spec: spec, stack: args.Stack, subjects: args.Access.Subjects(cluster.Alicloud), admins: adminSubjects(args.Access),
		workloads: map[string]cluster.WorkloadIdentity{}}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, fmt.Errorf("ack cluster %q: registering component: %w", name, err)
	}
	b := &builder{ctx: ctx, name: name, stack: args.Stack, c: c, spec: &c.spec, plan: plan, grants: args.Access, tags: tagMap(spec.ResourceTags(args.Stack)), backupsReq: args.Backups,
		workloads: cluster.CloneWorkloads(args.Workloads)}
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
		"oidcIssuer":        c.OIDCIssuer,
		"oidcProviderArn":   c.OIDCProviderARN,
	}); err != nil {
		return nil, fmt.Errorf("ack cluster %q: registering outputs: %w", name, err)
	}
	return c, nil
}

// OutputOIDCProviderARN is the Connection.Outputs key of the RRSA OIDC provider's ARN,
// which the attach path's workload roles trust.
const OutputOIDCProviderARN = "oidcProviderArn"

// Connection is what the layers above deploy through.
func (c *Cluster) Connection() *cluster.Connection {
	return &cluster.Connection{
		VirtualNodes:      c.spec.VirtualNodeFacts(),
		Name:              c.spec.Name,
		Cloud:             cluster.Alicloud,
		Environment:       c.spec.Environment,
		Federation:        c.spec.Federation,
		ClusterName:       c.ClusterName,
		Kubeconfig:        c.Kubeconfig,
		Provider:          c.Provider,
		OIDCIssuer:        c.OIDCIssuer,
		StorageClass:      StorageClass,
		KubernetesVersion: c.KubernetesVersion,
		Subjects:          c.subjects,
		Workloads:         c.workloads,
		Backups:           c.backups,
		ClusterIdentifier: c.ClusterID,
		Outputs:           map[string]pulumi.StringOutput{OutputOIDCProviderARN: c.OIDCProviderARN},
		Facts:             map[string]string{cluster.FactTags: cluster.EncodeTags(c.spec.ResourceTags(c.stack))},
		Admins:            c.admins,
		ManagementCIDRs:   c.spec.ManagementCIDRs(),
		Component:         c,
	}
}

// builder carries what the steps of New share.
type builder struct {
	// attached is set by Attach: children are cluster.AttachedChild of the component.
	attached   bool
	ctx        *pulumi.Context
	name       string
	stack      string
	c          *Cluster
	spec       *cluster.Spec
	plan       cluster.TerwayPlan
	grants     cluster.Access
	tags       pulumi.Map
	backupsReq *cluster.Backups
	workloads  []cluster.Workload

	cloud    pulumi.ResourceOption
	vpc      *vpc.Network
	nodes    []*vpc.Switch
	pods     []*vpc.Switch
	nodeSNAT []pulumi.Resource
	egressIP pulumi.StringOutput
	cluster  *managedKubernetes
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
		{Name: cluster.StepWorkloadIdentities, Run: b.workloadIdentities},
		{Name: "backup storage", Run: b.backups},
		{Name: "kubernetes", Run: b.kubernetes},
	}
	if clusterOnly {
		steps = cluster.ClusterOnly(steps)
	}
	return cluster.RunSteps(steps...)
}

// provider is the cluster's own Alibaba Cloud provider for its region, on the plugin
// release ProviderVersion; every ACK resource goes through it.
func (b *builder) provider() error {
	prov, err := alicloud.NewProvider(b.ctx, b.name+"-alicloud", &alicloud.ProviderArgs{
		Region: pulumi.String(b.spec.Region),
	}, b.parentOpt(), pulumi.Version(ProviderVersion))
	if err != nil {
		return err
	}
	b.cloud = pulumi.Provider(prov)
	return nil
}

func (b *builder) opts(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{b.parentOpt(), b.cloud}, extra...)
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

// managedKubernetes registers the ACK cluster with Terway, RRSA and, if asked, a KMS
// key for Secret encryption. It is registered by type token with the inputs of
// provider ProviderVersion: vswitchIds (workerVswitchIds is deprecated since provider
// 1.241.0), no loadBalancerSpec (deprecated since 1.232.0: the API server's CLB is
// billed by capacity units), and a maintenance window with auto-upgrade off, since
// the version is pinned in the stack file and changes only through a reviewed plan.
func (b *builder) managedKubernetes() error {
	a := b.spec.Alicloud
	inputs := pulumi.Map{
		// ACK cluster names are unique per account: the stack name lets two stacks share one.
		"name":               pulumi.String(b.spec.Name + "-" + b.stack),
		"clusterSpec":        pulumi.String(a.ClusterSpec),
		"version":            pulumi.String(b.spec.KubernetesVersion),
		"vswitchIds":         b.c.NodeVSwitchIDs,
		"podVswitchIds":      b.c.PodVSwitchIDs,
		"serviceCidr":        pulumi.String(b.spec.Network.ServiceCIDR),
		"newNatGateway":      pulumi.Bool(false),
		"slbInternetEnabled": pulumi.Bool(*a.PublicAPIServer),
		"deletionProtection": pulumi.Bool(*a.DeletionProtection),
		"proxyMode":          pulumi.String(ProxyMode),
		// Enterprise security groups hold far more private IPs, which ENI-IP pods use up.
		"isEnterpriseSecurityGroup": pulumi.Bool(true),
		// RRSA: ACK registers an OIDC provider in RAM for the cluster's service-account
		// tokens; workload roles trust it. ACK cannot turn it off again.
		"enableRrsa": pulumi.Bool(true),
		"addons":     addons(a.ClusterSpec, b.spec.VirtualNodesOn()),
		"maintenanceWindow": pulumi.Map{
			"enable":          pulumi.Bool(true),
			"maintenanceTime": pulumi.String(MaintenanceTime),
			"duration":        pulumi.String(MaintenanceDuration),
			"weeklyPeriod":    pulumi.String(MaintenanceWeeklyPeriod),
		},
		"operationPolicy": pulumi.Map{
			"clusterAutoUpgrade": pulumi.Map{"enabled": pulumi.Bool(false)},
		},
		"tags": b.tags,
	}
	if a.AutoMode {
		// Set at creation only: the provider replaces the cluster when it changes.
		inputs["autoMode"] = pulumi.Map{"enabled": pulumi.Bool(true)}
	}
	if len(a.ControlPlaneLogs) > 0 {
		inputs["controlPlaneLogComponents"] = pulumi.ToStringArray(a.ControlPlaneLogs)
		inputs["controlPlaneLogTtl"] = pulumi.String(ControlPlaneLogTTL)
	}
	if *a.SecretsEncryption {
		key, err := kms.NewKey(b.ctx, b.name+"-secrets", &kms.KeyArgs{
			Description:         pulumi.String(fmt.Sprintf("Secret encryption of ACK cluster %s", b.spec.Name)),
			PendingWindowInDays: pulumi.Int(30),
		}, b.opts()...)
		if err != nil {
			return err
		}
		inputs["encryptionProviderKey"] = key.ID().ToStringOutput()
		// Provider 1.285.0 encrypts only with disableEncryption set to false explicitly.
		inputs["disableEncryption"] = pulumi.Bool(false)
	}
	b.cluster = &managedKubernetes{}
	// The certificates in certificateAuthority log in as cluster admin.
	if err := b.ctx.RegisterResource(TypeManagedKubernetes, b.name, inputs, b.cluster,
		b.opts(pulumi.AdditionalSecretOutputs([]string{"certificateAuthority"}))...); err != nil {
		return err
	}
	b.c.ClusterName = b.cluster.Name
	b.c.ClusterID = b.cluster.ID().ToStringOutput()
	b.c.KubernetesVersion = b.cluster.Version
	b.c.OIDCIssuer = mapString(b.cluster.RRSAMetadata, "rrsaOidcIssuerUrl")
	b.c.OIDCProviderARN = mapString(b.cluster.RRSAMetadata, "ramOidcProviderArn")
	server := b.cluster.Connections.MapIndex(pulumi.String("apiServerIntranet"))
	if *a.PublicAPIServer {
		server = b.cluster.Connections.MapIndex(pulumi.String("apiServerInternet"))
	}
	ca := b.cluster.CertificateAuthority
	name, region := b.spec.Name, b.spec.Region
	var kubeconfig pulumi.StringOutput
	if a.KubeconfigCredential == cluster.ACKCredentialRAMTool {
		kubeconfig = pulumi.All(server, ca.MapIndex(pulumi.String("clusterCert")), b.c.ClusterID).ApplyT(
			func(v []any) (string, error) {
				return renderRAMToolKubeconfig(name, deref(v[0]), deref(v[1]), deref(v[2]), region)
			}).(pulumi.StringOutput)
	} else {
		kubeconfig = pulumi.All(server, ca.MapIndex(pulumi.String("clusterCert")),
			ca.MapIndex(pulumi.String("clientCert")), ca.MapIndex(pulumi.String("clientKey"))).ApplyT(
			func(v []any) (string, error) {
				return renderKubeconfig(name, kubeconfigCredentials{
					Server: deref(v[0]), ClusterCA: deref(v[1]), ClientCert: deref(v[2]), ClientKey: deref(v[3]),
				})
			}).(pulumi.StringOutput)
	}
	// The rendered kubeconfig is the kubernetes provider's input as a secret once known
	// (secret.Mark: an unknown secret cannot cross Pulumi's mock monitor); the output the
	// layers above see is always a secret.
	b.kubeconfig = secret.Mark(kubeconfig)
	b.c.Kubeconfig = pulumi.ToSecret(b.kubeconfig).(pulumi.StringOutput)
	return nil
}

// addons are the add-ons ACK installs: Terway ENI-IP with network policy, the disk CSI
// driver and the RRSA webhook, and with virtual nodes ack-virtual-node. Pro clusters
// run Terway's controller and the CSI provisioner in the managed control plane.
func addons(clusterSpec string, virtualNodes bool) pulumi.Array {
	terway := pulumi.Map{"name": pulumi.String(AddonTerway), "config": pulumi.String(TerwayConfig)}
	named := func(n string) pulumi.Map { return pulumi.Map{"name": pulumi.String(n)} }
	out := pulumi.Array{terway, named(AddonCSIPlugin), named(AddonCSIProvisioner), named(AddonPodIdentityWebhook)}
	if clusterSpec == cluster.ACKProSmall {
		out = pulumi.Array{named(AddonTerwayControlPlane), terway, named(AddonCSIPlugin),
			named(AddonManagedCSIProvisioner), named(AddonPodIdentityWebhook)}
	}
	if virtualNodes {
		// No config: ECI pods take the cluster's vSwitches and security group.
		out = append(out, named(AddonVirtualNode))
	}
	return out
}

// Node pool management: ACK repairs nodes and patches node CVEs in the maintenance
// window, one node at a time; kubelet versions move only with the cluster's version.
const (
	// PoolMaxUnavailable is how many nodes of a pool ACK takes down at once.
	PoolMaxUnavailable = 1
)

// nodePools registers one ACK node pool per spec pool, in the node vSwitches, with the
// inputs of provider ProviderVersion: nodePoolName and desiredSize replace the
// deprecated name and nodeCount, and no platform is sent (deprecated since provider
// 1.145.0; the OS follows the pinned image, alicloud.nodeImageId).
func (b *builder) nodePools() error {
	for _, np := range b.spec.NodePools {
		// Nodes bootstrap through the internet (agents, images): wait for their SNAT.
		if err := b.ctx.RegisterResource(TypeNodePool, b.name+"-"+np.Name, b.poolInputs(np), &nodePool{},
			b.opts(pulumi.DependsOn(b.nodeSNAT))...); err != nil {
			return fmt.Errorf("%s: %w", np.Name, err)
		}
	}
	return nil
}

// poolInputs are one node pool's inputs. In auto mode ACK sets everything but the
// vSwitches, instance types, labels, taints, tags and scaling bounds itself (and ignores
// what else is sent), so only those are sent.
func (b *builder) poolInputs(np cluster.NodePool) pulumi.Map {
	a := b.spec.Alicloud
	if a.AutoMode {
		return pulumi.Map{
			"nodePoolName":  pulumi.String(np.Name),
			"clusterId":     b.c.ClusterID,
			"vswitchIds":    b.c.NodeVSwitchIDs,
			"instanceTypes": pulumi.ToStringArray(np.InstanceTypes),
			"labels":        poolLabels(np.Labels),
			"taints":        poolTaints(np.Taints),
			"autoMode":      pulumi.Map{"enabled": pulumi.Bool(true)},
			"scalingConfig": pulumi.Map{"minSize": pulumi.Int(np.MinSize), "maxSize": pulumi.Int(np.MaxSize)},
			"tags":          b.tags,
		}
	}
	inputs := pulumi.Map{
		"nodePoolName":       pulumi.String(np.Name),
		"clusterId":          b.c.ClusterID,
		"vswitchIds":         b.c.NodeVSwitchIDs,
		"instanceTypes":      pulumi.ToStringArray(np.InstanceTypes),
		"imageId":            pulumi.String(a.NodeImageID),
		"systemDiskCategory": pulumi.String(NodeDiskCategory),
		"systemDiskSize":     pulumi.Int(np.DiskSizeGB),
		"labels":             poolLabels(np.Labels),
		"taints":             poolTaints(np.Taints),
		"management": pulumi.Map{
			"enable":         pulumi.Bool(true),
			"autoRepair":     pulumi.Bool(true),
			"autoVulFix":     pulumi.Bool(true),
			"autoUpgrade":    pulumi.Bool(false),
			"maxUnavailable": pulumi.Int(PoolMaxUnavailable),
		},
		"tags": b.tags,
	}
	if np.MinSize < np.MaxSize {
		// ACK's autoscaler owns the node count; it starts the pool at minSize.
		inputs["scalingConfig"] = pulumi.Map{
			"enable":  pulumi.Bool(true),
			"minSize": pulumi.Int(np.MinSize),
			"maxSize": pulumi.Int(np.MaxSize),
			"type":    pulumi.String("cpu"),
		}
	} else {
		// ACK needs maxSize > minSize for scaling; a fixed pool is a node count
		// (desiredSize is a string in the provider's schema).
		inputs["desiredSize"] = pulumi.String(strconv.Itoa(np.DesiredSize))
	}
	if a.KeyPairName != "" {
		inputs["keyName"] = pulumi.String(a.KeyPairName)
	}
	return inputs
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
	}, b.parentOpt(),
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
	}, b.parentOpt(), pulumi.Provider(b.c.Provider))
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
	}, b.parentOpt(), pulumi.Provider(b.c.Provider))
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

func poolLabels(labels map[string]string) pulumi.Array {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(pulumi.Array, 0, len(keys))
	for _, k := range keys {
		out = append(out, pulumi.Map{"key": pulumi.String(k), "value": pulumi.String(labels[k])})
	}
	return out
}

func poolTaints(taints []cluster.Taint) pulumi.Array {
	out := make(pulumi.Array, 0, len(taints))
	for _, t := range taints {
		out = append(out, pulumi.Map{"key": pulumi.String(t.Key), "value": pulumi.String(t.Value), "effect": pulumi.String(t.Effect)})
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

// parentOpt places a child under the component (cluster.ChildOf).
func (b *builder) parentOpt() pulumi.ResourceOption { return cluster.ChildOf(b.c, b.attached) }
