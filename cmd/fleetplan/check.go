package main

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fleetform/fleetform"
	"github.com/fleetform/fleetform/policies/report"
	"github.com/fleetform/fleetform/policies/rules"
)

// PolicyConfigFile is the policy configuration's path in the project directory.
const PolicyConfigFile = "policies/config.yaml"

func init() {
	register(command{name: "check", summary: "run the policy rules on a stack's offline plan; exit 1 on mandatory violations", run: runCheck})
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf stackFlags
	sf.bind(fs)
	sf.bindPlanFile(fs, "check")
	sarifOut := fs.String("sarif", "", "also write the findings as SARIF 2.1.0 to this file")
	codeQualityOut := fs.String("codequality", "", "also write the findings as a GitLab Code Quality report (JSON) to this file")
	configFile := fs.String("config", "", "policy configuration (default: "+PolicyConfigFile+" in the project directory, else the rule defaults)")
	if err := fs.Parse(args); err != nil {
		return exitFailure
	}
	if fs.NArg() > 0 {
		return fail(stderr, fmt.Errorf("check takes no arguments, got %q", fs.Args()))
	}
	if sf.planFile != "" {
		var both []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "stack" || f.Name == "ref" {
				both = append(both, "--"+f.Name)
			}
		})
		if len(both) > 0 {
			return fail(stderr, fmt.Errorf("--plan checks a finished plan: drop %s", strings.Join(both, ", ")))
		}
	}
	dir := sf.dir
	if dir == "" {
		dir = findProject()
	}
	p, err := sf.planOrRead()
	if err != nil {
		return fail(stderr, err)
	}
	printWarnings(stderr, p)
	cfg, err := loadPolicyConfig(*configFile, dir, stderr)
	if err != nil {
		return fail(stderr, err)
	}
	stackFile := "Pulumi." + p.Stack + ".yaml"
	stackData, err := readStackFile(dir, stackFile)
	if err != nil {
		fmt.Fprintf(stderr, "warning: %s not found (%v); stack configuration rules skipped\n", stackFile, err)
	}
	rep, err := report.Check(p, cfg.Env(p.Stack), stackFile, stackData)
	if err != nil {
		return fail(stderr, err)
	}
	rep.WriteText(stdout)
	if *sarifOut != "" {
		f, err := os.Create(*sarifOut)
		if err != nil {
			return fail(stderr, err)
		}
		werr := rep.WriteSARIF(f)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fail(stderr, fmt.Errorf("writing %s: %w", *sarifOut, werr))
		}
		fmt.Fprintf(stderr, "wrote %s\n", *sarifOut)
	}
	if *codeQualityOut != "" {
		f, err := os.Create(*codeQualityOut)
		if err != nil {
			return fail(stderr, err)
		}
		werr := rep.WriteCodeQuality(f)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fail(stderr, fmt.Errorf("writing %s: %w", *codeQualityOut, werr))
		}
		fmt.Fprintf(stderr, "wrote %s\n", *codeQualityOut)
	}
	if rep.Mandatory() > 0 {
		return exitChanges
	}
	return exitOK
}

// loadPolicyConfig reads --config, else policies/config.yaml of the project, else
// returns the rule defaults with a warning (a binary run outside a checkout).
func loadPolicyConfig(file, dir string, stderr io.Writer) (*rules.Config, error) {
	if file != "" {
		return rules.LoadConfig(file)
	}
	if dir != "" {
		path := filepath.Join(dir, PolicyConfigFile)
		if _, err := os.Stat(path); err == nil {
			return rules.LoadConfig(path)
		}
	}
	fmt.Fprintf(stderr, "warning: no %s found; using rule defaults (no per-stack levels, no approved registries)\n", PolicyConfigFile)
	return rules.DefaultConfig(), nil
}

// readStackFile reads Pulumi.<stack>.yaml from the project directory, or the copy
// built into the binary when there is no project directory.
func readStackFile(dir, name string) ([]byte, error) {
	if dir != "" {
		return os.ReadFile(filepath.Join(dir, name))
	}
	return fs.ReadFile(fleetform.StackFiles, name)
}
