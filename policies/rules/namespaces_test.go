package rules

import "testing"

func quota(ns string) Resource {
	return res(TypeResourceQuota, "quota-"+ns, `{"metadata": {"namespace": "`+ns+`"}, "spec": {"hard": {"pods": "20"}}}`)
}

func limits(ns string) Resource {
	return res(TypeLimitRange, "limits-"+ns, `{"metadata": {"namespace": "`+ns+`"}, "spec": {"limits": [{"type": "Container"}]}}`)
}

func denyAll(ns string) Resource {
	return res(TypeNetworkPolicy, "deny-"+ns, `{"metadata": {"namespace": "`+ns+`"}, "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}`)
}

// onCluster moves a resource to another cluster's provider.
func onCluster(r Resource, provider string) Resource {
	r.Provider = provider
	r.URN += "-" + provider
	return r
}

var namespaceCases = record([]ruleCase{
	// ENV001
	{name: "namespace with quota; platform namespace exempt", rule: IDNamespaceQuota, resources: []Resource{
		namespace("qa", "qa"), quota("qa"), namespace("monitoring", "")}},
	{name: "quota on the other cluster only", rule: IDNamespaceQuota, resources: []Resource{
		namespace("prod", "prod"), onCluster(quota("prod"), "azure")},
		want: []string{at(namespace("prod", "prod"), "")}},
	{name: "quota whose namespace is not known yet", rule: IDNamespaceQuota, resources: []Resource{
		namespace("prod", "prod"), res(TypeResourceQuota, "q", `{"metadata": {"namespace": "[unknown]"}}`)}},
	// ENV002
	{name: "namespace with LimitRange", rule: IDNamespaceLimitRange, resources: []Resource{namespace("qa", "qa"), limits("qa")}},
	{name: "namespace without LimitRange", rule: IDNamespaceLimitRange, resources: []Resource{namespace("qa", "qa"), quota("qa")},
		want: []string{at(namespace("qa", "qa"), "")}},
	// ENV003
	{name: "one policy denies both ways", rule: IDNamespaceDefaultDeny, resources: []Resource{namespace("qa", "qa"), denyAll("qa")}},
	{name: "two policies, one per direction", rule: IDNamespaceDefaultDeny, resources: []Resource{namespace("qa", "qa"),
		res(TypeNetworkPolicy, "in", `{"metadata": {"namespace": "qa"}, "spec": {"podSelector": {}}}`),
		res(TypeNetworkPolicy, "out", `{"metadata": {"namespace": "qa"}, "spec": {"podSelector": {"matchLabels": {}}, "policyTypes": ["Egress"]}}`)}},
	{name: "ingress deny only", rule: IDNamespaceDefaultDeny, resources: []Resource{namespace("qa", "qa"),
		res(TypeNetworkPolicy, "in", `{"metadata": {"namespace": "qa"}, "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}`)},
		want: []string{at(namespace("qa", "qa"), "")}},
	{name: "allow rules are not a default deny", rule: IDNamespaceDefaultDeny, resources: []Resource{namespace("qa", "qa"),
		res(TypeNetworkPolicy, "dns", `{"metadata": {"namespace": "qa"}, "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"], "egress": [{"ports": [{"port": 53}]}]}}`),
		res(TypeNetworkPolicy, "app", `{"metadata": {"namespace": "qa"}, "spec": {"podSelector": {"matchLabels": {"app": "x"}}, "policyTypes": ["Ingress", "Egress"]}}`)},
		want: []string{at(namespace("qa", "qa"), "")}},
})

func TestNamespaceRules(t *testing.T) { runCases(t, namespaceCases) }
