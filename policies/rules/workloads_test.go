package rules

import (
	"strings"
	"testing"
)

// goodPod is a pod spec that passes every workload rule.
const goodPod = `{
  "securityContext": {"runAsNonRoot": true, "runAsUser": 10001},
  "containers": [{
    "name": "app", "image": "harbor.example.com/shop/app:1.2.3",
    "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
    "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true},
    "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}, {"name": "LOG_LEVEL", "value": "info"}]
  }]
}`

// withPod wraps a pod spec into a workload of the type.
func withPod(typ, name, ns, pod string) Resource {
	meta := `"metadata": {"name": "` + name + `", "namespace": "` + ns + `"}`
	switch typ {
	case TypePod:
		return res(typ, name, `{`+meta+`, "spec": `+pod+`}`)
	case TypeCronJob:
		return res(typ, name, `{`+meta+`, "spec": {"jobTemplate": {"spec": {"template": {"spec": `+pod+`}}}}}`)
	default:
		return res(typ, name, `{`+meta+`, "spec": {"template": {"spec": `+pod+`}}}`)
	}
}

// podWith replaces one fragment of goodPod.
func podWith(old, new string) string {
	if !strings.Contains(goodPod, old) {
		panic("fixture fragment not in goodPod: " + old)
	}
	return strings.Replace(goodPod, old, new, 1)
}

const c0 = "spec.template.spec.containers[0]"

var workloadCases = record([]ruleCase{
	// K8S001
	{name: "tagged image", rule: IDImageTag, resources: []Resource{withPod(TypeDeployment, "a", "qa", goodPod)}},
	{name: "digest without tag", rule: IDImageTag, resources: []Resource{withPod(TypeDeployment, "a", "qa",
		podWith(`harbor.example.com/shop/app:1.2.3`, `harbor.example.com/shop/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef`))}},
	{name: "invalid reference", rule: IDImageTag, resources: []Resource{withPod(TypeDeployment, "a", "qa",
		podWith(`harbor.example.com/shop/app:1.2.3`, `harbor.example.com/Shop/app:1.2.3`))},
		want: []string{at(withPod(TypeDeployment, "a", "qa", goodPod), c0+".image")}},
	{name: "registry port is not a tag", rule: IDImageTag, resources: []Resource{withPod(TypeRollout, "a", "qa",
		podWith(`harbor.example.com/shop/app:1.2.3`, `harbor.example.com:5000/shop/app`))},
		want: []string{at(withPod(TypeRollout, "a", "qa", goodPod), c0+".image")}},
	{name: "latest tag in a CronJob", rule: IDImageTag, resources: []Resource{withPod(TypeCronJob, "a", "qa",
		podWith(`app:1.2.3`, `app:latest`))},
		want: []string{at(withPod(TypeCronJob, "a", "qa", goodPod), "spec.jobTemplate.spec.template.spec.containers[0].image")}},
	{name: "unknown image is not judged", rule: IDImageTag, resources: []Resource{withPod(TypeDeployment, "a", "qa",
		podWith(`harbor.example.com/shop/app:1.2.3`, Unknown))}},
	// K8S002
	{name: "requests and limits", rule: IDResources, resources: []Resource{withPod(TypeStatefulSet, "a", "qa", goodPod)}},
	{name: "no limits", rule: IDResources, resources: []Resource{withPod(TypeStatefulSet, "a", "qa",
		podWith(`, "limits": {"cpu": "500m", "memory": "256Mi"}`, ``))},
		want: []string{at(withPod(TypeStatefulSet, "a", "qa", goodPod), c0+".resources")}},
	// K8S003
	{name: "pod-level runAsNonRoot", rule: IDNonRoot, resources: []Resource{withPod(TypeDaemonSet, "a", "qa", goodPod)}},
	{name: "container runs as uid 0", rule: IDNonRoot, resources: []Resource{withPod(TypeDaemonSet, "a", "qa",
		podWith(`"allowPrivilegeEscalation": false,`, `"allowPrivilegeEscalation": false, "runAsUser": 0,`))},
		want: []string{at(withPod(TypeDaemonSet, "a", "qa", goodPod), c0+".securityContext.runAsUser")}},
	{name: "runAsNonRoot unset", rule: IDNonRoot, resources: []Resource{withPod(TypeDaemonSet, "a", "qa",
		podWith(`"runAsNonRoot": true, "runAsUser": 10001`, `"fsGroup": 2000`))},
		want: []string{at(withPod(TypeDaemonSet, "a", "qa", goodPod), c0+".securityContext.runAsNonRoot")}},
	// K8S004
	{name: "not privileged", rule: IDPrivileged, resources: []Resource{withPod(TypePod, "a", "qa", goodPod)}},
	{name: "privileged container", rule: IDPrivileged, resources: []Resource{withPod(TypePod, "a", "qa",
		podWith(`"allowPrivilegeEscalation": false,`, `"allowPrivilegeEscalation": false, "privileged": true,`))},
		want: []string{at(withPod(TypePod, "a", "qa", goodPod), "spec.containers[0].securityContext.privileged")}},
	// K8S005
	{name: "escalation off", rule: IDPrivEscalation, resources: []Resource{withPod(TypeJob, "a", "qa", goodPod)}},
	{name: "escalation unset", rule: IDPrivEscalation, resources: []Resource{withPod(TypeJob, "a", "qa",
		podWith(`"allowPrivilegeEscalation": false, `, ``))},
		want: []string{at(withPod(TypeJob, "a", "qa", goodPod), c0+".securityContext.allowPrivilegeEscalation")}},
	{name: "escalation on in an init container", rule: IDPrivEscalation, resources: []Resource{withPod(TypeJob, "a", "qa",
		podWith(`"containers": [`, `"initContainers": [{"name": "init", "securityContext": {"allowPrivilegeEscalation": true}}], "containers": [`))},
		want: []string{at(withPod(TypeJob, "a", "qa", goodPod), "spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation")}},
	// K8S006
	{name: "emptyDir volume", rule: IDHostPath, resources: []Resource{withPod(TypeDeployment, "a", "qa",
		podWith(`"containers": [`, `"volumes": [{"name": "tmp", "emptyDir": {}}], "containers": [`))}},
	{name: "hostPath volume", rule: IDHostPath, resources: []Resource{withPod(TypeDeployment, "a", "qa",
		podWith(`"containers": [`, `"volumes": [{"name": "tmp", "emptyDir": {}}, {"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}}], "containers": [`))},
		want: []string{at(withPod(TypeDeployment, "a", "qa", goodPod), "spec.template.spec.volumes[1].hostPath")}},
	// K8S007
	{name: "own namespaces", rule: IDHostNamespaces, resources: []Resource{withPod(TypeDeployment, "a", "qa", goodPod)}},
	{name: "hostNetwork and hostPID", rule: IDHostNamespaces, resources: []Resource{withPod(TypeDeployment, "a", "qa",
		podWith(`"containers": [`, `"hostNetwork": true, "hostPID": true, "hostIPC": false, "containers": [`))},
		want: []string{at(withPod(TypeDeployment, "a", "qa", goodPod), "spec.template.spec.hostNetwork"), at(withPod(TypeDeployment, "a", "qa", goodPod), "spec.template.spec.hostPID")}},
	// K8S008
	{name: "prod image from the approved registry", rule: IDApprovedRegistry, resources: []Resource{
		namespace("prod", "prod"), withPod(TypeRollout, "a", "prod", goodPod)}},
	{name: "prod namespace pulls from Docker Hub", rule: IDApprovedRegistry, resources: []Resource{
		namespace("prod", "prod"), withPod(TypeRollout, "a", "prod", podWith(`harbor.example.com/shop/app:1.2.3`, `nginx:1.27`))},
		want: []string{at(withPod(TypeRollout, "a", "prod", goodPod), c0+".image")}},
	{name: "lookalike host is not approved", rule: IDApprovedRegistry, stack: "dev", settings: func(s *Settings) {}, resources: []Resource{
		namespace("prod", "prod"), withPod(TypeRollout, "a", "prod", podWith(`harbor.example.com/`, `harbor.example.com.evil.io/`))},
		want: []string{at(withPod(TypeRollout, "a", "prod", goodPod), c0+".image")}},
	{name: "stage namespace of a prod stack is not prod", rule: IDApprovedRegistry, resources: []Resource{
		namespace("stage", "stage"), withPod(TypeRollout, "a", "stage", podWith(`harbor.example.com/shop/app:1.2.3`, `nginx:1.27`))}},
	{name: "dev stack without tier labels is not prod", rule: IDApprovedRegistry, stack: "dev", resources: []Resource{
		withPod(TypeDeployment, "a", "qa", podWith(`harbor.example.com/shop/app:1.2.3`, `nginx:1.27`))}},
	{name: "prod stack without tier labels is prod", rule: IDApprovedRegistry, resources: []Resource{
		withPod(TypeDeployment, "a", "apps", podWith(`harbor.example.com/shop/app:1.2.3`, `nginx:1.27`))},
		want: []string{at(withPod(TypeDeployment, "a", "apps", goodPod), c0+".image")}},
	// K8S009
	{name: "ClusterIP service", rule: IDLoadBalancer, resources: []Resource{
		res(TypeService, "svc", `{"metadata": {"namespace": "prod"}, "spec": {"type": "ClusterIP"}}`),
		res(TypeService, "lb", `{"metadata": {"namespace": "ingress-nginx"}, "spec": {"type": "LoadBalancer"}}`),
		res(TypeHelmRelease, "nginx", `{"namespace": "ingress-nginx", "values": {"controller": {"service": {"type": "LoadBalancer"}}}}`)}},
	{name: "LoadBalancer in an app namespace", rule: IDLoadBalancer, resources: []Resource{
		res(TypeService, "svc", `{"metadata": {"namespace": "prod"}, "spec": {"type": "LoadBalancer"}}`)},
		want: []string{at(res(TypeService, "svc", ""), "spec.type")}},
	{name: "chart values ask for a LoadBalancer", rule: IDLoadBalancer, resources: []Resource{
		res(TypeHelmRelease, "harbor", `{"namespace": "harbor", "values": {"expose": {"type": "ingress"}, "portal": {"service": {"type": "LoadBalancer"}}}}`)},
		want: []string{at(res(TypeHelmRelease, "harbor", ""), "values.portal.service.type")}},
	// K8S010
	{name: "canary with an analysis step", rule: IDRolloutAnalysis, resources: []Resource{namespace("prod", "prod"),
		res(TypeRollout, "r", `{"metadata": {"name": "shop", "namespace": "prod"}, "spec": {"strategy": {"canary": {"steps": [{"setWeight": 10}, {"analysis": {"templates": [{"templateName": "ok"}]}}]}}}}`)}},
	{name: "blue-green with pre-promotion analysis", rule: IDRolloutAnalysis, resources: []Resource{namespace("prod", "prod"),
		res(TypeRollout, "r", `{"metadata": {"name": "bill", "namespace": "prod"}, "spec": {"strategy": {"blueGreen": {"activeService": "a", "prePromotionAnalysis": {"templates": [{"templateName": "ok"}]}}}}}`)}},
	{name: "prod canary without analysis", rule: IDRolloutAnalysis, resources: []Resource{namespace("prod", "prod"),
		res(TypeRollout, "r", `{"metadata": {"name": "shop", "namespace": "prod"}, "spec": {"strategy": {"canary": {"steps": [{"setWeight": 50}, {"pause": {}}]}}}}`)},
		want: []string{at(res(TypeRollout, "r", ""), "spec.strategy")}},
	{name: "qa canary without analysis", rule: IDRolloutAnalysis, resources: []Resource{namespace("qa", "qa"),
		res(TypeRollout, "r", `{"metadata": {"name": "shop", "namespace": "qa"}, "spec": {"strategy": {"canary": {"steps": [{"setWeight": 50}]}}}}`)}},
})

// namespace builds a Namespace with a tier label.
func namespace(name, tier string) Resource {
	return res(TypeNamespace, "ns-"+name, `{"metadata": {"name": "`+name+`", "labels": {"fleetform.io/tier": "`+tier+`"}}}`)
}

func TestWorkloadRules(t *testing.T) { runCases(t, workloadCases) }

func TestImageRef(t *testing.T) {
	digest := "sha256:" + strings.Repeat("ab", 32)
	cases := []struct {
		image, repo, tag, digest string
		invalid                  bool
	}{
		{image: "nginx", repo: "nginx"},
		{image: "nginx:1.27", repo: "nginx", tag: "1.27"},
		{image: "harbor.example.com:5000/shop/app", repo: "harbor.example.com:5000/shop/app"},
		{image: "harbor.example.com:5000/shop/app:1.0@" + digest, repo: "harbor.example.com:5000/shop/app", tag: "1.0", digest: digest},
		{image: "harbor.example.com/shop/app@sha256:ab", invalid: true},
		{image: "harbor.example.com/Shop/app:1", invalid: true},
		{image: "shop app:1", invalid: true},
	}
	for _, c := range cases {
		repo, tag, dg, err := imageRef(c.image)
		if (err != nil) != c.invalid {
			t.Errorf("imageRef(%q) error %v, want invalid=%v", c.image, err, c.invalid)
			continue
		}
		if repo != c.repo || tag != c.tag || dg != c.digest {
			t.Errorf("imageRef(%q) = %q %q %q, want %q %q %q", c.image, repo, tag, dg, c.repo, c.tag, c.digest)
		}
	}
}
