package rules

import "testing"

// protected returns r with the protect option set.
func protected(r Resource) Resource { r.Protect = true; return r }

var (
	stateEKS    = res(TypeEKSCluster, "c-eks", `{"tags": {"fleetform:environment": "prod"}}`)
	stateDevEKS = res(TypeEKSCluster, "d-eks", `{"tags": {"fleetform:environment": "dev"}}`)
	stateLoki   = res(TypeHelmRelease, "c-loki", `{"chart": "loki"}`)
	stateNginx  = res(TypeHelmRelease, "c-nginx", `{"chart": "ingress-nginx"}`)
	stateNodes  = res(TypeEKSNodeGroup, "c-pool", `{"tags": {"fleetform:environment": "prod"}}`)
	liftedCfg   = ConfigResource("fleetform", "prod", map[string]any{StackSettingsKey: map[string]any{"protect": false}}, nil)
	keptCfg     = ConfigResource("fleetform", "prod", map[string]any{StackSettingsKey: map[string]any{"protect": true}}, nil)
)

var protectCases = record([]ruleCase{
	{name: "protected", rule: IDProtected, resources: []Resource{protected(stateEKS), protected(stateLoki), stateNginx, stateNodes}},
	{name: "unprotected cluster and volume release", rule: IDProtected, resources: []Resource{stateEKS, stateLoki, stateNginx, stateNodes},
		want: []string{at(stateEKS, ""), at(stateLoki, "")}},
	{name: "dev resource", rule: IDProtected, resources: []Resource{stateDevEKS}},
	{name: "dev stack", rule: IDProtected, stack: "dev", resources: []Resource{stateLoki}},
	{name: "lifted explicitly", rule: IDProtected, resources: []Resource{stateEKS, stateLoki, liftedCfg}},
	{name: "protect true in the file", rule: IDProtected, resources: []Resource{stateEKS, keptCfg}, want: []string{at(stateEKS, "")}},
})

func TestProtectRule(t *testing.T) { runCases(t, protectCases) }
