package platform

import (
	"errors"
	"fmt"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/catalog"
	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/addons/harbor"
	"github.com/fleetform/fleetform/components/addons/ingress"
	"github.com/fleetform/fleetform/components/addons/logging"
	"github.com/fleetform/fleetform/components/addons/monitoring"
	"github.com/fleetform/fleetform/components/addons/rollouts"
	"github.com/fleetform/fleetform/components/addons/tracing"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/secret"
)

// SecretSource resolves secret refs into Pulumi secrets (a *secret.Store does).
type SecretSource interface {
	Output(secret.Ref) (pulumi.StringOutput, error)
}

// Args configure the platform of one cluster. The provider of the cluster is
// passed as a resource option (pulumi.Providers) and reaches every child.
type Args struct {
	// Cluster is the cluster's name in the stack.
	Cluster string
	// Stack is the stack's name: with Cluster, it tells this cluster's DNS records from
	// those of every other cluster and stack writing the same zones.
	Stack string
	// Cloud decides load-balancer settings.
	Cloud cluster.Cloud
	// ManagedControlPlane says the cloud runs the control plane out of the cluster's
	// sight (no kube-scheduler, kube-controller-manager or etcd pods to scrape); it
	// sets the default of Spec.Monitoring.ControlPlane.
	ManagedControlPlane bool
	// StorageClass is the cluster's default StorageClass; every addon volume uses it.
	StorageClass string
	// Federation is the cluster's federation role.
	Federation cluster.FederationRole
	// Spec is the defaulted, validated platform spec of the stack.
	Spec Spec
	// Secrets resolve the spec's secret refs.
	Secrets SecretSource
	// FederationTargets are the spokes a hub scrapes, each resolving to []monitoring.Target.
	FederationTargets []pulumi.Output
	// FederationSources name those spokes for the plan (cluster names, stack:<reference>).
	FederationSources []string
	// Region is the cluster's region (its cloud's secret manager is regional).
	Region string
	// Workloads are the cloud identities the cluster component made for Spec.Workloads.
	Workloads map[string]cluster.WorkloadIdentity
	// Backups is the backup storage the cluster component made for Spec.BackupsFor; nil: no Velero.
	Backups *cluster.BackupLocation
	// BackupNamespaces are the environment namespaces on the cluster, one schedule each.
	BackupNamespaces []string
	// Karpenter is what the EKS component made for Karpenter (Connection.Karpenter); nil:
	// no Karpenter on this cluster.
	Karpenter *cluster.Karpenter
	// RunsHarbor installs Harbor on this cluster.
	RunsHarbor bool
	// Registry is a Harbor that runs elsewhere (another cluster, another stack); ignored with RunsHarbor.
	Registry *Registry
	// Production says the cluster serves production (its environment, as
	// cluster.Spec.IsProd reads it): the addons then run their production sizes, and
	// their webhooks and multi-replica controllers keep a pod through a node's drain
	// (docs/platform.md, "Sizing").
	Production bool
	// Hostnames are the release hosts on this cluster (every environment it holds), which
	// the edge routes, cert-manager certifies and external-dns publishes, beside the
	// platform's own endpoints (Hostnames adds those).
	Hostnames []Hostname
}

// Platform is the addon stack on one cluster.
type Platform struct {
	pulumi.ResourceState

	// Outputs is what the environments and releases layers get.
	Outputs *Outputs
	// IngressClass is the IngressClass apps use; empty when ingress is off.
	IngressClass pulumi.StringOutput `pulumi:"ingressClass"`
	// PrometheusURL is the in-cluster Prometheus; empty when monitoring is off.
	PrometheusURL pulumi.StringOutput `pulumi:"prometheusUrl"`
	// FederationEndpoint is the spoke's /federate URL; empty unless a spoke.
	FederationEndpoint pulumi.StringOutput `pulumi:"federationEndpoint"`
}

// New installs the enabled addons on one cluster, each into its own labelled namespace.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Platform, error) {
	if args == nil || args.Cluster == "" || args.Secrets == nil {
		return nil, fmt.Errorf("platform %q: cluster and secrets are required", name)
	}
	if errs := args.Spec.Validate(field.NewPath("platform")); len(errs) > 0 {
		return nil, fmt.Errorf("platform %q: %w", name, errs.ToAggregate())
	}
	c := &Platform{Outputs: &Outputs{Cluster: args.Cluster}}
	if err := ctx.RegisterComponentResource("platform:platform:Platform", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering component: %w", err)
	}
	b := &builder{ctx: ctx, name: name, args: args, c: c, spec: &args.Spec}
	if err := b.build(); err != nil {
		return nil, fmt.Errorf("platform %q: %w", name, err)
	}
	o := c.Outputs
	c.IngressClass = pulumi.String(o.IngressClass).ToStringOutput()
	c.PrometheusURL = pulumi.String(o.PrometheusURL).ToStringOutput()
	if c.FederationEndpoint == (pulumi.StringOutput{}) {
		c.FederationEndpoint = pulumi.String("").ToStringOutput()
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"ingressClass":       c.IngressClass,
		"prometheusUrl":      c.PrometheusURL,
		"federationEndpoint": c.FederationEndpoint,
	}); err != nil {
		return nil, fmt.Errorf("registering outputs: %w", err)
	}
	return c, nil
}

type builder struct {
	ctx  *pulumi.Context
	name string
	args *Args
	spec *Spec
	c    *Platform

	ingress pulumi.Resource
	gateway pulumi.Resource
	// gatewayCRDs is the Gateway API CRDs' install: routes and policies wait for it,
	// not for the Gateway (they attach whenever it comes).
	gatewayCRDs pulumi.Resource
	// kongReady is the Kong chart's install on edge kong (Kong's CRDs): Kong's plugin
	// and consumer objects wait for it.
	kongReady  pulumi.Resource
	ingressNS  pulumi.StringInput
	tracingNS  pulumi.StringInput
	rolloutsNS pulumi.StringInput
	// namespaceObjects are the addon namespaces made so far, by name: a Certificate
	// for a Secret in one of them waits for it.
	namespaceObjects map[string]pulumi.Resource
}

func (b *builder) build() error {
	s, a := b.spec, b.args
	if OnByDefault(s.Ingress.Enabled) {
		if err := b.edge(); err != nil {
			return fmt.Errorf("%s: %w", AddonIngress, err)
		}
	}
	if OnByDefault(s.Rollouts.Enabled) {
		if err := b.rollouts(); err != nil {
			return fmt.Errorf("%s: %w", AddonRollouts, err)
		}
	}
	lokiURL := ""
	if OnByDefault(s.Logging.Enabled) {
		if err := b.logging(); err != nil {
			return fmt.Errorf("%s: %w", AddonLogging, err)
		}
		if s.Logging.Backend == LoggingLoki {
			lokiURL = logging.LokiURL(NamespaceLogging)
		}
	}
	tempoURL := ""
	if OnByDefault(s.Tracing.Enabled) {
		var err error
		if tempoURL, err = b.tracing(); err != nil {
			return fmt.Errorf("%s: %w", AddonTracing, err)
		}
	}
	if OnByDefault(s.Monitoring.Enabled) {
		if err := b.monitoring(lokiURL, tempoURL); err != nil {
			return fmt.Errorf("%s: %w", AddonMonitoring, err)
		}
		// Each of these errors names its addon.
		if err := b.earlierMonitors(); err != nil {
			return err
		}
	}
	if OnByDefault(s.VPA.Enabled) {
		if err := b.vpa(); err != nil {
			return fmt.Errorf("%s: %w", AddonVPA, err)
		}
	}
	if err := b.externalSecrets(); err != nil {
		return fmt.Errorf("%s: %w", AddonExternalSecrets, err)
	}
	if err := b.backups(); err != nil {
		return fmt.Errorf("%s: %w", AddonBackups, err)
	}
	if err := b.karpenter(); err != nil {
		return fmt.Errorf("%s: %w", AddonKarpenter, err)
	}
	if err := b.dnsAutoscaler(); err != nil {
		return fmt.Errorf("%s: %w", AddonDNSAutoscaler, err)
	}
	if err := b.runtimeSecurity(); err != nil {
		return fmt.Errorf("%s: %w", AddonRuntimeSecurity, err)
	}
	if err := b.chaosMesh(); err != nil {
		return fmt.Errorf("%s: %w", AddonChaos, err)
	}
	if a.RunsHarbor {
		if err := b.harbor(); err != nil {
			return fmt.Errorf("%s: %w", AddonHarbor, err)
		}
	} else {
		b.c.Outputs.Registry = a.Registry
	}
	if err := b.networkPolicies(); err != nil {
		return fmt.Errorf("network policies: %w", err)
	}
	// Last: certificates go into the namespaces above, and the issuer may answer
	// challenges on the edge. Its errors name cert-manager or external-dns.
	return b.dns()
}

// rollouts installs Argo Rollouts and its dashboard.
func (b *builder) rollouts() error {
	s := b.spec.Rollouts
	ns, err := b.namespace(AddonRollouts)
	if err != nil {
		return fmt.Errorf("namespace: %w", err)
	}
	var plugin *rollouts.Plugin
	if gp := s.GatewayPlugin; OnByDefault(gp.Enabled) {
		plugin = &rollouts.Plugin{Location: gp.Location, SHA256: gp.SHA256}
	}
	ro, err := rollouts.New(b.ctx, b.name+"-rollouts", &rollouts.Args{
		Namespace: ns, Dashboard: s.Dashboard, Chart: s.Chart.Override(), GatewayPlugin: plugin, Production: b.args.Production,
	}, pulumi.Parent(b.c))
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	b.c.Outputs.RolloutsReady = ro.Release
	b.c.Outputs.GatewayPlugin = plugin != nil
	b.rolloutsNS = ns
	if err := b.dashboard(ns, ro.Release); err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}
	return nil
}

// earlierMonitors makes the monitors of the addons built before monitoring (the
// edge, tracing, rollouts), each waiting for the monitoring CRDs' install.
func (b *builder) earlierMonitors() error {
	ready, err := b.monitoringReady()
	if err != nil {
		return fmt.Errorf("monitors: %w", err)
	}
	parent := pulumi.Parent(b.c)
	for _, m := range []struct {
		addon, kind string
		built       bool
		make        func() (pulumi.Resource, error)
	}{
		// Canary analysis reads the controller's, or the Gateway proxies', request metrics.
		{AddonIngress, "servicemonitor", b.ingress != nil, func() (pulumi.Resource, error) {
			return ingress.NewServiceMonitor(b.ctx, b.name+"-ingress-servicemonitor", b.ingressNS, ready, parent)
		}},
		{AddonIngress, "podmonitor", b.gateway != nil, func() (pulumi.Resource, error) {
			return gateway.NewPodMonitor(b.ctx, b.name+"-gateway-podmonitor", b.spec.Edge, b.ingressNS, ready, parent)
		}},
		{AddonTracing, "servicemonitor", b.tracingNS != nil, func() (pulumi.Resource, error) {
			return tracing.NewServiceMonitor(b.ctx, b.name+"-tracing-servicemonitor", b.tracingNS, ready, parent)
		}},
		{AddonRollouts, "servicemonitor", b.rolloutsNS != nil, func() (pulumi.Resource, error) {
			return rollouts.NewServiceMonitor(b.ctx, b.name+"-rollouts-servicemonitor", b.rolloutsNS, ready, parent)
		}},
	} {
		if !m.built {
			continue
		}
		if _, err := m.make(); err != nil {
			return fmt.Errorf("%s: %s: %w", m.addon, m.kind, err)
		}
	}
	return nil
}

// ErrMonitorsBeforeMonitoring: a step asked for what its monitors wait for before
// the monitoring install was built (builder.build must build monitoring first).
var ErrMonitorsBeforeMonitoring = errors.New("the monitoring install its monitors wait for is not built yet; build monitoring first")

// monitoringReady is what an addon's monitors wait for, the monitoring CRDs' install
// (the prometheus-operator-crds chart, which kube-prometheus-stack waits for too): nil
// with monitoring off (the addon makes no monitor). With monitoring on but its
// install not built yet (a step ordered before it) it fails with
// ErrMonitorsBeforeMonitoring instead of letting monitors wait for nothing.
func (b *builder) monitoringReady() (pulumi.Resource, error) {
	if !OnByDefault(b.spec.Monitoring.Enabled) {
		return nil, nil
	}
	if b.c.Outputs.MonitoringReady == nil {
		return nil, ErrMonitorsBeforeMonitoring
	}
	return b.c.Outputs.MonitoringReady, nil
}

// namespace creates an addon's labelled namespace and returns its name as an input,
// so whatever goes into it waits for it.
func (b *builder) namespace(addon string) (pulumi.StringInput, error) {
	a, _ := catalog.Lookup(addon) // namespaceAs fails on an unregistered addon
	return b.namespaceAs(addon, a.Namespace)
}

// namespaceAs is namespace with another of the addon's registered namespaces (the
// edge's depends on platform.edge).
func (b *builder) namespaceAs(addon, name string) (pulumi.StringInput, error) {
	if err := checkAddonNamespace(addon, name); err != nil {
		return nil, fmt.Errorf("namespace: %w", err)
	}
	ns, err := corev1.NewNamespace(b.ctx, b.name+"-ns-"+addon, &corev1.NamespaceArgs{
		Metadata: metav1.ObjectMetaArgs{
			Name:   pulumi.String(name),
			Labels: pulumi.ToStringMap(NamespaceLabels(addon, b.args.Cluster)),
		},
	}, pulumi.Parent(b.c))
	if err != nil {
		return nil, fmt.Errorf("namespace: %w", err)
	}
	if b.namespaceObjects == nil {
		b.namespaceObjects = map[string]pulumi.Resource{}
	}
	b.namespaceObjects[name] = ns
	return ns.Metadata.Name().Elem(), nil
}

func (b *builder) secret(r secret.Ref) (pulumi.StringOutput, error) {
	return b.args.Secrets.Output(r)
}

func (b *builder) monitoring(lokiURL, tempoURL string) error {
	s, a := b.spec.Monitoring, b.args
	ns, err := b.namespace(AddonMonitoring)
	if err != nil {
		return fmt.Errorf("namespace: %w", err)
	}
	admin, err := b.secret(s.GrafanaAdminPassword)
	if err != nil {
		return fmt.Errorf("secret grafanaAdminPassword: %w", err)
	}
	receivers, err := b.receivers()
	if err != nil {
		return fmt.Errorf("receivers: %w", err)
	}
	margs := &monitoring.Args{
		Cluster: a.Cluster, Namespace: ns, NamespaceName: NamespaceMonitoring,
		StorageClass: a.StorageClass, Retention: s.Retention, StorageSize: s.StorageSize,
		ControlPlane:         ControlPlaneMonitored(s.ControlPlane, a.ManagedControlPlane),
		GrafanaAdminPassword: admin, Receivers: receivers, DingTalkImage: s.DingTalkImage, LokiURL: lokiURL, TempoURL: tempoURL, Chart: s.Chart.Override(),
		Production: a.Production,
	}
	switch a.Federation {
	case cluster.FederationSpoke:
		pw, err := b.secret(s.Federation.Password)
		if err != nil {
			return fmt.Errorf("secret password: %w", err)
		}
		host := monitoring.SpokeHost(a.Cluster, s.Federation.Domain)
		margs.Spoke = &monitoring.SpokeArgs{
			Host: host, TLSSecretName: s.Federation.TLSSecretName,
			IngressClass: IngressClassName, IngressReady: b.ingress, Username: s.Federation.Username, Password: pw,
		}
		if b.spec.Edge.UsesGateway() {
			if err := b.endpointGrant("federation", ns, s.Federation.TLSSecretName); err != nil {
				return fmt.Errorf("endpoint grant: %w", err)
			}
			margs.Spoke.IngressClass, margs.Spoke.IngressReady = "", b.gatewayCRDs
			margs.Spoke.Gateway = &gateway.Attachment{Namespace: EdgeNamespace(b.spec.Edge), Listener: gateway.ListenerName(host),
				Edge: b.spec.Edge, KongReady: b.kongReady}
		}
	case cluster.FederationHub:
		margs.Hub = &monitoring.HubArgs{Match: s.Federation.Match, Targets: a.FederationTargets, Sources: a.FederationSources}
	}
	if g := s.Grafana; g.Domain != "" && OnByDefault(b.spec.Ingress.Enabled) {
		host := monitoring.GrafanaHost(a.Cluster, g.Domain)
		margs.Grafana = &monitoring.GrafanaArgs{Host: host, TLSSecretName: g.TLSSecretName, IngressClass: IngressClassName}
		if b.spec.Edge.UsesGateway() {
			if err := b.endpointGrant("grafana", ns, g.TLSSecretName); err != nil {
				return fmt.Errorf("endpoint grant: %w", err)
			}
			margs.Grafana.IngressClass, margs.Grafana.GatewayReady = "", b.gatewayCRDs
			margs.Grafana.Gateway = &gateway.Attachment{Namespace: EdgeNamespace(b.spec.Edge), Listener: gateway.ListenerName(host)}
		}
	}
	m, err := monitoring.New(b.ctx, b.name+"-monitoring", margs, pulumi.Parent(b.c))
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	b.c.Outputs.PrometheusURL = monitoring.PrometheusURL(NamespaceMonitoring)
	b.c.Outputs.MonitoringReady = m.CRDs
	b.c.FederationEndpoint = m.FederationEndpoint
	return nil
}

// ControlPlaneMonitored is monitoring.controlPlane on one cluster: as set, or unset,
// true unless the cloud manages the control plane out of the cluster's sight.
func ControlPlaneMonitored(set *bool, managed bool) bool {
	if set != nil {
		return *set
	}
	return !managed
}

func (b *builder) receivers() ([]monitoring.Receiver, error) {
	var out []monitoring.Receiver
	for _, r := range b.spec.Monitoring.Receivers {
		mr := monitoring.Receiver{Name: r.Name}
		switch {
		case r.Webhook != nil:
			u, err := b.secret(r.Webhook.URL)
			if err != nil {
				return nil, fmt.Errorf("secret url: %w", err)
			}
			mr.Webhook = &monitoring.Webhook{URL: u}
		case r.Email != nil:
			e := r.Email
			mr.Email = &monitoring.Email{To: e.To, From: e.From, Smarthost: e.Smarthost, AuthUsername: e.AuthUsername}
			if e.AuthPassword != "" {
				pw, err := b.secret(e.AuthPassword)
				if err != nil {
					return nil, fmt.Errorf("secret authPassword: %w", err)
				}
				mr.Email.AuthPassword = pw
			}
		case r.Slack != nil:
			u, err := b.secret(r.Slack.APIURL)
			if err != nil {
				return nil, fmt.Errorf("secret apiURL: %w", err)
			}
			mr.Slack = &monitoring.Slack{APIURL: u, Channel: r.Slack.Channel}
		case r.WeCom != nil:
			w := r.WeCom
			sec, err := b.secret(w.APISecret)
			if err != nil {
				return nil, fmt.Errorf("secret apiSecret: %w", err)
			}
			mr.WeCom = &monitoring.WeCom{CorpID: w.CorpID, AgentID: w.AgentID, APISecret: sec,
				ToUser: w.ToUser, ToParty: w.ToParty, ToTag: w.ToTag, MessageType: w.MessageType, APIURL: w.APIURL}
		case r.DingTalk != nil:
			d := r.DingTalk
			u, err := b.secret(d.URL)
			if err != nil {
				return nil, fmt.Errorf("secret url: %w", err)
			}
			mr.DingTalk = &monitoring.DingTalk{URL: u, MentionAll: d.MentionAll, MentionMobiles: d.MentionMobiles}
			if d.Secret != "" {
				sig, err := b.secret(d.Secret)
				if err != nil {
					return nil, fmt.Errorf("secret secret: %w", err)
				}
				mr.DingTalk.Secret = sig
			}
		}
		out = append(out, mr)
	}
	return out, nil
}

func (b *builder) logging() error {
	s, a := b.spec.Logging, b.args
	ns, err := b.namespace(AddonLogging)
	if err != nil {
		return fmt.Errorf("namespace: %w", err)
	}
	retention, err := ParseRetention(s.Retention)
	if err != nil {
		return fmt.Errorf("parse retention: %w", err)
	}
	largs := &logging.Args{
		Backend: s.Backend, Cluster: a.Cluster, Namespace: ns, NamespaceName: NamespaceLogging,
		StorageClass: a.StorageClass, Retention: retention, StorageSize: s.StorageSize, VolumePolicy: s.VolumePolicy,
		Chart: s.Chart.Override(), OperatorChart: s.OperatorChart.Override(), CollectorChart: s.CollectorChart.Override(),
		RetentionJobImage: s.RetentionJobImage, Production: a.Production,
	}
	if s.Backend == LoggingELK {
		pw, err := b.secret(s.WriterPassword)
		if err != nil {
			return fmt.Errorf("secret writerPassword: %w", err)
		}
		largs.WriterPassword = pw
	}
	if _, err := logging.New(b.ctx, b.name+"-logging", largs, pulumi.Parent(b.c)); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	return nil
}

func (b *builder) harbor() error {
	s, a := b.spec.Harbor, b.args
	if b.c.Outputs.IngressClass == "" && b.gateway == nil {
		return fmt.Errorf("harbor needs ingress enabled")
	}
	ns, err := b.namespace(AddonHarbor)
	if err != nil {
		return fmt.Errorf("namespace: %w", err)
	}
	admin, err := b.secret(s.AdminPassword)
	if err != nil {
		return fmt.Errorf("secret adminPassword: %w", err)
	}
	pull, err := b.secret(s.PullPassword)
	if err != nil {
		return fmt.Errorf("secret pullPassword: %w", err)
	}
	key, err := b.secret(s.SecretKey)
	if err != nil {
		return fmt.Errorf("secret secretKey: %w", err)
	}
	dbPassword, err := b.secret(s.Database.Password)
	if err != nil {
		return fmt.Errorf("secret password: %w", err)
	}
	var ext *harbor.ExternalDatabase
	if e := s.Database.External; e != nil {
		ext = &harbor.ExternalDatabase{Host: e.Host, Port: e.Port, Username: e.Username, Database: e.Database, SSLMode: e.SSLMode}
	}
	h, err := harbor.New(b.ctx, b.name+"-harbor", &harbor.Args{
		Namespace: ns, Host: s.Host, TLSSecretName: s.TLSSecretName, IngressClass: IngressClassName,
		StorageClass: a.StorageClass, RegistryStorageSize: s.RegistryStorageSize,
		AdminPassword: admin, SecretKey: key, DatabasePassword: dbPassword, ExternalDatabase: ext,
		Trivy: harbor.Trivy{Enabled: OnByDefault(s.Trivy.Enabled), DBRepositories: s.Trivy.DBRepositories,
			JavaDBRepositories: s.Trivy.JavaDBRepositories, OfflineScan: s.Trivy.OfflineScan},
		PullUsername: s.PullUsername, PullPassword: pull, Chart: b.harborChart(s.Chart.Override()), Production: a.Production,
	}, pulumi.Parent(b.c))
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	if err := b.harborRoute(ns, h.Release); err != nil {
		return fmt.Errorf("harbor route: %w", err)
	}
	b.c.Outputs.Registry = &Registry{Host: h.Host, Username: h.PullUsername, Password: h.PullPassword}
	return nil
}
