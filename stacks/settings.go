package stacks

import (
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Layers is which layers of the program a stack builds (`fleetform:stack.layers`).
type Layers string

// The layer sets a stack can build. A fleet splits each cluster into a cluster stack,
// which runs anywhere the cloud APIs answer, and an in-cluster stack, which runs where
// the cluster's API server is reachable and reads the cluster stack's connection
// through a stack reference. Small setups (dev, local) build everything in one stack.
const (
	// LayersAll builds the clusters and everything on them in one stack (the default).
	LayersAll Layers = "all"
	// LayersCluster builds the network, the clusters, their node pools and access, and
	// exports each cluster's connection; nothing is deployed into the clusters.
	LayersCluster Layers = "cluster"
	// LayersInCluster builds the platform, environments and releases on clusters that
	// another stack built, read through stack references (clusters[i].stackReference).
	LayersInCluster Layers = "in-cluster"
)

// AllLayers lists the layer sets, in documentation order.
var AllLayers = []Layers{LayersAll, LayersCluster, LayersInCluster}

// RunnerNetwork says where the runner that deploys a stack sits, which decides whether
// it can reach a private API server.
type RunnerNetwork string

// Runner networks.
const (
	// RunnerPublic is a runner outside every cluster network (a hosted runner): it
	// reaches public API servers only. The default.
	RunnerPublic RunnerNetwork = "public"
	// RunnerManagement is a runner in the management network that the clusters'
	// networks attach to (clusters[i].network.management).
	RunnerManagement RunnerNetwork = "management"
	// RunnerCluster is a runner inside the cluster's own network (a VM in its VPC).
	RunnerCluster RunnerNetwork = "cluster"
)

// RunnerNetworks lists the runner networks, in documentation order.
var RunnerNetworks = []RunnerNetwork{RunnerPublic, RunnerManagement, RunnerCluster}

// Settings are a stack's own settings (`fleetform:stack`).
type Settings struct {
	// Layers is all (the default, DefaultLayers), cluster or in-cluster.
	Layers Layers `yaml:"layers"`
	// Runner is the runner pool the pipelines send this stack's jobs to: a GitHub
	// runs-on label, a GitLab runner tag. Empty (the default) is the pipeline's own
	// hosted runner.
	Runner string `yaml:"runner"`
	// RunnerNetwork is where that runner sits: public (the default, DefaultRunnerNetwork),
	// management or cluster. A stack that deploys into a private API server needs a
	// runner in the management network or in the cluster's own.
	RunnerNetwork RunnerNetwork `yaml:"runnerNetwork"`
	// Protect makes the engine refuse to delete or replace the stack's stateful and
	// foundational resources (the types of internal/stateful: clusters, networks, KMS
	// keys, backup buckets, Helm releases whose charts own volumes). Defaults to on when
	// one of the stack's clusters is prod (cluster.Spec.IsProd), off otherwise. To remove
	// such a resource, set it to false in a pull request of its own first
	// (docs/protection.md).
	Protect *bool `yaml:"protect"`
	// ChaosInProduction allows releases' chaos experiments in prod-tier environments.
	// Off (the default), policy CHA001, which reads this setting, refuses every
	// experiment there. Set it in a pull request of its own.
	ChaosInProduction bool `yaml:"chaosInProduction"`
}

// Defaults of Settings.
const (
	// DefaultLayers keeps a stack whole, as dev and local are.
	DefaultLayers = LayersAll
	// DefaultRunnerNetwork is what a hosted runner is.
	DefaultRunnerNetwork = RunnerPublic
)

// ApplyProtectDefault turns protection on for a stack with a prod cluster, unless the
// stack file sets it.
func (s *Settings) ApplyProtectDefault(prod bool) {
	if s.Protect == nil {
		s.Protect = &prod
	}
}

// Protects says whether the stack's stateful resources are protected.
func (s Settings) Protects() bool { return s.Protect != nil && *s.Protect }

// MsgRunnerLabel is the message for a runner that is not one label.
const MsgRunnerLabel = "must be one runner label, without spaces"

// ApplyDefaults fills the unset settings.
func (s *Settings) ApplyDefaults() {
	if s.Layers == "" {
		s.Layers = DefaultLayers
	}
	if s.RunnerNetwork == "" {
		s.RunnerNetwork = DefaultRunnerNetwork
	}
}

// Validate checks the defaulted settings at p (`stack`).
func (s Settings) Validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if !slices.Contains(AllLayers, s.Layers) {
		errs = append(errs, field.NotSupported(p.Child("layers"), s.Layers, layerNames()))
	}
	if !slices.Contains(RunnerNetworks, s.RunnerNetwork) {
		errs = append(errs, field.NotSupported(p.Child("runnerNetwork"), s.RunnerNetwork, runnerNetworkNames()))
	}
	if strings.ContainsAny(s.Runner, " \t\n") {
		errs = append(errs, field.Invalid(p.Child("runner"), s.Runner, MsgRunnerLabel))
	}
	return errs
}

// BuildsClusters says whether the stack creates its clusters.
func (s Settings) BuildsClusters() bool { return s.Layers != LayersInCluster }

// BuildsInCluster says whether the stack deploys into its clusters.
func (s Settings) BuildsInCluster() bool { return s.Layers != LayersCluster }

func layerNames() []string {
	out := make([]string, len(AllLayers))
	for i, l := range AllLayers {
		out[i] = string(l)
	}
	return out
}

func runnerNetworkNames() []string {
	out := make([]string, len(RunnerNetworks))
	for i, n := range RunnerNetworks {
		out[i] = string(n)
	}
	return out
}
