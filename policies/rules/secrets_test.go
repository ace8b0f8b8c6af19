package rules

import (
	"strings"
	"testing"
)

func configRes(kv map[string]any, secretKeys ...string) Resource {
	return ConfigResource("fleetform", "prod", kv, secretKeys)
}

var secretCases = record([]ruleCase{
	// SEC001
	{name: "secret password, existingSecret reference, boolean token flag", rule: IDHelmValueSecret, resources: []Resource{
		res(TypeHelmRelease, "grafana", `{"values": {"grafana": {"adminPassword": "[secret]", "admin": {"existingSecret": "grafana-admin"}},
		  "serviceAccount": {"automountServiceAccountToken": true}, "tls": {"secretName": "x-tls"},
		  "alertmanager": {"alertmanagerSpec": {"configSecret": "alertmanager-config"}}}}`)}},
	{name: "plain admin password", rule: IDHelmValueSecret, resources: []Resource{
		res(TypeHelmChart, "harbor", `{"values": {"harborAdminPassword": "Harbor12345", "core": {"secret": "[secret]"}}}`)},
		want: []string{at(res(TypeHelmChart, "harbor", ""), "values.harborAdminPassword")}},
	{name: "webhook token in an alertmanager URL", rule: IDHelmValueSecret, resources: []Resource{
		res(TypeHelmRelease, "kps", `{"values": {"alertmanager": {"config": {"receivers": [{"webhook_configs": [{"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"}]}]}}}}`)},
		want: []string{at(res(TypeHelmRelease, "kps", ""), "values.alertmanager.config.receivers[0].webhook_configs[0].url")}},
	// SEC002
	{name: "refs to secure keys", rule: IDConfigSecret, resources: []Resource{configRes(map[string]any{
		"fleetform:platform":             map[string]any{"monitoring": map[string]any{"grafanaAdminPassword": "grafanaAdminPassword"}},
		"fleetform:grafanaAdminPassword": "v1:abc",
		"aws:region":                     "us-east-1",
	}, "fleetform:grafanaAdminPassword")}},
	{name: "provider secret key in plain text", rule: IDConfigSecret, resources: []Resource{configRes(map[string]any{
		"alicloud:secretKey": "abcdEFGH1234", "alicloud:accessKey": "[secret]"})},
		want: []string{at(configRes(nil), "alicloud:secretKey")}},
	{name: "ref names a plain key", rule: IDConfigSecret, resources: []Resource{configRes(map[string]any{
		"fleetform:platform":            map[string]any{"harbor": map[string]any{"adminPassword": "harborAdminPassword"}},
		"fleetform:harborAdminPassword": "Harbor12345"})},
		want: []string{at(configRes(nil), "fleetform:platform.harbor.adminPassword"), at(configRes(nil), "fleetform:harborAdminPassword")}},
	{name: "password pasted where a ref belongs", rule: IDConfigSecret, resources: []Resource{configRes(map[string]any{
		"fleetform:platform": map[string]any{"monitoring": map[string]any{"receivers": []any{map[string]any{"email": map[string]any{"authPassword": "s3cr3t!pw"}}}}}})},
		want: []string{at(configRes(nil), "fleetform:platform.monitoring.receivers[0].email.authPassword")}},
	{name: "AWS key in structured config", rule: IDConfigSecret, resources: []Resource{configRes(map[string]any{
		"fleetform:clusters": []any{map[string]any{"tags": map[string]any{"owner": "AKIAABCDEFGHIJKLMNOP"}}}})},
		want: []string{at(configRes(nil), "fleetform:clusters[0].tags.owner")}},
	// SEC003
	{name: "secret data", rule: IDSecretData, resources: []Resource{res(TypeSecret, "s", `{"data": "[secret]", "stringData": {"a": "[secret]"}}`)}},
	{name: "plain stringData", rule: IDSecretData, resources: []Resource{res(TypeSecret, "s", `{"stringData": {"a": "[secret]", "password": "hunter2"}}`)},
		want: []string{at(res(TypeSecret, "s", ""), "stringData.password")}},
	// SEC004
	{name: "env from secretKeyRef", rule: IDEnvSecret, resources: []Resource{withPod(TypeRollout, "a", "qa", goodPod)}},
	{name: "literal API token", rule: IDEnvSecret, resources: []Resource{withPod(TypeRollout, "a", "qa",
		strings.Replace(goodPod, `{"name": "LOG_LEVEL", "value": "info"}`, `{"name": "LOG_LEVEL", "value": "info"}, {"name": "API_TOKEN", "value": "abc123"}`, 1))},
		want: []string{at(withPod(TypeRollout, "a", "qa", goodPod), c0+".env[2].value")}},
})

func TestSecretRules(t *testing.T) { runCases(t, secretCases) }
