// Command fleetplan shows what a stack would deploy, and checks it, without cloud
// credentials or the pulumi CLI. It plans a stack by running the real program in
// process under Pulumi's mock monitor.
//
//	fleetplan plan    [-s STACK] [--dir DIR] [--ref ORG/PROJECT/STACK=plan.json]... [--quiet | --json] [-o plan.json]
//	fleetplan diff    OLD.json NEW.json
//	fleetplan check   [-s STACK | --plan plan.json] [--config FILE] [--sarif FILE] [--codequality FILE]
//	fleetplan render  [-s STACK | --plan plan.json] -o DIR
//	fleetplan graph   [-s STACK | --plan plan.json] [--dot FILE] [--mermaid FILE] [--stats]
//	fleetplan version
//	fleetplan completion bash|zsh|fish|powershell
//
// Conventions, as in the pulumi CLI (both use github.com/spf13/cobra): the stack is
// named with -s/--stack (default dev) and never positionally, so a stray argument is
// an error rather than a silently ignored flag; --json prints JSON on stdout;
// -o/--out names where a command writes what it makes (plan: the plan JSON file;
// render: the folder of manifests); --color never|always|auto colours output on a
// terminal unless NO_COLOR is set; work that takes over a second shows a progress
// line on stderr when it is a terminal. --plan works on a saved plan and refuses the
// flags that only planning reads. -h on any command prints its flags and exits 0.
// `fleetplan completion SHELL` prints a completion script that also completes
// stack names and --color modes.
//
// Each command is built by its own constructor (newPlanCmd in plan.go, ...) and
// added in newRootCmd.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/fleetform/fleetform/internal/plan"
)

// Exit codes.
const (
	exitOK      = 0
	exitChanges = 1 // diff: something changed; check: a mandatory violation
	exitFailure = 2 // bad input or a failed run
)

// exitCode is an error a command returns to end with that exit code and no message.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// app is what every command shares: the output streams and --color.
type app struct {
	stdout, stderr io.Writer
	color          colorFlag
}

func main() {
	tuneGC()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command line and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr}
	root := newRootCmd(a)
	if len(args) == 0 {
		root.SetOut(stderr)
		_ = root.Usage()
		return exitFailure
	}
	root.SetArgs(args)
	err := root.Execute()
	var code exitCode
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &code):
		return int(code)
	}
	a.fail(err)
	return exitFailure
}

// newRootCmd builds the fleetplan command and its subcommands.
func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:           "fleetplan",
		Short:         "Plan, diff, check, render and graph fleetform stacks offline",
		SilenceErrors: true, // run prints them, coloured
		SilenceUsage:  true,
	}
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetUsageTemplate(usageTemplate)
	root.SetHelpTemplate(helpTemplate)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w\nRun '%s -h' for its flags.", err, c.CommandPath())
	})
	root.PersistentFlags().Var(&a.color, "color", "colorize output: `MODE` never, always or auto (auto: on a terminal, unless NO_COLOR is set)")
	_ = root.RegisterFlagCompletionFunc("color", cobra.FixedCompletions([]string{colorNever, colorAlways, colorAuto}, cobra.ShellCompDirectiveNoFileComp))
	root.AddCommand(newPlanCmd(a), newDiffCmd(a), newCheckCmd(a), newRenderCmd(a), newGraphCmd(a), newStacksCmd(a), newVersionCmd(a))
	return root
}

// helpTemplate is cobra's help: the long description, then the usage.
const helpTemplate = `{{with (or .Long .Short)}}{{. | trimTrailingWhitespaces}}

{{end}}{{.UsageString}}`

// usageTemplate keeps fleetplan's usage layout: a lowercase usage line, the
// commands, the command's own flags, then the flags every command takes.
const usageTemplate = `usage: {{if .Runnable}}{{.UseLine}}{{else}}{{.CommandPath}} <command> [flags]{{end}}{{if .HasExample}}

examples:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

commands:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

flags:
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

global flags:
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

Run '{{.CommandPath}} <command> -h' for a command's flags.{{end}}
`

// fail prints err on stderr.
func (a *app) fail(err error) {
	fmt.Fprintf(a.stderr, "%s %v\n", paint(a.color.on(a.stderr), ansiRed+ansiBold, "error:"), err)
}

// warn prints a warning on stderr.
func (a *app) warn(msg string) {
	fmt.Fprintf(a.stderr, "%s %s\n", paint(a.color.on(a.stderr), ansiYellow, "warning:"), msg)
}

// warnings prints a plan's warnings on stderr.
func (a *app) warnings(p *plan.Plan) {
	for _, s := range p.Warnings {
		a.warn(s)
	}
}

// wrote tells stderr that a file was written.
func (a *app) wrote(path string) { fmt.Fprintf(a.stderr, "wrote %s\n", path) }
