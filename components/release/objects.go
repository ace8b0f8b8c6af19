package release

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/edges"
	fflabels "github.com/fleetform/fleetform/internal/labels"
)

// SuccessRateMetric is the ingress-nginx request counter the analysis reads. Requests
// through the ingress controller are measured, so apps need no instrumentation; the
// `ingress` and `host` labels are used because the ServiceMonitor that scrapes the
// controller renames its `namespace` and `service` labels to `exported_*`.
const SuccessRateMetric = "nginx_ingress_controller_requests"

// IstioRequestsMetric is Istio's standard request counter. The edge's gateway pods
// report it (reporter="source") for every request they route, labelled with the
// destination Service, so the canary Service's own success rate is measured.
const IstioRequestsMetric = "istio_requests_total"

// EnvoyRequestsMetric is Envoy's per-cluster response counter, by status class,
// scraped from Envoy Gateway's proxies. Envoy Gateway makes one Envoy cluster per
// HTTPRoute rule (httproute/<namespace>/<name>/rule/<n>), and the stable and canary
// backends share it: on this edge the analysis measures the route as a whole, so a
// canary at weight w that fails every request lowers it by w.
const EnvoyRequestsMetric = "envoy_cluster_upstream_rq_xx"

// KongRequestsMetric is the request counter of Kong's prometheus plugin (the edge's
// global KongClusterPlugin turns its status_code_metrics on), labelled with the Kong
// route and service. KIC names a Kong route after its HTTPRoute
// (httproute.<namespace>.<name>.<rule>.<match>, with the host before the rule under
// the expressions router) and a Kong service after the rule's backends and their
// weights, which the canary moves, so the analysis selects the route: the HTTPRoute as
// a whole, stable and canary together, as on Envoy Gateway. It counts every request,
// Kong's own errors (source="kong", such as a 502 when the canary refuses connections) too.
const KongRequestsMetric = "kong_http_requests_total"

// Analysis argument names the AnalysisTemplate takes from each use.
const (
	ArgRoute     = "route"
	ArgIngress   = "ingress"
	ArgHost      = "host"
	ArgService   = "service"
	ArgNamespace = "namespace"
	ArgCluster   = "cluster"
)

// analysisArgs are the argument names of the edge's success-rate query, in order.
func analysisArgs(edge edges.Edge) []string {
	switch edge {
	case edges.Istio:
		return []string{ArgService, ArgNamespace}
	case edges.EnvoyGateway:
		return []string{ArgCluster}
	case edges.Kong:
		return []string{ArgRoute, ArgNamespace}
	default:
		return []string{ArgIngress, ArgHost}
	}
}

// SuccessRateQuery is the PromQL of the analysis through ingress-nginx: the share of
// requests through one Ingress and host that did not answer 5xx, over window. With no
// requests at all the ratio is NaN and the measurement fails: a release nobody calls
// is not proven healthy.
func SuccessRateQuery(window string) string { return SuccessRateQueryFor(edges.IngressNginx, window) }

// SuccessRateQueryFor is the analysis query on an edge (edges.IngressNginx, edges.EnvoyGateway,
// edges.Istio or edges.Kong), with the template's arguments in place of the Ingress, route or Service.
func SuccessRateQueryFor(edge edges.Edge, window string) string {
	var metric, sel, ok string
	switch edge {
	case edges.Istio:
		metric = IstioRequestsMetric
		sel = fmt.Sprintf(`reporter="source",destination_service_name="{{args.%s}}",destination_service_namespace="{{args.%s}}"`, ArgService, ArgNamespace)
		ok = `,response_code!~"5.."`
	case edges.EnvoyGateway:
		metric = EnvoyRequestsMetric
		sel = fmt.Sprintf(`envoy_cluster_name="{{args.%s}}"`, ArgCluster)
		ok = `,envoy_response_code_class!="5"`
	case edges.Kong:
		// [.] matches the dots of KIC's route names without escapes in PromQL or YAML.
		metric = KongRequestsMetric
		sel = fmt.Sprintf(`route=~"httproute[.]{{args.%s}}[.]{{args.%s}}[.].+"`, ArgNamespace, ArgRoute)
		ok = `,code!~"5.."`
	default:
		metric = SuccessRateMetric
		sel = fmt.Sprintf(`%s="{{args.%s}}",%s="{{args.%s}}"`, ArgIngress, ArgIngress, ArgHost, ArgHost)
		ok = `,status!~"5.."`
	}
	return fmt.Sprintf("sum(rate(%s{%s%s}[%s]))\n/\nsum(rate(%s{%s}[%s]))", metric, sel, ok, window, metric, sel, window)
}

// analysisTemplateSpec is the AnalysisTemplate's spec: one success-rate metric on the
// cluster's Prometheus, with the threshold from the release's analysis block.
func analysisTemplateSpec(a *Analysis, prometheusURL string, edge edges.Edge) map[string]any {
	args := []any{}
	for _, n := range analysisArgs(edge) {
		args = append(args, map[string]any{"name": n})
	}
	return map[string]any{
		"args": args,
		"metrics": []any{map[string]any{
			"name":             "success-rate",
			"interval":         a.Interval,
			"count":            a.Count,
			"failureLimit":     DefaultAnalysisFailureLimit,
			"successCondition": "result[0] >= " + strconv.FormatFloat(a.SuccessRate, 'f', -1, 64),
			"provider": map[string]any{"prometheus": map[string]any{
				"address": prometheusURL,
				"query":   SuccessRateQueryFor(edge, a.Interval),
			}},
		}},
	}
}

// analysisRef runs the release's AnalysisTemplate against the traffic one host
// receives through the edge: on ingress-nginx the Ingress (route names the Ingress),
// on Istio the Service (route names the Service), on a Gateway API edge the
// HTTPRoute's Envoy cluster (route names the HTTPRoute).
func (b *builder) analysisRef(route, host string) map[string]any {
	var values []string
	switch b.a.Routing.edge() {
	case edges.Istio:
		values = []string{route, b.a.Namespace}
	case edges.EnvoyGateway:
		values = []string{"httproute/" + b.a.Namespace + "/" + route + "/rule/0"}
	case edges.Kong:
		values = []string{route, b.a.Namespace}
	default:
		values = []string{route, host}
	}
	args := []any{}
	for i, n := range analysisArgs(b.a.Routing.edge()) {
		args = append(args, map[string]any{"name": n, "value": values[i]})
	}
	return map[string]any{
		"templates": []any{map[string]any{"templateName": b.template.Metadata.Name().Elem()}},
		"args":      args,
	}
}

// analysisTarget is what a strategy's analysis measures, by role: the route (or
// Ingress, or Service) and host of the canary, the preview or the active traffic.
func (b *builder) analysisTarget(role string) (route, host string) {
	host = ""
	if b.s.Ingress != nil {
		host = b.s.Ingress.Host
	}
	edge := b.a.Routing.edge()
	switch role {
	case RolePreview:
		host = b.s.Strategy.BlueGreen.PreviewHost
		if edge == edges.Istio {
			return b.n.service(RolePreview), host
		}
		return b.n.previewIngress, host
	case RoleActive:
		if edge == edges.Istio {
			return b.n.service(RoleActive), host
		}
		return b.n.app, host
	default:
		switch edge {
		case edges.Istio:
			return b.n.service(RoleCanary), host
		case edges.EnvoyGateway, edges.Kong:
			return b.n.app, host
		}
		return b.n.canaryIngress(), host
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
			out["prePromotionAnalysis"] = b.analysisRef(b.analysisTarget(RolePreview))
		}
		if bg.PostPromotionAnalysis {
			out["postPromotionAnalysis"] = b.analysisRef(b.analysisTarget(RoleActive))
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
	switch {
	case b.ingress != nil:
		out["trafficRouting"] = map[string]any{"nginx": map[string]any{
			"stableIngress": b.ingress.Metadata.Name().Elem(),
		}}
	case b.route != nil && b.a.Routing.edge() == edges.Istio:
		// By name: the controller finds the VirtualService and the route it reweights.
		out["trafficRouting"] = map[string]any{"istio": map[string]any{
			"virtualService": map[string]any{"name": b.n.app, "routes": []any{PrimaryRoute}},
		}}
	case b.route != nil:
		out["trafficRouting"] = map[string]any{"plugins": map[string]any{
			GatewayAPIPlugin: map[string]any{"httpRoute": b.n.app, "namespace": b.a.Namespace},
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
			steps = append(steps, map[string]any{"analysis": b.analysisRef(b.analysisTarget(RoleCanary))})
		}
	}
	out["steps"] = steps
	return map[string]any{"canary": out}
}

// meshScrapeAnnotations tell a meshed pod's sidecar agent where the app serves
// metrics (Istio's metrics merging reads the prometheus.io annotations).
func meshScrapeAnnotations(port int, path string) map[string]string {
	return map[string]string{
		"prometheus.io/scrape": "true",
		"prometheus.io/port":   fmt.Sprint(port),
		"prometheus.io/path":   path,
	}
}

// podTemplate is the Rollout's pod template: one hardened container.
func (b *builder) podTemplate() map[string]any {
	s := b.s
	labels := map[string]any{LabelName: b.n.app, fflabels.ManagedBy: fflabels.ManagedByFleetform}
	meta := map[string]any{"labels": labels}
	annotations := map[string]any{}
	if sum := envChecksum(s); sum != "" {
		annotations[AnnotationEnvChecksum] = sum
	}
	if b.a.Mesh && b.monitored() {
		// Where the app serves its metrics: istiod's injector moves these annotations
		// into the sidecar agent, which merges them into gateway.MergedMetricsPort.
		for k, v := range meshScrapeAnnotations(s.portNumber(s.Metrics.Port), s.Metrics.Path) {
			annotations[k] = v
		}
	}
	if len(annotations) > 0 {
		meta["annotations"] = annotations
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
	spec := map[string]any{
		"securityContext": podSecurity,
		"containers":      []any{container},
		"volumes":         []any{map[string]any{"name": TmpVolume, "emptyDir": map[string]any{}}},
	}
	if v := b.a.VirtualNodes; v != nil {
		placeOnVirtualNodes(spec, labels, v)
	}
	return map[string]any{"metadata": meta, "spec": spec}
}

// placeOnVirtualNodes adds to a pod template what puts its pods on the cluster's
// virtual nodes (VirtualNodePlacement). The release's own labels win a clash: its
// selector uses them.
func placeOnVirtualNodes(spec, labels map[string]any, v *cluster.VirtualNodes) {
	fields, podLabels := VirtualNodePlacement(v)
	for k, val := range fields {
		spec[k] = val
	}
	for k, val := range podLabels {
		if _, taken := labels[k]; !taken {
			labels[k] = val
		}
	}
}

// VirtualNodePlacement is what a pod spec and its labels get to run on the virtual
// nodes v: the spec's nodeSelector and tolerations (only those set), and the pod labels
// (a Fargate profile's selector, ACK's ECI label).
func VirtualNodePlacement(v *cluster.VirtualNodes) (spec map[string]any, labels map[string]any) {
	spec, labels = map[string]any{}, map[string]any{}
	if len(v.NodeSelector) > 0 {
		sel := map[string]any{}
		for k, val := range v.NodeSelector {
			sel[k] = val
		}
		spec["nodeSelector"] = sel
	}
	var tols []any
	for _, t := range v.Tolerations {
		tol := map[string]any{}
		for k, val := range map[string]string{"key": t.Key, "operator": t.Operator, "value": t.Value, "effect": t.Effect} {
			if val != "" {
				tol[k] = val
			}
		}
		tols = append(tols, tol)
	}
	if len(tols) > 0 {
		spec["tolerations"] = tols
	}
	for k, val := range v.PodLabels {
		labels[k] = val
	}
	return spec, labels
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
