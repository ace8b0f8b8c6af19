package program

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/internal/secret"
	"github.com/fleetform/fleetform/stacks"
)

// Run is the Pulumi program: it reads the config the engine passes, rejects it whole
// if anything is wrong, and otherwise builds and exports the stack.
func Run(ctx *pulumi.Context) error {
	cfg, err := stacks.FromContext(ctx, ctx.Stack())
	if err != nil {
		return err
	}
	exports, warnings, err := Stack(ctx, cfg, stacks.Deploy)
	for _, w := range warnings {
		_ = ctx.Log.Warn(w, nil)
	}
	if err != nil {
		return err
	}
	for _, k := range sortedKeys(exports) {
		ctx.Export(k, exports[k])
	}
	return nil
}

// Stack prepares a decoded config and builds the layers it names. The layout
// (fleetform:stack.layers against the clusters' stackReference) is checked before
// anything is registered; then the connections of the clusters other stacks build are
// read (reads only), the config is defaulted and validated whole, and only then is
// anything created. It returns the stack outputs and the validation warnings.
func Stack(ctx *pulumi.Context, cfg *stacks.StackConfig, mode stacks.Mode) (map[string]pulumi.Output, []string, error) {
	if errs := cfg.ValidateLayout(); len(errs) > 0 {
		return nil, nil, &stacks.Error{Source: cfg.Source, Problems: errs}
	}
	refs := newReferences(ctx, cfg)
	remotes, err := refs.attach()
	if err != nil {
		return nil, nil, err
	}
	warnings, err := cfg.Prepare(mode)
	if err != nil {
		return nil, warnings, err
	}
	exports, err := build(ctx, cfg, cfg.SecretStore(mode), refs, remotes)
	return exports, warnings, err
}

// Fleet carries what each layer hands the next while a stack is built.
type Fleet struct {
	Config  *stacks.StackConfig
	Secrets *secret.Store
	// Remotes are the clusters other stacks build, as read through their references.
	Remotes map[string]cluster.Remote
	// refs are the run's stack references.
	refs *references
	// Clusters are the built clusters by name.
	Clusters map[string]*cluster.Connection
	// Platforms are each cluster's addon outputs, by cluster name.
	Platforms map[string]*platform.Outputs
	// Namespaces are the environments built, keyed "cluster/namespace".
	Namespaces map[string]*Namespace
	// Exports are the stack outputs gathered from every layer.
	Exports map[string]pulumi.Output
}

// build creates the layers of a prepared (defaulted and validated) config that its
// settings name and returns the stack outputs.
func build(ctx *pulumi.Context, cfg *stacks.StackConfig, secrets *secret.Store, refs *references, remotes map[string]cluster.Remote) (map[string]pulumi.Output, error) {
	f := &Fleet{
		Config:     cfg,
		Secrets:    secrets,
		Remotes:    remotes,
		refs:       refs,
		Clusters:   map[string]*cluster.Connection{},
		Platforms:  map[string]*platform.Outputs{},
		Namespaces: map[string]*Namespace{},
		Exports:    map[string]pulumi.Output{},
	}
	if err := protectStateful(ctx, cfg); err != nil {
		return nil, fmt.Errorf("protection: %w", err)
	}
	guard, err := watchResources(ctx)
	if err != nil {
		return nil, fmt.Errorf("destroy guard: %w", err)
	}
	layers := []struct {
		name  string
		build func(*pulumi.Context) error
	}{
		{"clusters", f.buildClusters},
		{"platform", f.buildPlatform},
		{"environments", f.buildEnvironments},
		{"releases", f.buildReleases},
	}
	if !cfg.Settings.BuildsInCluster() {
		layers = layers[:1]
	}
	for _, layer := range layers {
		if err := layer.build(ctx); err != nil {
			return nil, fmt.Errorf("%s: %w", layer.name, err)
		}
	}
	if err := guard.register(ctx, cfg); err != nil {
		return nil, fmt.Errorf("destroy guard: %w", err)
	}
	return f.Exports, nil
}

// Namespace is one built environment, as the releases layer needs it.
type Namespace struct {
	// Cluster and Name locate the namespace.
	Cluster, Name string
	// KubeName is the Kubernetes namespace: the environment's first name (Identity).
	KubeName string
	// Tier is the environment's tier (qa, e2e, stage, prod, ...).
	Tier string
	// Resource is what objects in the namespace depend on: the Namespace object.
	Resource pulumi.Resource
	// PodsReady is what workloads also wait for: the quota, LimitRange and pull
	// secret that a pod needs at admission and at pull time (and istiod, when meshed).
	PodsReady []pulumi.Resource
	// Mesh says the namespace is in its cluster's sidecar mesh.
	Mesh bool
	// VirtualNodes says the environment puts its releases on its cluster's virtual
	// nodes (environments[i].virtualNodes), unless a release says otherwise.
	VirtualNodes bool
}

// NamespaceKey is the key of Fleet.Namespaces.
func NamespaceKey(cluster, name string) string { return cluster + "/" + name }

func sortedKeys(m map[string]pulumi.Output) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
