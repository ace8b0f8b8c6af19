package program

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/stacks"
)

// Offline plans a loaded stack config without credentials: it prepares the config in
// offline mode (missing secrets become redacted placeholders, with warnings) and runs
// Build under the mock monitor. refs answer stack references by qualified stack name.
// Nothing is registered when the config is invalid.
//
// A stack whose clusters are built elsewhere (clusters[i].stackReference) is validated
// inside the run, once their connections are read from refs (Stack); any other is
// validated before the run starts, so an invalid one registers nothing at all.
func Offline(cfg *stacks.StackConfig, refs map[string]*plan.Plan) (*plan.Plan, error) {
	var warnings []string
	if !cfg.AttachesClusters() {
		errs := cfg.ValidateLayout()
		if len(errs) > 0 {
			return nil, &stacks.Error{Source: cfg.Source, Problems: errs}
		}
		w, err := cfg.Prepare(stacks.Offline)
		if err != nil {
			return nil, err
		}
		warnings = w
	}
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		if !cfg.AttachesClusters() {
			return build(ctx, cfg, cfg.SecretStore(stacks.Offline), newReferences(ctx, cfg), nil)
		}
		exports, w, err := Stack(ctx, cfg, stacks.Offline)
		warnings = append(warnings, w...)
		return exports, err
	}, plan.Options{Project: stacks.Project, Stack: cfg.Stack, References: refs, Warnings: warnings})
	if err != nil {
		return nil, err
	}
	if cfg.AttachesClusters() {
		p.AddWarnings(warnings...)
	}
	return p, nil
}

// Loader reads another stack of this project by name (its Pulumi.<stack>.yaml).
type Loader func(stack string) (*stacks.StackConfig, error)

// OfflineResolving plans cfg like Offline, but first answers each stack reference to
// another stack of this project that refs does not cover: it loads that stack with
// load and plans it offline, recursively. So `plan --stack prod` sees the dev
// stack's real exports without a --ref flag. A reference cycle is an error.
func OfflineResolving(cfg *stacks.StackConfig, refs map[string]*plan.Plan, load Loader) (*plan.Plan, error) {
	all := map[string]*plan.Plan{}
	for k, v := range refs {
		all[k] = v
	}
	var notes []string
	if err := resolve(cfg, all, load, map[string]bool{cfg.Stack: true}, &notes); err != nil {
		return nil, err
	}
	p, err := Offline(cfg, all)
	if err != nil {
		return nil, err
	}
	p.Warnings = append(p.Warnings, notes...)
	p.Sort()
	return p, nil
}

func resolve(cfg *stacks.StackConfig, refs map[string]*plan.Plan, load Loader, visiting map[string]bool, notes *[]string) error {
	for _, r := range cfg.StackReferences {
		if _, ok := refs[r.Stack]; ok {
			continue
		}
		parts := strings.Split(r.Stack, "/")
		if len(parts) != 3 || parts[1] != stacks.Project {
			continue // another project: only --ref can answer it
		}
		name := parts[2]
		if visiting[name] {
			return fmt.Errorf("stack references form a cycle through %q", name)
		}
		other, err := load(name)
		if err != nil {
			return fmt.Errorf("stack reference %s: %w", r.Stack, err)
		}
		visiting[name] = true
		if err := resolve(other, refs, load, visiting, notes); err != nil {
			return err
		}
		delete(visiting, name)
		p, err := Offline(other, refs)
		if err != nil {
			return fmt.Errorf("stack reference %s: planning Pulumi.%s.yaml: %w", r.Stack, name, err)
		}
		refs[r.Stack] = p
		*notes = append(*notes, fmt.Sprintf("stack reference %q answered by the offline plan of Pulumi.%s.yaml", r.Stack, name))
	}
	return nil
}
