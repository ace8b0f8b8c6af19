package eks

import (
	"errors"
	"fmt"
	"regexp"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/secret"
)

// TypeToken is the Pulumi type of the EKS cluster component.
const TypeToken = "platform:cluster:EKS"

// StorageClassName is the default StorageClass the component creates (EBS gp3), which
// addons that need volumes are given through cluster.Connection.
const StorageClassName = "gp3"

// MaxClusterNameLength is the longest name EKS accepts for a cluster.
const MaxClusterNameLength = 100

// ErrNoAdmin means Args.Access has no admin: the cluster gives its creator no access,
// so nobody, the deploying role included, could reach it. Other bad Args are the
// cluster package's ErrNoArgs, ErrWrongCloud and ErrNoStack, and invalid specs.
var ErrNoAdmin = errors.New("no admin in access: list the deploying role and break-glass group in identities.admins")

// Args configure one EKS cluster, as every cluster component's Args do.
type Args struct {
	// Spec is the cluster's entry in the stack file (cloud aws). New works on a copy,
	// applies the defaults to it and validates it before creating anything.
	Spec cluster.Spec
	// Index is the spec's position in the stack file's clusters list: New reports the
	// spec's problems at clusters[Index] (cluster.Path), as the stack's validation does.
	// Defaults to 0, right for a stack of one cluster.
	Index int
	// Stack is the stack name; it goes into every tag and into the EKS cluster name.
	Stack string
	// Access is who reaches the cluster: admins get cluster admin, groups an access entry
	// that makes them members of the Kubernetes group of their name. At least one admin.
	Access cluster.Access
	// Workloads are addon service accounts that get an IAM role each (those with an
	// AWSPolicy), bound through EKS Pod Identity (IRSA where the partition has no Pod
	// Identity: WorkloadIdentityFor).
	Workloads []cluster.Workload
	// Backups asks for a backup bucket and Velero's identity (Connection.Backups); nil for none.
	Backups *cluster.Backups
	// ClusterOnly builds the cloud side alone, for a cluster stack: no kubernetes
	// provider, no StorageClass, and no Workloads or Backups (the in-cluster stack makes
	// those through Attach). Defaults to false: every layer in one stack.
	ClusterOnly bool
}

// Cluster is an EKS cluster with its network, identity, nodes and add-ons.
type Cluster struct {
	pulumi.ResourceState

	// ClusterName is the name EKS knows the cluster by (PhysicalName).
	ClusterName pulumi.StringOutput `pulumi:"clusterName"`
	// Kubeconfig reaches the cluster with `aws eks get-token`; a Pulumi secret.
	Kubeconfig pulumi.StringOutput `pulumi:"kubeconfig"`
	// OIDCIssuer is the cluster's service-account token issuer URL.
	OIDCIssuer pulumi.StringOutput `pulumi:"oidcIssuer"`
	// OIDCProviderArn is the IAM OIDC provider that IRSA roles trust.
	OIDCProviderArn pulumi.StringOutput `pulumi:"oidcProviderArn"`
	// VpcID is the cluster's VPC.
	VpcID pulumi.StringOutput `pulumi:"vpcId"`
	// PrivateSubnetIDs hold the nodes and pods, one per zone.
	PrivateSubnetIDs pulumi.StringArrayOutput `pulumi:"privateSubnetIds"`
	// PublicSubnetIDs hold NAT gateways and internet-facing load balancers, one per zone.
	PublicSubnetIDs pulumi.StringArrayOutput `pulumi:"publicSubnetIds"`
	// NodeRoleArn is the IAM role of the managed node groups.
	NodeRoleArn pulumi.StringOutput `pulumi:"nodeRoleArn"`
	// StorageClass is the default StorageClass name.
	StorageClass pulumi.StringOutput `pulumi:"storageClass"`

	// Provider deploys Kubernetes objects into the cluster.
	Provider *kubernetes.Provider

	// KubernetesVersion is the version the control plane runs.
	KubernetesVersion pulumi.StringOutput `pulumi:"kubernetesVersion"`

	// clusterIdentifier is the provider's clusterIdentifier (the cluster's ARN).
	clusterIdentifier pulumi.StringOutput
	// karpenterRole is the Karpenter controller's role ARN, for the contract.
	karpenterRole pulumi.StringOutput

	spec      cluster.Spec
	stack     string
	subjects  map[string]cluster.Subject
	workloads map[string]cluster.WorkloadIdentity
	backups   *cluster.BackupLocation
	karpenter *cluster.Karpenter
	// identityMode is how the cluster's service accounts get their roles (FactWorkloadIdentity).
	identityMode string
	// autoMode says the cluster runs EKS Auto Mode (FactAutoMode).
	autoMode bool
	// fargate is the virtual nodes' Fargate profile; nil without virtual nodes.
	fargate *eks.FargateProfile
}

// Connection is what the layers above deploy through.
func (c *Cluster) Connection() *cluster.Connection {
	return &cluster.Connection{
		Name:              c.spec.Name,
		Cloud:             cluster.AWS,
		Environment:       c.spec.Environment,
		Federation:        c.spec.Federation,
		ClusterName:       c.ClusterName,
		Kubeconfig:        c.Kubeconfig,
		Provider:          c.Provider,
		OIDCIssuer:        c.OIDCIssuer,
		StorageClass:      StorageClassName,
		KubernetesVersion: c.KubernetesVersion,
		Subjects:          c.subjects,
		Workloads:         c.workloads,
		Backups:           c.backups,
		Karpenter:         c.karpenter,
		VirtualNodes:      c.spec.VirtualNodeFacts(),
		VirtualNodesReady: c.virtualNodesReady(),
		ClusterIdentifier: c.clusterIdentifier,
		Outputs: map[string]pulumi.StringOutput{
			OutputOIDCProviderArn:       c.OIDCProviderArn,
			cluster.OutputKarpenterRole: c.karpenterRole,
		},
		Facts:           c.facts(),
		ManagementCIDRs: c.spec.ManagementCIDRs(),
		Component:       c,
	}
}

// virtualNodesReady is the Fargate profile, which a pod on Fargate needs at creation
// (a pod created before it is scheduled to the nodes); nil without one.
func (c *Cluster) virtualNodesReady() pulumi.Resource {
	if c.fargate == nil {
		return nil
	}
	return c.fargate
}

// facts are the plain cloud facts of the contract; FactAutoMode only where Auto Mode is
// on, so other clusters' contracts stay as they were.
func (c *Cluster) facts() map[string]string {
	f := map[string]string{FactClusterName: PhysicalName(c.spec.Name, c.stack), cluster.FactTags: cluster.EncodeTags(c.spec.ResourceTags(c.stack)),
		FactWorkloadIdentity: c.identityMode}
	if c.autoMode {
		f[FactAutoMode] = "true"
	}
	return f
}

// Contract keys of what the EKS attach path reads.
const (
	// OutputOIDCProviderArn is the IAM OIDC provider IRSA roles trust.
	OutputOIDCProviderArn = "oidcProviderArn"
	// FactClusterName is the EKS cluster's name (PhysicalName in the cluster stack).
	FactClusterName = "clusterName"
)

var notClusterNameChar = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// PhysicalName is the EKS cluster name for a spec in a stack: "<cluster>-<stack>", so the
// same cluster name in two stacks of one account and region does not collide. Characters
// EKS refuses become '-', and the result is cut to MaxClusterNameLength.
func PhysicalName(cluster, stack string) string {
	n := notClusterNameChar.ReplaceAllString(cluster+"-"+stack, "-")
	if len(n) > MaxClusterNameLength {
		n = n[:MaxClusterNameLength]
	}
	return n
}

// builder carries what every child needs while one cluster is built, and what each
// step hands the next.
type builder struct {
	ctx         *pulumi.Context
	name        string
	spec        *cluster.Spec
	stack       string
	clusterName string
	partition   string
	grants      cluster.Access
	workloads   []cluster.Workload
	backupsReq  *cluster.Backups
	c           *Cluster
	// parent and awsOpts place children under the component; awsOpts add the region provider.
	parent  pulumi.ResourceOption
	awsOpts []pulumi.ResourceOption

	prov       *aws.Provider
	net        *network
	cl         *eks.Cluster
	id         *identity
	groups     []pulumi.Resource
	adminReady []pulumi.Resource
	// kubeconfig is the rendered kubeconfig, not yet a secret (secret.Mark makes the
	// provider's copy one): an in-cluster stack's is the cluster stack's secret output.
	kubeconfig pulumi.StringOutput
	// resourceTags, when set, replace the spec's: an attached cluster tags what it makes
	// as its cluster stack does.
	resourceTags map[string]string
	// identityMode is how service accounts get their roles: IdentityPodIdentity or
	// IdentityIRSA (WorkloadIdentityFor, or the cluster stack's FactWorkloadIdentity).
	identityMode string
	// agent is the Pod Identity Agent add-on, which nodes wait for; nil under IRSA.
	agent *eks.Addon
	// pathReady are what a runner in the management network needs to reach the API
	// server: the attachment, the routes and the security group rules.
	pathReady []pulumi.Resource
	// autoMode says the cluster runs EKS Auto Mode (the spec's, or the cluster stack's
	// FactAutoMode): the StorageClass then uses Auto Mode's provisioner.
	autoMode bool
}

// New creates an EKS cluster named after name; children are named "<name>-<part>", so two
// clusters with different names live in one stack.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if args == nil {
		return nil, fmt.Errorf("eks cluster %q: %w", name, cluster.ErrNoArgs)
	}
	spec, err := cluster.Prepare(args.Spec, args.Index, cluster.AWS, args.Stack)
	if err != nil {
		return nil, fmt.Errorf("eks cluster %q: %w", name, err)
	}
	if len(args.Access.Admins) == 0 {
		return nil, fmt.Errorf("eks cluster %q: %w", name, ErrNoAdmin)
	}
	if err := cluster.CheckNeeds(args.Workloads, args.Backups); err != nil {
		return nil, fmt.Errorf("eks cluster %q: %w", name, err)
	}
	c := &Cluster{spec: spec, stack: args.Stack, subjects: args.Access.Subjects(cluster.AWS), workloads: map[string]cluster.WorkloadIdentity{},
		karpenterRole: pulumi.String("").ToStringOutput(), identityMode: WorkloadIdentityFor(Partition(spec.Region)), autoMode: spec.AWS.AutoMode}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, fmt.Errorf("eks cluster %q: registering component: %w", name, err)
	}
	b := &builder{
		ctx:          ctx,
		name:         name,
		spec:         &c.spec,
		stack:        args.Stack,
		clusterName:  PhysicalName(spec.Name, args.Stack),
		partition:    Partition(spec.Region),
		identityMode: c.identityMode,
		grants:       args.Access,
		workloads:    cluster.CloneWorkloads(args.Workloads),
		backupsReq:   args.Backups,
		c:            c,
		parent:       pulumi.Parent(c),
		autoMode:     spec.AWS.AutoMode,
	}
	if err := b.build(args.ClusterOnly); err != nil {
		return nil, fmt.Errorf("eks cluster %q: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"clusterName":       c.ClusterName,
		"kubeconfig":        c.Kubeconfig,
		"oidcIssuer":        c.OIDCIssuer,
		"oidcProviderArn":   c.OIDCProviderArn,
		"vpcId":             c.VpcID,
		"privateSubnetIds":  c.PrivateSubnetIDs,
		"publicSubnetIds":   c.PublicSubnetIDs,
		"nodeRoleArn":       c.NodeRoleArn,
		"storageClass":      c.StorageClass,
		"kubernetesVersion": c.KubernetesVersion,
	}); err != nil {
		return nil, fmt.Errorf("eks cluster %q: registering outputs: %w", name, err)
	}
	return c, nil
}

// build runs the steps in the order their children need each other.
// With clusterOnly, the steps that serve the layers above (their identities, backup
// storage, the kubernetes provider and StorageClass) are left to Attach.
func (b *builder) build(clusterOnly bool) error {
	steps := []cluster.Step{
		{Name: "aws provider", Run: b.provider},
		{Name: "network", Run: b.networkStep},
		{Name: "cluster", Run: b.clusterStep},
		{Name: "management network", Run: b.openAPIServer},
		{Name: "identity", Run: b.identityStep},
		{Name: "workload identities", Run: b.workloadRoles},
		{Name: "node groups and add-ons", Run: func() error { return b.computeAndAddons(b.cl, b.net, b.id) }},
		{Name: "backup storage", Run: b.backups},
		{Name: "karpenter", Run: b.karpenter},
		{Name: "virtual nodes", Run: b.fargate},
		{Name: "access", Run: b.accessStep},
		{Name: "kubeconfig", Run: b.kubeconfigStep},
		{Name: "kubernetes", Run: b.kubernetes},
	}
	if clusterOnly {
		steps = cluster.ClusterOnly(steps)
	}
	return cluster.RunSteps(steps...)
}

// provider creates the cluster's own AWS provider for its region.
func (b *builder) provider() error {
	var err error
	b.prov, err = aws.NewProvider(b.ctx, b.name+"-aws", &aws.ProviderArgs{Region: pulumi.String(b.spec.Region)}, b.parent)
	if err != nil {
		return err
	}
	b.awsOpts = []pulumi.ResourceOption{b.parent, pulumi.Provider(b.prov)}
	return nil
}

func (b *builder) networkStep() (err error) {
	b.net, err = b.network(b.prov)
	if err == nil {
		b.c.VpcID = b.net.vpc.ID().ToStringOutput()
		b.c.PrivateSubnetIDs = b.net.privateIDs().ToStringArrayOutput()
		b.c.PublicSubnetIDs = b.net.publicIDs().ToStringArrayOutput()
		b.pathReady = append(b.pathReady, b.net.managementPath...)
	}
	return err
}

func (b *builder) clusterStep() (err error) {
	b.cl, err = b.cluster(b.net)
	if err == nil {
		b.c.ClusterName = b.cl.Name
		b.c.KubernetesVersion = b.cl.Version
	}
	return err
}

func (b *builder) identityStep() (err error) {
	b.id, err = b.identity(b.cl)
	if err == nil {
		b.c.OIDCIssuer = b.id.issuer
		b.c.OIDCProviderArn = b.id.providerArn
		b.c.NodeRoleArn = b.id.nodeRole.Arn
	}
	return err
}

func (b *builder) accessStep() (err error) {
	b.adminReady, err = b.access(b.cl)
	return err
}

// kubeconfigStep renders the kubeconfig (exec auth through `aws eks get-token`).
func (b *builder) kubeconfigStep() error {
	cl := b.cl
	b.kubeconfig = pulumi.All(cl.Endpoint, cl.CertificateAuthority.Data(), cl.Name).ApplyT(
		func(v []any) (string, error) {
			ca := ""
			if p, ok := v[1].(*string); ok && p != nil {
				ca = *p
			}
			return Kubeconfig(v[0].(string), ca, v[2].(string), b.spec.Region)
		}).(pulumi.StringOutput)
	b.c.Kubeconfig = pulumi.ToSecret(b.kubeconfig).(pulumi.StringOutput)
	// The ARN names this cluster for good, so a kubeconfig change updates the provider
	// instead of replacing it and every object deployed through it.
	b.c.clusterIdentifier = cl.Arn
	b.c.StorageClass = pulumi.String(StorageClassName).ToStringOutput()
	return nil
}

// kubernetes creates the provider for the layers above (once the admins' access
// policies exist) and the default StorageClass.
func (b *builder) kubernetes() error {
	// The kubeconfig handed out is a secret. The provider's copy is a secret once known
	// (secret.Mark): Pulumi's mock monitor, which offline plans run under, cannot carry a
	// secret that is still unknown. With exec auth it holds no credential anyway.
	k8s, err := kubernetes.NewProvider(b.ctx, b.name+"-k8s", &kubernetes.ProviderArgs{
		Kubeconfig:        secret.Mark(b.kubeconfig),
		ClusterIdentifier: b.c.clusterIdentifier,
	}, b.parent,
		// The deploying role reaches the API server only once its admin policy exists,
		// and a runner in the management network only once the path to it does.
		pulumi.DependsOn(append(append([]pulumi.Resource{}, b.adminReady...), b.pathReady...)))
	if err != nil {
		return fmt.Errorf("kubernetes provider: %w", err)
	}
	if err := b.storageClass(k8s); err != nil {
		return err
	}
	b.c.Provider = k8s
	return nil
}

// tags are the spec's resource tags plus a Name for the AWS console and any extras.
func (b *builder) tags(part string, extra map[string]string) pulumi.StringMap {
	out := pulumi.StringMap{"Name": pulumi.String(b.name + "-" + part)}
	tags := b.resourceTags
	if tags == nil {
		tags = b.spec.ResourceTags(b.stack)
	}
	for k, v := range tags {
		out[k] = pulumi.String(v)
	}
	for k, v := range extra {
		out[k] = pulumi.String(v)
	}
	return out
}

// opts are the AWS child options plus more.
func (b *builder) opts(more ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append(append([]pulumi.ResourceOption{}, b.awsOpts...), more...)
}

// sortedKeys returns a map's keys in order, so inputs built from maps are deterministic.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
