package rules

import "testing"

var (
	chaosProd   = res("kubernetes:chaos-mesh.org/v1alpha1:Schedule", "prod-kill", `{"metadata": {"name": "shop-chaos-kill", "namespace": "shop-prod"}}`)
	chaosQA     = res("kubernetes:chaos-mesh.org/v1alpha1:Schedule", "qa-kill", `{"metadata": {"name": "shop-chaos-kill", "namespace": "shop-qa"}}`)
	chaosDirect = res("kubernetes:chaos-mesh.org/v1alpha1:PodChaos", "prod-direct", `{"metadata": {"name": "once", "namespace": "shop-prod"}}`)
	chaosAllow  = ConfigResource("fleetform", "prod", map[string]any{StackSettingsKey: map[string]any{"chaosInProduction": true}}, nil)
	chaosDeny   = ConfigResource("fleetform", "prod", map[string]any{StackSettingsKey: map[string]any{"chaosInProduction": false}}, nil)
)

var chaosCases = record([]ruleCase{
	{name: "experiment in a prod namespace", rule: IDChaosInProduction, stack: "dev",
		resources: []Resource{namespace("shop-prod", "prod"), namespace("shop-qa", "qa"), chaosProd, chaosQA, chaosDirect},
		want:      []string{at(chaosProd, ""), at(chaosDirect, "")}},
	{name: "experiment in qa only", rule: IDChaosInProduction, stack: "dev",
		resources: []Resource{namespace("shop-qa", "qa"), chaosQA}},
	{name: "a prod stack without tier labels", rule: IDChaosInProduction,
		resources: []Resource{chaosQA}, want: []string{at(chaosQA, "")}},
	{name: "allowed explicitly", rule: IDChaosInProduction,
		resources: []Resource{namespace("shop-prod", "prod"), chaosProd, chaosAllow}},
	{name: "set to false", rule: IDChaosInProduction,
		resources: []Resource{namespace("shop-prod", "prod"), chaosProd, chaosDeny}, want: []string{at(chaosProd, "")}},
})

func TestChaosRule(t *testing.T) { runCases(t, chaosCases) }
