package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/fleetform/fleetform/internal/plan"
)

// Color modes of --color, as the pulumi CLI names them.
const (
	colorAuto   = "auto"
	colorAlways = "always"
	colorNever  = "never"
)

// EnvNoColor turns colour off in auto mode when set to anything (https://no-color.org).
const EnvNoColor = "NO_COLOR"

// colorFlag is the value of --color; empty means auto.
type colorFlag string

func (c *colorFlag) String() string { return string(*c) }

// Type names the value in help and completion.
func (c *colorFlag) Type() string { return "mode" }

func (c *colorFlag) Set(v string) error {
	switch v {
	case colorAuto, colorAlways, colorNever:
		*c = colorFlag(v)
		return nil
	}
	return fmt.Errorf("want never, always or auto, got %q", v)
}

// on reports whether output written to w gets colour: always, never, or (auto) when
// w is a terminal, NO_COLOR is unset or empty and TERM is not dumb.
func (c colorFlag) on(w io.Writer) bool {
	switch c {
	case colorAlways:
		return true
	case colorNever:
		return false
	}
	return isTerminal(w) && os.Getenv(EnvNoColor) == "" && os.Getenv("TERM") != "dumb"
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// ANSI colours, the few this tool uses.
const (
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiBold   = "\x1b[1m"
	ansiReset  = "\x1b[0m"
)

// paint wraps s in an ANSI colour when on is true.
func paint(on bool, color, s string) string {
	if !on {
		return s
	}
	return color + s + ansiReset
}

// colorWriter colours whole lines that start with one of its prefixes, so the
// writers of plan, report and graph stay plain and their tests see plain text.
type colorWriter struct {
	w       io.Writer
	on      bool
	rules   []lineColor
	pending []byte
}

// lineColor colours the prefix of a line that starts with it (after any indent).
type lineColor struct{ prefix, color string }

func newColorWriter(w io.Writer, on bool, rules ...lineColor) *colorWriter {
	return &colorWriter{w: w, on: on, rules: rules}
}

func (c *colorWriter) Write(p []byte) (int, error) {
	if !c.on {
		return c.w.Write(p)
	}
	c.pending = append(c.pending, p...)
	for {
		i := strings.IndexByte(string(c.pending), '\n')
		if i < 0 {
			return len(p), nil
		}
		if _, err := io.WriteString(c.w, c.colorLine(string(c.pending[:i+1]))); err != nil {
			return 0, err
		}
		c.pending = c.pending[i+1:]
	}
}

// Flush writes a last line that has no newline.
func (c *colorWriter) Flush() error {
	if len(c.pending) == 0 {
		return nil
	}
	_, err := io.WriteString(c.w, c.colorLine(string(c.pending)))
	c.pending = nil
	return err
}

func (c *colorWriter) colorLine(line string) string {
	body := strings.TrimLeft(line, " ")
	indent := line[:len(line)-len(body)]
	for _, r := range c.rules {
		if strings.HasPrefix(body, r.prefix) {
			return indent + r.color + r.prefix + ansiReset + body[len(r.prefix):]
		}
	}
	return line
}

// Colours of the plan tree, as pulumi preview shows creates and reads.
var treeColors = []lineColor{{"+ ", ansiGreen}, {"> ", ansiCyan}, {"warning:", ansiYellow}}

// Colours of the policy report's findings.
var reportColors = []lineColor{{"MANDATORY", ansiRed + ansiBold}, {"ADVISORY", ansiYellow}, {"fix:", ansiCyan}}

// Colours of diff's Markdown: the summary line and section headings.
var diffColors = []lineColor{{"**", ansiBold}, {"#", ansiBold}}

// progressDelay is how long work runs before a progress line appears.
const progressDelay = time.Second

// progressTick is how often the progress line is redrawn.
const progressTick = 200 * time.Millisecond

// progress shows what a long run is doing on stderr, redrawn in place, but only
// on a terminal and only once the work has taken progressDelay. stop clears it.
type progress struct {
	w     io.Writer
	what  string
	count func() int64 // resources so far, or nil
	start time.Time
	done  chan struct{}
	wg    sync.WaitGroup
}

// startProgress starts a progress line for work described by what ("planning
// prod"); with counting, it also shows how many resources the planner has recorded
// since. On anything but a terminal it does nothing.
func startProgress(w io.Writer, what string, counting bool) *progress {
	p := &progress{w: w, what: what, start: time.Now(), done: make(chan struct{})}
	if counting {
		base := plan.Registered()
		p.count = func() int64 { return plan.Registered() - base }
	}
	if !isTerminal(w) {
		return p
	}
	p.wg.Add(1)
	go p.run()
	return p
}

func (p *progress) run() {
	defer p.wg.Done()
	select {
	case <-p.done:
		return
	case <-time.After(progressDelay):
	}
	t := time.NewTicker(progressTick)
	defer t.Stop()
	for {
		line := fmt.Sprintf("%s: %.0fs", p.what, time.Since(p.start).Seconds())
		if p.count != nil {
			line = fmt.Sprintf("%s: %d resources, %.0fs", p.what, p.count(), time.Since(p.start).Seconds())
		}
		fmt.Fprint(p.w, "\r\x1b[K"+line)
		select {
		case <-p.done:
			fmt.Fprint(p.w, "\r\x1b[K")
			return
		case <-t.C:
		}
	}
}

// stop ends the progress line and erases it.
func (p *progress) stop() {
	close(p.done)
	p.wg.Wait()
}
