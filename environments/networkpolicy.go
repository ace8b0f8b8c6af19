package environments

import (
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// NetworkPolicy policy types.
const (
	policyIngress = "Ingress"
	policyEgress  = "Egress"
)

// DNSPort is the port cluster DNS answers on, over UDP and TCP (large answers).
const DNSPort = 53

// allPods selects every pod of the namespace.
func allPods() metav1.LabelSelectorArgs { return metav1.LabelSelectorArgs{} }

// namespacesNamed selects namespaces by the name label the API server sets.
func namespacesNamed(names ...string) *metav1.LabelSelectorArgs {
	if len(names) == 1 {
		return &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{LabelNamespaceName: pulumi.String(names[0])}}
	}
	return &metav1.LabelSelectorArgs{MatchExpressions: metav1.LabelSelectorRequirementArray{
		metav1.LabelSelectorRequirementArgs{
			Key:      pulumi.String(LabelNamespaceName),
			Operator: pulumi.String("In"),
			Values:   pulumi.ToStringArray(names),
		},
	}}
}

// networkPolicies isolates the namespace: everything is denied, then each policy
// opens one documented path. NetworkPolicies are additive, so the union of these is
// exactly what is allowed; nothing else reaches in or out.
func (b *builder) networkPolicies() error {
	type policy struct {
		suffix, name string
		spec         *networkingv1.NetworkPolicySpecArgs
	}
	policies := []policy{
		{"netpol-deny", PolicyDefaultDeny, &networkingv1.NetworkPolicySpecArgs{
			PodSelector: allPods(),
			PolicyTypes: pulumi.ToStringArray([]string{policyIngress, policyEgress}),
		}},
		{"netpol-same-ns", PolicySameNamespace, &networkingv1.NetworkPolicySpecArgs{
			PodSelector: allPods(),
			PolicyTypes: pulumi.ToStringArray([]string{policyIngress, policyEgress}),
			Ingress: networkingv1.NetworkPolicyIngressRuleArray{networkingv1.NetworkPolicyIngressRuleArgs{
				From: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{PodSelector: &metav1.LabelSelectorArgs{}}},
			}},
			Egress: networkingv1.NetworkPolicyEgressRuleArray{networkingv1.NetworkPolicyEgressRuleArgs{
				To: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{PodSelector: &metav1.LabelSelectorArgs{}}},
			}},
		}},
		{"netpol-dns", PolicyDNS, &networkingv1.NetworkPolicySpecArgs{
			PodSelector: allPods(),
			PolicyTypes: pulumi.ToStringArray([]string{policyEgress}),
			Egress: networkingv1.NetworkPolicyEgressRuleArray{networkingv1.NetworkPolicyEgressRuleArgs{
				To: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{
					NamespaceSelector: namespacesNamed(NamespaceKubeSystem),
					PodSelector:       &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{LabelKubeDNS: pulumi.String(LabelKubeDNSValue)}},
				}},
				Ports: networkingv1.NetworkPolicyPortArray{
					networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("UDP"), Port: pulumi.Int(DNSPort)},
					networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(DNSPort)},
				},
			}},
		}},
	}
	ingressFrom := func(suffix, name string, namespaces ...string) policy {
		return policy{suffix, name, &networkingv1.NetworkPolicySpecArgs{
			PodSelector: allPods(),
			PolicyTypes: pulumi.ToStringArray([]string{policyIngress}),
			Ingress: networkingv1.NetworkPolicyIngressRuleArray{networkingv1.NetworkPolicyIngressRuleArgs{
				From: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{NamespaceSelector: namespacesNamed(namespaces...)}},
			}},
		}}
	}
	if ns := b.args.IngressNamespace; ns != "" {
		policies = append(policies, ingressFrom("netpol-ingress", PolicyIngressController, ns))
	}
	if ns := b.args.MonitoringNamespace; ns != "" {
		policies = append(policies, ingressFrom("netpol-monitoring", PolicyMonitoring, ns))
	}
	if len(b.spec.AllowFrom) > 0 {
		policies = append(policies, ingressFrom("netpol-allow-from", PolicyAllowFrom, b.spec.AllowFrom...))
	}
	if e := b.spec.Egress; len(e.Namespaces) > 0 || len(e.CIDRs) > 0 {
		var to networkingv1.NetworkPolicyPeerArray
		if len(e.Namespaces) > 0 {
			to = append(to, networkingv1.NetworkPolicyPeerArgs{NamespaceSelector: namespacesNamed(e.Namespaces...)})
		}
		for _, c := range e.CIDRs {
			to = append(to, networkingv1.NetworkPolicyPeerArgs{IpBlock: &networkingv1.IPBlockArgs{Cidr: pulumi.String(c)}})
		}
		policies = append(policies, policy{"netpol-egress", PolicyEgress, &networkingv1.NetworkPolicySpecArgs{
			PodSelector: allPods(),
			PolicyTypes: pulumi.ToStringArray([]string{policyEgress}),
			Egress:      networkingv1.NetworkPolicyEgressRuleArray{networkingv1.NetworkPolicyEgressRuleArgs{To: to}},
		}})
	}
	for _, p := range policies {
		_, err := networkingv1.NewNetworkPolicy(b.ctx, b.name+"-"+p.suffix, &networkingv1.NetworkPolicyArgs{
			Metadata: b.meta(p.name),
			Spec:     p.spec,
		}, b.opts...)
		if err != nil {
			return err
		}
	}
	return nil
}
