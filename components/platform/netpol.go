package platform

import (
	"fmt"

	"sort"

	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/tracing"
	"github.com/fleetform/fleetform/internal/labels"
)

// PolicyPlatformIngress names the NetworkPolicy that admits traffic into a platform
// namespace that serves something; whatever it does not admit is refused.
const PolicyPlatformIngress = "fleetform-platform-ingress"

// LabelNamespaceName is the label the API server sets on every namespace to its name.
const LabelNamespaceName = "kubernetes.io/metadata.name"

// Webhook ports the API server calls from outside the pod network (a managed control
// plane), so they are open to any source; the webhook's TLS and the API server's
// client certificate guard them.
const (
	// PrometheusOperatorWebhookPort is kube-prometheus-stack's prometheusOperator.tls.internalPort
	// (the PrometheusRule validating webhook).
	PrometheusOperatorWebhookPort = 10250
	// ECKWebhookPort is eck-operator's webhook.port (Elasticsearch and Kibana validation).
	ECKWebhookPort = 9443
)

// servedNamespace is who, besides its own pods, may reach a platform namespace.
type servedNamespace struct {
	// from are the namespaces whose pods may reach every port.
	from []string
	// anyNamespacePorts are ports any pod of any namespace may reach (receivers apps send to).
	anyNamespacePorts []int
	// anySourcePorts are ports open to any source, pods or not (webhooks the API server calls).
	anySourcePorts []int
}

// servedNamespaces lists, per namespace this platform made, who may reach it: the
// edge (what it routes to: Harbor, Grafana, federation, the Rollouts dashboard),
// Prometheus (scraping), and what each serves on top. Namespaces that only run
// controllers and webhooks (cert-manager, external-secrets, vpa, velero, karpenter)
// and the edge itself (it serves the world) get none.
func (b *builder) servedNamespaces() map[string]servedNamespace {
	edge := EdgeNamespace(b.spec.Edge)
	base := []string{edge, NamespaceMonitoring}
	out := map[string]servedNamespace{
		NamespaceHarbor: {from: base},
		// The Rollouts controller runs canary analysis against Prometheus.
		NamespaceMonitoring: {from: []string{edge, NamespaceRollouts}, anySourcePorts: []int{PrometheusOperatorWebhookPort}},
		// Grafana (monitoring) reads Loki and Elasticsearch.
		NamespaceLogging:  {from: base, anySourcePorts: []int{ECKWebhookPort}},
		NamespaceRollouts: {from: base},
		// Every release sends spans to the collector.
		NamespaceTracing: {from: base, anyNamespacePorts: []int{tracing.OTLPGRPCPort, tracing.OTLPHTTPPort}},
	}
	// Falcosidekick posts Falco's alerts to Alertmanager.
	if _, made := b.namespaceObjects[NamespaceFalco]; made {
		m := out[NamespaceMonitoring]
		m.from = append(m.from, NamespaceFalco)
		out[NamespaceMonitoring] = m
	}
	for ns := range out {
		if _, made := b.namespaceObjects[ns]; !made {
			delete(out, ns)
		}
	}
	return out
}

// networkPolicies gives each platform namespace that serves something an ingress
// NetworkPolicy admitting its own pods and servedNamespaces' sources only. Kubelet
// probes and hostNetwork pods (node-exporter) are not subject to it.
func (b *builder) networkPolicies() error {
	served := b.servedNamespaces()
	names := make([]string, 0, len(served))
	for ns := range served {
		names = append(names, ns)
	}
	sort.Strings(names)
	for _, ns := range names {
		s := served[ns]
		rules := networkingv1.NetworkPolicyIngressRuleArray{
			networkingv1.NetworkPolicyIngressRuleArgs{From: networkingv1.NetworkPolicyPeerArray{
				networkingv1.NetworkPolicyPeerArgs{PodSelector: &metav1.LabelSelectorArgs{}},
				networkingv1.NetworkPolicyPeerArgs{NamespaceSelector: namespacesNamed(s.from...)},
			}},
		}
		if len(s.anyNamespacePorts) > 0 {
			rules = append(rules, networkingv1.NetworkPolicyIngressRuleArgs{
				From:  networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{NamespaceSelector: &metav1.LabelSelectorArgs{}}},
				Ports: tcpPorts(s.anyNamespacePorts),
			})
		}
		if len(s.anySourcePorts) > 0 {
			rules = append(rules, networkingv1.NetworkPolicyIngressRuleArgs{Ports: tcpPorts(s.anySourcePorts)})
		}
		obj := b.namespaceObjects[ns]
		if _, err := networkingv1.NewNetworkPolicy(b.ctx, b.name+"-netpol-"+ns, &networkingv1.NetworkPolicyArgs{
			Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(PolicyPlatformIngress), Namespace: pulumi.String(ns),
				Labels: pulumi.StringMap{labels.ManagedBy: pulumi.String(labels.ManagedByFleetform)}},
			Spec: &networkingv1.NetworkPolicySpecArgs{
				PodSelector: metav1.LabelSelectorArgs{},
				PolicyTypes: pulumi.ToStringArray([]string{"Ingress"}),
				Ingress:     rules,
			},
		}, pulumi.Parent(b.c), pulumi.DependsOn([]pulumi.Resource{obj})); err != nil {
			return fmt.Errorf("network policy: %w", err)
		}
	}
	return nil
}

// namespacesNamed selects namespaces by the name label the API server sets.
func namespacesNamed(names ...string) *metav1.LabelSelectorArgs {
	return &metav1.LabelSelectorArgs{MatchExpressions: metav1.LabelSelectorRequirementArray{
		metav1.LabelSelectorRequirementArgs{
			Key: pulumi.String(LabelNamespaceName), Operator: pulumi.String("In"), Values: pulumi.ToStringArray(names),
		},
	}}
}

func tcpPorts(ports []int) networkingv1.NetworkPolicyPortArray {
	out := make(networkingv1.NetworkPolicyPortArray, len(ports))
	for i, p := range ports {
		out[i] = networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(p)}
	}
	return out
}
