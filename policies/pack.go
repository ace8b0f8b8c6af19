package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/fleetform/fleetform/policies/rules"
	"github.com/fleetform/fleetform/stacks/configkeys"
)

// Pack identity.
const (
	// PackName is the policy pack's name as Pulumi shows it.
	PackName = "fleetform"
	// PackVersion is bumped when rules change meaning.
	PackVersion = "1.0.0"
)

// policyLevel maps a rule level to the policyx enforcement level.
func policyLevel(l rules.Level) policyx.EnforcementLevel {
	switch l {
	case rules.Mandatory:
		return policyx.EnforcementLevelMandatory
	case rules.Disabled:
		return policyx.EnforcementLevelDisabled
	}
	return policyx.EnforcementLevelAdvisory
}

// onlyStackConfig reports whether a rule's resource form reads only the stack's
// configuration, which the engine never analyzes as a resource.
func onlyStackConfig(r *rules.Rule) bool {
	return len(r.Types) > 0 && r.Applies(rules.TypeStackConfig) && len(r.Types) == 1
}

// buildPack turns every rule into policies with the stack's levels. stackCfg is the
// stack's configuration as a resource, for rules over it; nil skips them.
func buildPack(env *rules.Env, stackCfg *rules.Resource) (policyx.PolicyPack, error) {
	var ps []policyx.Policy
	for _, rule := range rules.All() {
		rule := rule
		level := policyLevel(env.LevelOf(rule))
		if rule.Resource != nil && !onlyStackConfig(rule) {
			ps = append(ps, policyx.NewResourceValidationPolicy(rule.ID, policyx.ResourceValidationPolicyArgs{
				Description:      rule.Description,
				EnforcementLevel: level,
				ValidateResource: func(_ context.Context, args policyx.ResourceValidationArgs) error {
					r := toResource(args.Resource)
					if rule.Applies(r.Type) {
						report(args.Manager, rule, rule.Resource(env, r))
					}
					return nil
				},
			}))
		}
		if rule.Stack == nil && (!rule.Applies(rules.TypeStackConfig) || stackCfg == nil) {
			continue
		}
		ps = append(ps, policyx.NewStackValidationPolicy(stackPolicyName(rule), policyx.StackValidationPolicyArgs{
			Description:      rule.Description,
			EnforcementLevel: level,
			ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
				if rule.Stack != nil {
					rs := make([]rules.Resource, 0, len(args.Resources))
					for _, a := range args.Resources {
						rs = append(rs, toResource(a))
					}
					if stackCfg != nil {
						rs = append(rs, *stackCfg) // the configuration, as `fleetplan check` gives it
					}
					report(args.Manager, rule, rule.Stack(env, rs))
				}
				if stackCfg != nil && rule.Applies(rules.TypeStackConfig) {
					report(args.Manager, rule, rule.Resource(env, *stackCfg))
				}
				return nil
			},
		}))
	}
	return policyx.NewPolicyPack(PackName, semver.MustParse(PackVersion), policyx.EnforcementLevelAdvisory, ps)
}

// stackPolicyName names a rule's stack policy: its ID, unless the rule also has a
// resource policy under that name.
func stackPolicyName(r *rules.Rule) string {
	if r.Resource != nil && !onlyStackConfig(r) {
		return r.ID + "-stack"
	}
	return r.ID
}

// report sends violations to the engine, each with its path and the remediation.
// The engine prefixes the rule's description.
func report(m policyx.PolicyManager, rule *rules.Rule, vs []rules.Violation) {
	for _, v := range vs {
		msg := v.Message
		if v.Path != "" {
			msg = v.Path + ": " + msg
		}
		m.ReportViolation(fmt.Sprintf("%s [%s]\nRemediation: %s", msg, rule.ID, rule.Remediation), v.URN)
	}
}

// toResource converts the engine's view of a resource into the rules' plain view.
func toResource(a policyx.AnalyzerResource) rules.Resource {
	provider := a.Provider.URN
	if provider == "" && a.Provider.Type != "" {
		provider = a.Provider.Type
	}
	return rules.Resource{
		URN: a.URN, Type: a.Type, Name: a.Name, Parent: a.Parent, Provider: provider,
		Dependencies: a.Dependencies, PropertyDependencies: a.PropertyDependencies,
		Inputs: plainMap(a.Properties), Protect: a.Options.Protect,
	}
}

// plainMap converts engine properties into plain values: secrets become
// rules.Secret and unknowns rules.Unknown at any depth, as in an offline plan.
func plainMap(m property.Map) map[string]any {
	out := make(map[string]any, m.Len())
	for k, v := range m.All {
		out[k] = plainValue(v)
	}
	return out
}

func plainValue(v property.Value) any {
	switch {
	case v.Secret():
		return rules.Secret
	case v.IsComputed():
		return rules.Unknown
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.AsBool()
	case v.IsNumber():
		return v.AsNumber()
	case v.IsString():
		return v.AsString()
	case v.IsArray():
		arr := v.AsArray()
		out := make([]any, 0, arr.Len())
		for _, e := range arr.All {
			out = append(out, plainValue(e))
		}
		return out
	case v.IsMap():
		return plainMap(v.AsMap())
	case v.IsResourceReference():
		return string(v.AsResourceReference().URN)
	case v.IsAsset():
		return "[asset]"
	case v.IsArchive():
		return "[archive]"
	}
	return nil
}

// Provider credential keys whose plain values SEC002 must see; the engine gives a
// policy pack config values by key only, so the keys to look at are listed.
var providerCredentialKeys = []string{
	"aws:accessKey", "aws:secretKey", "aws:token",
	"azure-native:clientSecret", "azure-native:clientCertificatePassword",
	"alicloud:accessKey", "alicloud:secretKey", "alicloud:securityToken",
}

// engineConfig builds the stack-configuration resource from the config the engine
// hands the pack. It reads the structured sections, every key a credential-named
// field in them refers to (a secret.Ref), and the provider credential keys.
func engineConfig(project, stack string, get func(string) (string, bool), isSecret func(string) bool) *rules.Resource {
	cfg := map[string]any{}
	var secretKeys []string
	read := func(key string) (any, bool) {
		raw, ok := get(key)
		if !ok {
			return nil, false
		}
		if isSecret(key) {
			secretKeys = append(secretKeys, key)
			return rules.Secret, true
		}
		v, err := decodeJSON(raw)
		if err != nil {
			return raw, true
		}
		return v, true
	}
	for _, s := range configkeys.Sections {
		key := project + ":" + s
		if v, ok := read(key); ok {
			cfg[key] = v
			for _, ref := range refNames(v) {
				refKey := project + ":" + ref
				if _, done := cfg[refKey]; !done {
					if rv, ok := read(refKey); ok {
						cfg[refKey] = rv
					}
				}
			}
		}
	}
	for _, key := range providerCredentialKeys {
		if v, ok := read(key); ok {
			cfg[key] = v
		}
	}
	r := rules.ConfigResource(project, stack, cfg, secretKeys)
	return &r
}

// refNames returns the string values of credential-named fields in structured config.
func refNames(v any) []string {
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				if s, ok := e.(string); ok && rules.CredentialKeyName(k) && !strings.ContainsAny(s, " \t/") {
					out = append(out, s)
				}
				walk(e)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// decodeJSON decodes a structured config value; the engine passes them as JSON.
func decodeJSON(raw string) (any, error) {
	var v any
	err := json.Unmarshal([]byte(raw), &v)
	return v, err
}
