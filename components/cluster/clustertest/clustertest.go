package clustertest

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Cloud answers like a cloud after a deploy. Every field may be nil.
type Cloud struct {
	// Outputs are what the cloud adds to a resource's inputs, by type and name.
	Outputs func(typ, name string, inputs resource.PropertyMap) resource.PropertyMap
	// ID is a resource's ID; nil (or "") gives "<name>-id".
	ID func(typ, name string, inputs resource.PropertyMap) string
	// Invokes answer function calls by token; a token not here answers empty.
	Invokes map[string]resource.PropertyMap
}

// Registration is one resource as the program registered it.
type Registration struct {
	// URN is built like the engine's: stack, project, the parent's type chain, type, name.
	URN string
	// Type and Name are the resource's type token and name.
	Type, Name string
	// Inputs are the inputs, with secrets as secret values.
	Inputs resource.PropertyMap
	// Version is the plugin version the registration asks for (pulumi.Version); "" for none.
	Version string
}

// Recorder is a pulumi.MockResourceMonitor that records registrations.
type Recorder struct {
	// Project and Stack go into URNs.
	Project, Stack string
	// Cloud answers registrations and invokes.
	Cloud Cloud

	mu   sync.Mutex
	regs []Registration
}

// NewResource records the registration and answers with its inputs plus the Cloud's
// outputs and ID.
func (r *Recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	state := args.Inputs.Copy()
	if r.Cloud.Outputs != nil {
		for k, v := range r.Cloud.Outputs(args.TypeToken, args.Name, args.Inputs) {
			state[k] = v
		}
	}
	id := args.Name + "-id"
	if r.Cloud.ID != nil {
		if v := r.Cloud.ID(args.TypeToken, args.Name, args.Inputs); v != "" {
			id = v
		}
	}
	parent, version := "", ""
	if args.RegisterRPC != nil {
		parent, version = args.RegisterRPC.GetParent(), args.RegisterRPC.GetVersion()
	}
	// The parent's URN carries its type chain: urn:pulumi:stack::project::chain::name.
	chain := args.TypeToken
	if parts := strings.Split(parent, "::"); len(parts) == 4 && !strings.HasSuffix(parts[2], "pulumi:pulumi:Stack") {
		chain = parts[2] + "$" + args.TypeToken
	}
	urn := fmt.Sprintf("urn:pulumi:%s::%s::%s::%s", r.Stack, r.Project, chain, args.Name)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.regs = append(r.regs, Registration{URN: urn, Type: args.TypeToken, Name: args.Name, Inputs: args.Inputs, Version: version})
	return id, state, nil
}

// Call answers an invoke from the Cloud's Invokes.
func (r *Recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if out, ok := r.Cloud.Invokes[args.Token]; ok {
		return out, nil
	}
	return resource.PropertyMap{}, nil
}

// Registrations are the recorded resources, by URN.
func (r *Recorder) Registrations() map[string]Registration {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]Registration, len(r.regs))
	for _, g := range r.regs {
		out[g.URN] = g
	}
	return out
}

// ByType returns the registrations of a type, by name.
func (r *Recorder) ByType(typ string) map[string]Registration {
	out := map[string]Registration{}
	for _, g := range r.Registrations() {
		if g.Type == typ {
			out[g.Name] = g
		}
	}
	return out
}

// RunE runs prog under a fresh Recorder as an update and returns the recorder.
func RunE(project, stack string, cloud Cloud, prog func(*pulumi.Context) error) (*Recorder, error) {
	rec := &Recorder{Project: project, Stack: stack, Cloud: cloud}
	err := pulumi.RunErr(prog, pulumi.WithMocks(project, stack, rec), func(ri *pulumi.RunInfo) { ri.DryRun = false })
	return rec, err
}

// Run is RunE that fails the test on error.
func Run(t *testing.T, project, stack string, cloud Cloud, prog func(*pulumi.Context) error) *Recorder {
	t.Helper()
	rec, err := RunE(project, stack, cloud, prog)
	if err != nil {
		t.Fatalf("running the program: %v", err)
	}
	return rec
}

// KubernetesProviderType is the type token of the kubernetes provider.
const KubernetesProviderType = "pulumi:providers:kubernetes"

// AssertKubeconfigChangeIsAnUpdate compares two runs of the same program whose cloud
// answered with different credentials: the kubernetes provider must keep its URN and its
// clusterIdentifier while its kubeconfig changed, and every object deployed through it
// must keep its URN and inputs. With a stable clusterIdentifier, Pulumi then updates the
// provider in place instead of replacing it and every object it deployed.
func AssertKubeconfigChangeIsAnUpdate(t *testing.T, before, after *Recorder, providerName string) {
	t.Helper()
	p1, ok1 := before.ByType(KubernetesProviderType)[providerName]
	p2, ok2 := after.ByType(KubernetesProviderType)[providerName]
	if !ok1 || !ok2 {
		t.Fatalf("kubernetes provider %q: registered before %v, after %v; want both", providerName, ok1, ok2)
	}
	if p1.URN != p2.URN {
		t.Errorf("provider URN changed: %s -> %s", p1.URN, p2.URN)
	}
	id1, id2 := p1.Inputs["clusterIdentifier"], p2.Inputs["clusterIdentifier"]
	if id1.IsNull() || !id1.DeepEquals(id2) {
		t.Errorf("clusterIdentifier: before %v, after %v; want one stable, set value", id1, id2)
	}
	if p1.Inputs["kubeconfig"].DeepEquals(p2.Inputs["kubeconfig"]) {
		t.Errorf("kubeconfig did not change (%v): the test would prove nothing", p1.Inputs["kubeconfig"])
	}
	objects := func(rec *Recorder) map[string]Registration {
		out := map[string]Registration{}
		for urn, g := range rec.Registrations() {
			if strings.HasPrefix(g.Type, "kubernetes:") {
				out[urn] = g
			}
		}
		return out
	}
	o1, o2 := objects(before), objects(after)
	if len(o1) == 0 {
		t.Fatal("no kubernetes objects registered: the test would prove nothing")
	}
	var urns []string
	for urn := range o1 {
		urns = append(urns, urn)
	}
	sort.Strings(urns)
	for _, urn := range urns {
		g2, ok := o2[urn]
		switch {
		case !ok:
			t.Errorf("object %s is gone after the kubeconfig change", urn)
		case !o1[urn].Inputs.DeepEquals(g2.Inputs):
			t.Errorf("object %s inputs changed: %v -> %v", urn, o1[urn].Inputs, g2.Inputs)
		}
	}
	if len(o2) != len(o1) {
		t.Errorf("objects: %d before, %d after", len(o1), len(o2))
	}
}
