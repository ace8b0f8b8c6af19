package release

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// SuccessRateMetric is the ingress-nginx request counter the analysis reads. Requests
// through the ingress controller are measured, so apps need no instrumentation; the
// `ingress` and `host` labels are used because the ServiceMonitor that scrapes the
// controller renames its `namespace` and `service` labels to `exported_*`.
const SuccessRateMetric = "nginx_ingress_controller_requests"

// Analysis argument names the AnalysisTemplate takes from each use.
const (
	ArgIngress = "ingress"
	ArgHost    = "host"
)

// SuccessRateQuery is the PromQL of the analysis: the share of requests through one
// Ingress and host that did not answer 5xx, over window. With no requests at all the
// ratio is NaN and the measurement fails: a release nobody calls is not proven healthy.
func SuccessRateQuery(window string) string {
	sel := fmt.Sprintf(`%s="{{args.%s}}",%s="{{args.%s}}"`, ArgIngress, ArgIngress, ArgHost, ArgHost)
	return fmt.Sprintf("sum(rate(%s{%s,status!~\"5..\"}[%s]))\n/\nsum(rate(%s{%s}[%s]))",
		SuccessRateMetric, sel, window, SuccessRateMetric, sel, window)
}

// analysisTemplateSpec is the AnalysisTemplate's spec: one success-rate metric on the
// cluster's Prometheus, with the threshold from the release's analysis block.
func analysisTemplateSpec(a *Analysis, prometheusURL string) map[string]any {
	return map[string]any{
		"args": []any{
			map[string]any{"name": ArgIngress},
			map[string]any{"name": ArgHost},
		},
		"metrics": []any{map[string]any{
			"name":             "success-rate",
			"interval":         a.Interval,
			"count":            a.Count,
			"failureLimit":     DefaultAnalysisFailureLimit,
			"successCondition": "result[0] >= " + strconv.FormatFloat(a.SuccessRate, 'f', -1, 64),
			"provider": map[string]any{"prometheus": map[string]any{
				"address": prometheusURL,
				"query":   SuccessRateQuery(a.Interval),
			}},
		}},
	}
}

// analysisRef runs the release's AnalysisTemplate against the requests one Ingress
// receives on one host.
func (b *builder) analysisRef(ingress, host string) map[string]any {
	return map[string]any{
		"templates": []any{map[string]any{"templateName": b.template.Metadata.Name().Elem()}},
		"args": []any{
			map[string]any{"name": ArgIngress, "value": ingress},
			map[string]any{"name": ArgHost, "value": host},
		},
	}
}

// strategy is the Rollout's strategy. It names the Services by their plain names,
// not by their outputs: an output would make the Rollout wait for the Services'
// creation, and the provider's Service await waits for endpoints, which only the
// Rollout's pods provide. That deadlock, ten minutes then a failed first deploy,
// shows only on the real engine; the controller retries until the Services exist.
func (b *builder) strategy() map[string]any {
	if bg := b.s.Strategy.BlueGreen; bg != nil {
		out := map[string]any{
			"activeService":  b.n.service(RoleActive),
			"previewService": b.n.service(RolePreview),
		}
		if bg.AutoPromotionEnabled != nil {
			out["autoPromotionEnabled"] = *bg.AutoPromotionEnabled
		}
		if bg.ScaleDownDelaySeconds > 0 {
			out["scaleDownDelaySeconds"] = bg.ScaleDownDelaySeconds
		}
		if bg.PrePromotionAnalysis {
			out["prePromotionAnalysis"] = b.analysisRef(b.n.previewIngress, bg.PreviewHost)
		}
		if bg.PostPromotionAnalysis {
			out["postPromotionAnalysis"] = b.analysisRef(b.n.app, b.s.Ingress.Host)
		}
		return map[string]any{"blueGreen": out}
	}
	c := b.s.Strategy.Canary
	out := map[string]any{}
	if stable, canary := b.services[RoleStable], b.services[RoleCanary]; stable != nil && canary != nil {
		out["stableService"] = b.n.service(RoleStable)
		out["canaryService"] = b.n.service(RoleCanary)
	}
	if v, _ := intOrPercent(c.MaxSurge); v != nil {
		out["maxSurge"] = v
	}
	if v, _ := intOrPercent(c.MaxUnavailable); v != nil {
		out["maxUnavailable"] = v
	}
	if b.ingress != nil {
		out["trafficRouting"] = map[string]any{"nginx": map[string]any{
			"stableIngress": b.ingress.Metadata.Name().Elem(),
		}}
	}
	steps := []any{}
	for _, st := range c.Steps {
		switch {
		case st.SetWeight != nil:
			steps = append(steps, map[string]any{"setWeight": *st.SetWeight})
		case st.Pause != nil && st.Pause.Duration != "":
			steps = append(steps, map[string]any{"pause": map[string]any{"duration": st.Pause.Duration}})
		case st.Pause != nil:
			steps = append(steps, map[string]any{"pause": map[string]any{}})
		case st.Analysis:
			steps = append(steps, map[string]any{"analysis": b.analysisRef(b.n.canaryIngress(), b.s.Ingress.Host)})
		}
	}
	out["steps"] = steps
	return map[string]any{"canary": out}
}

// podTemplate is the Rollout's pod template: one hardened container.
func (b *builder) podTemplate() map[string]any {
	s := b.s
	labels := map[string]any{LabelName: b.n.app, LabelManagedBy: ManagedBy}
	meta := map[string]any{"labels": labels}
	if sum := envChecksum(s); sum != "" {
		meta["annotations"] = map[string]any{AnnotationEnvChecksum: sum}
	}

	ports := []any{}
	for _, p := range s.Ports {
		ports = append(ports, map[string]any{"name": p.Name, "containerPort": p.ContainerPort, "protocol": "TCP"})
	}
	container := map[string]any{
		"name":            b.n.app,
		"image":           s.Image,
		"imagePullPolicy": "IfNotPresent",
		"ports":           ports,
		"securityContext": map[string]any{
			"runAsNonRoot":             true,
			"allowPrivilegeEscalation": false,
			"readOnlyRootFilesystem":   true,
			"capabilities":             map[string]any{"drop": []any{"ALL"}},
			"seccompProfile":           map[string]any{"type": "RuntimeDefault"},
		},
		"volumeMounts": []any{map[string]any{"name": TmpVolume, "mountPath": "/tmp"}},
	}
	var envFrom []any
	if b.envCM != nil {
		envFrom = append(envFrom, map[string]any{"configMapRef": map[string]any{"name": b.envCM.Metadata.Name().Elem()}})
	}
	if b.envSec != nil {
		envFrom = append(envFrom, map[string]any{"secretRef": map[string]any{"name": b.envSec.Metadata.Name().Elem()}})
	}
	if b.external != nil {
		envFrom = append(envFrom, map[string]any{"secretRef": map[string]any{"name": b.n.externalEnv}})
	}
	if len(envFrom) > 0 {
		container["envFrom"] = envFrom
	}
	if s.Tracing && b.a.OTLPEndpoint != "" {
		container["env"] = OTelEnv(b.n.app, b.a.Namespace, b.a.Environment, b.a.OTLPEndpoint)
	}
	if res := s.Resources.manifest(); res != nil {
		container["resources"] = res
	}
	if p := s.Probes.Liveness; p != nil {
		container["livenessProbe"] = p.manifest()
	}
	if p := s.Probes.Readiness; p != nil {
		container["readinessProbe"] = p.manifest()
	}
	podSecurity := map[string]any{
		"runAsNonRoot":   true,
		"seccompProfile": map[string]any{"type": "RuntimeDefault"},
	}
	if s.RunAsUser != nil {
		podSecurity["runAsUser"] = *s.RunAsUser
	}
	return map[string]any{
		"metadata": meta,
		"spec": map[string]any{
			"securityContext": podSecurity,
			"containers":      []any{container},
			"volumes":         []any{map[string]any{"name": TmpVolume, "emptyDir": map[string]any{}}},
		},
	}
}

func (r *Resources) manifest() map[string]any {
	out := map[string]any{}
	add := func(kind, name, v string) {
		if v == "" {
			return
		}
		m, ok := out[kind].(map[string]any)
		if !ok {
			m = map[string]any{}
			out[kind] = m
		}
		m[name] = v
	}
	add("requests", "cpu", r.RequestsCPU)
	add("requests", "memory", r.RequestsMemory)
	add("limits", "cpu", r.LimitsCPU)
	add("limits", "memory", r.LimitsMemory)
	if len(out) == 0 {
		return nil
	}
	return out
}

func (p *Probe) manifest() map[string]any {
	out := map[string]any{"httpGet": map[string]any{"path": p.Path, "port": p.Port}}
	if p.InitialDelaySeconds > 0 {
		out["initialDelaySeconds"] = p.InitialDelaySeconds
	}
	if p.PeriodSeconds > 0 {
		out["periodSeconds"] = p.PeriodSeconds
	}
	return out
}

// envChecksum hashes the plain env values and the names of the secret env keys (never
// their values), or "" when there is no env. A changed secret value therefore needs
// `kubectl argo rollouts restart`; a changed plain value or key rolls out by itself.
func envChecksum(s *Spec) string {
	if len(s.Env) == 0 && len(s.SecretEnv) == 0 {
		return ""
	}
	var lines []string
	for k, v := range s.Env {
		lines = append(lines, "env:"+k+"="+v)
	}
	for k, v := range s.SecretEnv {
		if v.External != nil {
			lines = append(lines, "external:"+k+"="+v.External.Key+"#"+v.External.Property+"@"+v.External.Version)
			continue
		}
		lines = append(lines, "secret:"+k+"="+string(v.Config))
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:8])
}

// OTelEnv are the OpenTelemetry SDK variables of a traced release: OTLP/HTTP to the
// cluster collector, the app as service.name, and where it runs as resource
// attributes (the pod name through the downward API).
func OTelEnv(app, namespace, environment, endpoint string) []any {
	attrs := "service.namespace=" + namespace + ",k8s.namespace.name=" + namespace + ",k8s.pod.name=$(OTEL_K8S_POD_NAME)"
	if environment != "" {
		attrs += ",deployment.environment.name=" + environment
	}
	return []any{
		map[string]any{"name": "OTEL_K8S_POD_NAME", "valueFrom": map[string]any{"fieldRef": map[string]any{"fieldPath": "metadata.name"}}},
		map[string]any{"name": "OTEL_SERVICE_NAME", "value": app},
		map[string]any{"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": endpoint},
		map[string]any{"name": "OTEL_EXPORTER_OTLP_PROTOCOL", "value": "http/protobuf"},
		map[string]any{"name": "OTEL_TRACES_EXPORTER", "value": "otlp"},
		map[string]any{"name": "OTEL_RESOURCE_ATTRIBUTES", "value": attrs},
	}
}
