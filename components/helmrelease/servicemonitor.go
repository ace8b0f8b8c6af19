package helmrelease

import (
	"errors"
	"fmt"

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
	// MonitoringReady is what the object waits for: the install that registers the
	// CRD. Required: without it the object could be sent before its CRD exists.
	MonitoringReady pulumi.Resource
}

// ErrNoMonitoringReady: a monitor was asked for with nothing to wait for, which
// would fail in a real up on the missing CRD; a monitor always waits for monitoring.
var ErrNoMonitoringReady = errors.New("a monitor needs the monitoring install to wait for (MonitoringReady is nil)")

// MonitorDependsOn is the option that makes a prometheus-operator object (a
// ServiceMonitor, PodMonitor or PrometheusRule) wait for ready, the monitoring
// install; it fails with ErrNoMonitoringReady on nil instead of dropping the wait.
func MonitorDependsOn(ready pulumi.Resource) (pulumi.ResourceOption, error) {
	if ready == nil {
		return nil, ErrNoMonitoringReady
	}
	return pulumi.DependsOn([]pulumi.Resource{ready}), nil
}

// NewServiceMonitor registers m as the resource name, waiting for m.MonitoringReady.
func NewServiceMonitor(ctx *pulumi.Context, name string, m ServiceMonitor, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	dep, err := MonitorDependsOn(m.MonitoringReady)
	if err != nil {
		return nil, fmt.Errorf("servicemonitor %s: %w", m.Name, err)
	}
	opts = append(opts, dep)
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
