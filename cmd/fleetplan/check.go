package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fleetform/fleetform/policies/report"
	"github.com/fleetform/fleetform/policies/rules"
)

// PolicyConfigFile is the policy configuration's path in the project directory.
const PolicyConfigFile = "policies/config.yaml"

func init() {
	register(command{name: "check", summary: "run the policy rules on a stack's offline plan; exit 1 on mandatory violations", run: runCheck})
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	f := newFlagSet("check", "", stdout, stderr)
	sf := stackFlags{usesDir: true}
	sf.bind(f)
	sf.bindPlanFile(f, "check")
	sarifOut := f.String("sarif", "", "also write the findings as SARIF 2.1.0 to `FILE`")
	codeQualityOut := f.String("codequality", "", "also write the findings as a GitLab Code Quality report (JSON) to `FILE`")
	configFile := f.String("config", "", "policy configuration `FILE` (default: "+PolicyConfigFile+" in the project directory, else the rule defaults)")
	if ok, code := f.parse(args); !ok {
		return code
	}
	if err := f.noArgs(); err != nil {
		return f.fail(err)
	}
	if err := sf.checkPlanFile(f); err != nil {
		return f.fail(err)
	}
	dir := sf.projectDir()
	p, err := sf.planOrRead(stderr)
	if err != nil {
		return f.fail(err)
	}
	f.warnings(p)
	cfg, err := loadPolicyConfig(*configFile, dir, f.warn)
	if err != nil {
		return f.fail(err)
	}
	stackFile := "Pulumi." + p.Stack + ".yaml"
	stackData, _, err := sf.readStack(p.Stack)
	if err != nil {
		f.warn(fmt.Sprintf("%s not found (%v); stack configuration rules skipped", stackFile, err))
	}
	rep, err := report.Check(p, cfg.Env(p.Stack), stackFile, stackData)
	if err != nil {
		return f.fail(err)
	}
	cw := newColorWriter(stdout, f.color.on(stdout), reportColors...)
	rep.WriteText(cw)
	if err := cw.Flush(); err != nil {
		return f.fail(err)
	}
	for _, out := range []struct {
		path  string
		write func(io.Writer) error
	}{{*sarifOut, rep.WriteSARIF}, {*codeQualityOut, rep.WriteCodeQuality}} {
		if out.path == "" {
			continue
		}
		if err := writeFile(out.path, out.write); err != nil {
			return f.fail(err)
		}
		f.wrote(out.path)
	}
	if rep.Mandatory() > 0 {
		return exitChanges
	}
	return exitOK
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
