package plan

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// StackReferenceType is the type token the SDK reads stack references with.
const StackReferenceType = "pulumi:pulumi:StackReference"

// Monitor is the pulumi.MockResourceMonitor the planner runs the program under. It
// records every registration and answers like a preview: inputs come back as outputs,
// anything else stays unknown.
type Monitor struct {
	project, stack string
	refs           map[string]*Plan

	mu        sync.Mutex
	resources []Resource
	urns      map[string]bool
	warnings  []string
}

// ErrDuplicateURN is a second resource with a URN already registered. The engine
// refuses it ("Duplicate resource URN"); the SDK's mock monitor would silently
// keep both, so the planner refuses it too.
var ErrDuplicateURN = errors.New("duplicate resource URN; give the resource a unique name")

// NewMonitor returns a monitor for a stack; refs maps fully qualified stack names
// (organization/project/stack) to their plans, which answer stack references.
func NewMonitor(project, stack string, refs map[string]*Plan) *Monitor {
	return &Monitor{project: project, stack: stack, refs: refs}
}

// registered counts the resources every Monitor of this process has recorded.
var registered atomic.Int64

// Registered is how many resources all monitors of this process have recorded so
// far: a long plan's progress (a plan also plans the stacks it references).
func Registered() int64 { return registered.Load() }

// Registrations is how many resources the program registered or read.
func (m *Monitor) Registrations() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.resources)
}

// Call answers invokes. The program makes none that need answers offline, so every
// invoke returns an empty result, which leaves its outputs unknown in a dry run.
func (m *Monitor) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

// NewResource records a resource and returns its inputs as its state.
func (m *Monitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r := Resource{Type: args.TypeToken, Name: args.Name, Custom: args.Custom}
	state := args.Inputs.Copy()
	switch {
	case args.RegisterRPC != nil:
		rpc := args.RegisterRPC
		r.Parent = rpc.GetParent()
		r.Remote = rpc.GetRemote()
		r.Protect = rpc.GetProtect()
		r.IgnoreChanges = rpc.GetIgnoreChanges()
		r.Dependencies = uniqueSorted(rpc.GetDependencies())
		r.Aliases = m.aliases(rpc.GetAliases(), r.Parent, args.TypeToken, args.Name)
	case args.ReadRPC != nil:
		rpc := args.ReadRPC
		r.Parent = rpc.GetParent()
		r.Read = true
		r.Custom = true
		r.Dependencies = uniqueSorted(rpc.GetDependencies())
	}
	if args.TypeToken == StackReferenceType {
		state = m.stackReference(args.ID)
	}
	if p := args.Provider; p != "" {
		r.Provider = providerURN(p)
	} else if r.Custom && !strings.HasPrefix(r.Type, "pulumi:") {
		r.Provider = "default_" + strings.SplitN(r.Type, ":", 2)[0]
	}
	r.URN = m.urn(r.Parent, r.Type, r.Name)
	r.Inputs = Redact(inputsWithUnknowns(args))
	m.mu.Lock()
	if m.urns[r.URN] {
		m.mu.Unlock()
		return "", nil, fmt.Errorf("%w: %s", ErrDuplicateURN, r.URN)
	}
	if m.urns == nil {
		m.urns = map[string]bool{}
	}
	m.urns[r.URN] = true
	m.resources = append(m.resources, r)
	m.mu.Unlock()
	registered.Add(1)
	// An empty ID leaves the ID unknown in a dry run, as cloud IDs are during preview.
	return "", state, nil
}

// inputsWithUnknowns decodes the raw registration again, keeping unknown values:
// the SDK's mock monitor drops them while decoding, so a field set from a
// cloud-assigned value would vanish from the plan instead of showing as Unknown.
func inputsWithUnknowns(args pulumi.MockResourceArgs) resource.PropertyMap {
	if args.RegisterRPC == nil {
		return args.Inputs
	}
	raw, err := plugin.UnmarshalProperties(args.RegisterRPC.GetObject(),
		plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true})
	if err != nil {
		return args.Inputs
	}
	return raw
}

func (m *Monitor) stackReference(name string) resource.PropertyMap {
	state := resource.PropertyMap{"name": resource.NewProperty(name)}
	ref, ok := m.refs[name]
	if !ok {
		m.warn(fmt.Sprintf("stack reference %q: no plan given (--ref %s=FILE); its outputs are unknown", name, name))
		// An empty map, not a computed one: in a dry run every output read from it is
		// unknown, while code that lists the outputs sees none.
		state["outputs"] = resource.NewProperty(resource.PropertyMap{})
		state["secretOutputNames"] = resource.NewProperty([]resource.PropertyValue{})
		return state
	}
	outs := resource.PropertyMap{}
	var secretNames []resource.PropertyValue
	for k, v := range ref.Outputs {
		outs[resource.PropertyKey(k)] = fromPlanValue(v)
		if v == Secret {
			secretNames = append(secretNames, resource.NewProperty(k))
		}
	}
	state["outputs"] = resource.NewProperty(outs)
	state["secretOutputNames"] = resource.NewProperty(secretNames)
	return state
}

// fromPlanValue turns a redacted plan value back into a property value: secrets
// become secret placeholders, unknowns become computed.
func fromPlanValue(v any) resource.PropertyValue {
	switch t := v.(type) {
	case string:
		switch t {
		case Secret:
			return resource.MakeSecret(resource.NewProperty("[redacted placeholder]"))
		case Unknown:
			return resource.MakeComputed(resource.NewProperty(""))
		}
		return resource.NewProperty(t)
	case map[string]any:
		pm := resource.PropertyMap{}
		for k, e := range t {
			pm[resource.PropertyKey(k)] = fromPlanValue(e)
		}
		return resource.NewProperty(pm)
	case []any:
		arr := make([]resource.PropertyValue, len(t))
		for i, e := range t {
			arr[i] = fromPlanValue(e)
		}
		return resource.NewProperty(arr)
	default:
		return resource.NewPropertyValue(v)
	}
}

func (m *Monitor) warn(s string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.warnings = append(m.warnings, s)
}

func (m *Monitor) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType, tokens.Type(typ), name))
}

// aliases collapses a registration's alias specs into URNs, as the engine does: an
// unset name, type or parent is the resource's own. Only aliases under another name
// are kept (renames): the type aliases the kubernetes SDK puts on every Ingress and
// the like never match within one SDK version, and would only fill the plan.
func (m *Monitor) aliases(specs []*pulumirpc.Alias, parent, typ, name string) []string {
	var out []string
	for _, a := range specs {
		if u := a.GetUrn(); u != "" {
			if resource.URN(u).Name() != name {
				out = append(out, u)
			}
			continue
		}
		sp := a.GetSpec()
		if sp == nil {
			continue
		}
		n, t, p := name, typ, parent
		if sp.GetName() == "" || sp.GetName() == name {
			continue
		}
		n = sp.GetName()
		if sp.GetType() != "" {
			t = sp.GetType()
		}
		if sp.GetNoParent() {
			p = ""
		} else if u := sp.GetParentUrn(); u != "" {
			p = u
		}
		out = append(out, m.urn(p, t, n))
	}
	return uniqueSorted(out)
}

// providerURN strips the ID from a provider reference (`urn::id`).
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i > 0 {
		return ref[:i]
	}
	return ref
}

func uniqueSorted(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	out := append([]string(nil), in...)
	sort.Strings(out)
	j := 0
	for i := range out {
		if i == 0 || out[i] != out[i-1] {
			out[j] = out[i]
			j++
		}
	}
	return out[:j]
}

// Redact turns a property map into plain JSON values: secrets become Secret and
// unknowns Unknown, at any depth.
func Redact(pm resource.PropertyMap) map[string]any {
	if len(pm) == 0 {
		return nil
	}
	out := make(map[string]any, len(pm))
	for k, v := range pm {
		out[string(k)] = redactValue(v)
	}
	return out
}

func redactValue(v resource.PropertyValue) any {
	switch {
	case v.IsNull():
		return nil
	case v.IsSecret():
		return Secret
	case v.IsComputed():
		return Unknown
	case v.IsOutput():
		o := v.OutputValue()
		if o.Secret {
			return Secret
		}
		if !o.Known {
			return Unknown
		}
		return redactValue(o.Element)
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = redactValue(e)
		}
		return out
	case v.IsObject():
		obj := Redact(v.ObjectValue())
		if obj == nil {
			return map[string]any{}
		}
		return obj
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsAsset():
		return "[asset]"
	case v.IsArchive():
		return "[archive]"
	default:
		return fmt.Sprint(v.V)
	}
}
