package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/fleetform/fleetform/policies/report"
	"github.com/fleetform/fleetform/policies/rules"
)

// PolicyConfigFile is the policy configuration's path in the project directory.
const PolicyConfigFile = "policies/config.yaml"

// newCheckCmd builds `fleetplan check`.
func newCheckCmd(a *app) *cobra.Command {
	var (
		sf                                   = stackFlags{usesDir: true}
		sarifOut, codeQualityOut, configFile string
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "run the policy rules on a stack's offline plan; exit 1 on mandatory violations",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := sf.checkPlanFile(cmd); err != nil {
				return err
			}
			dir := sf.projectDir()
			p, err := sf.planOrRead(a.stderr)
			if err != nil {
				return err
			}
			a.warnings(p)
			cfg, err := loadPolicyConfig(configFile, dir, a.warn)
			if err != nil {
				return err
			}
			stackFile := "Pulumi." + p.Stack + ".yaml"
			stackData, _, err := sf.readStack(p.Stack)
			if err != nil {
				a.warn(fmt.Sprintf("%s not found (%v); stack configuration rules skipped", stackFile, err))
			}
			rep, err := report.Check(p, cfg.Env(p.Stack), stackFile, stackData)
			if err != nil {
				return err
			}
			cw := newColorWriter(a.stdout, a.color.on(a.stdout), reportColors...)
			rep.WriteText(cw)
			if err := cw.Flush(); err != nil {
				return err
			}
			for _, out := range []struct {
				path  string
				write func(io.Writer) error
			}{{sarifOut, rep.WriteSARIF}, {codeQualityOut, rep.WriteCodeQuality}} {
				if out.path == "" {
					continue
				}
				if err := writeFile(out.path, out.write); err != nil {
					return err
				}
				a.wrote(out.path)
			}
			if rep.Mandatory() > 0 {
				return exitCode(exitChanges)
			}
			return nil
		},
	}
	sf.bind(cmd)
	sf.bindPlanFile(cmd, "check")
	f := cmd.Flags()
	f.StringVar(&sarifOut, "sarif", "", "also write the findings as SARIF 2.1.0 to `FILE`")
	f.StringVar(&codeQualityOut, "codequality", "", "also write the findings as a GitLab Code Quality report (JSON) to `FILE`")
	f.StringVar(&configFile, "config", "", "policy configuration `FILE` (default: "+PolicyConfigFile+" in the project directory, else the rule defaults)")
	_ = cmd.MarkFlagFilename("config", "yaml", "yml")
	return cmd
}

// writeFile creates path and writes it through fn.
func writeFile(path string, fn func(io.Writer) error) error {
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	werr := fn(file)
	if cerr := file.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("writing %s: %w", path, werr)
	}
	return nil
}

// loadPolicyConfig reads --config, else policies/config.yaml of the project, else
// returns the rule defaults with a warning (a binary run outside a checkout).
func loadPolicyConfig(file, dir string, warn func(string)) (*rules.Config, error) {
	if file != "" {
		return rules.LoadConfig(file)
	}
	if dir != "" {
		path := filepath.Join(dir, PolicyConfigFile)
		if _, err := os.Stat(path); err == nil {
			return rules.LoadConfig(path)
		}
	}
	warn("no " + PolicyConfigFile + " found; using rule defaults (no per-stack levels, no approved registries)")
	return rules.DefaultConfig(), nil
}
