package fleet

import (
	"errors"
	"reflect"
	"testing"

	"github.com/fleetform/fleetform/stacks"
)

func cfgs(refs map[string][]string) map[string]*stacks.StackConfig {
	out := map[string]*stacks.StackConfig{}
	for name, rs := range refs {
		c := &stacks.StackConfig{Stack: name}
		for _, r := range rs {
			c.StackReferences = append(c.StackReferences, stacks.StackReference{Name: r, Stack: "organization/fleetform/" + r})
		}
		out[name] = c
	}
	return out
}

func TestOrder(t *testing.T) {
	f, err := Order(cfgs(map[string][]string{
		"hub": {"hub-cluster", "spoke"}, "hub-cluster": nil, "spoke": {"spoke-cluster"}, "spoke-cluster": nil, "dev": nil,
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"dev", "hub-cluster", "spoke-cluster"}, {"spoke"}, {"hub"}}
	if !reflect.DeepEqual(f.Levels, want) {
		t.Errorf("levels: got %v, want %v", f.Levels, want)
	}
	if got := f.Affected([]string{"spoke-cluster"}).Levels; !reflect.DeepEqual(got, [][]string{{"spoke-cluster"}, {"spoke"}, {"hub"}}) {
		t.Errorf("affected by spoke-cluster: got %v, want spoke-cluster, spoke, hub", got)
	}
	if got := f.Affected([]string{"hub"}).Levels; !reflect.DeepEqual(got, [][]string{{"hub"}}) {
		t.Errorf("affected by hub: got %v, want hub alone", got)
	}
}

func TestOrderRefuses(t *testing.T) {
	_, err := Order(cfgs(map[string][]string{"a": {"b"}, "b": {"c"}, "c": {"a"}}))
	if !errors.Is(err, ErrCycle) {
		t.Errorf("a → b → c → a: got %v, want ErrCycle", err)
	}
	if _, err := Order(cfgs(map[string][]string{"a": {"gone"}})); err == nil {
		t.Errorf("a reference to a stack without a file: got no error")
	}
}
