package stacks

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/harbor"
	"github.com/fleetform/fleetform/internal/dnsname"
	"github.com/fleetform/fleetform/internal/secret"
)

// Mode says who validates: the engine before `pulumi up`/`preview`, or the offline planner.
type Mode int

const (
	// Deploy requires every referenced secret to be set and encrypted.
	Deploy Mode = iota
	// Offline stands a redacted placeholder in for a missing secret and warns.
	Offline
)

// Validation messages, exported so tests can assert on them.
const (
	MsgNotDNSLabel      = dnsname.MsgNotDNSLabel
	MsgNoSuchCluster    = "names no cluster in clusters"
	MsgNoSuchEnv        = "names no environment in environments"
	MsgNoSuchReference  = "names no entry in stackReferences"
	MsgStackRefFormat   = "must be organization/project/stack"
	MsgSecretNotSet     = "secret is not set"
	MsgSecretPlainText  = "secret is written in plain text; set it with `pulumi config set --secret`"
	MsgSecretEmpty      = "secret is set to an empty string"
	MsgUnknownConfigKey = "unknown config key"
)

// Prepare applies defaults to c and validates it. It returns warnings (for example a
// placeholder secret in an offline plan) and an *Error listing every problem.
// The layout (ValidateLayout) is checked first, on the config as written.
func (c *StackConfig) Prepare(mode Mode) (warnings []string, err error) {
	layout := c.ValidateLayout()
	c.ApplyDefaults()
	warnings, err = c.Validate(mode)
	if len(layout) == 0 {
		return warnings, err
	}
	var e *Error
	if errors.As(err, &e) {
		e.Problems = append(layout, e.Problems...)
		return warnings, e
	}
	return warnings, &Error{Source: c.Source, Problems: layout}
}

// ApplyDefaults fills every unset field with its documented default.
func (c *StackConfig) ApplyDefaults() {
	c.Settings.ApplyDefaults()
	prod := false
	for i := range c.Clusters {
		if !c.Clusters[i].Remote() { // an attached cluster's come from its stack
			c.Clusters[i].ApplyDefaults(c.Stack)
		}
		prod = prod || c.Clusters[i].IsProd()
	}
	c.Settings.ApplyProtectDefault(prod)
	c.Platform.ApplyDefaults()
	c.Platform.ApplyStackDefaults(c.Stack)
	c.Platform.ApplyClusterDefaults(c.Clusters)
	for i := range c.Environments {
		c.Environments[i].ApplyDefaults()
	}
	for i := range c.Releases {
		c.Releases[i].ApplyDefaults()
	}
}

// Validate checks the defaulted config and returns every problem at once.
func (c *StackConfig) Validate(mode Mode) (warnings []string, err error) {
	var errs field.ErrorList

	clusters := field.NewPath(KeyClusters)
	seen := map[string]int{}
	for i := range c.Clusters {
		p := clusters.Index(i)
		name := c.Clusters[i].Name
		if j, dup := seen[name]; dup && name != "" {
			errs = append(errs, field.Duplicate(p.Child("name"), fmt.Sprintf("%s (also clusters[%d])", name, j)))
		}
		seen[name] = i
		if !c.Clusters[i].Remote() { // validated by the stack that builds it
			errs = append(errs, c.Clusters[i].Validate(p)...)
		}
	}
	errs = append(errs, c.validateReachable()...)
	errs = append(errs, c.validateRemoteSubjects()...)

	refs := field.NewPath(KeyStackReferences)
	seenRef := map[string]bool{}
	for i, r := range c.StackReferences {
		p := refs.Index(i)
		errs = append(errs, dnsLabel(p.Child("name"), r.Name)...)
		if seenRef[r.Name] {
			errs = append(errs, field.Duplicate(p.Child("name"), r.Name))
		}
		seenRef[r.Name] = true
		if parts := strings.Split(r.Stack, "/"); len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
			errs = append(errs, field.Invalid(p.Child("stack"), r.Stack, MsgStackRefFormat))
		}
	}

	if c.Settings.BuildsInCluster() { // a cluster stack has none of these sections (ValidateLayout)
		errs = append(errs, c.validatePlatform()...)
		errs = append(errs, c.validateEnvironments()...)
		errs = append(errs, c.validateReleases()...)
		errs = append(errs, c.validateVirtualNodes()...)
	}
	errs = append(errs, c.validateIdentities()...)
	errs = append(errs, c.validateDerivedNames()...)
	errs = append(errs, c.validateFormerly()...)
	errs = append(errs, c.validateKubeconfigs(mode)...)
	warnings = append(warnings, c.clusterWarnings()...)

	w, serrs := c.validateSecrets(mode)
	warnings = append(warnings, w...)
	if mode == Offline {
		warnings = append(warnings, c.escWarnings(c.SecretRefs())...)
	}
	errs = append(errs, serrs...)

	if len(errs) > 0 {
		return warnings, &Error{Source: c.Source, Problems: errs}
	}
	return warnings, nil
}

// dnsLabel checks a name is a DNS-1123 label.
func dnsLabel(p *field.Path, v string) field.ErrorList { return dnsname.DNSLabel(p, v) }

// SecretRefs lists every non-empty secret.Ref in the config with its field path, sorted by path.
func (c *StackConfig) SecretRefs() map[string]secret.Ref {
	out := map[string]secret.Ref{}
	walkRefs(reflect.ValueOf(*c), nil, out)
	return out
}

var refType = reflect.TypeOf(secret.Ref(""))

func walkRefs(v reflect.Value, p *field.Path, out map[string]secret.Ref) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkRefs(v.Elem(), p, out)
		}
	case reflect.Struct:
		t := v.Type()
		fields := structFields(t)
		for name, i := range fields {
			walkRefs(v.Field(i), p.Child(name), out)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walkRefs(v.Index(i), p.Index(i), out)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			walkRefs(v.MapIndex(k), p.Key(fmt.Sprint(k.Interface())), out)
		}
	case reflect.String:
		if v.Type() == refType && v.String() != "" {
			out[p.String()] = secret.Ref(v.String())
		}
	}
}

func (c *StackConfig) validateSecrets(mode Mode) (warnings []string, errs field.ErrorList) {
	refs := c.SecretRefs()
	paths := make([]string, 0, len(refs))
	for p := range refs {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	used := map[secret.Ref]bool{}
	for _, p := range paths {
		r := refs[p]
		used[r] = true
		v := c.Secrets[r]
		fp := field.NewPath(p)
		switch {
		case !v.Set && mode == Deploy:
			errs = append(errs, field.Required(fp, fmt.Sprintf("%s: run `pulumi config set --secret %s <value>`", MsgSecretNotSet, r)))
		case !v.Set && c.escNote() != "":
			// escWarnings names the environments instead
		case !v.Set:
			warnings = append(warnings, fmt.Sprintf("%s: secret %q is not set; the plan uses a redacted placeholder (set it with `pulumi config set --secret %s <value>`)", p, r, r))
		case !v.Secure:
			errs = append(errs, field.Forbidden(field.NewPath(string(r)), MsgSecretPlainText))
		case c.Decrypted && v.Plain == "":
			// Known only where the value was decrypted (a deploy); never printed.
			errs = append(errs, field.Invalid(fp, string(r), fmt.Sprintf("%s: run `pulumi config set --secret %s <value>`", MsgSecretEmpty, r)))
		}
	}
	keys := make([]string, 0, len(c.Secrets))
	for r := range c.Secrets {
		keys = append(keys, string(r))
	}
	sort.Strings(keys)
	for _, k := range keys {
		r := secret.Ref(k)
		if used[r] {
			continue
		}
		if c.Secrets[r].Secure {
			warnings = append(warnings, fmt.Sprintf("secret %q is set but no field refers to it", k))
			continue
		}
		errs = append(errs, field.Invalid(field.NewPath(k), k, MsgUnknownConfigKey+"; known sections: "+strings.Join(Sections, ", ")))
	}
	errs = append(errs, c.validateSecretValues()...)
	return warnings, errs
}

// validateSecretValues checks the secrets whose shape a chart requires, where the
// value is known (a deploy) and before anything registers: a wrong one would
// otherwise fail the deploy half-way, inside the component. The value is never
// printed.
func (c *StackConfig) validateSecretValues() field.ErrorList {
	var errs field.ErrorList
	if r := c.Platform.Harbor.SecretKey; r != "" {
		if v := c.Secrets[r]; v.Set && v.Plain != "" && len(v.Plain) != harbor.SecretKeyLength {
			errs = append(errs, field.Invalid(field.NewPath(KeyPlatform, "harbor", "secretKey"), string(r),
				fmt.Sprintf("%s; secret %q has %d", harbor.MsgSecretKeyLength, r, len(v.Plain))))
		}
	}
	return errs
}

// SecretStore returns the store the program resolves secret refs through.
func (c *StackConfig) SecretStore(mode Mode) *secret.Store {
	return secret.NewStore(c.Secrets, mode == Offline)
}

// ClusterNames returns the names of the clusters, in file order.
func (c *StackConfig) ClusterNames() []string {
	out := make([]string, len(c.Clusters))
	for i, cl := range c.Clusters {
		out[i] = cl.Name
	}
	return out
}
