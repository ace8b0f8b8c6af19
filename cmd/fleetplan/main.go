// Command fleetplan shows what a stack would deploy, and checks it, without cloud
// credentials or the pulumi CLI. It plans a stack by running the real program in
// process under Pulumi's mock monitor.
//
//	fleetplan plan   [-s STACK] [--dir DIR] [--ref ORG/PROJECT/STACK=plan.json]... [--quiet | --json] [-o plan.json]
//	fleetplan diff   OLD.json NEW.json
//	fleetplan check  [-s STACK | --plan plan.json] [--config FILE] [--sarif FILE] [--codequality FILE]
//	fleetplan render [-s STACK | --plan plan.json] -o DIR
//	fleetplan graph  [-s STACK | --plan plan.json] [--dot FILE] [--mermaid FILE] [--stats]
//
// Conventions, as in the pulumi CLI: the stack is named with -s/--stack (default
// dev) and never positionally, so a stray argument is an error rather than a
// silently ignored flag; --json prints JSON on stdout; -o/--out names where a
// command writes what it makes (plan: the plan JSON file; render: the folder of
// manifests); --color never|always|auto colours output on a terminal unless
// NO_COLOR is set; work that takes over a second shows a progress line on stderr
// when it is a terminal. --plan works on a saved plan and refuses the flags that
// only planning reads. -h on any command prints its flags and exits 0.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/fleetform/fleetform/internal/plan"
)

// Exit codes.
const (
	exitOK      = 0
	exitChanges = 1 // diff: something changed; check: a mandatory violation
	exitFailure = 2 // bad input or a failed run
)

type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitFailure
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "fleetplan: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitFailure
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "usage: fleetplan <command> [flags]\n\ncommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "\nRun 'fleetplan <command> -h' for a command's flags.\n")
}

// fail prints err on stderr and returns the failure exit code.
func (f *flagSet) fail(err error) int {
	fmt.Fprintf(f.Output(), "%s %v\n", paint(f.color.on(f.Output()), ansiRed+ansiBold, "error:"), err)
	return exitFailure
}

// warn prints a warning on stderr.
func (f *flagSet) warn(msg string) {
	fmt.Fprintf(f.Output(), "%s %s\n", paint(f.color.on(f.Output()), ansiYellow, "warning:"), msg)
}

// warnings prints a plan's warnings on stderr.
func (f *flagSet) warnings(p *plan.Plan) {
	for _, s := range p.Warnings {
		f.warn(s)
	}
}

// wrote tells stderr that a file was written.
func (f *flagSet) wrote(path string) { fmt.Fprintf(f.Output(), "wrote %s\n", path) }
