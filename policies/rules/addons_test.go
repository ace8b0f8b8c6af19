package rules

import "testing"

func eksAddon(name, inputs string) Resource { return res(TypeEKSAddon, name, inputs) }

var addonCases = record([]ruleCase{
	{name: "pinned", rule: IDEKSAddonVersion, resources: []Resource{eksAddon("coredns", `{"addonName": "coredns", "addonVersion": "v1.14.3-eksbuild.3"}`)}},
	{name: "unknown version is not judged", rule: IDEKSAddonVersion, resources: []Resource{eksAddon("coredns", `{"addonName": "coredns", "addonVersion": "[unknown]"}`)}},
	{name: "unpinned", rule: IDEKSAddonVersion, resources: []Resource{eksAddon("snap", `{"addonName": "snapshot-controller"}`)},
		want: []string{at(eksAddon("snap", ""), "addonVersion")}},
	{name: "empty version", rule: IDEKSAddonVersion, resources: []Resource{eksAddon("kp", `{"addonName": "kube-proxy", "addonVersion": ""}`)},
		want: []string{at(eksAddon("kp", ""), "addonVersion")}},
})

func TestAddonRules(t *testing.T) { runCases(t, addonCases) }
