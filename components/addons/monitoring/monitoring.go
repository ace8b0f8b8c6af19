package monitoring

import (
	"fmt"
	"sort"
	"strings"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/addons/sizing"
	"github.com/fleetform/fleetform/components/helmrelease"
	"github.com/fleetform/fleetform/internal/labels"
	"github.com/fleetform/fleetform/internal/secret"
)

// Release and object names. The chart's fullname is ReleaseName, so the Prometheus
// Service is <ReleaseName>-prometheus and the Grafana Service <ReleaseName>-grafana.
const (
	ReleaseName           = "kube-prometheus-stack"
	PrometheusService     = ReleaseName + "-prometheus"
	PrometheusPort        = 9090
	GrafanaAdminSecret    = "grafana-admin"
	GrafanaAdminUser      = "admin"
	GrafanaUserKey        = "admin-user"
	GrafanaPasswordKey    = "admin-password"
	AlertmanagerSecret    = "alertmanager-fleetform"
	AlertmanagerConfigKey = "alertmanager.yaml"
	HtpasswdSecret        = "federation-htpasswd"
	HtpasswdKey           = "auth"
	ScrapeConfigSecret    = "federation-scrape-configs"
	ScrapeConfigKey       = "federation.yaml"
	FederationIngress     = "prometheus-federate"
	// TempoDataSource is the Grafana data source of the traces.
	TempoDataSource = "Tempo"
	// FederatedDataSource is the Grafana data source of the hub's federated view.
	FederatedDataSource = "Fleet (federated)"
	// LokiDataSource is the Grafana data source of the cluster's Loki.
	LokiDataSource = "Loki"
	// GrafanaStorageSize holds Grafana's SQLite database (dashboards, users, annotations).
	GrafanaStorageSize = "10Gi"
)

// Ingress annotations ingress-nginx reads for basic auth.
const (
	AnnotationAuthType   = "nginx.ingress.kubernetes.io/auth-type"
	AnnotationAuthSecret = "nginx.ingress.kubernetes.io/auth-secret"
	AnnotationAuthRealm  = "nginx.ingress.kubernetes.io/auth-realm"
)

// AnnotationFederationSpokes lists, on the hub's scrape Secret, which spokes it
// scrapes (cluster names, and stack:<name> per stack reference), so the wiring shows
// in a plan even though the Secret's data is redacted.
const AnnotationFederationSpokes = "fleetform.io/federation-spokes"

// Args configure kube-prometheus-stack on one cluster.
type Args struct {
	// Cluster is the cluster name: the cluster label on this Prometheus's series.
	Cluster string
	// Namespace is the namespace to install into.
	Namespace pulumi.StringInput
	// NamespaceName is Namespace as a plain name, for in-cluster service URLs.
	NamespaceName string
	// StorageClass holds the Prometheus volume.
	StorageClass string
	// Retention is Prometheus's retention time (e.g. 15d).
	Retention string
	// StorageSize is the Prometheus volume size.
	StorageSize string
	// ControlPlane scrapes kube-controller-manager, kube-scheduler and etcd and keeps
	// their rules; false turns off what a managed control plane hides.
	ControlPlane bool
	// GrafanaAdminPassword is Grafana's admin password; a secret.
	GrafanaAdminPassword pulumi.StringInput
	// Receivers are the Alertmanager receivers; none keeps the chart's default config.
	Receivers []Receiver
	// DingTalkImage replaces the pinned DingTalk adapter image; used only with a DingTalk receiver.
	DingTalkImage string
	// Spoke exposes /federate; nil unless the cluster is a spoke.
	Spoke *SpokeArgs
	// Grafana puts Grafana on the edge; nil keeps it in-cluster.
	Grafana *GrafanaArgs
	// Hub scrapes the spokes; nil unless the cluster is the hub.
	Hub *HubArgs
	// LokiURL adds Loki as a Grafana data source; empty for none.
	LokiURL string
	// TempoURL adds Tempo as a Grafana data source (linked to Loki's logs by trace ID
	// when LokiURL is set); empty for none.
	TempoURL string
	// Production sizes the pods and the Prometheus and Alertmanager resources for a
	// production cluster (Containers).
	Production bool
	// Chart is the stack's chart override.
	Chart helmrelease.Override
}

// SpokeArgs expose a spoke's /federate endpoint.
type SpokeArgs struct {
	// Host is the endpoint's host name (federate.<cluster>.<domain>).
	Host string
	// TLSSecretName is the TLS Secret of the Ingress.
	TLSSecretName string
	// IngressClass is the class of the ingress controller that serves it (ingress-nginx).
	IngressClass string
	// Gateway is the shared Gateway of an Envoy Gateway edge that serves it instead of
	// an Ingress; nil on ingress-nginx.
	Gateway *gateway.Attachment
	// IngressReady is the ingress controller install; the Ingress waits for an address from it.
	IngressReady pulumi.Resource
	// Username and Password are the basic-auth credentials; Password is a secret.
	Username string
	Password pulumi.StringInput
}

// HubArgs make a Prometheus scrape the spokes.
type HubArgs struct {
	// Match are the match[] selectors asked of each spoke.
	Match []string
	// Targets each resolve to []Target (InStackTarget, RemoteTargets).
	Targets []pulumi.Output
	// Sources name the spokes for the plan: cluster names and stack:<reference>.
	Sources []string
}

// Monitoring is a kube-prometheus-stack install.
type Monitoring struct {
	pulumi.ResourceState

	// CRDs is the prometheus-operator-crds chart that registers the monitoring CRDs
	// (ServiceMonitor, PodMonitor, PrometheusRule, ...): objects of those kinds depend
	// on it, and so does Release.
	CRDs pulumi.Resource
	// Release is the kube-prometheus-stack install (installed without its CRDs).
	Release pulumi.Resource
	// PrometheusURL is the in-cluster Prometheus address.
	PrometheusURL pulumi.StringOutput `pulumi:"prometheusUrl"`
	// FederationEndpoint is the spoke's federation URL; empty unless a spoke.
	FederationEndpoint pulumi.StringOutput `pulumi:"federationEndpoint"`
	// ScrapeConfigs is the hub's rendered scrape config (a secret); empty unless the hub.
	ScrapeConfigs pulumi.StringOutput `pulumi:"scrapeConfigs"`
}

// New installs kube-prometheus-stack and, by role, the federation endpoint or the hub's scrape config.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Monitoring, error) {
	if err := args.check(); err != nil {
		return nil, fmt.Errorf("monitoring %q: %w", name, err)
	}
	c := &Monitoring{}
	if err := ctx.RegisterComponentResource("platform:addons:Monitoring", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering component: %w", err)
	}
	meta := func(n string, annotations map[string]string) metav1.ObjectMetaArgs {
		m := metav1.ObjectMetaArgs{Name: pulumi.String(n), Namespace: args.Namespace,
			Labels: pulumi.StringMap{"app.kubernetes.io/part-of": pulumi.String(ReleaseName)}}
		if len(annotations) > 0 {
			m.Annotations = pulumi.ToStringMap(annotations)
		}
		return m
	}
	var needs []pulumi.Resource

	admin, err := corev1.NewSecret(ctx, name+"-grafana-admin", &corev1.SecretArgs{
		Metadata: meta(GrafanaAdminSecret, nil),
		StringData: pulumi.StringMap{
			GrafanaUserKey:     pulumi.String(GrafanaAdminUser),
			GrafanaPasswordKey: args.GrafanaAdminPassword,
		},
	}, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("secret grafana-admin: %w", err)
	}
	needs = append(needs, admin)

	if len(args.Receivers) > 0 {
		am, err := corev1.NewSecret(ctx, name+"-alertmanager", &corev1.SecretArgs{
			Metadata:   meta(AlertmanagerSecret, nil),
			StringData: pulumi.StringMap{AlertmanagerConfigKey: AlertmanagerConfig(args.Receivers, args.NamespaceName)},
		}, pulumi.Parent(c))
		if err != nil {
			return nil, fmt.Errorf("secret alertmanager: %w", err)
		}
		needs = append(needs, am)
	}
	// Alertmanager retries until the adapter answers: nothing waits for it.
	if hasDingTalk(args.Receivers) {
		if err := c.dingTalk(ctx, name, args, meta); err != nil {
			return nil, fmt.Errorf("dingtalk: %w", err)
		}
	}

	c.ScrapeConfigs = pulumi.String("").ToStringOutput()
	if args.Hub != nil {
		match := args.Hub.Match
		c.ScrapeConfigs = secret.Mark(collectTargets(args.Hub.Targets).ApplyT(func(v any) (string, error) {
			ts, _ := v.([]Target)
			return ScrapeConfigs(ts, match)
		}).(pulumi.StringOutput))
		sources := append([]string(nil), args.Hub.Sources...)
		sort.Strings(sources)
		sc, err := corev1.NewSecret(ctx, name+"-federation-scrape", &corev1.SecretArgs{
			Metadata:   meta(ScrapeConfigSecret, map[string]string{AnnotationFederationSpokes: strings.Join(sources, ",")}),
			StringData: pulumi.StringMap{ScrapeConfigKey: c.ScrapeConfigs},
		}, pulumi.Parent(c))
		if err != nil {
			return nil, fmt.Errorf("secret federation-scrape: %w", err)
		}
		needs = append(needs, sc)
	}

	// The CRDs as resources of their own (helmrelease.NewCRDChart), so a pin move
	// upgrades them (Helm never upgrades a chart's crds/) and removing the addon keeps
	// them with every monitor and rule; the release installs without its own.
	crds, err := helmrelease.NewCRDChart(ctx, name+"-crds", &helmrelease.Args{
		Pin: helmrelease.PrometheusOperatorCRDs, Override: CRDOverride(args.Chart), Namespace: args.Namespace,
		Values: CRDValues(),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("crds: %w", err)
	}
	c.CRDs = crds
	rel, err := helmrelease.New(ctx, name+"-release", &helmrelease.Args{
		Pin: helmrelease.KubePrometheusStack, Override: args.Chart, ReleaseName: ReleaseName,
		Namespace: args.Namespace, Values: helmrelease.Merge(sizing.Values(Containers, args.Production), Values(args)),
	}, pulumi.Parent(c), pulumi.DependsOn(append(needs, crds)))
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	c.Release = rel
	c.PrometheusURL = pulumi.String(PrometheusURL(args.NamespaceName)).ToStringOutput()

	if g := args.Grafana; g != nil && g.Gateway != nil {
		if err := c.grafanaRoute(ctx, name, args, rel); err != nil {
			return nil, fmt.Errorf("grafana route: %w", err)
		}
	}

	c.FederationEndpoint = pulumi.String("").ToStringOutput()
	if s := args.Spoke; s != nil {
		spoke := c.spoke
		if s.Gateway != nil {
			spoke = c.spokeOnGateway
		}
		if err := spoke(ctx, name, args, meta); err != nil {
			return nil, fmt.Errorf("spoke: %w", err)
		}
		c.FederationEndpoint = pulumi.String("https://" + s.Host + FederatePath).ToStringOutput()
	}

	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"prometheusUrl":      c.PrometheusURL,
		"federationEndpoint": c.FederationEndpoint,
		"scrapeConfigs":      c.ScrapeConfigs,
	}); err != nil {
		return nil, fmt.Errorf("registering outputs: %w", err)
	}
	return c, nil
}

// spoke creates the htpasswd Secret and the Ingress that expose /federate.
func (c *Monitoring) spoke(ctx *pulumi.Context, name string, args *Args, meta func(string, map[string]string) metav1.ObjectMetaArgs) error {
	s := args.Spoke
	user, cluster := s.Username, args.Cluster
	htpasswd, err := corev1.NewSecret(ctx, name+"-federation-htpasswd", &corev1.SecretArgs{
		Metadata: meta(HtpasswdSecret, nil),
		StringData: pulumi.StringMap{HtpasswdKey: s.Password.ToStringOutput().ApplyT(func(pw string) string {
			return HtpasswdLine(user, pw, cluster) + "\n"
		}).(pulumi.StringOutput)},
	}, pulumi.Parent(c))
	if err != nil {
		return fmt.Errorf("secret federation-htpasswd: %w", err)
	}
	deps := []pulumi.Resource{htpasswd}
	if s.IngressReady != nil {
		deps = append(deps, s.IngressReady)
	}
	_, err = networkingv1.NewIngress(ctx, name+"-federate", &networkingv1.IngressArgs{
		Metadata: meta(FederationIngress, map[string]string{
			labels.AnnotationSkipAwait: "true",
			AnnotationAuthType:         "basic",
			AnnotationAuthSecret:       HtpasswdSecret,
			AnnotationAuthRealm:        "Prometheus federation",
		}),
		Spec: networkingv1.IngressSpecArgs{
			IngressClassName: pulumi.String(s.IngressClass),
			Tls: networkingv1.IngressTLSArray{networkingv1.IngressTLSArgs{
				Hosts: pulumi.StringArray{pulumi.String(s.Host)}, SecretName: pulumi.String(s.TLSSecretName),
			}},
			Rules: networkingv1.IngressRuleArray{networkingv1.IngressRuleArgs{
				Host: pulumi.String(s.Host),
				Http: networkingv1.HTTPIngressRuleValueArgs{Paths: networkingv1.HTTPIngressPathArray{
					networkingv1.HTTPIngressPathArgs{
						Path: pulumi.String(FederatePath), PathType: pulumi.String("Exact"),
						Backend: networkingv1.IngressBackendArgs{Service: networkingv1.IngressServiceBackendArgs{
							Name: pulumi.String(PrometheusService),
							Port: networkingv1.ServiceBackendPortArgs{Number: pulumi.Int(PrometheusPort)},
						}},
					},
				}},
			}},
		},
	}, pulumi.Parent(c), pulumi.DependsOn(deps))
	if err != nil {
		return fmt.Errorf("ingress federate: %w", err)
	}
	return nil
}

func (a *Args) check() error {
	switch {
	case a == nil:
		return fmt.Errorf("no args")
	case a.Cluster == "" || a.NamespaceName == "" || a.Namespace == nil:
		return fmt.Errorf("cluster and namespace are required")
	case a.GrafanaAdminPassword == nil:
		return fmt.Errorf("the Grafana admin password is required")
	case a.StorageClass == "" || a.StorageSize == "" || a.Retention == "":
		return fmt.Errorf("storage class, storage size and retention are required")
	case a.Spoke != nil && a.Hub != nil:
		return fmt.Errorf("a cluster is either a federation hub or a spoke")
	case a.Spoke != nil && (a.Spoke.Host == "" || a.Spoke.TLSSecretName == "" || a.Spoke.Password == nil || a.Spoke.Username == "" || (a.Spoke.IngressClass == "") == (a.Spoke.Gateway == nil)):
		return fmt.Errorf("a spoke needs a host, a TLS Secret, credentials, and an ingress class or a gateway")
	}
	return nil
}

// Containers are every container kube-prometheus-stack 88.5.3 runs and their
// sizes: the Prometheus and Alertmanager resources (their prometheusSpec and
// alertmanagerSpec), the config reloader the operator adds to both (passed to the
// operator as --config-reloader-* flags), the operator and its admission webhook's
// certificate Jobs, and the subcharts' grafana 12.11.1 (grafana-community; with its
// dashboard and data source sidecars and the init container that chowns its volume),
// kube-state-metrics 8.4.0 and prometheus-node-exporter 4.56.1. Every one is empty in the charts'
// values.yaml and none advises a limit; Prometheus's memory grows with the series it
// holds, so prod's is four times dev's.
var Containers = []sizing.Container{
	{Name: "prometheus", Path: "prometheus.prometheusSpec.resources", Other: sizing.Size{CPU: "100m", Memory: "512Mi"}, Prod: sizing.Size{CPU: "500m", Memory: "2Gi"}},
	{Name: "alertmanager", Path: "alertmanager.alertmanagerSpec.resources", Other: sizing.Size{CPU: "10m", Memory: "64Mi"}, Prod: sizing.Size{CPU: "20m", Memory: "128Mi"}},
	{Name: "config-reloader", Path: "prometheusOperator.prometheusConfigReloader.resources", Other: sizing.Size{CPU: "10m", Memory: "32Mi"}, Prod: sizing.Size{CPU: "10m", Memory: "32Mi"}},
	{Name: "prometheus-operator", Path: "prometheusOperator.resources", Other: sizing.Size{CPU: "20m", Memory: "64Mi"}, Prod: sizing.Size{CPU: "50m", Memory: "128Mi"}},
	{Name: "admission-webhook certificate Jobs", Path: "prometheusOperator.admissionWebhooks.patch.resources", Other: sizing.Size{CPU: "10m", Memory: "32Mi"}, Prod: sizing.Size{CPU: "10m", Memory: "32Mi"}},
	{Name: "grafana", Path: "grafana.resources", Other: sizing.Size{CPU: "50m", Memory: "128Mi"}, Prod: sizing.Size{CPU: "100m", Memory: "256Mi"}},
	{Name: "grafana sidecars (dashboards, datasources)", Path: "grafana.sidecar.resources", Other: sizing.Size{CPU: "10m", Memory: "64Mi"}, Prod: sizing.Size{CPU: "10m", Memory: "128Mi"}},
	{Name: "grafana init-chown-data", Path: "grafana.initChownData.resources", Other: sizing.Size{CPU: "10m", Memory: "16Mi"}, Prod: sizing.Size{CPU: "10m", Memory: "16Mi"}},
	{Name: "kube-state-metrics", Path: "kube-state-metrics.resources", Other: sizing.Size{CPU: "10m", Memory: "64Mi"}, Prod: sizing.Size{CPU: "50m", Memory: "256Mi"}},
	{Name: "node-exporter", Path: "prometheus-node-exporter.resources", Other: sizing.Size{CPU: "10m", Memory: "32Mi"}, Prod: sizing.Size{CPU: "20m", Memory: "64Mi"}},
}

// CRDValues are the prometheus-operator-crds values: every CRD (the chart's default),
// each carrying labels.AnnotationPatchForce (crds.annotations, which the chart puts on
// each CRD). A cluster that ran kube-prometheus-stack 77.14.0 or earlier has the
// CRDs from Helm's crds/ install, under Helm's field manager: without the force, the
// fields the new operator version changes would stop the CRD chart's first apply with
// a conflict. The chart is the CRDs' one owner from then on.
func CRDValues() map[string]any {
	return map[string]any{"crds": map[string]any{"annotations": map[string]any{labels.AnnotationPatchForce: "true"}}}
}

// CRDOverride is the CRD chart's override from the stack's kube-prometheus-stack
// override: the same repository (a mirror holds both), never its version (the two
// charts number their releases apart) nor its values (they are the stack chart's).
func CRDOverride(o helmrelease.Override) helmrelease.Override {
	return helmrelease.Override{Repository: o.Repository}
}

// PrometheusURL is the in-cluster address of the Prometheus in namespace ns.
func PrometheusURL(ns string) string {
	return fmt.Sprintf("http://%s.%s.svc:%d", PrometheusService, ns, PrometheusPort)
}

// Values are the typed chart values for args, before the stack's raw values. They
// hold no secret: secrets are referenced by Secret name.
func Values(args *Args) map[string]any {
	promSpec := map[string]any{
		"retention":      args.Retention,
		"externalLabels": map[string]any{ClusterLabel: args.Cluster},
		"storageSpec": map[string]any{"volumeClaimTemplate": map[string]any{"spec": map[string]any{
			"storageClassName": args.StorageClass,
			"accessModes":      []any{"ReadWriteOnce"},
			"resources":        map[string]any{"requests": map[string]any{"storage": args.StorageSize}},
		}}},
		// Pick up ServiceMonitors and rules of every release, not only this chart's.
		"serviceMonitorSelectorNilUsesHelmValues": false,
		"podMonitorSelectorNilUsesHelmValues":     false,
		"ruleSelectorNilUsesHelmValues":           false,
	}
	if args.Hub != nil {
		promSpec["additionalScrapeConfigsSecret"] = map[string]any{
			"enabled": true, "name": ScrapeConfigSecret, "key": ScrapeConfigKey,
		}
	}
	var sources []any
	if args.Hub != nil {
		sources = append(sources, map[string]any{
			"name": FederatedDataSource, "type": "prometheus", "uid": "fleet-federated", "access": "proxy",
			"url": PrometheusURL(args.NamespaceName), "isDefault": false,
			"jsonData": map[string]any{"timeInterval": FederationScrapeInterval},
		})
	}
	if args.LokiURL != "" {
		sources = append(sources, map[string]any{
			"name": LokiDataSource, "type": "loki", "uid": "loki", "access": "proxy", "url": args.LokiURL,
		})
	}
	if args.TempoURL != "" {
		tempo := map[string]any{
			"name": TempoDataSource, "type": "tempo", "uid": "tempo", "access": "proxy", "url": args.TempoURL,
		}
		if args.LokiURL != "" {
			tempo["jsonData"] = map[string]any{"tracesToLogsV2": map[string]any{
				"datasourceUid": "loki", "filterByTraceID": true, "spanStartTimeShift": "-5m", "spanEndTimeShift": "5m",
			}}
		}
		sources = append(sources, tempo)
	}
	grafana := map[string]any{
		"admin": map[string]any{
			"existingSecret": GrafanaAdminSecret, "userKey": GrafanaUserKey, "passwordKey": GrafanaPasswordKey,
		},
		"persistence": map[string]any{"enabled": true, "storageClassName": args.StorageClass, "size": GrafanaStorageSize},
		// The PVC is ReadWriteOnce: a rolling update's new pod would wait forever for
		// the volume the old pod holds (on another node, a multi-attach error).
		"deploymentStrategy": map[string]any{"type": "Recreate"},
	}
	if len(sources) > 0 {
		grafana["additionalDataSources"] = sources
	}
	if args.Grafana != nil {
		for k, v := range grafanaValues(args.Grafana) {
			grafana[k] = v
		}
	}
	am := map[string]any{
		"alertmanagerSpec": map[string]any{
			"storage": map[string]any{"volumeClaimTemplate": map[string]any{"spec": map[string]any{
				"storageClassName": args.StorageClass,
				"accessModes":      []any{"ReadWriteOnce"},
				"resources":        map[string]any{"requests": map[string]any{"storage": "2Gi"}},
			}}},
		},
	}
	if len(args.Receivers) > 0 {
		amSpec := am["alertmanagerSpec"].(map[string]any)
		amSpec["useExistingSecret"] = true
		amSpec["configSecret"] = AlertmanagerSecret
	}
	return map[string]any{
		"fullnameOverride": ReleaseName,
		// The crds subchart (its condition crds.enabled): the CRD chart owns them.
		"crds":         map[string]any{"enabled": false},
		"prometheus":   map[string]any{"prometheusSpec": promSpec},
		"grafana":      grafana,
		"alertmanager": am,
		// A managed control plane shows no scheduler, controller-manager or etcd pods:
		// their Services, ServiceMonitors and absent() alerts would page forever.
		"kubeControllerManager": map[string]any{"enabled": args.ControlPlane},
		"kubeScheduler":         map[string]any{"enabled": args.ControlPlane},
		"kubeEtcd":              map[string]any{"enabled": args.ControlPlane},
		// A node agent: every node's metrics, whatever its taints (the subchart's
		// default tolerates NoSchedule only, not NoExecute or PreferNoSchedule).
		"prometheus-node-exporter": map[string]any{"tolerations": helmrelease.NodeAgentTolerations()},
	}
}
