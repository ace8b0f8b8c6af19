package plan

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// thing is a custom resource for tests; its props are whatever the test passes.
type thing struct{ pulumi.CustomResourceState }

type component struct{ pulumi.ResourceState }

func register(ctx *pulumi.Context, name string, props pulumi.Map, opts ...pulumi.ResourceOption) *thing {
	var r thing
	if err := ctx.RegisterResource("test:index:Thing", name, props, &r, opts...); err != nil {
		panic(err)
	}
	return &r
}

func TestRunRecordsResources(t *testing.T) {
	p, mon, err := Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		var c component
		if err := ctx.RegisterComponentResource("test:index:Group", "group", &c); err != nil {
			return nil, err
		}
		a := register(ctx, "a", pulumi.Map{
			"plain":  pulumi.String("v"),
			"secret": pulumi.ToSecret(pulumi.String("hunter2")),
			"nested": pulumi.Map{"list": pulumi.Array{pulumi.Int(1), pulumi.ToSecret(pulumi.String("hunter2"))}},
		}, pulumi.Parent(&c))
		// b's input comes from a's ID, which the cloud assigns: unknown in a preview.
		b := register(ctx, "b", pulumi.Map{"ref": a.ID().ToStringOutput()}, pulumi.Parent(&c), pulumi.DependsOn([]pulumi.Resource{a}))
		return map[string]pulumi.Output{
			"plain":   pulumi.String("out").ToStringOutput(),
			"secret":  pulumi.ToSecret(pulumi.String("hunter2")),
			"unknown": b.ID().ToStringOutput(),
		}, nil
	}, Options{Project: "proj", Stack: "dev", Warnings: []string{"w2", "w1", "w1"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := mon.Registrations(); got != 3 {
		t.Errorf("registrations = %d, want 3", got)
	}
	if len(p.Resources) != 4 || len(p.ByType("pulumi:pulumi:Stack")) != 1 {
		t.Fatalf("resources: %+v", p.Resources)
	}
	group := p.ByType("test:index:Group")[0]
	a := p.Find("urn:pulumi:dev::proj::test:index:Group$test:index:Thing::a")
	b := p.Find("urn:pulumi:dev::proj::test:index:Group$test:index:Thing::b")
	if a == nil || b == nil {
		t.Fatalf("children not found under their component's URN: %+v", p.Resources)
	}
	if a.Parent != group.URN || !a.Custom || group.Custom {
		t.Errorf("a: parent %q custom %v; group custom %v", a.Parent, a.Custom, group.Custom)
	}
	if a.Inputs["plain"] != "v" || a.Inputs["secret"] != Secret {
		t.Errorf("a inputs = %v", a.Inputs)
	}
	list := a.Inputs["nested"].(map[string]any)["list"].([]any)
	if list[0] != float64(1) || list[1] != Secret {
		t.Errorf("nested secret not redacted: %v", list)
	}
	if b.Inputs["ref"] != Unknown {
		t.Errorf("b.ref = %v, want %s", b.Inputs["ref"], Unknown)
	}
	if len(b.Dependencies) != 1 || b.Dependencies[0] != a.URN {
		t.Errorf("b deps = %v, want [%s]", b.Dependencies, a.URN)
	}
	if p.Outputs["plain"] != "out" || p.Outputs["secret"] != Secret || p.Outputs["unknown"] != Unknown {
		t.Errorf("outputs = %v", p.Outputs)
	}
	if strings.Join(p.Warnings, ",") != "w1,w2" {
		t.Errorf("warnings = %v, want sorted and unique", p.Warnings)
	}
	js, _ := p.Marshal()
	if bytes.Contains(js, []byte("hunter2")) {
		t.Fatal("a secret value reached the plan JSON")
	}
}

func TestStackReferences(t *testing.T) {
	dev := &Plan{Version: FormatVersion, Outputs: map[string]any{"host": "harbor.dev", "token": Secret, "later": Unknown}}
	prog := func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		ref, err := pulumi.NewStackReference(ctx, "dev", &pulumi.StackReferenceArgs{Name: pulumi.String("org/proj/dev")})
		if err != nil {
			return nil, err
		}
		return map[string]pulumi.Output{
			"host":  ref.GetStringOutput(pulumi.String("host")),
			"token": ref.GetStringOutput(pulumi.String("token")),
			"later": ref.GetStringOutput(pulumi.String("later")),
		}, nil
	}
	p, _, err := Run(prog, Options{Project: "proj", Stack: "prod", References: map[string]*Plan{"org/proj/dev": dev}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Outputs["host"] != "harbor.dev" || p.Outputs["token"] != Secret || p.Outputs["later"] != Unknown {
		t.Errorf("answered outputs = %v", p.Outputs)
	}
	if refs := p.ByType(StackReferenceType); len(refs) != 1 || !refs[0].Read {
		t.Errorf("stack reference not recorded as a read: %+v", refs)
	}
	p, _, err = Run(prog, Options{Project: "proj", Stack: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Outputs["host"] != Unknown || len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "--ref org/proj/dev=FILE") {
		t.Errorf("unanswered: outputs %v warnings %v", p.Outputs, p.Warnings)
	}
}

func TestPrintTree(t *testing.T) {
	p := &Plan{Resources: []Resource{
		{URN: "s", Type: "pulumi:pulumi:Stack", Name: "proj-dev"},
		{URN: "c", Type: "test:index:Group", Name: "group", Parent: "s"},
		{URN: "x", Type: "test:index:Thing", Name: "b", Parent: "c", Custom: true},
		{URN: "y", Type: "test:index:Thing", Name: "a", Parent: "c", Custom: true},
		{URN: "r", Type: StackReferenceType, Name: "dev", Parent: "s", Read: true},
	}, Warnings: []string{"careful"}}
	p.Sort()
	var b bytes.Buffer
	p.PrintTree(&b)
	// The whole output: nesting, siblings by type then name, aligned columns, counts.
	want := `     Type                             Name
  +  pulumi:pulumi:Stack              proj-dev
  >  ├─ pulumi:pulumi:StackReference  dev
  +  └─ test:index:Group              group
  +     ├─ test:index:Thing           a
  +     └─ test:index:Thing           b

Resources:
    + 4 to create
    > 1 to read

By type:
    pulumi:pulumi:Stack           1
    pulumi:pulumi:StackReference  1
    test:index:Group              1
    test:index:Thing              2

Warnings:
    warning: careful
`
	if got := b.String(); got != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got, want)
	}
}

func TestCompare(t *testing.T) {
	old := &Plan{Stack: "dev", Resources: []Resource{
		{URN: "a", Type: "t", Name: "a", Provider: "p1", Inputs: map[string]any{"spec": map[string]any{"replicas": 2.0, "ports": []any{80.0}}, "metadata": map[string]any{"labels": map[string]any{"app.kubernetes.io/name": "x"}}}},
		{URN: "gone", Type: "t", Name: "gone"},
	}, Outputs: map[string]any{"o": "1"}}
	cur := &Plan{Stack: "dev", Resources: []Resource{
		{URN: "a", Type: "t", Name: "a", Provider: "p2", Inputs: map[string]any{"spec": map[string]any{"replicas": 3.0, "ports": []any{80.0, 443.0}}, "metadata": map[string]any{"labels": map[string]any{"app.kubernetes.io/name": "y"}}}},
		{URN: "new", Type: "t", Name: "new"},
	}, Outputs: map[string]any{"o": "2"}}
	d := Compare(old, cur)
	if len(d.Added) != 1 || len(d.Removed) != 1 || len(d.Changed) != 1 || len(d.Outputs) != 1 {
		t.Fatalf("diff = %+v", d)
	}
	var paths []string
	for _, pc := range d.Changed[0].Properties {
		paths = append(paths, pc.Path)
	}
	want := `(provider),metadata.labels["app.kubernetes.io/name"],spec.ports,spec.replicas`
	if got := strings.Join(paths, ","); got != want {
		t.Errorf("changed paths = %s, want %s", got, want)
	}
	if !Compare(old, old).Empty() {
		t.Error("a plan differs from itself")
	}
	var md bytes.Buffer
	d.WriteMarkdown(&md)
	if !strings.Contains(md.String(), "| `spec.replicas` | `2` | `3` |") {
		t.Errorf("markdown:\n%s", md.String())
	}
}
