// Command fleetplan shows what a stack would deploy without cloud credentials.
//
//	fleetplan plan  --stack dev [--json plan.json] [--ref org/project/stack=plan.json]
//	fleetplan diff  old.json new.json
//	fleetplan render --stack dev --out manifests/dev [--plan plan.json]
//
// Every subcommand that takes --stack plans that stack from its Pulumi.<stack>.yaml
// on the fly, by running the real program under Pulumi's mock monitor.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
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
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitFailure
		}
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

// fail prints err and returns the failure exit code.
func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "error: %v\n", err)
	return exitFailure
}
