package rules

import "testing"

var edgeCases = record([]ruleCase{
	{name: "ingress-nginx in prod", rule: IDRetiredIngressNginx, resources: []Resource{
		res(TypeHelmRelease, "nginx", `{"chart": "ingress-nginx", "namespace": "ingress-nginx"}`)},
		want: []string{at(res(TypeHelmRelease, "nginx", ""), "chart")}},
	{name: "ingress-nginx from an OCI mirror in prod", rule: IDRetiredIngressNginx, resources: []Resource{
		res(TypeHelmRelease, "nginx", `{"chart": "oci://harbor.example.com/charts/ingress-nginx"}`)},
		want: []string{at(res(TypeHelmRelease, "nginx", ""), "chart")}},
	{name: "ingress-nginx in dev", rule: IDRetiredIngressNginx, stack: "dev", resources: []Resource{
		res(TypeHelmRelease, "nginx", `{"chart": "ingress-nginx"}`)}},
	{name: "envoy gateway in prod", rule: IDRetiredIngressNginx, resources: []Resource{
		res(TypeHelmRelease, "eg", `{"chart": "oci://docker.io/envoyproxy/gateway-helm"}`)}},
	{name: "a lookalike chart name", rule: IDRetiredIngressNginx, resources: []Resource{
		res(TypeHelmRelease, "x", `{"chart": "my-ingress-nginx-dashboards"}`)}},
})

func TestEdgeRules(t *testing.T) { runCases(t, edgeCases) }
