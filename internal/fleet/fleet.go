// Package fleet orders a project's stacks by their stack references: a stack is deployed
// after every stack it reads (a cluster stack before the in-cluster stack that attaches
// to it, a spoke before the hub that federates it), stacks that do not read each other
// side by side, and a cycle is refused. Pipelines and people read the same order
// (`fleetplan stacks`).
package fleet

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/fleetform/fleetform/stacks"
)

// ErrCycle means stack references form a cycle: no order deploys every stack after
// the stacks it reads.
var ErrCycle = errors.New("stack references form a cycle")

// Stack is one stack of the fleet, as the pipelines need it.
type Stack struct {
	// Name is the stack's name (Pulumi.<name>.yaml).
	Name string `json:"name"`
	// Needs are the stacks of this project it reads, sorted.
	Needs []string `json:"needs"`
	// Level is its place in the order: 0 reads no stack of the project; a stack's level
	// is one more than the highest of its needs. Stacks of one level deploy in parallel.
	Level int `json:"level"`
	// Layers, Runner and RunnerNetwork are its fleetform:stack settings, defaulted.
	Layers        stacks.Layers        `json:"layers"`
	Runner        string               `json:"runner"`
	RunnerNetwork stacks.RunnerNetwork `json:"runnerNetwork"`
	// External are references to other projects' stacks, which no order here covers.
	External []string `json:"external,omitempty"`
}

// Fleet is the ordered stacks of a project.
type Fleet struct {
	// Stacks are in deploy order: by level, then by name.
	Stacks []Stack `json:"stacks"`
	// Levels are the names of each level's stacks.
	Levels [][]string `json:"levels"`
}

// Order orders the decoded stacks (by name). A reference to a stack of this project that
// has no file is an error; a cycle is ErrCycle, naming its stacks.
func Order(configs map[string]*stacks.StackConfig) (*Fleet, error) {
	byName := map[string]*Stack{}
	for name, cfg := range configs {
		st := cfg.Settings
		st.ApplyDefaults()
		s := &Stack{Name: name, Layers: st.Layers, Runner: st.Runner, RunnerNetwork: st.RunnerNetwork, Needs: []string{}}
		for _, r := range cfg.StackReferences {
			parts := strings.Split(r.Stack, "/")
			if len(parts) != 3 || parts[1] != stacks.Project {
				s.External = append(s.External, r.Stack)
				continue
			}
			if _, ok := configs[parts[2]]; !ok {
				return nil, fmt.Errorf("stack %s: stack reference %q names stack %s, which has no Pulumi.%s.yaml", name, r.Name, parts[2], parts[2])
			}
			if !slices.Contains(s.Needs, parts[2]) {
				s.Needs = append(s.Needs, parts[2])
			}
		}
		sort.Strings(s.Needs)
		byName[name] = s
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	// Levels by depth-first search; a stack met again while on the path is a cycle.
	const unvisited, visiting, done = 0, 1, 2
	state := map[string]int{}
	var path []string
	var visit func(n string) error
	visit = func(n string) error {
		switch state[n] {
		case done:
			return nil
		case visiting:
			i := slices.Index(path, n)
			return fmt.Errorf("%w: %s", ErrCycle, strings.Join(append(slices.Clone(path[i:]), n), " → "))
		}
		state[n] = visiting
		path = append(path, n)
		s := byName[n]
		for _, m := range s.Needs {
			if err := visit(m); err != nil {
				return err
			}
			s.Level = max(s.Level, byName[m].Level+1)
		}
		path = path[:len(path)-1]
		state[n] = done
		return nil
	}
	for _, n := range names {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	f := &Fleet{}
	for _, n := range names {
		f.Stacks = append(f.Stacks, *byName[n])
	}
	sort.SliceStable(f.Stacks, func(i, j int) bool { return f.Stacks[i].Level < f.Stacks[j].Level })
	for _, s := range f.Stacks {
		for len(f.Levels) <= s.Level {
			f.Levels = append(f.Levels, []string{})
		}
		f.Levels[s.Level] = append(f.Levels[s.Level], s.Name)
	}
	return f, nil
}

// Affected are the named stacks and every stack that reads one of them, directly or
// not, in deploy order: what a change to those stacks' files must preview.
func (f *Fleet) Affected(changed []string) *Fleet {
	in := map[string]bool{}
	for _, c := range changed {
		in[c] = true
	}
	for grew := true; grew; {
		grew = false
		for _, s := range f.Stacks {
			if in[s.Name] {
				continue
			}
			for _, n := range s.Needs {
				if in[n] {
					in[s.Name], grew = true, true
					break
				}
			}
		}
	}
	out := &Fleet{}
	for _, s := range f.Stacks {
		if in[s.Name] {
			out.Stacks = append(out.Stacks, s)
			for len(out.Levels) <= s.Level {
				out.Levels = append(out.Levels, []string{})
			}
			out.Levels[s.Level] = append(out.Levels[s.Level], s.Name)
		}
	}
	// Levels with none of them go: what is left still runs in order.
	out.Levels = slices.DeleteFunc(out.Levels, func(l []string) bool { return len(l) == 0 })
	return out
}
