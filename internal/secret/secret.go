package secret

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Ref names a project config key that holds a secret value.
type Ref string

// Placeholder is the value a missing or undecryptable secret takes in an offline plan.
// It is always wrapped as a Pulumi secret, so it never appears in a plan either.
const Placeholder = "[redacted placeholder]"

// Value is one secret as read from the stack: whether it was set, whether it was
// stored encrypted, and its plain value when the engine could decrypt it.
type Value struct {
	// Set is true when the config key exists in the stack.
	Set bool
	// Secure is true when the config key is stored encrypted (`secure:` in the file).
	Secure bool
	// Plain is the decrypted value; empty in an offline plan.
	Plain string
}

// Store resolves Refs into Pulumi secret outputs.
type Store struct {
	values  map[Ref]Value
	offline bool
}

// NewStore returns a store over the given values. In offline mode a missing or
// undecryptable secret resolves to Placeholder instead of failing.
func NewStore(values map[Ref]Value, offline bool) *Store {
	if values == nil {
		values = map[Ref]Value{}
	}
	return &Store{values: values, offline: offline}
}

// Output returns r's value as a Pulumi secret. A missing secret is an error
// unless the store is offline, where it becomes Placeholder.
func (s *Store) Output(r Ref) (pulumi.StringOutput, error) {
	v := s.values[r]
	switch {
	case v.Set && v.Plain != "":
		return pulumi.ToSecret(pulumi.String(v.Plain)).(pulumi.StringOutput), nil
	case s.offline:
		return pulumi.ToSecret(pulumi.String(Placeholder)).(pulumi.StringOutput), nil
	default:
		return pulumi.StringOutput{}, fmt.Errorf("secret %q is not set: run `pulumi config set --secret %s <value>`", r, r)
	}
}

// Mark makes o a Pulumi secret as soon as its value is known. A value that is still
// unknown (a cloud-assigned value in a preview) has nothing to leak and stays
// unmarked: Pulumi's mock monitor cannot carry an unknown secret, so pulumi.ToSecret
// on such a value would break the offline plan. Use it for values read from stack
// references or invokes.
func Mark(o pulumi.StringOutput) pulumi.StringOutput {
	// Unsecret first: an input that is already a secret but unknown must lose the
	// mark until it has a value, which ApplyT then puts back.
	return pulumi.Unsecret(o).(pulumi.StringOutput).ApplyT(func(s string) pulumi.StringOutput {
		return pulumi.ToSecret(pulumi.String(s)).(pulumi.StringOutput)
	}).(pulumi.StringOutput)
}
