package tracing

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/addons/sizing"
	"github.com/fleetform/fleetform/components/helmrelease"
	"github.com/fleetform/fleetform/internal/labels"
)

// Names and ports other layers rely on.
const (
	// CollectorName is the collector's release and Service name (the chart's fullnameOverride).
	CollectorName = "otel-collector"
	// MetricsPort is the collector's own metrics port (the chart's ports.metrics).
	MetricsPort = 8888
	// ServiceMonitorName names the ServiceMonitor of the collector's own metrics.
	ServiceMonitorName = "otel-collector"
	// TempoName is Tempo's release and Service name.
	TempoName = "tempo"
	// OTLPGRPCPort and OTLPHTTPPort are the in-cluster OTLP receivers (no auth).
	OTLPGRPCPort = 4317
	OTLPHTTPPort = 4318
	// FleetPort is the hub's OTLP/HTTP receiver for spokes, behind a bearer token; only
	// the hub's Ingress reaches it.
	FleetPort = 4319
	// TempoQueryPort is Tempo's HTTP API, Grafana's data source URL.
	TempoQueryPort = 3200
	// TokenSecret holds the bearer token in the tracing namespace; TokenKey is its key.
	TokenSecret = "otlp-fleet-token"
	TokenKey    = "token"
	// TokenEnv is the collector's env var with the token; its config reads ${env:OTLP_FLEET_TOKEN}.
	TokenEnv = "OTLP_FLEET_TOKEN"
	// HubIngress is the hub's Ingress name.
	HubIngress = "otlp-fleet"
	// CollectorImage is the collector distribution: contrib carries the bearertokenauth
	// extension the fan-in uses (the k8s distribution does not).
	CollectorImage   = "otel/opentelemetry-collector-contrib"
	collectorCommand = "otelcol-contrib"
	authenticator    = "bearertokenauth/fleet"
)

// Roles of a cluster in trace fan-in.
const (
	// RoleStore keeps traces in its own Tempo (a hub, or a cluster outside federation).
	RoleStore = "store"
	// RoleForward keeps none and forwards to the hub (a spoke).
	RoleForward = "forward"
)

// HubArgs expose the hub's fleet receiver to spokes.
type HubArgs struct {
	// Host is the endpoint's host name; TLSSecretName its certificate in the namespace.
	Host, TLSSecretName string
	// IngressClass is the edge's class (ingress-nginx); IngressReady the edge install.
	IngressClass string
	IngressReady pulumi.Resource
	// Gateway is the shared Gateway of a Gateway API edge that routes the endpoint
	// instead of an Ingress (the collector checks the bearer token itself); nil on
	// ingress-nginx.
	Gateway *gateway.Attachment
}

// Args configure tracing on one cluster.
type Args struct {
	// Cluster names the cluster; every span gets k8s.cluster.name with it.
	Cluster string
	// Namespace is the namespace to install into (the object's name, so installs wait for it).
	Namespace pulumi.StringInput
	// NamespaceName is the same name, plain, for in-cluster addresses.
	NamespaceName string
	// Role is RoleStore or RoleForward.
	Role string
	// Retention is how long Tempo keeps traces (a Go duration); StorageClass and
	// StorageSize its volume. RoleStore only.
	Retention, StorageClass, StorageSize string
	// Hub exposes the fleet receiver; nil unless the cluster is the fan-in hub.
	Hub *HubArgs
	// HubEndpoint is where a spoke forwards (https://host); RoleForward only.
	HubEndpoint string
	// Token is the fleet bearer token (a Pulumi secret); required with Hub or RoleForward.
	Token pulumi.StringInput
	// Production sizes the pods for a production cluster and gives the collector a
	// PodDisruptionBudget (CollectorSizing).
	Production bool
	// CollectorChart and TempoChart are the stack's chart overrides.
	CollectorChart, TempoChart helmrelease.Override
}

// Tracing is a cluster's collector and, for RoleStore, its Tempo.
type Tracing struct {
	pulumi.ResourceState

	// OTLPEndpoint is the collector's OTLP/HTTP address apps export to.
	OTLPEndpoint pulumi.StringOutput `pulumi:"otlpEndpoint"`
	// TempoURL is Tempo's query address for Grafana; empty for RoleForward.
	TempoURL pulumi.StringOutput `pulumi:"tempoUrl"`
}

// New installs the collector (and Tempo).
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Tracing, error) {
	if err := args.check(); err != nil {
		return nil, fmt.Errorf("tracing %q: %w", name, err)
	}
	c := &Tracing{}
	if err := ctx.RegisterComponentResource("platform:addons:Tracing", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering component: %w", err)
	}
	var deps []pulumi.Resource
	if args.fanIn() {
		tok, err := corev1.NewSecret(ctx, name+"-token", &corev1.SecretArgs{
			Metadata:   metav1.ObjectMetaArgs{Name: pulumi.String(TokenSecret), Namespace: args.Namespace},
			Type:       pulumi.String("Opaque"),
			StringData: pulumi.StringMap{TokenKey: pulumi.ToSecret(args.Token).(pulumi.StringOutput)},
		}, pulumi.Parent(c))
		if err != nil {
			return nil, fmt.Errorf("secret token: %w", err)
		}
		deps = append(deps, tok)
	}
	tempoURL := ""
	if args.Role == RoleStore {
		if _, err := helmrelease.New(ctx, name+"-tempo", &helmrelease.Args{
			Pin: helmrelease.Tempo, Override: args.TempoChart, ReleaseName: TempoName,
			Namespace: args.Namespace, Values: helmrelease.Merge(sizing.Values(TempoContainers, args.Production), TempoValues(args)),
		}, pulumi.Parent(c)); err != nil {
			return nil, fmt.Errorf("release tempo: %w", err)
		}
		tempoURL = TempoURL(args.NamespaceName)
	}
	coll, err := helmrelease.New(ctx, name+"-collector", &helmrelease.Args{
		Pin: helmrelease.OpenTelemetryCollector, Override: args.CollectorChart, ReleaseName: CollectorName,
		Namespace: args.Namespace, Values: helmrelease.Merge(CollectorSizing(args.Production), CollectorValues(args)),
	}, pulumi.Parent(c), pulumi.DependsOn(deps))
	if err != nil {
		return nil, fmt.Errorf("release collector: %w", err)
	}
	if h := args.Hub; h != nil && h.Gateway != nil {
		ideps := []pulumi.Resource{coll}
		if h.IngressReady != nil {
			ideps = append(ideps, h.IngressReady)
		}
		// Exactly /v1/traces, to the collector's authenticated fleet receiver.
		if _, err := gateway.NewRoute(ctx, name+"-fleet", gateway.Route{
			Name: HubIngress, Namespace: args.Namespace, Host: h.Host, Listener: h.Gateway.Listener,
			Service: CollectorName, Port: FleetPort, Path: "/v1/traces", Exact: true, GatewayNamespace: h.Gateway.Namespace,
		}, pulumi.Parent(c), pulumi.DependsOn(ideps)); err != nil {
			return nil, fmt.Errorf("route fleet: %w", err)
		}
	} else if h != nil {
		ideps := []pulumi.Resource{coll}
		if h.IngressReady != nil {
			ideps = append(ideps, h.IngressReady)
		}
		if _, err := networkingv1.NewIngress(ctx, name+"-fleet", &networkingv1.IngressArgs{
			Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(HubIngress), Namespace: args.Namespace,
				Annotations: pulumi.StringMap{labels.AnnotationSkipAwait: pulumi.String("true")}},
			Spec: networkingv1.IngressSpecArgs{
				IngressClassName: pulumi.String(h.IngressClass),
				Tls: networkingv1.IngressTLSArray{networkingv1.IngressTLSArgs{
					Hosts: pulumi.StringArray{pulumi.String(h.Host)}, SecretName: pulumi.String(h.TLSSecretName),
				}},
				Rules: networkingv1.IngressRuleArray{networkingv1.IngressRuleArgs{
					Host: pulumi.String(h.Host),
					Http: networkingv1.HTTPIngressRuleValueArgs{Paths: networkingv1.HTTPIngressPathArray{
						networkingv1.HTTPIngressPathArgs{
							Path: pulumi.String("/v1/traces"), PathType: pulumi.String("Exact"),
							Backend: networkingv1.IngressBackendArgs{Service: networkingv1.IngressServiceBackendArgs{
								Name: pulumi.String(CollectorName),
								Port: networkingv1.ServiceBackendPortArgs{Number: pulumi.Int(FleetPort)},
							}},
						},
					}},
				}},
			},
		}, pulumi.Parent(c), pulumi.DependsOn(ideps)); err != nil {
			return nil, fmt.Errorf("ingress fleet: %w", err)
		}
	}
	c.OTLPEndpoint = pulumi.String(OTLPEndpoint(args.NamespaceName)).ToStringOutput()
	c.TempoURL = pulumi.String(tempoURL).ToStringOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"otlpEndpoint": c.OTLPEndpoint, "tempoUrl": c.TempoURL}); err != nil {
		return nil, fmt.Errorf("registering outputs: %w", err)
	}
	return c, nil
}

func (a *Args) fanIn() bool { return a.Hub != nil || a.Role == RoleForward }

func (a *Args) check() error {
	switch {
	case a == nil:
		return fmt.Errorf("no args")
	case a.Cluster == "" || a.Namespace == nil || a.NamespaceName == "":
		return fmt.Errorf("cluster and namespace are required")
	case a.Role != RoleStore && a.Role != RoleForward:
		return fmt.Errorf("role %q is neither %s nor %s", a.Role, RoleStore, RoleForward)
	case a.Role == RoleStore && (a.Retention == "" || a.StorageClass == "" || a.StorageSize == ""):
		return fmt.Errorf("a trace store needs a retention, a storage class and a size")
	case a.Role == RoleForward && a.HubEndpoint == "":
		return fmt.Errorf("a forwarding cluster needs the hub's endpoint")
	case a.Role == RoleForward && a.Hub != nil:
		return fmt.Errorf("a forwarding cluster is not the hub")
	case a.Hub != nil && (a.Hub.Host == "" || a.Hub.TLSSecretName == "" || (a.Hub.IngressClass == "") == (a.Hub.Gateway == nil)):
		return fmt.Errorf("the hub's endpoint needs a host, a TLS Secret and an ingress class")
	case a.fanIn() && a.Token == nil:
		return fmt.Errorf("fan-in needs the fleet token")
	}
	return nil
}

// OTLPEndpoint is the in-cluster OTLP/HTTP address of the collector in namespace ns.
func OTLPEndpoint(ns string) string {
	return fmt.Sprintf("http://%s.%s.svc:%d", CollectorName, ns, OTLPHTTPPort)
}

// TempoURL is the in-cluster query address of Tempo in namespace ns.
func TempoURL(ns string) string {
	return fmt.Sprintf("http://%s.%s.svc:%d", TempoName, ns, TempoQueryPort)
}

// TempoValues are the tempo chart's typed values: a single binary on a volume,
// receiving OTLP only, keeping traces for the retention.
func TempoValues(a *Args) map[string]any {
	return map[string]any{
		"tempo": map[string]any{
			"retention": a.Retention,
			"receivers": map[string]any{"otlp": map[string]any{"protocols": map[string]any{
				"grpc": map[string]any{"endpoint": fmt.Sprintf("0.0.0.0:%d", OTLPGRPCPort)},
				"http": map[string]any{"endpoint": fmt.Sprintf("0.0.0.0:%d", OTLPHTTPPort)},
			}}},
		},
		"persistence": map[string]any{
			"enabled":          true,
			"size":             a.StorageSize,
			"storageClassName": a.StorageClass,
		},
	}
}

// CollectorValues are the collector chart's typed values. alternateConfig replaces the
// chart's default pipelines (which print every metric and log to stdout) with one
// traces pipeline: OTLP in, the cluster's name added, batched, to Tempo or the hub.
// The token reaches the config only as ${env:...}, from the Secret.
func CollectorValues(a *Args) map[string]any {
	receivers := map[string]any{"otlp": map[string]any{"protocols": map[string]any{
		"grpc": map[string]any{"endpoint": fmt.Sprintf("${env:MY_POD_IP}:%d", OTLPGRPCPort)},
		"http": map[string]any{"endpoint": fmt.Sprintf("${env:MY_POD_IP}:%d", OTLPHTTPPort)},
	}}}
	inputs := []any{"otlp"}
	extensions := map[string]any{"health_check": map[string]any{"endpoint": "${env:MY_POD_IP}:13133"}}
	enabled := []any{"health_check"}
	if a.fanIn() {
		extensions[authenticator] = map[string]any{"token": "${env:" + TokenEnv + "}"}
		enabled = append(enabled, authenticator)
	}
	if a.Hub != nil {
		receivers["otlp/fleet"] = map[string]any{"protocols": map[string]any{
			"http": map[string]any{
				"endpoint": fmt.Sprintf("${env:MY_POD_IP}:%d", FleetPort),
				"auth":     map[string]any{"authenticator": authenticator},
			},
		}}
		inputs = append(inputs, "otlp/fleet")
	}
	var exporters map[string]any
	var outputs []any
	if a.Role == RoleStore {
		exporters = map[string]any{"otlp/tempo": map[string]any{
			"endpoint": fmt.Sprintf("%s.%s.svc:%d", TempoName, a.NamespaceName, OTLPGRPCPort),
			"tls":      map[string]any{"insecure": true},
		}}
		outputs = []any{"otlp/tempo"}
	} else {
		exporters = map[string]any{"otlphttp/hub": map[string]any{
			"endpoint": a.HubEndpoint,
			"auth":     map[string]any{"authenticator": authenticator},
		}}
		outputs = []any{"otlphttp/hub"}
	}
	v := map[string]any{
		"mode":             "deployment",
		"replicaCount":     2,
		"fullnameOverride": CollectorName,
		"image":            map[string]any{"repository": CollectorImage},
		"command":          map[string]any{"name": collectorCommand},
		"alternateConfig": map[string]any{
			"extensions": extensions,
			"receivers":  receivers,
			"processors": map[string]any{
				"memory_limiter": map[string]any{"check_interval": "5s", "limit_percentage": 80, "spike_limit_percentage": 25},
				// A span that reached the hub from a spoke keeps the spoke's name (insert).
				"resource/cluster": map[string]any{"attributes": []any{
					map[string]any{"key": "k8s.cluster.name", "value": a.Cluster, "action": "insert"},
				}},
				"batch": map[string]any{},
			},
			"exporters": exporters,
			"service": map[string]any{
				// The collector's own metrics (accepted, refused and exported spans, queue
				// sizes) on the pod's address, where the ServiceMonitor scrapes them; the
				// collector's default listens on localhost only.
				"telemetry": map[string]any{"metrics": map[string]any{"readers": []any{map[string]any{
					"pull": map[string]any{"exporter": map[string]any{"prometheus": map[string]any{
						"host": "${env:MY_POD_IP}", "port": MetricsPort,
					}}},
				}}}},
				"extensions": enabled,
				"pipelines": map[string]any{"traces": map[string]any{
					"receivers":  inputs,
					"processors": []any{"memory_limiter", "resource/cluster", "batch"},
					"exporters":  outputs,
				}},
			},
		},
		// Only OTLP: the chart's Jaeger and Zipkin ports stay closed.
		"ports": map[string]any{
			"jaeger-compact": map[string]any{"enabled": false},
			"jaeger-thrift":  map[string]any{"enabled": false},
			"jaeger-grpc":    map[string]any{"enabled": false},
			"zipkin":         map[string]any{"enabled": false},
			"metrics":        map[string]any{"enabled": true},
		},
	}
	if a.Hub != nil {
		v["ports"].(map[string]any)["otlp-fleet"] = map[string]any{
			"enabled": true, "containerPort": FleetPort, "servicePort": FleetPort, "protocol": "TCP",
		}
	}
	if a.fanIn() {
		v["extraEnvs"] = []any{map[string]any{
			"name":      TokenEnv,
			"valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": TokenSecret, "key": TokenKey}},
		}}
	}
	return v
}

// CollectorContainers are the collector's container and its sizes. Its chart
// (opentelemetry-collector 0.170.0, values.yaml) "HIGHLY" recommends a memory limit:
// the memory_limiter processor (limit_percentage 80, spike 25) measures against it,
// and useGOMEMLIMIT sets GOMEMLIMIT to 80% of it (templates/_pod.tpl), so the Go
// runtime collects garbage before the limiter refuses spans and long before the
// kernel kills the pod. Without a limit both do nothing.
var CollectorContainers = []sizing.Container{
	{Name: "collector", Path: "resources",
		Other: sizing.Size{CPU: "50m", Memory: "128Mi", MemoryLimit: "256Mi"},
		Prod:  sizing.Size{CPU: "200m", Memory: "512Mi", MemoryLimit: "1Gi"}},
}

// TempoContainers are Tempo's container and its sizes (tempo chart 2.2.4's
// values.yaml: tempo.resources empty, no limit advised). Tempo holds the traces of
// the last blocks in memory before it writes them out.
var TempoContainers = []sizing.Container{
	{Name: "tempo", Path: "tempo.resources", Other: sizing.Size{CPU: "50m", Memory: "256Mi"}, Prod: sizing.Size{CPU: "200m", Memory: "1Gi"}},
}

// CollectorSizing are the collector's sizes for the cluster's environment, with
// useGOMEMLIMIT written out, and on a production cluster the chart's
// PodDisruptionBudget keeping one of its two replicas through a node's drain.
func CollectorSizing(prod bool) map[string]any {
	v := sizing.Values(CollectorContainers, prod)
	v["useGOMEMLIMIT"] = true
	v["podDisruptionBudget"] = sizing.PodDisruptionBudget(prod)
	return v
}

// NewServiceMonitor has Prometheus scrape the collector's own metrics, made here for
// the reason rollouts.NewServiceMonitor gives: only this object waits for the
// Prometheus operator's CRD, not the collector.
func NewServiceMonitor(ctx *pulumi.Context, name string, namespace pulumi.StringInput, monitoringReady pulumi.Resource, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	return helmrelease.NewServiceMonitor(ctx, name, helmrelease.ServiceMonitor{
		Name: ServiceMonitorName, Namespace: namespace, MonitoringReady: monitoringReady, Port: "metrics",
		// The chart's selector labels (opentelemetry-collector.selectorLabels) and its
		// deployment-mode component label.
		Selector: map[string]any{
			"app.kubernetes.io/name":     "opentelemetry-collector",
			"app.kubernetes.io/instance": CollectorName,
			"component":                  "standalone-collector",
		},
	}, opts...)
}
