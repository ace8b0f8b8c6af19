package rules

import "strings"

// IDRetiredIngressNginx is the rule that flags the retired ingress-nginx controller in prod.
const IDRetiredIngressNginx = "K8S011"

// ChartIngressNginx is the ingress-nginx chart's name, as a Helm release names it
// (alone, or at the end of an oci:// reference).
const ChartIngressNginx = "ingress-nginx"

func init() {
	register(&Rule{
		ID:          IDRetiredIngressNginx,
		Description: "In prod, the edge is not the retired ingress-nginx controller (no releases or security fixes since March 2026).",
		Level:       Advisory,
		Remediation: "Set platform.edge: envoy-gateway (or istio) once the stack's releases and federation spokes can move (docs/platform.md, \"Moving off ingress-nginx\").",
		Types:       []string{TypeHelmRelease, TypeHelmChart},
		Resource:    checkRetiredIngressNginx,
	})
}

func checkRetiredIngressNginx(env *Env, r Resource) []Violation {
	if !env.isProdResource(r) {
		return nil
	}
	chart, ok := chartOf(r, ChartIngressNginx)
	if !ok {
		return nil
	}
	return []Violation{violation(r, "chart", "chart %q is ingress-nginx, retired in March 2026", chart)}
}

// chartOf is a Helm release's chart and whether it is the chart named name (alone,
// or at the end of an oci:// reference or repository path).
func chartOf(r Resource, name string) (string, bool) {
	chart, _ := r.Inputs["chart"].(string)
	return chart, chart == name || strings.HasSuffix(chart, "/"+name)
}
