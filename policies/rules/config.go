package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fleetform/fleetform/components/addons/catalog"
)

// Defaults of Settings, used where the configuration file leaves a value unset.
const (
	// DefaultIngressNamespace is where ingress-nginx runs (platform.NamespaceIngress):
	// the one namespace allowed a LoadBalancer Service.
	DefaultIngressNamespace = "ingress-nginx"
	// DefaultEnvironmentTagKey is the tag every cloud resource of a cluster carries
	// (cluster.TagEnvironment); it says whether a cluster is prod.
	DefaultEnvironmentTagKey = "fleetform:environment"
	// DefaultProdEnvironment is the environment (and namespace tier) that is prod.
	DefaultProdEnvironment = "prod"
)

// DefaultTierLabelKeys are the namespace labels read, in order, for a namespace's tier.
var DefaultTierLabelKeys = []string{"fleetform.io/tier"}

// DefaultExemptNamespaces are system and platform namespaces: they are not
// environments, so the quota, LimitRange and default-deny rules skip them. They come
// from the addons' registration (catalog.ExemptNamespaces), so an addon registered
// there is exempt here with no other change.
var DefaultExemptNamespaces = catalog.ExemptNamespaces()

// DefaultEKSRequiredLogTypes are the control-plane logs an EKS cluster must send:
// API calls, the audit trail and authentication decisions.
var DefaultEKSRequiredLogTypes = []string{"api", "audit", "authenticator"}

// Settings are the values rules read.
type Settings struct {
	// ApprovedRegistries are the registries (host, or host/path prefix) prod images
	// may come from. Empty means no image is approved, so set it.
	ApprovedRegistries []string `yaml:"approvedRegistries"`
	// IngressNamespace is the only namespace allowed LoadBalancer Services. Defaults to DefaultIngressNamespace.
	IngressNamespace string `yaml:"ingressNamespace"`
	// ProdEnvironments are the environment tag values and namespace tiers that count
	// as prod. Defaults to [DefaultProdEnvironment].
	ProdEnvironments []string `yaml:"prodEnvironments"`
	// EnvironmentTagKeys are the cloud tags read for a cluster's environment. Defaults to [DefaultEnvironmentTagKey].
	EnvironmentTagKeys []string `yaml:"environmentTagKeys"`
	// TierLabelKeys are the labels read for a namespace's tier. Defaults to DefaultTierLabelKeys.
	TierLabelKeys []string `yaml:"tierLabelKeys"`
	// ExemptNamespaces are skipped by the namespace rules; set, the list replaces
	// DefaultExemptNamespaces, so it must name the addons' namespaces too (leave it
	// unset to follow the addons' registration). Defaults to DefaultExemptNamespaces.
	ExemptNamespaces []string `yaml:"exemptNamespaces"`
	// EKSRequiredLogTypes must all be in an EKS cluster's enabledClusterLogTypes. Defaults to DefaultEKSRequiredLogTypes.
	EKSRequiredLogTypes []string `yaml:"eksRequiredLogTypes"`
}

// StackPolicy is the configuration of one stack.
type StackPolicy struct {
	// Environment is the stack's environment, used where a resource carries no
	// environment tag or tier label of its own. Defaults to the stack name.
	Environment string `yaml:"environment"`
	// Enforcement overrides the level of every rule: advisory turns mandatory rules
	// advisory, mandatory turns advisory rules mandatory. Empty keeps each rule's default.
	Enforcement Level `yaml:"enforcement"`
	// Rules sets the level of single rules by ID; it wins over Enforcement.
	Rules map[string]Level `yaml:"rules"`
	// Disabled switches rules off by ID.
	Disabled []string `yaml:"disabled"`
	// ApprovedRegistries, when set, replaces Settings.ApprovedRegistries for this stack.
	ApprovedRegistries []string `yaml:"approvedRegistries"`
}

// Config is policies/config.yaml: settings for all stacks plus per-stack policy.
type Config struct {
	// Settings apply to every stack.
	Settings Settings `yaml:"settings"`
	// Stacks holds per-stack policy by stack name; a stack not listed gets rule defaults.
	Stacks map[string]StackPolicy `yaml:"stacks"`
}

// Messages of configuration errors, for tests to assert on.
const (
	MsgUnknownRule  = "unknown rule ID"
	MsgInvalidLevel = "must be mandatory, advisory or disabled"
)

// DefaultConfig is the configuration when no file is given: rule defaults and
// default settings, no approved registries.
func DefaultConfig() *Config {
	c := &Config{}
	c.Settings.applyDefaults()
	return c
}

// LoadConfig reads and validates a configuration file.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(data, path)
}

// ParseConfig decodes a configuration strictly (unknown keys are errors), applies
// defaults and validates rule IDs and levels, reporting every problem at once.
func ParseConfig(data []byte, source string) (*Config, error) {
	c := &Config{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	c.Settings.applyDefaults()
	if errs := c.validate(); len(errs) > 0 {
		return nil, fmt.Errorf("%s: %s", source, strings.Join(errs, "; "))
	}
	return c, nil
}

func (s *Settings) applyDefaults() {
	if s.IngressNamespace == "" {
		s.IngressNamespace = DefaultIngressNamespace
	}
	if len(s.ProdEnvironments) == 0 {
		s.ProdEnvironments = []string{DefaultProdEnvironment}
	}
	if len(s.EnvironmentTagKeys) == 0 {
		s.EnvironmentTagKeys = []string{DefaultEnvironmentTagKey}
	}
	if len(s.TierLabelKeys) == 0 {
		s.TierLabelKeys = append([]string(nil), DefaultTierLabelKeys...)
	}
	if len(s.ExemptNamespaces) == 0 {
		s.ExemptNamespaces = append([]string(nil), DefaultExemptNamespaces...)
	}
	if len(s.EKSRequiredLogTypes) == 0 {
		s.EKSRequiredLogTypes = append([]string(nil), DefaultEKSRequiredLogTypes...)
	}
}

func (c *Config) validate() []string {
	var errs []string
	names := make([]string, 0, len(c.Stacks))
	for n := range c.Stacks {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		sp := c.Stacks[name]
		p := "stacks." + name
		if sp.Enforcement != "" && sp.Enforcement != Mandatory && sp.Enforcement != Advisory {
			errs = append(errs, fmt.Sprintf("%s.enforcement: %q must be mandatory or advisory", p, sp.Enforcement))
		}
		ids := make([]string, 0, len(sp.Rules))
		for id := range sp.Rules {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			if ByID(id) == nil {
				errs = append(errs, fmt.Sprintf("%s.rules.%s: %s", p, id, MsgUnknownRule))
			}
			if !sp.Rules[id].Valid() {
				errs = append(errs, fmt.Sprintf("%s.rules.%s: %q %s", p, id, sp.Rules[id], MsgInvalidLevel))
			}
		}
		for i, id := range sp.Disabled {
			if ByID(id) == nil {
				errs = append(errs, fmt.Sprintf("%s.disabled[%d]: %q: %s", p, i, id, MsgUnknownRule))
			}
		}
	}
	return errs
}

// Env returns what the rules need to check one stack.
func (c *Config) Env(stack string) *Env {
	sp := c.Stacks[stack]
	e := &Env{Stack: stack, Environment: sp.Environment, Settings: c.Settings, levels: map[string]Level{}}
	if e.Environment == "" {
		e.Environment = stack
	}
	if len(sp.ApprovedRegistries) > 0 {
		e.Settings.ApprovedRegistries = sp.ApprovedRegistries
	}
	for _, r := range registry {
		level := r.Level
		if sp.Enforcement != "" {
			level = sp.Enforcement
		}
		if l, ok := sp.Rules[r.ID]; ok {
			level = l
		}
		if hasString(sp.Disabled, r.ID) {
			level = Disabled
		}
		e.levels[r.ID] = level
	}
	return e
}
