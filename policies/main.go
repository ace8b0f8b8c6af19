// Command policies is the fleetform Pulumi policy pack:
//
//	pulumi preview --policy-pack ./policies
//
// It runs the rules of package rules, the same functions `fleetplan check` runs on
// the offline plan, through the SDK's experimental policyx package (pinned with
// github.com/pulumi/pulumi/sdk/v3 v3.259.0). Each rule becomes one policy named by
// its ID: resource rules as resource validation policies, stack rules (and rules
// over the stack's configuration) as stack validation policies. Levels and settings
// come from config.yaml, embedded at build time, for the stack being previewed.
package main

import (
	_ "embed"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/fleetform/fleetform/policies/rules"
)

// configYAML is policies/config.yaml as of the build.
//
//go:embed config.yaml
var configYAML []byte

func main() {
	if err := policyx.Main(newPack); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// newPack builds the pack for the stack the engine configured.
func newPack(ctx *pulumi.Context) (policyx.PolicyPack, error) {
	cfg, err := rules.ParseConfig(configYAML, "policies/config.yaml (embedded)")
	if err != nil {
		return nil, err
	}
	env := cfg.Env(ctx.Stack())
	stackCfg := engineConfig(ctx.Project(), ctx.Stack(), ctx.GetConfig, ctx.IsConfigSecret)
	return buildPack(env, stackCfg)
}
