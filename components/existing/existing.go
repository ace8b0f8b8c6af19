package existing

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/cluster"
)

// TypeToken is the Pulumi type of the component.
const TypeToken = "platform:cluster:Existing"

// Errors New returns for a kubeconfig it cannot use, exported so tests and callers can match them.
var (
	// ErrWrongCloud means the spec is not for an existing cluster.
	ErrWrongCloud = errors.New("spec is not for cloud existing")
	// ErrNoContext means the kubeconfig file has no context of the configured name.
	ErrNoContext = errors.New("kubeconfig has no such context")
	// ErrBadKubeconfig means the kubeconfig file is not a kubeconfig.
	ErrBadKubeconfig = errors.New("kubeconfig cannot be parsed")
)

// Args configure an existing cluster.
type Args struct {
	// Spec is the cluster's entry in the stack file (cloud existing). New works on a
	// copy, applies the defaults to it and validates it before creating anything.
	Spec cluster.Spec
	// Stack is the stack name, the default environment.
	Stack string
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
	// Provider deploys into the cluster.
	Provider *kubernetes.Provider

	spec         cluster.Spec
	storageClass string
}

// New registers the component and its kubernetes Provider. The kubeconfig file, when
// configured and present, is read here so that its content travels as a secret and
// a deploy does not depend on the deployer's home directory.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if args == nil {
		return nil, fmt.Errorf("existing cluster %q: args are required", name)
	}
	spec := args.Spec
	if spec.Kubeconfig != nil {
		kc := *spec.Kubeconfig
		spec.Kubeconfig = &kc
	}
	if spec.Cloud != cluster.Existing {
		return nil, fmt.Errorf("existing cluster %q: %w (got %q)", name, ErrWrongCloud, spec.Cloud)
	}
	spec.ApplyDefaults(args.Stack)
	if errs := spec.Validate(field.NewPath("clusters").Key(spec.Name)); len(errs) > 0 {
		return nil, fmt.Errorf("existing cluster %q: %w", name, errs.ToAggregate())
	}
	kc := spec.Kubeconfig
	content, path, err := readKubeconfig(kc.Path)
	if err != nil {
		return nil, fmt.Errorf("existing cluster %q: %w", name, err)
	}
	clusterName := spec.Name
	if kc.Context != "" {
		clusterName = kc.Context
	}
	if content != "" {
		if clusterName, err = contextCluster(content, kc.Context); err != nil {
			return nil, fmt.Errorf("existing cluster %q: kubeconfig %s: %w", name, path, err)
		}
	}

	c := &Cluster{spec: spec, storageClass: kc.StorageClass}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	pargs := &kubernetes.ProviderArgs{
		// The cluster the context points at names it for good, so a rotated kubeconfig
		// (new token or certificate, moved file) updates the provider instead of replacing
		// it and every object deployed through it; pointing at another cluster replaces.
		ClusterIdentifier: pulumi.String(ClusterIdentifier(spec.Name, clusterName)),
	}
	switch {
	case content != "":
		pargs.Kubeconfig = pulumi.ToSecret(pulumi.String(content)).(pulumi.StringOutput)
	case path != "":
		// Not there yet at plan time; the provider reads the path at deploy time.
		pargs.Kubeconfig = pulumi.String(path)
	}
	if kc.Context != "" {
		pargs.Context = pulumi.String(kc.Context)
	}
	provider, err := kubernetes.NewProvider(ctx, name+"-k8s", pargs, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("existing cluster %q: kubernetes provider: %w", name, err)
	}
	c.Provider = provider
	c.ClusterName = pulumi.String(clusterName).ToStringOutput()
	c.Kubeconfig = pulumi.ToSecret(pulumi.String(content)).(pulumi.StringOutput)
	c.Context = pulumi.String(kc.Context).ToStringOutput()
	c.StorageClass = pulumi.String(kc.StorageClass).ToStringOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"clusterName":  c.ClusterName,
		"kubeconfig":   c.Kubeconfig,
		"context":      c.Context,
		"storageClass": c.StorageClass,
	}); err != nil {
		return nil, fmt.Errorf("existing cluster %q: registering outputs: %w", name, err)
	}
	return c, nil
}

// Connection is what the layers above deploy through.
func (c *Cluster) Connection() *cluster.Connection {
	return &cluster.Connection{
		Name:         c.spec.Name,
		Cloud:        cluster.Existing,
		Environment:  c.spec.Environment,
		Federation:   c.spec.Federation,
		ClusterName:  c.ClusterName,
		Kubeconfig:   c.Kubeconfig,
		Provider:     c.Provider,
		OIDCIssuer:   pulumi.String("").ToStringOutput(),
		StorageClass: c.storageClass,
		Component:    c,
	}
}

// ClusterIdentifier is the kubernetes provider's clusterIdentifier of an existing
// cluster: the stack file's name and the kubeconfig's cluster name.
func ClusterIdentifier(name, clusterName string) string {
	return "existing/" + name + "/" + clusterName
}

// readKubeconfig returns the content of the file at p (with a leading ~/ expanded)
// and the expanded path. A path that does not exist yields no content and no error:
// the provider reads it at deploy time. No path yields nothing.
func readKubeconfig(p string) (content, path string, err error) {
	if p == "" {
		return "", "", nil
	}
	path = p
	if strings.HasPrefix(p, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", "", fmt.Errorf("kubeconfig %s: %w", p, err)
		}
		path = filepath.Join(home, p[2:])
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", path, nil
	}
	if err != nil {
		return "", "", fmt.Errorf("kubeconfig: %w", err)
	}
	return string(b), path, nil
}

// kubeconfigFile is the part of a kubeconfig that names clusters.
type kubeconfigFile struct {
	CurrentContext string `yaml:"current-context"`
	Contexts       []struct {
		Name    string `yaml:"name"`
		Context struct {
			Cluster string `yaml:"cluster"`
		} `yaml:"context"`
	} `yaml:"contexts"`
}

// contextCluster returns the cluster of the named context, or of the current context
// when name is empty.
func contextCluster(content, name string) (string, error) {
	var f kubeconfigFile
	if err := yaml.Unmarshal([]byte(content), &f); err != nil {
		return "", fmt.Errorf("%w: %v", ErrBadKubeconfig, err)
	}
	if name == "" {
		name = f.CurrentContext
	}
	if name == "" {
		return "", fmt.Errorf("%w: the file has no current-context; set kubeconfig.context", ErrNoContext)
	}
	for _, c := range f.Contexts {
		if c.Name == name {
			return c.Context.Cluster, nil
		}
	}
	return "", fmt.Errorf("%w: %q", ErrNoContext, name)
}
