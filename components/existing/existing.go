package existing

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	kubeconfigfile "github.com/fleetform/fleetform/components/existing/kubeconfig"
)

// TypeToken is the Pulumi type of the component.
const TypeToken = "platform:cluster:Existing"

// Errors New returns for a kubeconfig it cannot use, exported so tests and callers can
// match them; bad Args are the cluster package's ErrNoArgs, ErrWrongCloud and ErrNoStack.
var (
	// ErrWrongCloud means the spec is not for an existing cluster.
	ErrWrongCloud = cluster.ErrWrongCloud
	// ErrNoContext means the kubeconfig file has no context of the configured name.
	ErrNoContext = kubeconfigfile.ErrNoContext
	// ErrBadKubeconfig means the kubeconfig file is not a kubeconfig.
	ErrBadKubeconfig = kubeconfigfile.ErrBadKubeconfig
)

// Args configure an existing cluster, as every cluster component's Args do.
type Args struct {
	// Spec is the cluster's entry in the stack file (cloud existing). New works on a
	// copy, applies the defaults to it and validates it before creating anything.
	Spec cluster.Spec
	// Index is the spec's position in the stack file's clusters list: New reports the
	// spec's problems at clusters[Index] (cluster.Path), as the stack's validation does.
	// Defaults to 0, right for a stack of one cluster.
	Index int
	// Stack is the stack name, the default environment.
	Stack string
	// Access is who reaches the cluster. Existing clusters keep their own identity
	// setup, so groups are bound by their names (Connection.Subjects).
	Access cluster.Access
	// Workloads are addon service accounts that want a cloud identity. An existing
	// cluster gets none from this program: its operators bind identities their own way.
	Workloads []cluster.Workload
	// ClusterOnly registers no kubernetes provider, for a cluster stack: it exports
	// the kubeconfig for the in-cluster stack, which attaches (Attach). Defaults to false.
	ClusterOnly bool
}

// Cluster is an existing cluster reached through a kubeconfig.
type Cluster struct {
	pulumi.ResourceState

	// ClusterName is the cluster the chosen context points at, as named in the
	// kubeconfig; the context name, or the stack file's name, when the file is not read.
	ClusterName pulumi.StringOutput `pulumi:"clusterName"`
	// Kubeconfig is the content of the kubeconfig file, always a secret. It is empty when
	// no file was read at plan time: no path was configured, or the file does not exist
	// yet. The provider then looks the kubeconfig up itself at deploy time (the path, or
	// KUBECONFIG, then ~/.kube/config).
	Kubeconfig pulumi.StringOutput `pulumi:"kubeconfig"`
	// Context is the kubeconfig context the provider uses; empty for the file's current context.
	Context pulumi.StringOutput `pulumi:"context"`
	// StorageClass is the cluster's default StorageClass name.
	StorageClass pulumi.StringOutput `pulumi:"storageClass"`
	// KubernetesVersion is empty: an existing cluster's version is not managed here.
	KubernetesVersion pulumi.StringOutput `pulumi:"kubernetesVersion"`
	// Provider deploys into the cluster.
	Provider *kubernetes.Provider

	spec     cluster.Spec
	subjects map[string]cluster.Subject
	// clusterIdentifier is the provider's clusterIdentifier; context its context.
	clusterIdentifier pulumi.StringOutput
	context           string
}

// New registers the component and its kubernetes Provider. The kubeconfig file, when
// configured and present, is read here so that its content travels as a secret and
// a deploy does not depend on the deployer's home directory.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if args == nil {
		return nil, fmt.Errorf("existing cluster %q: %w", name, cluster.ErrNoArgs)
	}
	spec, err := cluster.Prepare(args.Spec, args.Index, cluster.Existing, args.Stack)
	if err != nil {
		return nil, fmt.Errorf("existing cluster %q: %w", name, err)
	}
	// The file is read before anything is registered: a missing context is an error.
	kc, err := loadKubeconfig(spec.Name, spec.Kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("existing cluster %q: %w", name, err)
	}
	if err := cluster.CheckNeeds(args.Workloads, nil); err != nil {
		return nil, fmt.Errorf("existing cluster %q: %w", name, err)
	}
	c := &Cluster{spec: spec, subjects: args.Access.Subjects(cluster.Existing)}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, fmt.Errorf("existing cluster %q: registering component: %w", name, err)
	}
	b := &builder{ctx: ctx, name: name, c: c, kc: kc, kubeconfig: kc.forProvider()}
	steps := []cluster.Step{{Name: "connection", Run: b.connection}}
	if !args.ClusterOnly {
		steps = append(steps, cluster.Step{Name: "kubernetes", Run: b.kubernetes})
	}
	if err := cluster.RunSteps(steps...); err != nil {
		return nil, fmt.Errorf("existing cluster %q: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(c, c.outputs()); err != nil {
		return nil, fmt.Errorf("existing cluster %q: registering outputs: %w", name, err)
	}
	return c, nil
}

// outputs are the component's registered outputs, the same from New and Attach.
func (c *Cluster) outputs() pulumi.Map {
	return pulumi.Map{
		"clusterName":       c.ClusterName,
		"kubeconfig":        c.Kubeconfig,
		"context":           c.Context,
		"storageClass":      c.StorageClass,
		"kubernetesVersion": c.KubernetesVersion,
	}
}

// Connection is what the layers above deploy through.
func (c *Cluster) Connection() *cluster.Connection {
	return &cluster.Connection{
		VirtualNodes:      c.spec.VirtualNodeFacts(),
		Name:              c.spec.Name,
		Cloud:             cluster.Existing,
		Environment:       c.spec.Environment,
		Federation:        c.spec.Federation,
		ClusterName:       c.ClusterName,
		Kubeconfig:        c.Kubeconfig,
		Provider:          c.Provider,
		OIDCIssuer:        pulumi.String("").ToStringOutput(),
		StorageClass:      c.spec.Kubeconfig.StorageClass,
		KubernetesVersion: c.KubernetesVersion,
		Subjects:          c.subjects,
		Workloads:         map[string]cluster.WorkloadIdentity{},
		ClusterIdentifier: c.clusterIdentifier,
		Outputs:           map[string]pulumi.StringOutput{},
		Facts:             map[string]string{FactContext: c.context},
		Component:         c,
	}
}

// FactContext is the Contract.Facts key of the kubeconfig context an attached
// provider uses ("" for the file's current context).
const FactContext = "context"

// kubeconfig is what New learned from the spec and the file.
type kubeconfig struct {
	spec cluster.KubeconfigSpec
	// content is the file's content, path its expanded path; both empty without a file.
	content, path string
	// clusterName is the cluster of the chosen context.
	clusterName string
}

// loadKubeconfig reads the configured file, if it is there, and finds the cluster of the
// chosen context; without a file the cluster is named by the context or the spec.
func loadKubeconfig(specName string, kc *cluster.KubeconfigSpec) (kubeconfig, error) {
	out := kubeconfig{spec: *kc, clusterName: specName}
	if kc.Context != "" {
		out.clusterName = kc.Context
	}
	var err error
	out.content, out.path, err = kubeconfigfile.Read(kc.Path)
	if err != nil {
		return kubeconfig{}, err
	}
	if out.content != "" {
		if out.clusterName, err = kubeconfigfile.ContextCluster(out.content, kc.Context); err != nil {
			return kubeconfig{}, fmt.Errorf("kubeconfig %s: %w", out.path, err)
		}
	}
	return out, nil
}

// builder carries what the steps of New (and the kubernetes step of Attach) share.
type builder struct {
	ctx  *pulumi.Context
	name string
	c    *Cluster
	kc   kubeconfig
	// kubeconfig is what the provider reads (kubeconfig.forProvider, or the cluster
	// stack's kubeconfig output when attached); nil for the provider's default lookup.
	kubeconfig pulumi.StringPtrInput
	// attached is set by Attach: the provider is a cluster.AttachedChild of the component.
	attached bool
}

// connection fills the outputs from the kubeconfig.
func (b *builder) connection() error {
	kc := b.kc
	c := b.c
	c.ClusterName = pulumi.String(kc.clusterName).ToStringOutput()
	c.Kubeconfig = pulumi.ToSecret(pulumi.String(kc.content)).(pulumi.StringOutput)
	c.Context = pulumi.String(kc.spec.Context).ToStringOutput()
	c.StorageClass = pulumi.String(kc.spec.StorageClass).ToStringOutput()
	c.KubernetesVersion = pulumi.String("").ToStringOutput()
	// The cluster the context points at names it for good, so a rotated kubeconfig
	// (new token or certificate, moved file) updates the provider instead of replacing
	// it and every object deployed through it; pointing at another cluster replaces.
	c.clusterIdentifier = pulumi.String(ClusterIdentifier(c.spec.Name, kc.clusterName)).ToStringOutput()
	c.context = kc.spec.Context
	return nil
}

// kubernetes creates the provider, on the context the component chose (if any).
func (b *builder) kubernetes() error {
	pargs := &kubernetes.ProviderArgs{Kubeconfig: b.kubeconfig, ClusterIdentifier: b.c.clusterIdentifier}
	if b.c.context != "" {
		pargs.Context = pulumi.String(b.c.context)
	}
	provider, err := kubernetes.NewProvider(b.ctx, b.name+"-k8s", pargs, cluster.ChildOf(b.c, b.attached))
	if err != nil {
		return err
	}
	b.c.Provider = provider
	return nil
}

// forProvider is the kubeconfig the provider reads: the file's content, a secret; its
// path when the file is not there yet at plan time (the provider reads it at deploy
// time); nil when no file is configured (the provider's own default lookup).
func (kc kubeconfig) forProvider() pulumi.StringPtrInput {
	switch {
	case kc.content != "":
		return pulumi.ToSecret(pulumi.String(kc.content)).(pulumi.StringOutput)
	case kc.path != "":
		return pulumi.String(kc.path)
	}
	return nil
}

// ClusterIdentifier is the kubernetes provider's clusterIdentifier of an existing
// cluster: the stack file's name and the kubeconfig's cluster name.
func ClusterIdentifier(name, clusterName string) string {
	return "existing/" + name + "/" + clusterName
}
