package aks

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/containerservice/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/resources/v2"
	azurenative "github.com/pulumi/pulumi-azure-native-sdk/v2"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/secret"
)

// TypeToken is the Pulumi type of the component.
const TypeToken = "platform:cluster:AKS"

// Names and built-in IDs the component uses.
const (
	// StorageClass is the default StorageClass of every AKS cluster (Azure Disk CSI,
	// StandardSSD_LRS); AKS creates it, so nothing is deployed for it.
	StorageClass = "managed-csi"
	// NodeSubnetName is the node subnet's name in the VNet.
	NodeSubnetName = "nodes"
	// PodSubnetName is the shared pod subnet's name; per-pool pod subnets are "pods-<pool>".
	PodSubnetName = "pods"
	// VirtualNodeSubnetName is the subnet of the virtual nodes' pods in ACI, delegated
	// to cluster.AzureVirtualNodeSubnetDelegation.
	VirtualNodeSubnetName = "virtual-nodes"
	// AddonACIConnector is the virtual nodes add-on's key in addonProfiles (the Azure
	// CLI's "aciConnector" plus the OS), and AddonACISubnetName its config key naming
	// the subnet (the Azure CLI's CONST_VIRTUAL_NODE_SUBNET_NAME).
	AddonACIConnector  = "aciConnectorLinux"
	AddonACISubnetName = "SubnetName"
	// PodSubnetDelegation is the service a pod subnet is delegated to. AKS adds the
	// delegation itself; declaring it keeps the next update from removing it.
	PodSubnetDelegation = "Microsoft.ContainerService/managedClusters"
	// NetworkContributorRole lets the cluster identity manage load balancers and IPs in the VNet.
	NetworkContributorRole = "4d97b98b-1d4f-4787-a291-c67834d212e7"
	// ClusterAdminRole is "Azure Kubernetes Service RBAC Cluster Admin", given to the
	// deploying identity with aadRbac so the layers above deploy in the same run.
	ClusterAdminRole = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"
	// KubeconfigFormatExec asks AKS for a kubeconfig that runs kubelogin with aadRbac.
	KubeconfigFormatExec = "exec"
	// PrivateDNSZoneSystem lets AKS create and link the private cluster's DNS zone, so
	// the API server's name resolves inside the VNet (and its peerings, once linked).
	PrivateDNSZoneSystem = "system"
)

// Args configure an AKS cluster.
type Args struct {
	// Spec is the cluster's entry in the stack file (cloud azure). New works on a copy,
	// applies the defaults to it and validates it before creating anything.
	Spec cluster.Spec
	// Index is the spec's position in the stack file's clusters list: New reports the
	// spec's problems at clusters[Index] (cluster.Path), as the stack's validation does.
	// Defaults to 0, right for a stack of one cluster.
	Index int
	// Stack is the stack name: the default environment and the stack tag.
	Stack string
	// Access is who reaches the cluster. With aadRbac the admins' Entra ID object IDs
	// join azure.adminGroupObjectIds; groups become RBAC subjects (Connection.Subjects).
	Access cluster.Access
	// Workloads are addon service accounts that get an Entra workload identity each
	// (those with AzureRoles): a user-assigned identity federated with the account.
	Workloads []cluster.Workload
	// ClusterOnly builds the cloud side alone, for a cluster stack: no kubernetes
	// provider, and no Workloads or Backups (the in-cluster stack makes those through
	// Attach). Defaults to false: every layer in one stack.
	ClusterOnly bool
	// Backups asks for backup storage and Velero's identity (Connection.Backups); nil for none.
	Backups *cluster.Backups
}

// Cluster is an AKS cluster with its network.
type Cluster struct {
	pulumi.ResourceState

	// ClusterName is the managed cluster's name in Azure.
	ClusterName pulumi.StringOutput `pulumi:"clusterName"`
	// ResourceGroupName holds every Azure resource of the cluster except the nodes (which AKS puts in MC_*).
	ResourceGroupName pulumi.StringOutput `pulumi:"resourceGroupName"`
	// VNetID is the cluster's virtual network.
	VNetID pulumi.StringOutput `pulumi:"vnetId"`
	// NodeSubnetID is the subnet every node pool's nodes sit in.
	NodeSubnetID pulumi.StringOutput `pulumi:"nodeSubnetId"`
	// PodSubnetIDs are the pod subnets in podSubnet mode (one, or one per pool); empty with overlay.
	PodSubnetIDs pulumi.StringArrayOutput `pulumi:"podSubnetIds"`
	// Kubeconfig is the user kubeconfig, always a secret. With aadRbac it runs kubelogin.
	Kubeconfig pulumi.StringOutput `pulumi:"kubeconfig"`
	// OIDCIssuer is the cluster's service-account token issuer, for workload identity federation.
	OIDCIssuer pulumi.StringOutput `pulumi:"oidcIssuer"`
	// StorageClass is the default StorageClass name.
	StorageClass pulumi.StringOutput `pulumi:"storageClass"`
	// KubernetesVersion is the version the control plane runs.
	KubernetesVersion pulumi.StringOutput `pulumi:"kubernetesVersion"`
	// Provider deploys into the cluster.
	Provider *kubernetes.Provider

	// clusterIdentifier is the provider's clusterIdentifier (the ARM resource ID).
	clusterIdentifier pulumi.StringOutput
	// resourceGroupID is the cluster's resource group, for the contract.
	resourceGroupID pulumi.StringOutput

	spec      cluster.Spec
	stack     string
	subjects  map[string]cluster.Subject
	workloads map[string]cluster.WorkloadIdentity
	backups   *cluster.BackupLocation
	// aciRole is the ACI connector's role on the VNet; nil without virtual nodes.
	aciRole *authorization.RoleAssignment
}

// New validates the spec, then creates the resource group, VNet, managed cluster,
// user node pools, role assignments and the kubernetes Provider.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if args == nil {
		return nil, fmt.Errorf("aks cluster %q: %w", name, cluster.ErrNoArgs)
	}
	spec, err := cluster.Prepare(args.Spec, args.Index, cluster.Azure, args.Stack)
	if err != nil {
		return nil, fmt.Errorf("aks cluster %q: %w", name, err)
	}
	admins := adminGroups(spec.Azure.AdminGroupObjectIDs, args.Access)
	if *spec.Azure.AADRBAC && len(admins) == 0 {
		return nil, fmt.Errorf("aks cluster %q: %s", name, cluster.MsgAzureAdminGroups)
	}
	plan, err := planSubnets(&spec)
	if err != nil {
		return nil, fmt.Errorf("aks cluster %q: %w", name, err)
	}
	if err := cluster.CheckNeeds(args.Workloads, args.Backups); err != nil {
		return nil, fmt.Errorf("aks cluster %q: %w", name, err)
	}
	c := &Cluster{spec: spec, stack: args.Stack, subjects: args.Access.Subjects(cluster.Azure), workloads: map[string]cluster.WorkloadIdentity{}}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, fmt.Errorf("aks cluster %q: registering component: %w", name, err)
	}
	b := &builder{
		ctx: ctx, name: name, stack: args.Stack, c: c, spec: &c.spec, plan: plan, admins: admins,
		workloads: cluster.CloneWorkloads(args.Workloads), backupsReq: args.Backups,
		tags: pulumi.ToStringMap(spec.ResourceTags(args.Stack)), location: pulumi.String(spec.Region),
	}
	if err := b.build(args.ClusterOnly); err != nil {
		return nil, fmt.Errorf("aks cluster %q: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"clusterName":       c.ClusterName,
		"resourceGroupName": c.ResourceGroupName,
		"vnetId":            c.VNetID,
		"nodeSubnetId":      c.NodeSubnetID,
		"podSubnetIds":      c.PodSubnetIDs,
		"kubeconfig":        c.Kubeconfig,
		"oidcIssuer":        c.OIDCIssuer,
		"storageClass":      c.StorageClass,
		"kubernetesVersion": c.KubernetesVersion,
	}); err != nil {
		return nil, fmt.Errorf("aks cluster %q: registering outputs: %w", name, err)
	}
	return c, nil
}

// builder carries what the steps of New share, and what each hands the next.
type builder struct {
	// attached is set by Attach: children are cluster.AttachedChild of the component.
	attached   bool
	ctx        *pulumi.Context
	name       string
	stack      string
	c          *Cluster
	spec       *cluster.Spec
	plan       subnetPlan
	admins     []string
	workloads  []cluster.Workload
	backupsReq *cluster.Backups
	tags       pulumi.StringMap
	location   pulumi.StringInput

	child  []pulumi.ResourceOption
	invoke []pulumi.InvokeOption
	rg     *resources.ResourceGroup
	// rgName and rgID are the resource group's (an attached cluster's, from its outputs).
	rgName, rgID pulumi.StringOutput
	vnet         *network.VirtualNetwork
	mc           *containerservice.ManagedCluster
	deployer     *authorization.RoleAssignment
	// pathReady are the hub peering and the private DNS link a runner in the
	// management network reaches the API server through.
	pathReady []pulumi.Resource
	// kubeconfig is the user kubeconfig, not yet a secret (secret.Mark makes the
	// provider's copy one): an attached cluster's is the cluster stack's secret output.
	kubeconfig pulumi.StringOutput
}

// build runs the steps in the order their children need each other.
// With clusterOnly, the steps that serve the layers above (their identities, backup
// storage, the kubernetes provider) are left to Attach.
func (b *builder) build(clusterOnly bool) error {
	steps := []cluster.Step{
		{Name: "azure provider", Run: b.provider},
		{Name: "resource group", Run: b.resourceGroup},
		{Name: "network", Run: b.network},
		{Name: "managed cluster", Run: b.managedCluster},
		{Name: "management network", Run: b.attachManagement},
		{Name: "node pools", Run: b.nodePools},
		{Name: "roles", Run: b.roles},
		{Name: "workload identities", Run: b.workloadIdentities},
		{Name: "backup storage", Run: b.backups},
		{Name: "kubeconfig", Run: b.kubeconfigStep},
		{Name: "kubernetes", Run: b.kubernetes},
	}
	if clusterOnly {
		steps = cluster.ClusterOnly(steps)
	}
	return cluster.RunSteps(steps...)
}

// provider is one azure-native provider per cluster, so clusters in different regions
// (and later different subscriptions) live in one stack, and invokes run against the
// same account.
func (b *builder) provider() error {
	prov, err := azurenative.NewProvider(b.ctx, b.name+"-azure", &azurenative.ProviderArgs{Location: b.location}, b.parentOpt())
	if err != nil {
		return err
	}
	b.child = []pulumi.ResourceOption{b.parentOpt(), pulumi.Provider(prov)}
	b.invoke = []pulumi.InvokeOption{pulumi.Provider(prov), pulumi.Parent(b.c)}
	return nil
}

func (b *builder) resourceGroup() (err error) {
	b.rg, err = resources.NewResourceGroup(b.ctx, b.name+"-rg", &resources.ResourceGroupArgs{
		ResourceGroupName: pulumi.String(b.spec.Azure.ResourceGroup),
		Location:          b.location,
		Tags:              b.tags,
	}, b.child...)
	if err == nil {
		b.c.ResourceGroupName = b.rg.Name
		b.rgName, b.rgID = b.rg.Name, b.rg.ID().ToStringOutput()
		b.c.resourceGroupID = b.rgID
	}
	return err
}

// network creates the VNet with its subnets declared inside: one PUT creates them all,
// which avoids the AnotherOperationInProgress conflicts of parallel subnet writes.
func (b *builder) network() (err error) {
	b.vnet, err = network.NewVirtualNetwork(b.ctx, b.name+"-vnet", &network.VirtualNetworkArgs{
		ResourceGroupName:  b.rg.Name,
		VirtualNetworkName: pulumi.String(b.name + "-vnet"),
		Location:           b.location,
		AddressSpace:       &network.AddressSpaceArgs{AddressPrefixes: pulumi.StringArray{pulumi.String(b.spec.Network.VPCCIDR)}},
		Subnets:            b.plan.subnetArgs(b.spec.Azure.RouteTableID),
		Tags:               b.tags,
	}, b.child...)
	if err != nil {
		return err
	}
	podIDs := pulumi.StringArray{}
	for _, s := range b.plan.pods {
		podIDs = append(podIDs, b.subnetID(s.name))
	}
	b.c.VNetID = b.vnet.ID().ToStringOutput()
	b.c.NodeSubnetID = b.subnetID(NodeSubnetName)
	b.c.PodSubnetIDs = podIDs.ToStringArrayOutput()
	return nil
}

// subnetID is the ARM ID of a subnet of the VNet.
func (b *builder) subnetID(sub string) pulumi.StringOutput {
	return b.vnet.ID().ToStringOutput().ApplyT(func(id string) string { return id + "/subnets/" + sub }).(pulumi.StringOutput)
}

// podSubnetID is a pool's pod subnet; nil with overlay.
func (b *builder) podSubnetID(pool string) pulumi.StringPtrInput {
	if sub, ok := b.plan.podSubnetFor(pool); ok {
		return b.subnetID(sub)
	}
	return nil
}

// managedCluster creates the cluster with its system pools inline (AKS needs one at
// creation), Azure CNI, the API server's reach and, with aadRbac, Entra ID.
func (b *builder) managedCluster() error {
	spec, a := b.spec, b.spec.Azure
	var systemPools containerservice.ManagedClusterAgentPoolProfileArray
	for _, np := range spec.NodePools {
		if np.System {
			systemPools = append(systemPools, inlinePool(np.Name, b.poolArgs(np)))
		}
	}
	netProfile := &containerservice.ContainerServiceNetworkProfileArgs{
		NetworkPlugin:   pulumi.String("azure"),
		NetworkPolicy:   pulumi.String(a.NetworkPolicy),
		ServiceCidr:     pulumi.String(spec.Network.ServiceCIDR),
		DnsServiceIP:    pulumi.String(a.DNSServiceIP),
		OutboundType:    pulumi.String(a.OutboundType),
		LoadBalancerSku: pulumi.String("standard"),
	}
	if a.NetworkPolicy == "cilium" {
		netProfile.NetworkDataplane = pulumi.String(string(containerservice.NetworkDataplaneCilium))
	}
	if a.NetworkMode == cluster.AzureModeOverlay {
		netProfile.NetworkPluginMode = pulumi.String(string(containerservice.NetworkPluginModeOverlay))
		netProfile.PodCidr = pulumi.String(spec.Network.PodCIDR)
	}
	mcArgs := &containerservice.ManagedClusterArgs{
		ResourceGroupName:      b.rg.Name,
		ResourceName:           pulumi.String(b.name),
		Location:               b.location,
		DnsPrefix:              pulumi.String(b.name),
		KubernetesVersion:      pulumi.String(spec.KubernetesVersion),
		Identity:               &containerservice.ManagedClusterIdentityArgs{Type: containerservice.ResourceIdentityTypeSystemAssigned},
		Sku:                    &containerservice.ManagedClusterSKUArgs{Name: pulumi.String("Base"), Tier: pulumi.String(a.Tier)},
		ApiServerAccessProfile: apiServerAccess(a, spec.Network.Management),
		EnableRBAC:             pulumi.Bool(true),
		DisableLocalAccounts:   pulumi.Bool(*a.DisableLocalAccounts),
		AgentPoolProfiles:      systemPools,
		NetworkProfile:         netProfile,
		OidcIssuerProfile:      &containerservice.ManagedClusterOIDCIssuerProfileArgs{Enabled: pulumi.Bool(true)},
		// The workload identity webhook projects federated tokens into the pods of
		// workloads (Args.Workloads); addons then hold no Azure secret.
		SecurityProfile: &containerservice.ManagedClusterSecurityProfileArgs{
			WorkloadIdentity: &containerservice.ManagedClusterSecurityProfileWorkloadIdentityArgs{Enabled: pulumi.Bool(true)},
		},
		Tags: b.tags,
	}
	if *a.AADRBAC {
		mcArgs.AadProfile = &containerservice.ManagedClusterAADProfileArgs{
			Managed:             pulumi.Bool(true),
			EnableAzureRBAC:     pulumi.Bool(true),
			AdminGroupObjectIDs: pulumi.ToStringArray(b.admins),
		}
	}
	if spec.VirtualNodesOn() {
		mcArgs.AddonProfiles = containerservice.ManagedClusterAddonProfileMap{
			AddonACIConnector: containerservice.ManagedClusterAddonProfileArgs{
				Enabled: pulumi.Bool(true),
				Config:  pulumi.StringMap{AddonACISubnetName: pulumi.String(VirtualNodeSubnetName)},
			},
		}
	}
	if a.LongTermSupport != nil && *a.LongTermSupport {
		mcArgs.SupportPlan = pulumi.String(string(containerservice.KubernetesSupportPlanAKSLongTermSupport))
	}
	var err error
	// The autoscaler owns node counts once the pools exist.
	b.mc, err = containerservice.NewManagedCluster(b.ctx, b.name+"-aks", mcArgs,
		append(b.child, pulumi.IgnoreChanges([]string{"agentPoolProfiles[*].count"}))...)
	if err != nil {
		return err
	}
	b.c.ClusterName = b.mc.Name
	b.c.OIDCIssuer = b.mc.OidcIssuerProfile.IssuerURL().Elem()
	b.c.KubernetesVersion = b.mc.KubernetesVersion.Elem()
	return nil
}

// nodePools creates the user pools, autoscaled.
func (b *builder) nodePools() error {
	for _, np := range b.spec.NodePools {
		if np.System {
			continue
		}
		args := b.poolArgs(np)
		args.ResourceName = b.mc.Name
		if _, err := containerservice.NewAgentPool(b.ctx, b.name+"-"+np.Name, args,
			append(b.child, pulumi.IgnoreChanges([]string{"count"}))...); err != nil {
			return fmt.Errorf("%q: %w", np.Name, err)
		}
	}
	return nil
}

// poolArgs is the one place a node pool's settings become Azure's: a system pool goes
// inline into the managed cluster (AKS needs one at creation, inlinePool), a user pool
// becomes an AgentPool of its own (nodePools, which sets the cluster's ResourceName).
// Every pool is a Linux scale set, autoscaled between its bounds.
func (b *builder) poolArgs(np cluster.NodePool) *containerservice.AgentPoolArgs {
	mode := containerservice.AgentPoolModeUser
	if np.System {
		mode = containerservice.AgentPoolModeSystem
	}
	return &containerservice.AgentPoolArgs{
		ResourceGroupName:   b.rg.Name,
		AgentPoolName:       pulumi.String(np.Name),
		Mode:                pulumi.String(string(mode)),
		Type:                pulumi.String("VirtualMachineScaleSets"),
		OsType:              pulumi.String("Linux"),
		OsSKU:               pulumi.String(np.OSSKU),
		VmSize:              pulumi.String(np.InstanceTypes[0]),
		OrchestratorVersion: pulumi.String(b.spec.KubernetesVersion),
		EnableAutoScaling:   pulumi.Bool(true),
		Count:               pulumi.Int(np.DesiredSize),
		MinCount:            pulumi.Int(np.MinSize),
		MaxCount:            pulumi.Int(np.MaxSize),
		MaxPods:             pulumi.Int(np.MaxPods),
		OsDiskSizeGB:        pulumi.Int(np.DiskSizeGB),
		AvailabilityZones:   zones(b.spec.Network.Zones),
		NodeLabels:          labels(np.Labels),
		NodeTaints:          taints(np.Taints),
		VnetSubnetID:        b.c.NodeSubnetID,
		PodSubnetID:         b.podSubnetID(np.Name),
		Tags:                b.tags,
	}
}

// inlinePool is a pool's AgentPool settings as a profile inline in the managed cluster:
// field for field what poolArgs decided, nothing decided here
// (TestSystemAndUserPoolsShareTheirSettings holds the two to each other).
func inlinePool(name string, a *containerservice.AgentPoolArgs) containerservice.ManagedClusterAgentPoolProfileArgs {
	return containerservice.ManagedClusterAgentPoolProfileArgs{
		Name:                pulumi.String(name),
		Mode:                a.Mode,
		Type:                a.Type,
		OsType:              a.OsType,
		OsSKU:               a.OsSKU,
		VmSize:              a.VmSize,
		OrchestratorVersion: a.OrchestratorVersion,
		EnableAutoScaling:   a.EnableAutoScaling,
		Count:               a.Count,
		MinCount:            a.MinCount,
		MaxCount:            a.MaxCount,
		MaxPods:             a.MaxPods,
		OsDiskSizeGB:        a.OsDiskSizeGB,
		AvailabilityZones:   a.AvailabilityZones,
		NodeLabels:          a.NodeLabels,
		NodeTaints:          a.NodeTaints,
		VnetSubnetID:        a.VnetSubnetID,
		PodSubnetID:         a.PodSubnetID,
		Tags:                a.Tags,
	}
}

// roleID is a built-in role's definition ID in the cluster's subscription, which comes
// from the resource group's ID, so no extra call is needed for it.
func (b *builder) roleID(role string) pulumi.StringOutput {
	return b.rgID.ApplyT(func(id string) (string, error) {
		sub, err := subscriptionOf(id)
		if err != nil {
			return "", err
		}
		return "/subscriptions/" + sub + "/providers/Microsoft.Authorization/roleDefinitions/" + role, nil
	}).(pulumi.StringOutput)
}

// roles gives the cluster identity Network Contributor on its VNet (for load balancers
// and public IPs; AKS retries until it has propagated) and, with aadRbac, the deploying
// identity cluster admin, since local accounts may be off.
func (b *builder) roles() error {
	if _, err := authorization.NewRoleAssignment(b.ctx, b.name+"-network-contributor", &authorization.RoleAssignmentArgs{
		PrincipalId:      b.mc.Identity.PrincipalId().Elem(),
		PrincipalType:    pulumi.String("ServicePrincipal"),
		RoleDefinitionId: b.roleID(NetworkContributorRole),
		Scope:            b.vnet.ID().ToStringOutput(),
	}, b.child...); err != nil {
		return fmt.Errorf("network role: %w", err)
	}
	if b.spec.VirtualNodesOn() {
		// The ACI connector's own identity joins pods to the subnet; AKS grants it only
		// inside the node resource group, and the VNet is not there (without this the
		// aci-connector-linux pod cannot read the subnet and crash-loops).
		aci := b.mc.AddonProfiles.MapIndex(pulumi.String(AddonACIConnector)).Identity().ObjectId().Elem()
		var err error
		if b.c.aciRole, err = authorization.NewRoleAssignment(b.ctx, b.name+"-aci-network-contributor", &authorization.RoleAssignmentArgs{
			PrincipalId:      aci,
			PrincipalType:    pulumi.String("ServicePrincipal"),
			RoleDefinitionId: b.roleID(NetworkContributorRole),
			Scope:            b.vnet.ID().ToStringOutput(),
		}, b.child...); err != nil {
			return fmt.Errorf("virtual nodes network role: %w", err)
		}
	}
	if !*b.spec.Azure.AADRBAC {
		return nil
	}
	client := authorization.GetClientConfigOutput(b.ctx, b.invoke...)
	var err error
	b.deployer, err = authorization.NewRoleAssignment(b.ctx, b.name+"-deployer-admin", &authorization.RoleAssignmentArgs{
		PrincipalId:      client.ObjectId(),
		PrincipalType:    pulumi.String(b.spec.Azure.DeployerPrincipalType),
		RoleDefinitionId: b.roleID(ClusterAdminRole),
		Scope:            b.mc.ID().ToStringOutput(),
	}, b.child...)
	if err != nil {
		return fmt.Errorf("deployer role: %w", err)
	}
	return nil
}

// kubeconfigStep fetches the user credentials and converts them for kubelogin without
// a prompt.
func (b *builder) kubeconfigStep() error {
	aad := *b.spec.Azure.AADRBAC
	credArgs := containerservice.ListManagedClusterUserCredentialsOutputArgs{
		ResourceGroupName: b.rg.Name,
		ResourceName:      b.mc.Name,
	}
	if aad {
		credArgs.Format = pulumi.String(KubeconfigFormatExec)
	}
	creds := containerservice.ListManagedClusterUserCredentialsOutput(b.ctx, credArgs, b.invoke...)
	mode := b.spec.Azure.KubeloginMode
	plain := creds.Kubeconfigs().Index(pulumi.Int(0)).Value().ApplyT(func(b64 string) (string, error) {
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return "", fmt.Errorf("decoding kubeconfig: %w", err)
		}
		if !aad {
			return string(raw), nil // local accounts: a client certificate, no kubelogin
		}
		return ConvertKubeconfig(string(raw), mode)
	}).(pulumi.StringOutput)
	b.kubeconfig = plain
	b.c.Kubeconfig = pulumi.ToSecret(plain).(pulumi.StringOutput)
	// The ARM resource ID names this cluster for good, so rotated credentials update
	// the provider instead of replacing it and every object deployed through it.
	b.c.clusterIdentifier = b.mc.ID().ToStringOutput()
	b.c.StorageClass = pulumi.String(StorageClass).ToStringOutput()
	return nil
}

// kubernetes creates the provider for the layers above once the deployer may deploy.
func (b *builder) kubernetes() error {
	plain := b.kubeconfig

	// The provider's kubeconfig resolves only once the deployer can create namespaces:
	// its new role assignment takes minutes to reach the cluster, and until then every
	// object would fail with 403. A preview of a new cluster has no assignment ID yet,
	// so it does not wait.
	providerKubeconfig := plain
	// A runner in the management network reaches the API server once the peering (and,
	// for a private cluster, the DNS link) exists.
	deps := append([]pulumi.Resource{}, b.pathReady...)
	if b.deployer != nil {
		deps = append(deps, b.deployer)
		name := b.name
		// The wait dials the API server, so it also starts only once the path from the
		// management network exists.
		waitOn := []any{plain, b.deployer.ID()}
		for _, r := range b.pathReady {
			if cr, ok := r.(pulumi.CustomResource); ok {
				waitOn = append(waitOn, cr.ID())
			}
		}
		providerKubeconfig = pulumi.All(waitOn...).ApplyTWithContext(b.ctx.Context(),
			func(cctx context.Context, v []any) (string, error) {
				kc := v[0].(string)
				if err := waitForAccess(cctx, kc, DefaultAccessWait); err != nil {
					return "", fmt.Errorf("aks cluster %q: %w", name, err)
				}
				return kc, nil
			}).(pulumi.StringOutput)
	}
	provider, err := kubernetes.NewProvider(b.ctx, b.name+"-k8s", &kubernetes.ProviderArgs{
		Kubeconfig:        secret.Mark(providerKubeconfig),
		ClusterIdentifier: b.c.clusterIdentifier,
	}, b.parentOpt(), pulumi.DependsOn(deps))
	if err != nil {
		return err
	}
	b.c.Provider = provider
	return nil
}

// Connection is what the layers above deploy through.
func (c *Cluster) Connection() *cluster.Connection {
	return &cluster.Connection{
		Name:              c.spec.Name,
		Cloud:             cluster.Azure,
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
		VirtualNodes:      c.spec.VirtualNodeFacts(),
		VirtualNodesReady: c.virtualNodesReady(),
		ClusterIdentifier: c.clusterIdentifier,
		Outputs:           map[string]pulumi.StringOutput{OutputResourceGroupID: c.resourceGroupID},
		Facts:             map[string]string{cluster.FactTags: cluster.EncodeTags(c.spec.ResourceTags(c.stack)), FactResourceGroup: c.spec.Azure.ResourceGroup},
		ManagementCIDRs:   c.spec.ManagementCIDRs(),
		Component:         c,
	}
}

// virtualNodesReady is the ACI connector's role: without it the connector cannot join
// pods to its subnet; nil without virtual nodes.
func (c *Cluster) virtualNodesReady() pulumi.Resource {
	if c.aciRole == nil {
		return nil
	}
	return c.aciRole
}

// OutputResourceGroupID is the Contract outputs key of the cluster's resource group ID,
// where an attached cluster makes its addons' identities and backup storage.
const OutputResourceGroupID = "resourceGroupId"

// FactResourceGroup is the Contract.Facts key of the resource group's name.
const FactResourceGroup = "resourceGroup"

// adminGroups are the Entra ID groups that get cluster admin: the spec's and the
// identity admins', sorted and once each.
func adminGroups(spec []string, access cluster.Access) []string {
	seen := map[string]bool{}
	var out []string
	for _, g := range spec {
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	for _, m := range access.Admins {
		if !seen[m.Principal] {
			seen[m.Principal] = true
			out = append(out, m.Principal)
		}
	}
	sort.Strings(out)
	return out
}

// apiServerAccess is the API server's reach: a private cluster (a private endpoint in
// the VNet and a system private DNS zone; no public FQDN), or a public endpoint limited
// to the authorized IP ranges (with the public management ranges, authorizedRanges);
// nil for a public endpoint open to all.
func apiServerAccess(a *cluster.AzureSpec, m *cluster.ManagementNetwork) *containerservice.ManagedClusterAPIServerAccessProfileArgs {
	switch a.EndpointAccess {
	case cluster.EndpointPrivate:
		return &containerservice.ManagedClusterAPIServerAccessProfileArgs{
			EnablePrivateCluster:           pulumi.Bool(true),
			EnablePrivateClusterPublicFQDN: pulumi.Bool(false),
			PrivateDNSZone:                 pulumi.String(PrivateDNSZoneSystem),
		}
	case cluster.EndpointPublicWithAllowList:
		return &containerservice.ManagedClusterAPIServerAccessProfileArgs{
			AuthorizedIPRanges: pulumi.ToStringArray(authorizedRanges(a, m)),
		}
	}
	return nil
}

// subnet is one subnet of the VNet.
type subnet struct {
	name     string
	cidr     netip.Prefix
	delegate bool
	// service is what a delegated subnet is delegated to; empty is PodSubnetDelegation.
	service string
}

// subnetPlan is where nodes and pods take their addresses.
type subnetPlan struct {
	node subnet
	// pods are the pod subnets: none with overlay, one shared, or one per pool.
	pods []subnet
	// podOf maps a pool to its pod subnet's name.
	podOf map[string]string
	// aci is the virtual nodes' subnet, delegated to ACI; nil without virtual nodes.
	aci *subnet
}

// planSubnets lays out the node subnet and the pod subnet(s) of a validated spec.
func planSubnets(s *cluster.Spec) (subnetPlan, error) {
	a := s.Azure
	node, err := cluster.ParseCIDR(a.NodeSubnetCIDR)
	if err != nil {
		return subnetPlan{}, fmt.Errorf("node subnet: %w", err)
	}
	p := subnetPlan{node: subnet{name: NodeSubnetName, cidr: node}, podOf: map[string]string{}}
	if s.VirtualNodesOn() {
		aci, err := cluster.ParseCIDR(s.VirtualNodes.SubnetCIDR)
		if err != nil {
			return subnetPlan{}, fmt.Errorf("virtual node subnet: %w", err)
		}
		p.aci = &subnet{name: VirtualNodeSubnetName, cidr: aci, delegate: true, service: cluster.AzureVirtualNodeSubnetDelegation}
	}
	if a.NetworkMode == cluster.AzureModeOverlay {
		return p, nil
	}
	pod, err := cluster.ParseCIDR(s.Network.PodCIDR)
	if err != nil {
		return subnetPlan{}, fmt.Errorf("pod subnet: %w", err)
	}
	if !a.PodSubnetPerPool {
		p.pods = []subnet{{name: PodSubnetName, cidr: pod, delegate: true}}
		for _, np := range s.NodePools {
			p.podOf[np.Name] = PodSubnetName
		}
		return p, nil
	}
	parts, ok := cluster.SplitPrefix(pod, len(s.NodePools))
	if !ok {
		return subnetPlan{}, fmt.Errorf("pod subnet %s cannot be split for %d pools", pod, len(s.NodePools))
	}
	for i, np := range s.NodePools {
		name := PodSubnetName + "-" + np.Name
		p.pods = append(p.pods, subnet{name: name, cidr: parts[i], delegate: true})
		p.podOf[np.Name] = name
	}
	return p, nil
}

// podSubnetFor is the pod subnet of a pool; none with overlay.
func (p subnetPlan) podSubnetFor(pool string) (string, bool) {
	s, ok := p.podOf[pool]
	return s, ok
}

// subnetArgs declares the subnets inside the VNet; routeTableID, when set, is attached to the node subnet.
func (p subnetPlan) subnetArgs(routeTableID string) network.SubnetTypeArray {
	node := network.SubnetTypeArgs{Name: pulumi.String(p.node.name), AddressPrefix: pulumi.String(p.node.cidr.String())}
	if routeTableID != "" {
		node.RouteTable = &network.RouteTableTypeArgs{Id: pulumi.String(routeTableID)}
	}
	out := network.SubnetTypeArray{node}
	subnets := p.pods
	if p.aci != nil {
		subnets = append(slices.Clone(subnets), *p.aci)
	}
	for _, s := range subnets {
		args := network.SubnetTypeArgs{Name: pulumi.String(s.name), AddressPrefix: pulumi.String(s.cidr.String())}
		if s.delegate {
			name, service := "aks", PodSubnetDelegation
			if s.service != "" {
				name, service = "aci", s.service
			}
			args.Delegations = network.DelegationArray{network.DelegationArgs{
				Name:        pulumi.String(name),
				ServiceName: pulumi.String(service),
			}}
		}
		out = append(out, args)
	}
	return out
}

// zones lists the first n Azure availability zones ("1", "2", ...).
func zones(n int) pulumi.StringArray {
	out := make(pulumi.StringArray, n)
	for i := range out {
		out[i] = pulumi.String(fmt.Sprint(i + 1))
	}
	return out
}

// labels are a pool's node labels; none when empty, so plans show no empty map.
func labels(l map[string]string) pulumi.StringMap {
	if len(l) == 0 {
		return nil
	}
	return pulumi.ToStringMap(l)
}

// taints renders node taints in the AKS form key=value:Effect, in a stable order.
func taints(ts []cluster.Taint) pulumi.StringArray {
	if len(ts) == 0 {
		return nil
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Key + "=" + t.Value + ":" + t.Effect
	}
	sort.Strings(out)
	return pulumi.ToStringArray(out)
}

// subscriptionOf returns the subscription ID of an ARM resource ID.
func subscriptionOf(id string) (string, error) {
	parts := strings.Split(id, "/")
	if len(parts) < 3 || parts[0] != "" || !strings.EqualFold(parts[1], "subscriptions") || parts[2] == "" {
		return "", fmt.Errorf("no subscription in resource ID %q", id)
	}
	return parts[2], nil
}

// parentOpt places a child under the component (cluster.ChildOf).
func (b *builder) parentOpt() pulumi.ResourceOption { return cluster.ChildOf(b.c, b.attached) }
