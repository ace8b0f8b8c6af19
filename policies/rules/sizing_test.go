package rules

import "testing"

var sizingCases = record([]ruleCase{
	{name: "requests on every container in prod", rule: IDBestEffort, resources: []Resource{
		res(TypeDeployment, "ok", `{"spec": {"template": {"spec": {
			"initContainers": [{"name": "init", "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}}}],
			"containers": [{"name": "app", "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]}}}}`)}},
	{name: "BestEffort Deployment in prod", rule: IDBestEffort, resources: []Resource{
		res(TypeDeployment, "be", `{"spec": {"template": {"spec": {"containers": [{"name": "app"}]}}}}`)},
		want: []string{at(res(TypeDeployment, "be", ""), "spec.template.spec.containers[0].resources.requests")}},
	{name: "a sidecar without memory in a prod DaemonSet", rule: IDBestEffort, resources: []Resource{
		res(TypeDaemonSet, "ds", `{"spec": {"template": {"spec": {"containers": [
			{"name": "agent", "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}}},
			{"name": "sidecar", "resources": {"requests": {"cpu": "10m"}, "limits": {"memory": "64Mi"}}}]}}}}`)},
		want: []string{at(res(TypeDaemonSet, "ds", ""), "spec.template.spec.containers[1].resources.requests")}},
	{name: "an init container without requests in a prod StatefulSet", rule: IDBestEffort, resources: []Resource{
		res(TypeStatefulSet, "ss", `{"spec": {"template": {"spec": {
			"initContainers": [{"name": "chown"}],
			"containers": [{"name": "db", "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}}}]}}}}`)},
		want: []string{at(res(TypeStatefulSet, "ss", ""), "spec.template.spec.initContainers[0].resources.requests")}},
	{name: "BestEffort Rollout in prod", rule: IDBestEffort, resources: []Resource{
		res(TypeRollout, "ro", `{"spec": {"template": {"spec": {"containers": [{"name": "app", "resources": {}}]}}}}`)},
		want: []string{at(res(TypeRollout, "ro", ""), "spec.template.spec.containers[0].resources.requests")}},
	{name: "BestEffort Deployment in dev", rule: IDBestEffort, stack: "dev", resources: []Resource{
		res(TypeDeployment, "be", `{"spec": {"template": {"spec": {"containers": [{"name": "app"}]}}}}`)}},

	{name: "plugin with its checksum in prod", rule: IDPluginChecksum, resources: []Resource{
		res(TypeHelmRelease, "ro", `{"chart": "argo-rollouts", "values": {"controller": {"trafficRouterPlugins": [
			{"name": "argoproj-labs/gatewayAPI", "location": "https://example.com/p", "sha256": "ab12"}]}}}`)}},
	{name: "plugin without a checksum in prod", rule: IDPluginChecksum, resources: []Resource{
		res(TypeHelmRelease, "ro", `{"chart": "argo-rollouts", "values": {"controller": {"trafficRouterPlugins": [
			{"name": "argoproj-labs/gatewayAPI", "location": "https://example.com/p"}]}}}`)},
		want: []string{at(res(TypeHelmRelease, "ro", ""), "values.controller.trafficRouterPlugins[0].sha256")}},
	{name: "a metric plugin from an OCI mirror without a checksum in prod", rule: IDPluginChecksum, resources: []Resource{
		res(TypeHelmRelease, "ro", `{"chart": "oci://harbor.example.com/charts/argo-rollouts", "values": {"controller": {"metricPlugins": [
			{"name": "m", "location": "file:///plugins/m"}]}}}`)},
		want: []string{at(res(TypeHelmRelease, "ro", ""), "values.controller.metricPlugins[0].sha256")}},
	{name: "no plugin in prod", rule: IDPluginChecksum, resources: []Resource{
		res(TypeHelmRelease, "ro", `{"chart": "argo-rollouts", "values": {"controller": {"replicas": 2}}}`)}},
	{name: "another chart's plugins in prod", rule: IDPluginChecksum, resources: []Resource{
		res(TypeHelmRelease, "x", `{"chart": "my-argo-rollouts-extras", "values": {"controller": {"trafficRouterPlugins": [{"name": "p"}]}}}`)}},
	{name: "plugin without a checksum in dev", rule: IDPluginChecksum, stack: "dev", resources: []Resource{
		res(TypeHelmRelease, "ro", `{"chart": "argo-rollouts", "values": {"controller": {"trafficRouterPlugins": [{"name": "p", "location": "https://example.com/p"}]}}}`)}},
})

func TestSizingRules(t *testing.T) { runCases(t, sizingCases) }
