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
