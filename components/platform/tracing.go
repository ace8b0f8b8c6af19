package platform

import (
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/catalog"
	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/addons/tracing"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/secret"
)

// AddonTracing is the tracing addon's LabelAddon value; NamespaceTracing its namespace.
const (
	AddonTracing     = catalog.Tracing
	NamespaceTracing = "tracing"
)

// Defaults of TracingSpec.
const (
	// DefaultTraceRetention keeps a week of traces: long enough to compare with last
	// week's incident, short enough for a 10Gi volume at moderate traffic.
	DefaultTraceRetention = "7d"
	// DefaultTraceStorageSize is Tempo's volume.
	DefaultTraceStorageSize = "10Gi"
	// TraceHubHostPrefix starts the hub's default OTLP host: otlp.<hub>.<federation domain>.
	TraceHubHostPrefix = "otlp"
)

// TracingSpec configures distributed tracing: an OpenTelemetry Collector per cluster and
// Grafana Tempo as the store. Tempo over Jaeger: it is the store Grafana (already in
// every cluster) links to Loki's logs by trace ID, it needs no database of its own
// (Jaeger v2 needs Elasticsearch, Cassandra or Badger), and it is Grafana Labs' like
// Loki, under the same AGPL-3.0 the platform already runs unmodified. Clusters follow
// their federation role: the hub and clusters outside federation keep traces in their
// own Tempo; spokes keep none and forward to the hub's collector with a bearer token.
type TracingSpec struct {
	// Enabled installs tracing on every cluster. Defaults to true.
	Enabled *bool `yaml:"enabled"`
	// Retention is how long Tempo keeps traces, in the form of every retention here
	// (a number and h, d, w or y: 7d). Defaults to DefaultTraceRetention.
	Retention string `yaml:"retention"`
	// StorageSize is Tempo's volume, a Kubernetes quantity. Defaults to DefaultTraceStorageSize.
	StorageSize string `yaml:"storageSize"`
	// Hub is the fan-in endpoint on the federation hub.
	Hub TracingHubSpec `yaml:"hub"`
	// Token names the secret config key with the bearer token spokes send and the hub
	// checks; required when a cluster (here) is a hub or a spoke.
	Token secret.Ref `yaml:"token"`
	// Collector and Tempo override the charts' sources.
	Collector Chart `yaml:"collector"`
	Tempo     Chart `yaml:"tempo"`
}

// TracingHubSpec is the hub's OTLP/HTTP endpoint for spokes (in this stack or others).
type TracingHubSpec struct {
	// Host is the endpoint's host name. Defaults to otlp.<hub cluster>.<monitoring.federation.domain>
	// when the hub is in this stack; a stack with spokes only sets it to its hub's.
	Host string `yaml:"host"`
	// TLSSecretName is the endpoint's certificate in the tracing namespace. Defaults to
	// DefaultTracingHubTLSSecret, which cert-manager issues; set, it is a Secret the
	// stack brings (no Certificate is made).
	TLSSecretName string `yaml:"tlsSecretName"`
}

func (s *TracingSpec) applyDefaults() {
	if s.Enabled == nil {
		on := true
		s.Enabled = &on
	}
	if s.Retention == "" {
		s.Retention = DefaultTraceRetention
	}
	if s.StorageSize == "" {
		s.StorageSize = DefaultTraceStorageSize
	}
}

// applyClusterDefaults names the hub's endpoint after the hub cluster.
func (s *Spec) applyTracingClusterDefaults(clusters []cluster.Spec) {
	t := &s.Tracing
	if t.Hub.Host != "" || s.Monitoring.Federation.Domain == "" {
		return
	}
	for _, c := range clusters {
		if c.Federation == cluster.FederationHub {
			t.Hub.Host = TraceHubHostPrefix + "." + c.Name + "." + s.Monitoring.Federation.Domain
		}
	}
}

// Messages of the tracing checks.
const ()

func (s *TracingSpec) validate(p *field.Path) field.ErrorList {
	errs := validateChart(p.Child("collector"), s.Collector)
	errs = append(errs, validateChart(p.Child("tempo"), s.Tempo)...)
	if !OnByDefault(s.Enabled) {
		return errs
	}
	errs = append(errs, validateRetention(p.Child("retention"), s.Retention)...)
	errs = append(errs, validateQuantity(p.Child("storageSize"), s.StorageSize)...)
	if h := s.Hub.Host; h != "" {
		errs = append(errs, validateHost(p.Child("hub", "host"), h)...)
	}
	return errs
}

// validateTracingClusters checks what fan-in needs from the clusters' roles: the hub
// serves its endpoint through ingress-nginx with TLS, spokes know where it is, and
// both hold the token.
func (s *Spec) validateTracingClusters(p *field.Path, clusters []cluster.Spec) field.ErrorList {
	t := s.Tracing
	if !OnByDefault(t.Enabled) {
		return nil
	}
	tp := p.Child("tracing")
	var errs field.ErrorList
	hub, spoke := "", ""
	for _, c := range clusters {
		switch c.Federation {
		case cluster.FederationHub:
			hub = c.Name
		case cluster.FederationSpoke:
			spoke = c.Name
		}
	}
	if hub == "" && spoke == "" {
		return nil
	}
	errs = append(errs, requireSecret(tp.Child("token"), t.Token)...)
	if t.Hub.Host == "" {
		errs = append(errs, field.Required(tp.Child("hub", "host"), "the hub's OTLP endpoint (or monitoring.federation.domain, for otlp.<hub>.<domain>)"))
	}
	if hub != "" {
		if n := t.Hub.TLSSecretName; n != "" {
			errs = append(errs, validateName(tp.Child("hub", "tlsSecretName"), n)...)
		}
		if !OnByDefault(s.Ingress.Enabled) {
			errs = append(errs, field.Invalid(p.Child("ingress", "enabled"), false, "tracing hub "+hub+" "+MsgNeedsIngress))
		}
	}
	return errs
}

// tracing installs the cluster's collector and, unless it is a spoke, its Tempo.
func (b *builder) tracing() (tempoURL string, err error) {
	t, a := b.spec.Tracing, b.args
	ns, err := b.namespace(AddonTracing)
	if err != nil {
		return "", fmt.Errorf("namespace: %w", err)
	}
	b.tracingNS = ns
	targs := &tracing.Args{
		Cluster: a.Cluster, Namespace: ns, NamespaceName: NamespaceTracing, Role: tracing.RoleStore,
		Retention: hours(t.Retention), StorageClass: a.StorageClass, StorageSize: t.StorageSize,
		CollectorChart: t.Collector.Override(), TempoChart: t.Tempo.Override(), Production: a.Production,
	}
	if a.Federation == cluster.FederationHub || a.Federation == cluster.FederationSpoke {
		tok, err := b.secret(t.Token)
		if err != nil {
			return "", fmt.Errorf("secret token: %w", err)
		}
		targs.Token = tok
	}
	switch a.Federation {
	case cluster.FederationSpoke:
		targs.Role, targs.HubEndpoint = tracing.RoleForward, "https://"+t.Hub.Host
	case cluster.FederationHub:
		targs.Hub = &tracing.HubArgs{Host: t.Hub.Host, TLSSecretName: t.Hub.TLSSecretName, IngressClass: IngressClassName, IngressReady: b.ingress}
		if b.spec.Edge.UsesGateway() {
			if err := b.endpointGrant("tracing-hub", ns, t.Hub.TLSSecretName); err != nil {
				return "", fmt.Errorf("endpoint grant: %w", err)
			}
			targs.Hub.IngressClass, targs.Hub.IngressReady = "", b.gatewayCRDs
			targs.Hub.Gateway = &gateway.Attachment{Namespace: EdgeNamespace(b.spec.Edge), Listener: gateway.ListenerName(t.Hub.Host)}
		}
	}
	if _, err := tracing.New(b.ctx, b.name+"-tracing", targs, pulumi.Parent(b.c)); err != nil {
		return "", fmt.Errorf("install: %w", err)
	}
	b.c.Outputs.OTLPEndpoint = tracing.OTLPEndpoint(NamespaceTracing)
	if targs.Role == tracing.RoleStore {
		return tracing.TempoURL(NamespaceTracing), nil
	}
	return "", nil
}

// hours renders a validated retention as the Go duration charts take (7d is 168h).
func hours(retention string) string {
	d, err := ParseRetention(retention)
	if err != nil {
		return retention // validated before anything is built
	}
	return fmt.Sprintf("%dh", int64(d/time.Hour))
}
