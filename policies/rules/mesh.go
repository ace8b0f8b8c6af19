package rules

import "fmt"

// IDMeshStrictMTLS is the rule that asks for strict mTLS in prod's meshed namespaces.
const IDMeshStrictMTLS = "K8S012"

// TypePeerAuthentication is Istio's mTLS policy, made with apiextensions.CustomResource.
const TypePeerAuthentication = "kubernetes:security.istio.io/v1:PeerAuthentication"

func init() {
	register(&Rule{
		ID:          IDMeshStrictMTLS,
		Description: "In prod, a meshed namespace's PeerAuthentication is STRICT, on every port: plain text to its pods is refused.",
		Level:       Advisory,
		Remediation: "Set environments[i].mesh.mtls: strict (the default) once the namespace's clients are all in the mesh (docs/environments.md, \"Mesh\").",
		Types:       []string{TypePeerAuthentication},
		Resource:    checkMeshStrictMTLS,
	})
}

func checkMeshStrictMTLS(env *Env, r Resource) []Violation {
	if !env.isProdResource(r) {
		return nil
	}
	var out []Violation
	if mode := getString(r.Inputs, "spec", "mtls", "mode"); mode != "STRICT" {
		shown := mode
		if shown == "" {
			shown = "unset (inherited, PERMISSIVE unless the mesh says otherwise)"
		}
		out = append(out, violation(r, "spec.mtls.mode", "mTLS mode is %s, not STRICT", shown))
	}
	for port, v := range getMap(r.Inputs, "spec", "portLevelMtls") {
		m, _ := v.(map[string]any)
		if mode, _ := m["mode"].(string); mode != "STRICT" {
			out = append(out, violation(r, fmt.Sprintf("spec.portLevelMtls.%s.mode", port), "port %s accepts plain text (mode %s)", port, mode))
		}
	}
	return out
}
