package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// Markers stand in for values a plan cannot or must not show.
const (
	// Secret replaces every secret value, at any depth.
	Secret = "[secret]"
	// Unknown replaces values the cloud assigns at deploy time (IDs, endpoints, ARNs).
	Unknown = "[unknown]"
)

// FormatVersion is bumped when the JSON shape changes incompatibly.
const FormatVersion = 1

// Plan is what one stack would deploy.
type Plan struct {
	// Version is FormatVersion of the writer.
	Version int `json:"version"`
	// Project and Stack name the stack planned.
	Project string `json:"project"`
	Stack   string `json:"stack"`
	// Resources are sorted by URN.
	Resources []Resource `json:"resources"`
	// Outputs are the stack outputs, redacted like inputs.
	Outputs map[string]any `json:"outputs"`
	// Warnings are what the planner and the config loader warned about, sorted.
	Warnings []string `json:"warnings,omitempty"`
}

// Resource is one registered or read resource.
type Resource struct {
	URN      string `json:"urn"`
	Type     string `json:"type"`
	Name     string `json:"name"`
	Parent   string `json:"parent,omitempty"`
	Provider string `json:"provider,omitempty"`
	// Custom is false for component resources (and the stack).
	Custom bool `json:"custom"`
	// Remote marks multi-language components (e.g. helm v4 Chart) whose children the engine makes.
	Remote bool `json:"remote,omitempty"`
	// Read marks resources that are read, not created (stack references).
	Read    bool `json:"read,omitempty"`
	Protect bool `json:"protect,omitempty"`
	// Aliases are the URNs the resource was known by (a renamed cluster, environment
	// or release); the diff shows a resource found under one as a rename.
	Aliases []string `json:"aliases,omitempty"`
	// IgnoreChanges are the input paths a later apply leaves alone because another
	// writer owns them (a controller's canary weights, an autoscaler's count).
	IgnoreChanges []string       `json:"ignoreChanges,omitempty"`
	Dependencies  []string       `json:"dependencies,omitempty"`
	Inputs        map[string]any `json:"inputs,omitempty"`
}

// Find returns the resource with the URN, or nil.
func (p *Plan) Find(urn string) *Resource {
	i := sort.Search(len(p.Resources), func(i int) bool { return p.Resources[i].URN >= urn })
	if i < len(p.Resources) && p.Resources[i].URN == urn {
		return &p.Resources[i]
	}
	return nil
}

// ByType returns the resources of a type token, in URN order.
func (p *Plan) ByType(typ string) []*Resource {
	var out []*Resource
	for i := range p.Resources {
		if p.Resources[i].Type == typ {
			out = append(out, &p.Resources[i])
		}
	}
	return out
}

// Sort puts resources and warnings in canonical order.
func (p *Plan) Sort() {
	sort.Slice(p.Resources, func(i, j int) bool { return p.Resources[i].URN < p.Resources[j].URN })
	sort.Strings(p.Warnings)
}

// Marshal writes the plan as indented JSON; equal plans give identical bytes.
func (p *Plan) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteFile writes the plan to path.
func (p *Plan) WriteFile(path string) error {
	b, err := p.Marshal()
	if err != nil {
		return fmt.Errorf("encoding plan: %w", err)
	}
	return os.WriteFile(path, b, 0o644)
}

// ReadFile reads a plan written by WriteFile.
func ReadFile(path string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: not a plan: %w", path, err)
	}
	if p.Version != FormatVersion {
		return nil, fmt.Errorf("%s: plan format version %d, this tool reads %d", path, p.Version, FormatVersion)
	}
	p.Sort()
	return &p, nil
}

// AddWarnings adds warnings to the plan, keeping them sorted and once each.
func (p *Plan) AddWarnings(w ...string) { p.Warnings = uniqueSorted(append(p.Warnings, w...)) }
