package program

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/stacks"
)

// references are the stack references of one run, one StackReference resource per
// entry of stackReferences however many layers read it.
type references struct {
	ctx *pulumi.Context
	cfg *stacks.StackConfig
	m   map[string]*pulumi.StackReference
}

func newReferences(ctx *pulumi.Context, cfg *stacks.StackConfig) *references {
	return &references{ctx: ctx, cfg: cfg, m: map[string]*pulumi.StackReference{}}
}

// ReferenceResourceName is the name of the StackReference resource of the
// stackReferences entry named name.
func ReferenceResourceName(name string) string { return "stackref-" + name }

// get returns the reference of the stackReferences entry named name.
func (r *references) get(name string) (*pulumi.StackReference, error) {
	if ref, ok := r.m[name]; ok {
		return ref, nil
	}
	sr := r.cfg.Reference(name)
	if sr == nil {
		return nil, fmt.Errorf("stack reference %q is not in stackReferences", name)
	}
	ref, err := pulumi.NewStackReference(r.ctx, ReferenceResourceName(name), &pulumi.StackReferenceArgs{Name: pulumi.String(sr.Stack)})
	if err != nil {
		return nil, fmt.Errorf("stack reference %q: %w", name, err)
	}
	r.m[name] = ref
	return ref, nil
}

// attach reads, for every cluster another stack builds (clusters[i].stackReference),
// that stack's connection, refuses a version it does not know, and fills the entry
// from it (cluster.Spec.Attached), so the config validates as if the cluster were
// declared here. It returns what each attach path needs, by cluster name. Reading is
// all it does: nothing is created.
func (r *references) attach() (map[string]cluster.Remote, error) {
	out := map[string]cluster.Remote{}
	var problems []error
	for i := range r.cfg.Clusters {
		spec := &r.cfg.Clusters[i]
		if !spec.Remote() {
			continue
		}
		ref, err := r.get(spec.StackReference)
		if err != nil {
			return nil, err
		}
		prefix := cluster.ExportPrefix(spec.Name)
		d, err := ref.GetOutputDetails(prefix + cluster.ExportConnection)
		if err != nil {
			return nil, fmt.Errorf("clusters[%d]: reading %s%s of stack reference %q: %w", i, prefix, cluster.ExportConnection, spec.StackReference, err)
		}
		v := d.Value
		if v == nil {
			v = d.SecretValue
		}
		c, err := cluster.ParseContract(spec.Name, v)
		if err != nil {
			problems = append(problems, fmt.Errorf("clusters[%d].stackReference: %s (%s): %w", i, spec.StackReference, r.cfg.Reference(spec.StackReference).Stack, err))
			continue
		}
		spec.Attached(c)
		out[spec.Name] = cluster.Remote{
			Contract:   c,
			Outputs:    ref.GetOutput(pulumi.String(prefix + cluster.ExportOutputs)).ApplyT(toStringMap).(pulumi.StringMapOutput),
			Kubeconfig: pulumi.ToSecret(ref.GetStringOutput(pulumi.String(prefix + cluster.ExportKubeconfig))).(pulumi.StringOutput),
		}
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return out, nil
}

// toStringMap reads a map output of a stack reference as strings ("" for a value that
// is not one).
func toStringMap(v any) map[string]string {
	out := map[string]string{}
	m, _ := v.(map[string]any)
	for k, x := range m {
		s, _ := x.(string)
		out[k] = s
	}
	return out
}

// contractExports are a cluster stack's exports of one built cluster: its connection
// (plain), the cloud-assigned outputs and the kubeconfig (a secret).
func contractExports(spec cluster.Spec, stack string, conn *cluster.Connection) (map[string]pulumi.Output, error) {
	v, err := cluster.ContractOf(spec, stack, conn).Value()
	if err != nil {
		return nil, err
	}
	outputs := pulumi.StringMap{
		cluster.OutputClusterName:       conn.ClusterName,
		cluster.OutputClusterIdentifier: conn.ClusterIdentifier,
		cluster.OutputOIDCIssuer:        conn.OIDCIssuer,
		cluster.OutputKubernetesVersion: conn.KubernetesVersion,
	}
	for k, o := range conn.Outputs {
		outputs[k] = o
	}
	p := cluster.ExportPrefix(spec.Name)
	return map[string]pulumi.Output{
		p + cluster.ExportConnection: v.ToMapOutput(),
		p + cluster.ExportOutputs:    outputs.ToStringMapOutput(),
	}, nil
}
