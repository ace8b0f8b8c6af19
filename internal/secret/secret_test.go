package secret

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

type mocks struct {
	inputs map[string]resource.PropertyMap
}

func (m *mocks) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.inputs[a.Name] = a.Inputs
	return "", a.Inputs, nil
}
func (m *mocks) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

func await(t *testing.T, ctx *pulumi.Context, o pulumi.Output) internals.UnsafeAwaitOutputResult {
	t.Helper()
	r, err := internals.UnsafeAwaitOutput(ctx.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestStore(t *testing.T) {
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		online := NewStore(map[Ref]Value{"set": {Set: true, Secure: true, Plain: "s3cret"}}, false)
		o, err := online.Output("set")
		if err != nil {
			t.Fatal(err)
		}
		if r := await(t, ctx, o); !r.Secret || r.Value != "s3cret" {
			t.Errorf("set secret: %+v, want secret s3cret", r)
		}
		if _, err := online.Output("missing"); err == nil || !strings.Contains(err.Error(), "pulumi config set --secret missing") {
			t.Errorf("missing secret online: %v", err)
		}
		offline := NewStore(map[Ref]Value{"encrypted": {Set: true, Secure: true}}, true)
		for _, r := range []Ref{"encrypted", "missing"} {
			o, err := offline.Output(r)
			if err != nil {
				t.Fatal(err)
			}
			if v := await(t, ctx, o); !v.Secret || v.Value != Placeholder {
				t.Errorf("offline %s: %+v, want the secret placeholder", r, v)
			}
		}
		return nil
	}, pulumi.WithMocks("p", "s", &mocks{inputs: map[string]resource.PropertyMap{}}))
	if err != nil {
		t.Fatal(err)
	}
}

func TestMark(t *testing.T) {
	dryRun := func(info *pulumi.RunInfo) { info.DryRun = true }
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		known := Mark(pulumi.String("v").ToStringOutput())
		if r := await(t, ctx, known); !r.Secret || r.Value != "v" {
			t.Errorf("known: %+v, want secret v", r)
		}
		unknown := Mark(pulumi.UnsafeUnknownOutput(nil).ApplyT(func(any) string { return "" }).(pulumi.StringOutput))
		if r := await(t, ctx, unknown); r.Known || r.Secret {
			t.Errorf("unknown: %+v, want unknown and unmarked", r)
		}
		unknownSecret := Mark(pulumi.ToSecret(pulumi.UnsafeUnknownOutput(nil).ApplyT(func(any) string { return "" })).(pulumi.StringOutput))
		if r := await(t, ctx, unknownSecret); r.Known || r.Secret {
			t.Errorf("unknown secret: %+v, want unknown and unmarked", r)
		}
		knownSecret := Mark(pulumi.ToSecret(pulumi.String("k")).(pulumi.StringOutput))
		if r := await(t, ctx, knownSecret); !r.Secret || r.Value != "k" {
			t.Errorf("known secret: %+v, want secret k", r)
		}
		return nil
	}, pulumi.WithMocks("p", "s", &mocks{inputs: map[string]resource.PropertyMap{}}), dryRun)
	if err != nil {
		t.Fatal(err)
	}
}
