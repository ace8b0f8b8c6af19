package stacks

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/internal/secret"
)

// Error is a config file's problems, all of them, each with its field path.
type Error struct {
	// Source is the file (or "engine config") the problems are in.
	Source string
	// Problems are the individual problems, in file order.
	Problems field.ErrorList
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem(s):", e.Source, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		if p.Field == "<nil>" || p.Field == "" {
			b.WriteString(p.ErrorBody()) // a whole-file problem has no field path
		} else {
			b.WriteString(p.Error())
		}
	}
	return b.String()
}

// stackFileKeys are the top-level keys a Pulumi.<stack>.yaml may hold.
var stackFileKeys = map[string]bool{
	"config": true, "secretsprovider": true, "encryptionsalt": true, "encryptedkey": true, "environment": true,
}

// StackFile returns the path of a stack's file in dir.
func StackFile(dir, stack string) string { return filepath.Join(dir, "Pulumi."+stack+".yaml") }

// LoadFile decodes a Pulumi.<stack>.yaml strictly. Encrypted (`secure:`) values are
// recorded as set but not decrypted: an offline plan never needs them.
func LoadFile(path, stack string) (*StackConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading stack file: %w", err)
	}
	return Parse(data, path, stack)
}

// Parse decodes the bytes of a stack file; source names it in messages.
func Parse(data []byte, source, stack string) (*StackConfig, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Error{Source: source, Problems: field.ErrorList{field.Invalid(nil, "", "malformed YAML: "+err.Error())}}
	}
	cfg := &StackConfig{Stack: stack, Source: source, Secrets: map[secret.Ref]secret.Value{}, ProviderConfig: map[string]string{}}
	if len(doc.Content) == 0 {
		return cfg, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &Error{Source: source, Problems: field.ErrorList{field.TypeInvalid(nil, describe(root), "a stack file must be a map with a config key")}}
	}
	var errs field.ErrorList
	var configNode *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if !stackFileKeys[k.Value] {
			errs = append(errs, field.Invalid(field.NewPath(k.Value), k.Value, "unknown top-level key"+at(k)))
			continue
		}
		switch k.Value {
		case "config":
			configNode = root.Content[i+1]
		case "environment":
			env, err := escEnvironments(root.Content[i+1])
			errs = append(errs, err...)
			cfg.ESCEnvironments = env
		}
	}
	sections := &yaml.Node{Kind: yaml.MappingNode}
	if configNode != nil {
		if configNode.Kind != yaml.MappingNode {
			errs = append(errs, field.TypeInvalid(field.NewPath("config"), describe(configNode), "must be a map"+at(configNode)))
		} else {
			for i := 0; i+1 < len(configNode.Content); i += 2 {
				k, v := configNode.Content[i], configNode.Content[i+1]
				errs = append(errs, cfg.addKey(k, v, sections)...)
			}
		}
	}
	errs = append(errs, decodeStrict(sections, cfg, nil)...)
	if len(errs) > 0 {
		return nil, &Error{Source: source, Problems: errs}
	}
	return cfg, nil
}

// addKey files one `namespace:key` of the config map.
func (c *StackConfig) addKey(k, v *yaml.Node, sections *yaml.Node) field.ErrorList {
	ns, key, ok := strings.Cut(k.Value, ":")
	if !ok {
		ns, key = Project, k.Value
	}
	if ns != Project {
		if v.Kind == yaml.ScalarNode {
			c.ProviderConfig[k.Value] = v.Value
		} else if b, err := yaml.Marshal(v); err == nil {
			c.ProviderConfig[k.Value] = string(b)
		}
		return nil
	}
	if isSecure(v) {
		c.Secrets[secret.Ref(key)] = secret.Value{Set: true, Secure: true}
		return nil
	}
	for _, s := range Sections {
		if s == key {
			sections.Content = append(sections.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: k.Line}, v)
			return nil
		}
	}
	if v.Kind == yaml.ScalarNode {
		// A plain scalar that is not a section: either a secret written in plain text
		// (rejected by Validate once refs are known) or a typo.
		c.Secrets[secret.Ref(key)] = secret.Value{Set: true, Secure: false, Plain: v.Value}
		return nil
	}
	return field.ErrorList{field.Invalid(field.NewPath(key), key,
		"unknown config key"+at(k)+"; known sections: "+strings.Join(Sections, ", "))}
}

// escEnvironments reads a stack file's `environment:`, the Pulumi ESC environments
// the engine opens and merges into the stack's config (values under each
// environment's pulumiConfig). Either a list of names, or an inline definition
// whose `imports:` names them (an inline definition's own values are listed as
// "the inline environment").
func escEnvironments(n *yaml.Node) ([]string, field.ErrorList) {
	p := field.NewPath("environment")
	names := func(seq *yaml.Node, p *field.Path) ([]string, field.ErrorList) {
		var out []string
		var errs field.ErrorList
		for i, e := range seq.Content {
			if e.Kind != yaml.ScalarNode || e.Value == "" {
				errs = append(errs, field.TypeInvalid(p.Index(i), describe(e), "must be an environment name"+at(e)))
				continue
			}
			out = append(out, e.Value)
		}
		return out, errs
	}
	switch n.Kind {
	case yaml.SequenceNode:
		return names(n, p)
	case yaml.MappingNode:
		var out []string
		var errs field.ErrorList
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			switch {
			case k.Value == "imports" && v.Kind == yaml.SequenceNode:
				got, e := names(v, p.Child("imports"))
				out, errs = append(out, got...), append(errs, e...)
			case k.Value == "imports":
				errs = append(errs, field.TypeInvalid(p.Child("imports"), describe(v), "must be a list of environment names"+at(v)))
			case k.Value == "values":
				out = append(out, InlineEnvironment)
			}
		}
		return out, errs
	}
	return nil, field.ErrorList{field.TypeInvalid(p, describe(n), "must be a list of ESC environment names"+at(n))}
}

// InlineEnvironment names an environment defined in the stack file itself.
const InlineEnvironment = "the inline environment"

// escNote says where a value missing from the file may come from, for the
// offline plan's warnings; "" when the file imports no ESC environment.
func (c *StackConfig) escNote() string {
	if len(c.ESCEnvironments) == 0 {
		return ""
	}
	return fmt.Sprintf("%s (%s), which an offline plan cannot open", MsgFromESC, strings.Join(c.ESCEnvironments, ", "))
}

// escWarnings are the offline plan's warnings about values the stack file leaves
// to its ESC environments: the clusters (the plan has none without them), and each
// secret a field refers to that the file does not set.
func (c *StackConfig) escWarnings(refs map[string]secret.Ref) []string {
	note := c.escNote()
	if note == "" {
		return nil
	}
	var out []string
	if len(c.Clusters) == 0 {
		out = append(out, fmt.Sprintf("%s:%s is not in %s and is %s: planned with no clusters", Project, KeyClusters, c.Source, note))
	}
	for _, p := range slices.Sorted(maps.Keys(refs)) {
		if r := refs[p]; !c.Secrets[r].Set {
			out = append(out, fmt.Sprintf("%s: secret %s:%s is not in %s and is %s: the plan uses a redacted placeholder", p, Project, r, c.Source, note))
		}
	}
	return out
}

// MsgFromESC says a value is expected from the stack's ESC environments.
const MsgFromESC = "expected from the ESC environments the stack imports"

func isSecure(v *yaml.Node) bool {
	return v.Kind == yaml.MappingNode && len(v.Content) == 2 && v.Content[0].Value == "secure"
}

// FromEngine decodes the config the Pulumi engine hands the program (PULUMI_CONFIG:
// JSON values keyed `project:key`; secret keys listed in PULUMI_CONFIG_SECRET_KEYS).
func FromEngine(raw map[string]string, secretKeys []string, stack string) (*StackConfig, error) {
	source := "Pulumi." + stack + ".yaml"
	isSecret := map[string]bool{}
	for _, k := range secretKeys {
		isSecret[k] = true
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	cfg := &StackConfig{Stack: stack, Source: source, Secrets: map[secret.Ref]secret.Value{}, ProviderConfig: map[string]string{}, Decrypted: true}
	sections := &yaml.Node{Kind: yaml.MappingNode}
	var errs field.ErrorList
	for _, k := range keys {
		ns, key, ok := strings.Cut(k, ":")
		if !ok || ns != Project {
			cfg.ProviderConfig[k] = raw[k]
			continue
		}
		if isSecret[k] {
			if isSection(key) {
				errs = append(errs, field.Forbidden(field.NewPath(key), "a config section must not be secret; put secrets in their own keys and refer to them by name"))
				continue
			}
			cfg.Secrets[secret.Ref(key)] = secret.Value{Set: true, Secure: true, Plain: raw[k]}
			continue
		}
		if !isSection(key) {
			cfg.Secrets[secret.Ref(key)] = secret.Value{Set: true, Plain: raw[k]}
			continue
		}
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(raw[k]), &n); err != nil {
			errs = append(errs, field.Invalid(field.NewPath(key), "", "malformed value: "+err.Error()))
			continue
		}
		if len(n.Content) == 0 {
			continue
		}
		sections.Content = append(sections.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, n.Content[0])
	}
	errs = append(errs, decodeStrict(sections, cfg, nil)...)
	if len(errs) > 0 {
		return nil, &Error{Source: source, Problems: errs}
	}
	return cfg, nil
}

// ConfigSource is where a running program reads its config: *pulumi.Context
// satisfies it. Reading through the context (not PULUMI_CONFIG in the process
// environment, which only the Go language host sets) makes `pulumi up`, an
// Automation API inline program and the mock monitor see the same config.
type ConfigSource interface {
	GetConfig(key string) (string, bool)
	IsConfigSecret(key string) bool
}

// FromContext decodes the config the engine hands a running program. It reads
// each section by its key, then each secret key that the sections refer to: the
// context has no way to list its keys, and those are all the program uses.
func FromContext(src ConfigSource, stack string) (*StackConfig, error) {
	raw := map[string]string{}
	var secretKeys []string
	for _, s := range Sections {
		k := Project + ":" + s
		if v, ok := src.GetConfig(k); ok {
			raw[k] = v
			if src.IsConfigSecret(k) {
				secretKeys = append(secretKeys, k)
			}
		}
	}
	cfg, err := FromEngine(raw, secretKeys, stack)
	if err != nil {
		return nil, err
	}
	for _, ref := range cfg.SecretRefs() {
		k := Project + ":" + string(ref)
		if v, ok := src.GetConfig(k); ok {
			cfg.Secrets[ref] = secret.Value{Set: true, Secure: src.IsConfigSecret(k), Plain: v}
		}
	}
	return cfg, nil
}

func isSection(key string) bool {
	for _, s := range Sections {
		if s == key {
			return true
		}
	}
	return false
}
