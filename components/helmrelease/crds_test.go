package helmrelease

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestRetainCRDs: the chart's transform keeps CRDs on delete and leaves every other
// child (a ValidatingAdmissionPolicy the chart also renders) as it was.
func TestRetainCRDs(t *testing.T) {
	props := pulumi.Map{"metadata": pulumi.Map{"name": pulumi.String("gateways.gateway.networking.k8s.io")}}
	got := retainCRDs(context.Background(), &pulumi.ResourceTransformArgs{Custom: true, Type: TypeCRD, Name: "x:gateways", Props: props})
	if got == nil || !got.Opts.RetainOnDelete || got.Props["metadata"] == nil {
		t.Fatalf("CRD: got %+v, want RetainOnDelete with the props kept", got)
	}
	if got := retainCRDs(context.Background(), &pulumi.ResourceTransformArgs{Custom: true, Type: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy"}); got != nil {
		t.Errorf("a ValidatingAdmissionPolicy was transformed: %+v", got)
	}
}
