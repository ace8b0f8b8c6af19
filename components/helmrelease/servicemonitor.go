package helmrelease

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/internal/labels"
)

// ServiceMonitor is a ServiceMonitor an addon makes beside its chart, instead of
// the chart's own: the chart's would make the addon's install wait for
// kube-prometheus-stack's CRD, while only this object needs it.
type ServiceMonitor struct {
	// Name and Namespace place the object.
	Name      string
	Namespace pulumi.StringInput
	// Selector matches the labels of the addon's metrics Service.
	Selector map[string]any
	// Port names the Service port to scrape every 30 s.
	Port string
	// MonitoringReady is what the object waits for (the CRD); optional.
	MonitoringReady pulumi.Resource
}

// NewServiceMonitor registers m as the resource name.
func NewServiceMonitor(ctx *pulumi.Context, name string, m ServiceMonitor, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	if m.MonitoringReady != nil {
		opts = append(opts, pulumi.DependsOn([]pulumi.Resource{m.MonitoringReady}))
	}
	return apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("monitoring.coreos.com/v1"),
		Kind:       pulumi.String("ServiceMonitor"),
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(m.Name),
			Namespace: m.Namespace,
			Labels:    pulumi.ToStringMap(labels.Managed()),
		},
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"selector":  map[string]any{"matchLabels": m.Selector},
			"endpoints": []any{map[string]any{"port": m.Port, "interval": "30s"}},
		}},
	}, opts...)
}
