package helmrelease

import (
	"fmt"
	"strings"

	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// OCIScheme prefixes a repository that is an OCI registry (e.g. a Harbor project).
const OCIScheme = "oci://"

// DefaultTimeoutSeconds is how long a release may take to become ready: long enough
// for image pulls and volume provisioning on a fresh cluster.
const DefaultTimeoutSeconds = 900

// Override is what a stack may change about where a chart comes from and how it is configured.
type Override struct {
	// Repository replaces the pinned repository: an HTTPS Helm repository or an oci:// registry path.
	Repository string
	// Version replaces the pinned version.
	Version string
	// Values are raw chart values, deep-merged over the typed values.
	Values map[string]any
}

// Source is a resolved chart location, as helm/v3.Release takes it.
type Source struct {
	// Chart is the chart name, or the full oci:// reference when the repository is OCI.
	Chart string
	// Repository is the Helm repository URL; empty for OCI charts.
	Repository string
	// Version is the chart version.
	Version string
}

// Resolve returns where the chart is installed from: the pin, with the override's
// repository and version when set. An OCI repository is addressed as
// oci://host/path/<chart>, with no separate repository.
func Resolve(pin Pin, o Override) Source {
	repo, version := pin.Repository, pin.Version
	if o.Repository != "" {
		repo = o.Repository
	}
	if o.Version != "" {
		version = o.Version
	}
	if strings.HasPrefix(repo, OCIScheme) {
		return Source{Chart: strings.TrimSuffix(repo, "/") + "/" + pin.Chart, Version: version}
	}
	return Source{Chart: pin.Chart, Repository: repo, Version: version}
}

// Args configure one chart install.
type Args struct {
	// Pin is the chart.
	Pin Pin
	// Override is the stack's repository, version and raw values.
	Override Override
	// ReleaseName is the Helm release name; fixed per addon so service names are known in advance.
	ReleaseName string
	// Namespace is the namespace to install into; pass the Namespace object's name so the release waits for it.
	Namespace pulumi.StringInput
	// Values are the typed values; Override.Values are merged over them.
	Values map[string]any
	// TimeoutSeconds bounds the install; defaults to DefaultTimeoutSeconds.
	TimeoutSeconds int
}

// New installs the chart as a helm/v3.Release named name. Values must be plain (no
// secrets): secrets go into Kubernetes Secrets the chart references by name.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*helmv3.Release, error) {
	if args == nil || args.Pin.Chart == "" {
		return nil, fmt.Errorf("helm release %q: no chart", name)
	}
	return newRelease(ctx, name, args, pulumi.ToMap(Merge(args.Values, args.Override.Values)), opts...)
}

// NewWithValuesOutput is New for typed values that depend on other resources' outputs
// (a bucket's generated name); args.Values is ignored. The values must still hold no
// secret: secrets go into Kubernetes Secrets the chart references by name.
func NewWithValuesOutput(ctx *pulumi.Context, name string, args *Args, values pulumi.MapOutput, opts ...pulumi.ResourceOption) (*helmv3.Release, error) {
	if args == nil || args.Pin.Chart == "" {
		return nil, fmt.Errorf("helm release %q: no chart", name)
	}
	raw := args.Override.Values
	merged := values.ApplyT(func(v map[string]any) map[string]any { return Merge(v, raw) }).(pulumi.MapOutput)
	return newRelease(ctx, name, args, merged, opts...)
}

func newRelease(ctx *pulumi.Context, name string, args *Args, values pulumi.MapInput, opts ...pulumi.ResourceOption) (*helmv3.Release, error) {
	src := Resolve(args.Pin, args.Override)
	timeout := args.TimeoutSeconds
	if timeout == 0 {
		timeout = DefaultTimeoutSeconds
	}
	rargs := &helmv3.ReleaseArgs{
		Name:            pulumi.String(args.ReleaseName),
		Namespace:       args.Namespace,
		Chart:           pulumi.String(src.Chart),
		Version:         pulumi.String(src.Version),
		Values:          values,
		CreateNamespace: pulumi.Bool(false),
		Timeout:         pulumi.Int(timeout),
		MaxHistory:      pulumi.Int(10),
	}
	if src.Repository != "" {
		rargs.RepositoryOpts = helmv3.RepositoryOptsArgs{Repo: pulumi.String(src.Repository)}
	}
	r, err := helmv3.NewRelease(ctx, name, rargs, opts...)
	if err != nil {
		return nil, fmt.Errorf("helm release %q: %w", name, err)
	}
	return r, nil
}
