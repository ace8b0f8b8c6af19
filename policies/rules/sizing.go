package rules

import (
	"strings"
)

// Rule IDs of the production sizing rules.
const (
	// IDBestEffort flags prod pods with containers that request no CPU or memory.
	IDBestEffort = "K8S013"
	// IDPluginChecksum flags a prod Argo Rollouts plugin loaded without its sha256.
	IDPluginChecksum = "K8S014"
)

// ChartArgoRollouts is the Argo Rollouts chart's name, as a Helm release names it.
const ChartArgoRollouts = "argo-rollouts"

func init() {
	register(
		&Rule{
			ID:          IDBestEffort,
			Description: "In prod, no pod is BestEffort: every container requests CPU and memory.",
			Level:       Mandatory,
			Remediation: "Set resources.requests.cpu and resources.requests.memory on every container (init containers too): a pod without requests is evicted first and schedules anywhere, whatever the node has left.",
			Types:       WorkloadTypes,
			Resource:    checkBestEffort,
		},
		&Rule{
			ID:          IDPluginChecksum,
			Description: "In prod, every Argo Rollouts plugin the controller downloads is verified by its sha256.",
			Level:       Mandatory,
			Remediation: "Set platform.rollouts.gatewayPlugin.sha256 to the SHA-256 of the binary at its location (sha256sum of the release asset, or of your mirror's copy).",
			Types:       []string{TypeHelmRelease, TypeHelmChart},
			Resource:    checkPluginChecksum,
		},
	)
}

func checkBestEffort(env *Env, r Resource) []Violation {
	if !env.isProdResource(r) {
		return nil
	}
	return eachContainer(r, func(_ map[string]any, c container) []Violation {
		var missing []string
		for _, res := range []string{"cpu", "memory"} {
			if v := get(c.m, "resources", "requests", res); v == nil || v == "" {
				missing = append(missing, "requests."+res)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		return []Violation{violation(r, c.path+".resources.requests", "container %q sets no %s (its pod is BestEffort or Burstable by chance)", getString(c.m, "name"), strings.Join(missing, ", "))}
	})
}

func checkPluginChecksum(env *Env, r Resource) []Violation {
	if !env.isProdResource(r) {
		return nil
	}
	if _, ok := chartOf(r, ChartArgoRollouts); !ok {
		return nil
	}
	values, _ := r.Inputs["values"].(map[string]any)
	var out []Violation
	for _, kind := range []string{"trafficRouterPlugins", "metricPlugins"} {
		for i, p := range getList(values, "controller", kind) {
			m, _ := p.(map[string]any)
			if s, _ := m["sha256"].(string); s != "" {
				continue
			}
			out = append(out, violation(r, indexPath("values.controller."+kind, i)+".sha256",
				"plugin %q is downloaded from %q with no sha256 to verify it", getString(m, "name"), getString(m, "location")))
		}
	}
	return out
}
