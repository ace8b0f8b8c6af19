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

var meshCases = record([]ruleCase{
	{name: "strict in prod", rule: IDMeshStrictMTLS, resources: []Resource{
		res(TypePeerAuthentication, "pa", `{"metadata": {"name": "default"}, "spec": {"mtls": {"mode": "STRICT"}}}`)}},
	{name: "permissive in prod", rule: IDMeshStrictMTLS, resources: []Resource{
		res(TypePeerAuthentication, "pa", `{"metadata": {"name": "default"}, "spec": {"mtls": {"mode": "PERMISSIVE"}}}`)},
		want: []string{at(res(TypePeerAuthentication, "pa", ""), "spec.mtls.mode")}},
	{name: "a plain-text port in prod", rule: IDMeshStrictMTLS, resources: []Resource{
		res(TypePeerAuthentication, "pa", `{"spec": {"mtls": {"mode": "STRICT"}, "portLevelMtls": {"9090": {"mode": "DISABLE"}}}}`)},
		want: []string{at(res(TypePeerAuthentication, "pa", ""), "spec.portLevelMtls.9090.mode")}},
	{name: "permissive in dev", rule: IDMeshStrictMTLS, stack: "dev", resources: []Resource{
		res(TypePeerAuthentication, "pa", `{"spec": {"mtls": {"mode": "PERMISSIVE"}}}`)}},
})

func TestMeshRules(t *testing.T) { runCases(t, meshCases) }
