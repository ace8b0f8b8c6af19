package stacks

import (
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/components/release"
	"github.com/fleetform/fleetform/environments"
	"github.com/fleetform/fleetform/internal/secret"
	"github.com/fleetform/fleetform/stacks/configkeys"
)

// Project is the Pulumi project name; config keys of the program live in its namespace.
const Project = configkeys.Project

// Config sections: the top-level keys of the project namespace in Pulumi.<stack>.yaml.
// A new section is added in package configkeys, which the policy pack reads too.
const (
	KeyClusters        = configkeys.Clusters
	KeyIdentities      = configkeys.Identities
	KeyPlatform        = configkeys.Platform
	KeyEnvironments    = configkeys.Environments
	KeyReleases        = configkeys.Releases
	KeyStackReferences = configkeys.StackReferences
	KeyStack           = configkeys.Stack
)

// Sections lists the config sections, in file order.
var Sections = configkeys.Sections

// StackConfig is the typed form of one Pulumi.<stack>.yaml. It is decoded strictly,
// defaulted on a copy, and validated once before any resource is registered.
type StackConfig struct {
	// Settings are the stack's own settings (`fleetform:stack`): the layers it builds and
	// the runner its deploys need.
	Settings Settings `yaml:"stack"`
	// Clusters are the Kubernetes clusters of the stack.
	Clusters []cluster.Spec `yaml:"clusters"`
	// Identities map the groups environments bind, and the admins, to their principal on
	// each cloud (IAM role ARN, Entra ID object ID, RAM ID).
	Identities cluster.Identities `yaml:"identities"`
	// Platform is the addon stack installed on every cluster.
	Platform platform.Spec `yaml:"platform"`
	// Environments are the namespace environments.
	Environments []environments.Spec `yaml:"environments"`
	// Releases are the apps, each declared once with per-environment overrides.
	Releases []release.Spec `yaml:"releases"`
	// StackReferences name other stacks this stack reads outputs from.
	StackReferences []StackReference `yaml:"stackReferences"`

	// Stack is the stack name (dev, prod, ...); not part of the file body.
	Stack string `yaml:"-"`
	// Source names where the config came from (a file path or "engine"), for messages.
	Source string `yaml:"-"`
	// Secrets are the secret config keys the stack sets.
	Secrets map[secret.Ref]secret.Value `yaml:"-"`
	// Decrypted says the secret values came from the engine, decrypted (a deploy): an
	// empty Plain is then an empty secret. A stack file read offline is not decrypted.
	Decrypted bool `yaml:"-"`
	// ProviderConfig holds config keys of other namespaces (aws:region, ...), passed through unvalidated.
	ProviderConfig map[string]string `yaml:"-"`
	// ESCEnvironments are the Pulumi ESC environments the file imports (`environment:`),
	// whose pulumiConfig the engine merges into the config; an offline plan cannot
	// open them and warns about each value it expects from them.
	ESCEnvironments []string `yaml:"-"`
}

// StackReference names another stack of the fleet (`stackReferences[i]`).
type StackReference struct {
	// Name is how the rest of this file refers to the stack; a DNS-1123 label.
	Name string `yaml:"name"`
	// Stack is the fully qualified stack name: organization/project/stack.
	Stack string `yaml:"stack"`
}

// Cluster returns the cluster spec with the given name, or nil.
func (c *StackConfig) Cluster(name string) *cluster.Spec {
	for i := range c.Clusters {
		if c.Clusters[i].Name == name {
			return &c.Clusters[i]
		}
	}
	return nil
}

// Reference returns the stack reference with the given name, or nil.
func (c *StackConfig) Reference(name string) *StackReference {
	for i := range c.StackReferences {
		if c.StackReferences[i].Name == name {
			return &c.StackReferences[i]
		}
	}
	return nil
}
