package program

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/stacks"
)

// Offline plans a loaded stack config without credentials: it prepares the config in
// offline mode (missing secrets become redacted placeholders, with warnings) and runs
// Build under the mock monitor. refs answer stack references by qualified stack name.
// Nothing is registered when the config is invalid.
func Offline(cfg *stacks.StackConfig, refs map[string]*plan.Plan) (*plan.Plan, error) {
	warnings, err := cfg.Prepare(stacks.Offline)
	if err != nil {
		return nil, err
	}
	store := cfg.SecretStore(stacks.Offline)
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		return Build(ctx, cfg, store)
	}, plan.Options{Project: stacks.Project, Stack: cfg.Stack, References: refs, Warnings: warnings})
	return p, err
}
