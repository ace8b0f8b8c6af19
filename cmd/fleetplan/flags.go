package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// flagSet is a subcommand's flags: Go's flag package with short aliases (-s for
// --stack), help on stdout with exit 0, and the --color flag every command takes.
type flagSet struct {
	*flag.FlagSet
	// cmd and args name the command and its arguments in the usage line.
	cmd, args string
	// aliases maps a short name to its long one.
	aliases map[string]string
	stdout  io.Writer
	color   colorFlag
}

func newFlagSet(cmd, args string, stdout, stderr io.Writer) *flagSet {
	f := &flagSet{FlagSet: flag.NewFlagSet(cmd, flag.ContinueOnError), cmd: cmd, args: args, aliases: map[string]string{}, stdout: stdout}
	f.SetOutput(stderr)
	f.Usage = func() {} // parse prints the usage on stdout for -h, and a hint after a bad flag
	f.Var(&f.color, "color", "colorize output: `MODE` never, always or auto (auto: on a terminal, unless NO_COLOR is set)")
	return f
}

// alias makes -short another name of --long (already defined).
func (f *flagSet) alias(short, long string) {
	l := f.Lookup(long)
	f.Var(l.Value, short, l.Usage)
	f.aliases[short] = long
}

// parse parses args and reports whether the command should go on; when it should
// not, code is the exit code: 0 after -h or --help, exitFailure after a bad flag.
func (f *flagSet) parse(args []string) (ok bool, code int) {
	err := f.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		f.printUsage(f.stdout)
		return false, exitOK
	case err != nil: // the flag package has printed the problem
		fmt.Fprintf(f.Output(), "Run 'fleetplan %s -h' for its flags.\n", f.cmd)
		return false, exitFailure
	}
	return true, exitOK
}

// noArgs refuses positional arguments. Go's flag package stops at the first one,
// so any flag after it would be ignored without a word.
func (f *flagSet) noArgs() error {
	if f.NArg() == 0 {
		return nil
	}
	err := fmt.Errorf("%s takes no arguments, got %q", f.cmd, strings.Join(f.Args(), " "))
	if f.Lookup("stack") != nil {
		err = fmt.Errorf("%w: name the stack with -s %s (flags after %q were not read)", err, f.Arg(0), f.Arg(0))
	}
	return err
}

// set reports whether a flag (by long name, or any of its aliases) was given.
func (f *flagSet) set(long string) bool {
	found := false
	f.Visit(func(fl *flag.Flag) {
		found = found || fl.Name == long || f.aliases[fl.Name] == long
	})
	return found
}

// printUsage writes the usage line and every flag, an alias beside its long name.
func (f *flagSet) printUsage(w io.Writer) {
	fmt.Fprintf(w, "usage: fleetplan %s [flags]%s\n\nflags:\n", f.cmd, f.args)
	short := map[string]string{}
	for s, l := range f.aliases {
		short[l] = s
	}
	var names []string
	f.VisitAll(func(fl *flag.Flag) {
		if _, isAlias := f.aliases[fl.Name]; !isAlias {
			names = append(names, fl.Name)
		}
	})
	sort.Strings(names)
	for _, n := range names {
		fl := f.Lookup(n)
		arg, usage := flag.UnquoteUsage(fl)
		name := "    --" + n
		if s, ok := short[n]; ok {
			name = "-" + s + ", --" + n
		}
		if arg != "" {
			name += " " + arg
		}
		if fl.DefValue != "" && fl.DefValue != "false" {
			usage += fmt.Sprintf(" (default %q)", fl.DefValue)
		}
		fmt.Fprintf(w, "  %s\n        %s\n", name, usage)
	}
}
