package platform

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blang/semver"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/harbor"
	"github.com/fleetform/fleetform/components/addons/logging"
	"github.com/fleetform/fleetform/components/addons/rollouts"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/components/helmrelease"
	"github.com/fleetform/fleetform/internal/image"
	"github.com/fleetform/fleetform/internal/secret"
)

// Defaults of the platform spec.
const (
	// DefaultIngressReplicas keeps the edge up while one controller pod restarts.
	DefaultIngressReplicas = 2
	// DefaultMetricsRetention is two weeks of local metrics, enough to compare this week with last.
	DefaultMetricsRetention = "15d"
	// DefaultMetricsStorageSize holds DefaultMetricsRetention for a cluster of a few hundred pods.
	DefaultMetricsStorageSize = "50Gi"
	// DefaultFederationUsername is the basic-auth user spoke endpoints accept.
	DefaultFederationUsername = "federate"
	// DefaultLoggingBackend is Loki: one binary on a volume, no JVM to size.
	DefaultLoggingBackend = LoggingLoki
	// DefaultLogRetention is a week of logs, long enough to debug last week's incident.
	DefaultLogRetention = "7d"
	// DefaultLogStorageSize holds DefaultLogRetention of a small cluster's logs.
	DefaultLogStorageSize = "50Gi"
	// DefaultRegistryStorageSize holds a few hundred images.
	DefaultRegistryStorageSize = "200Gi"
	// DefaultLogVolumePolicy keeps the log store's volumes when it is uninstalled, so
	// removing a release by mistake loses no logs (the loki chart deletes them).
	DefaultLogVolumePolicy = logging.VolumeRetain
	// DefaultWeComMessageType is Alertmanager's default for wechat_configs.
	DefaultWeComMessageType = "text"
	// DefaultDatabasePort is PostgreSQL's port.
	DefaultDatabasePort = 5432
	// DefaultHarborDatabase is the chart's core database name (database.external.coreDatabase).
	DefaultHarborDatabase = "registry"
	// DefaultDatabaseSSLMode encrypts the connection to an external database; the
	// chart's default is disable, which sends the password in the clear.
	DefaultDatabaseSSLMode = "require"
)

// LogVolumePolicies lists the accepted logging.volumePolicy values.
var LogVolumePolicies = []string{logging.VolumeRetain, logging.VolumeDelete}

// DatabaseSSLModes lists the sslmode values Harbor (lib/pq) accepts.
var DatabaseSSLModes = []string{"disable", "require", "verify-ca", "verify-full"}

// WeComMessageTypes lists the message types Alertmanager's wechat_configs accept.
var WeComMessageTypes = []string{"text", "markdown"}

// DefaultFederationMatch asks each spoke for every series that has a job label.
var DefaultFederationMatch = []string{`{job=~".+"}`}

// Logging backends.
const (
	LoggingLoki = "loki"
	LoggingELK  = "elk"
)

// LoggingBackends lists the accepted logging backends.
var LoggingBackends = []string{LoggingLoki, LoggingELK}

// Validation messages, exported so tests can assert on them.
const (
	MsgRetention         = "must be a positive number followed by h, d, w or y (e.g. 15d)"
	MsgQuantity          = "must be a positive Kubernetes quantity (e.g. 50Gi)"
	MsgRepository        = "must be an https:// Helm repository or an oci:// registry path"
	MsgVersion           = "must be a semantic version (e.g. 1.2.3)"
	MsgOneReceiverKind   = "exactly one of webhook, email, slack, wecom or dingtalk"
	MsgWeComRecipient    = "at least one of toUser, toParty or toTag"
	MsgAgentID           = "must be the application's numeric agent ID"
	MsgReceiverPathName  = "a DingTalk receiver's name must start with a letter and hold only letters, digits, '-' or '_' (the adapter's target names)"
	MsgHTTPSURL          = "must be an https:// URL"
	MsgOCIRepository     = "must be an OCI repository without a scheme (e.g. harbor.example.com/ghcr-proxy/aquasecurity/trivy-db)"
	MsgImage             = "must be an image reference"
	MsgPort              = "must be a port between 1 and 65535"
	MsgReservedReceiver  = "is reserved for the receiver Watchdog alerts go to"
	MsgSecretRequired    = "secret is required when this feature is on"
	MsgHostPort          = "must be host:port"
	MsgEmail             = "must be an email address"
	MsgHostname          = "must be a DNS subdomain (e.g. harbor.example.com)"
	MsgHarborExclusive   = "harbor.cluster and harbor.stackReference cannot both be set"
	MsgNeedsMonitoring   = "federation needs monitoring enabled"
	MsgNeedsIngress      = "needs the edge enabled (platform.ingress.enabled), which exposes it"
	MsgAtLeastOneReplica = "must be at least 1"
)

var (
	agentIDRE   = regexp.MustCompile(`^[0-9]+$`)
	pathNameRE  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)
	retentionRE = regexp.MustCompile(`^([1-9][0-9]*)(h|d|w|y)$`)
)

// isSemver reports whether v is a semantic version, with or without a leading v
// (chart versions are written both ways).
func isSemver(v string) bool {
	_, err := semver.Parse(strings.TrimPrefix(v, "v"))
	return err == nil
}

// OnByDefault reports whether an optional switch is on, where unset means on (the
// addons' enabled switches).
func OnByDefault(b *bool) bool { return b == nil || *b }

// offByDefault reports whether an optional switch is on, where unset means off (the
// switches whose default ApplyClusterDefaults decides, read before it has run).
func offByDefault(b *bool) bool { return b != nil && *b }

// ParseRetention parses a retention such as 15d, 2w, 12h or 1y into a duration
// (a day is 24h, a week 7d, a year 365d).
func ParseRetention(s string) (time.Duration, error) {
	m := retentionRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%q %s", s, MsgRetention)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return 0, fmt.Errorf("%q %s", s, MsgRetention)
	}
	unit := map[string]time.Duration{"h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour, "y": 365 * 24 * time.Hour}[m[2]]
	return time.Duration(n) * unit, nil
}

// Override turns a Chart override into what helmrelease installs from.
func (c Chart) Override() helmrelease.Override {
	return helmrelease.Override{Repository: c.Repository, Version: c.Version, Values: c.Values}
}

// ApplyDefaults fills unset fields with documented defaults.
func (s *Spec) ApplyDefaults() {
	s.ExternalSecrets.applyDefaults()
	s.Tracing.applyDefaults()
	s.Backups.applyDefaults()
	s.DNS.applyDefaults()
	s.applyTLSDefaults()
	s.Karpenter.applyDefaults()
	s.Mesh.applyDefaults()
	s.RuntimeSecurity.applyDefaults()
	s.DNSAutoscaler.applyDefaults()
	if s.Edge == "" {
		s.Edge = edges.Default
	}
	if s.Ingress.Replicas == 0 {
		s.Ingress.Replicas = DefaultIngressReplicas
	}
	s.Rollouts.DashboardAccess.applyDefaults()
	if gp := &s.Rollouts.GatewayPlugin; gp.Enabled == nil {
		on := s.Edge.RoutesByPlugin()
		gp.Enabled = &on
	}
	if gp := &s.Rollouts.GatewayPlugin; gp.Location == "" {
		gp.Location = rollouts.GatewayPluginLocation
	}
	m := &s.Monitoring
	if m.Retention == "" {
		m.Retention = DefaultMetricsRetention
	}
	if m.StorageSize == "" {
		m.StorageSize = DefaultMetricsStorageSize
	}
	if m.Federation.Username == "" {
		m.Federation.Username = DefaultFederationUsername
	}
	if len(m.Federation.Match) == 0 {
		m.Federation.Match = append([]string(nil), DefaultFederationMatch...)
	}
	l := &s.Logging
	if l.Backend == "" {
		l.Backend = DefaultLoggingBackend
	}
	if l.Retention == "" {
		l.Retention = DefaultLogRetention
	}
	if l.StorageSize == "" {
		l.StorageSize = DefaultLogStorageSize
	}
	if l.VolumePolicy == "" {
		l.VolumePolicy = DefaultLogVolumePolicy
	}
	for i := range m.Receivers {
		if w := m.Receivers[i].WeCom; w != nil && w.MessageType == "" {
			w.MessageType = DefaultWeComMessageType
		}
	}
	h := &s.Harbor
	if h.RegistryStorageSize == "" {
		h.RegistryStorageSize = DefaultRegistryStorageSize
	}
	if e := h.Database.External; e != nil {
		if e.Port == 0 {
			e.Port = DefaultDatabasePort
		}
		if e.Database == "" {
			e.Database = DefaultHarborDatabase
		}
		if e.SSLMode == "" {
			e.SSLMode = DefaultDatabaseSSLMode
		}
	}
	if len(h.Trivy.DBRepositories) == 0 {
		h.Trivy.DBRepositories = append([]string(nil), harbor.DefaultTrivyDBRepositories...)
	}
	if len(h.Trivy.JavaDBRepositories) == 0 {
		h.Trivy.JavaDBRepositories = append([]string(nil), harbor.DefaultTrivyJavaDBRepositories...)
	}
}

// Validate checks a defaulted platform spec at path p. What depends on the clusters
// (federation roles, the Harbor cluster) is checked by ValidateClusters.
func (s *Spec) Validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if !slices.Contains(edges.All, s.Edge) {
		errs = append(errs, field.NotSupported(p.Child("edge"), s.Edge, edges.All))
	}
	ip := p.Child("ingress")
	if OnByDefault(s.Ingress.Enabled) && s.Ingress.Replicas < 1 {
		errs = append(errs, field.Invalid(ip.Child("replicas"), s.Ingress.Replicas, MsgAtLeastOneReplica))
	}
	errs = append(errs, validateChart(ip.Child("chart"), s.Ingress.Chart)...)
	errs = append(errs, validateChart(p.Child("rollouts", "chart"), s.Rollouts.Chart)...)
	errs = append(errs, s.Rollouts.GatewayPlugin.validate(p.Child("rollouts", "gatewayPlugin"))...)
	errs = append(errs, s.validateDashboard(p.Child("rollouts", "dashboardAccess"))...)
	errs = append(errs, s.Monitoring.validate(p.Child("monitoring"), OnByDefault(s.Ingress.Enabled))...)
	errs = append(errs, s.Logging.validate(p.Child("logging"))...)
	errs = append(errs, s.Harbor.validate(p.Child("harbor"), OnByDefault(s.Ingress.Enabled))...)
	errs = append(errs, validateChart(p.Child("vpa", "chart"), s.VPA.Chart)...)
	errs = append(errs, s.ExternalSecrets.validate(p.Child("externalSecrets"))...)
	errs = append(errs, s.Tracing.validate(p.Child("tracing"))...)
	errs = append(errs, s.Backups.validate(p.Child("backups"))...)
	errs = append(errs, s.DNS.validate(p.Child("dns"))...)
	errs = append(errs, s.Karpenter.validate(p.Child("karpenter"))...)
	errs = append(errs, s.validateMesh(p.Child("mesh"))...)
	errs = append(errs, s.RuntimeSecurity.validate(p.Child("runtimeSecurity"))...)
	errs = append(errs, s.DNSAutoscaler.validate(p.Child("dnsAutoscaler"))...)
	errs = append(errs, s.Chaos.validate(p.Child("chaos"))...)
	return errs
}

func (m *MonitoringSpec) validate(p *field.Path, edgeOn bool) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, validateChart(p.Child("chart"), m.Chart)...)
	if !OnByDefault(m.Enabled) {
		return errs
	}
	errs = append(errs, validateRetention(p.Child("retention"), m.Retention)...)
	errs = append(errs, validateQuantity(p.Child("storageSize"), m.StorageSize)...)
	errs = append(errs, requireSecret(p.Child("grafanaAdminPassword"), m.GrafanaAdminPassword)...)
	if g := m.Grafana; g.Domain != "" {
		errs = append(errs, validateHost(p.Child("grafana", "domain"), g.Domain)...)
		if !edgeOn {
			errs = append(errs, field.Invalid(p.Child("grafana", "domain"), g.Domain, "Grafana "+MsgNeedsIngress))
		}
		errs = append(errs, validateName(p.Child("grafana", "tlsSecretName"), g.TLSSecretName)...)
	}
	seen := map[string]bool{}
	for i, r := range m.Receivers {
		rp := p.Child("receivers").Index(i)
		switch {
		case r.Name == "":
			errs = append(errs, field.Required(rp.Child("name"), ""))
		case r.Name == NullReceiver:
			errs = append(errs, field.Invalid(rp.Child("name"), r.Name, MsgReservedReceiver))
		case seen[r.Name]:
			errs = append(errs, field.Duplicate(rp.Child("name"), r.Name))
		}
		seen[r.Name] = true
		kinds := 0
		if r.Webhook != nil {
			kinds++
			errs = append(errs, requireSecret(rp.Child("webhook", "url"), r.Webhook.URL)...)
		}
		if r.Email != nil {
			kinds++
			errs = append(errs, r.Email.validate(rp.Child("email"))...)
		}
		if r.Slack != nil {
			kinds++
			errs = append(errs, requireSecret(rp.Child("slack", "apiUrl"), r.Slack.APIURL)...)
		}
		if r.WeCom != nil {
			kinds++
			errs = append(errs, r.WeCom.validate(rp.Child("wecom"))...)
		}
		if r.DingTalk != nil {
			kinds++
			errs = append(errs, requireSecret(rp.Child("dingtalk", "url"), r.DingTalk.URL)...)
			if r.Name != "" && !pathNameRE.MatchString(r.Name) {
				errs = append(errs, field.Invalid(rp.Child("name"), r.Name, MsgReceiverPathName))
			}
			for j, mob := range r.DingTalk.MentionMobiles {
				if mob == "" || strings.ContainsAny(mob, " \n") {
					errs = append(errs, field.Invalid(rp.Child("dingtalk", "mentionMobiles").Index(j), mob, "must be a mobile number"))
				}
			}
		}
		if kinds != 1 {
			errs = append(errs, field.Invalid(rp, fmt.Sprintf("%d kinds", kinds), MsgOneReceiverKind))
		}
	}
	if m.DingTalkImage != "" {
		errs = append(errs, validateImage(p.Child("dingtalkImage"), m.DingTalkImage)...)
	}
	f := m.Federation
	fp := p.Child("federation")
	if f.Domain != "" {
		errs = append(errs, validateHost(fp.Child("domain"), f.Domain)...)
	}
	if f.Username == "" || strings.ContainsAny(f.Username, ":\n") {
		errs = append(errs, field.Invalid(fp.Child("username"), f.Username, "must be non-empty and hold no ':'"))
	}
	for i, sel := range f.Match {
		if !strings.HasPrefix(sel, "{") || !strings.HasSuffix(sel, "}") {
			errs = append(errs, field.Invalid(fp.Child("match").Index(i), sel, `must be a series selector such as {job=~".+"}`))
		}
	}
	if f.TLSSecretName != "" {
		errs = append(errs, validateName(fp.Child("tlsSecretName"), f.TLSSecretName)...)
	}
	return errs
}

func (e *EmailReceiver) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, a := range []struct{ name, v string }{{"to", e.To}, {"from", e.From}} {
		if _, err := mail.ParseAddress(a.v); err != nil {
			errs = append(errs, field.Invalid(p.Child(a.name), a.v, MsgEmail))
		}
	}
	if host, port, err := net.SplitHostPort(e.Smarthost); err != nil || host == "" || port == "" {
		errs = append(errs, field.Invalid(p.Child("smarthost"), e.Smarthost, MsgHostPort))
	}
	if e.AuthUsername != "" {
		errs = append(errs, requireSecret(p.Child("authPassword"), e.AuthPassword)...)
	}
	return errs
}

func (w *WeComReceiver) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if w.CorpID == "" {
		errs = append(errs, field.Required(p.Child("corpId"), ""))
	}
	if !agentIDRE.MatchString(w.AgentID) {
		errs = append(errs, field.Invalid(p.Child("agentId"), w.AgentID, MsgAgentID))
	}
	errs = append(errs, requireSecret(p.Child("apiSecret"), w.APISecret)...)
	if w.ToUser == "" && w.ToParty == "" && w.ToTag == "" {
		errs = append(errs, field.Required(p.Child("toUser"), MsgWeComRecipient))
	}
	if !slices.Contains(WeComMessageTypes, w.MessageType) {
		errs = append(errs, field.NotSupported(p.Child("messageType"), w.MessageType, WeComMessageTypes))
	}
	if w.APIURL != "" {
		errs = append(errs, validateHTTPS(p.Child("apiUrl"), w.APIURL)...)
	}
	return errs
}

func (l *LoggingSpec) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, c := range []struct {
		name  string
		chart Chart
	}{{"chart", l.Chart}, {"operatorChart", l.OperatorChart}, {"collectorChart", l.CollectorChart}} {
		errs = append(errs, validateChart(p.Child(c.name), c.chart)...)
	}
	if !OnByDefault(l.Enabled) {
		return errs
	}
	if l.Backend != LoggingLoki && l.Backend != LoggingELK {
		errs = append(errs, field.NotSupported(p.Child("backend"), l.Backend, LoggingBackends))
	}
	errs = append(errs, validateRetention(p.Child("retention"), l.Retention)...)
	errs = append(errs, validateQuantity(p.Child("storageSize"), l.StorageSize)...)
	if l.RetentionJobImage != "" {
		errs = append(errs, validateImage(p.Child("retentionJobImage"), l.RetentionJobImage)...)
	}
	if !slices.Contains(LogVolumePolicies, l.VolumePolicy) {
		errs = append(errs, field.NotSupported(p.Child("volumePolicy"), l.VolumePolicy, LogVolumePolicies))
	}
	if l.Backend == LoggingELK {
		errs = append(errs, requireSecret(p.Child("writerPassword"), l.WriterPassword)...)
	}
	return errs
}

// MsgExternalHarborPull is the message for a Harbor named by host alone without the
// robot account environments pull with.
const MsgExternalHarborPull = "a Harbor this stack does not run (host without cluster or stackReference) needs the robot account environments pull with"

func (h *HarborSpec) validate(p *field.Path, ingress bool) field.ErrorList {
	errs := validateChart(p.Child("chart"), h.Chart)
	if h.Cluster != "" && h.StackReference != "" {
		errs = append(errs, field.Invalid(p.Child("stackReference"), h.StackReference, MsgHarborExclusive))
	}
	if h.Cluster == "" {
		if h.StackReference == "" && h.Host != "" {
			// A Harbor another stack runs, named by host: pull with the robot account.
			errs = append(errs, validateHost(p.Child("host"), h.Host)...)
			if h.PullUsername == "" {
				errs = append(errs, field.Required(p.Child("pullUsername"), MsgExternalHarborPull))
			}
			if h.PullPassword == "" {
				errs = append(errs, field.Required(p.Child("pullPassword"), MsgExternalHarborPull))
			}
		}
		return errs
	}
	if !ingress {
		errs = append(errs, field.Invalid(p.Child("cluster"), h.Cluster, "Harbor "+MsgNeedsIngress))
	}
	if h.Host == "" {
		errs = append(errs, field.Required(p.Child("host"), ""))
	} else {
		errs = append(errs, validateHost(p.Child("host"), h.Host)...)
	}
	if h.TLSSecretName != "" {
		errs = append(errs, validateName(p.Child("tlsSecretName"), h.TLSSecretName)...)
	}
	errs = append(errs, requireSecret(p.Child("adminPassword"), h.AdminPassword)...)
	errs = append(errs, requireSecret(p.Child("secretKey"), h.SecretKey)...)
	errs = append(errs, h.Database.validate(p.Child("database"))...)
	tp := p.Child("trivy")
	for _, l := range []struct {
		name  string
		repos []string
	}{{"dbRepositories", h.Trivy.DBRepositories}, {"javaDbRepositories", h.Trivy.JavaDBRepositories}} {
		for i, r := range l.repos {
			if r == "" || strings.Contains(r, "://") || strings.ContainsAny(r, " \n") || !strings.Contains(r, "/") {
				errs = append(errs, field.Invalid(tp.Child(l.name).Index(i), r, MsgOCIRepository))
			}
		}
	}
	errs = append(errs, validateQuantity(p.Child("registryStorageSize"), h.RegistryStorageSize)...)
	if h.PullUsername == "" {
		errs = append(errs, field.Required(p.Child("pullUsername"), "the robot account environments pull with"))
	}
	errs = append(errs, requireSecret(p.Child("pullPassword"), h.PullPassword)...)
	return errs
}

func (d *HarborDatabaseSpec) validate(p *field.Path) field.ErrorList {
	errs := requireSecret(p.Child("password"), d.Password)
	e := d.External
	if e == nil {
		return errs
	}
	ep := p.Child("external")
	switch {
	case e.Host == "":
		errs = append(errs, field.Required(ep.Child("host"), ""))
	case net.ParseIP(e.Host) == nil:
		errs = append(errs, validateHost(ep.Child("host"), e.Host)...)
	}
	if e.Port < 1 || e.Port > 65535 {
		errs = append(errs, field.Invalid(ep.Child("port"), e.Port, MsgPort))
	}
	if e.Username == "" {
		errs = append(errs, field.Required(ep.Child("username"), ""))
	}
	if e.Database == "" || strings.ContainsAny(e.Database, " \n") {
		errs = append(errs, field.Invalid(ep.Child("database"), e.Database, "must be a database name"))
	}
	if !slices.Contains(DatabaseSSLModes, e.SSLMode) {
		errs = append(errs, field.NotSupported(ep.Child("sslMode"), e.SSLMode, DatabaseSSLModes))
	}
	return errs
}

// ValidateClusters checks what the platform needs from the clusters' federation
// roles (monitoring on, the federation password, and for spokes the ingress and a
// domain) and what their DNS and certificates need (platform.dns).
func (s *Spec) ValidateClusters(p *field.Path, clusters []cluster.Spec) field.ErrorList {
	errs := append(s.validateTracingClusters(p, clusters), s.validateBackupClusters(p, clusters)...)
	errs = append(errs, s.validateDNSClusters(p, clusters)...)
	errs = append(errs, s.validateDNSAutoscalerClusters(p, clusters)...)
	errs = append(errs, s.validateKongUsernames(p, clusters)...)
	fp := p.Child("monitoring", "federation")
	federated, spoke := "", ""
	for _, c := range clusters {
		switch c.Federation {
		case cluster.FederationHub:
			federated = c.Name
		case cluster.FederationSpoke:
			federated, spoke = c.Name, c.Name
		}
	}
	if len(s.Monitoring.Federation.RemoteSpokes) > 0 && federated == "" {
		federated = "remoteSpokes"
	}
	if federated == "" {
		return errs
	}
	if !OnByDefault(s.Monitoring.Enabled) {
		errs = append(errs, field.Invalid(p.Child("monitoring", "enabled"), false, MsgNeedsMonitoring+" (cluster "+federated+")"))
		return errs
	}
	errs = append(errs, requireSecret(fp.Child("password"), s.Monitoring.Federation.Password)...)
	if spoke != "" {
		if !OnByDefault(s.Ingress.Enabled) {
			errs = append(errs, field.Invalid(p.Child("ingress", "enabled"), false, "federation spoke "+spoke+" "+MsgNeedsIngress))
		} else if s.Edge == edges.Istio {
			errs = append(errs, field.Invalid(p.Child("edge"), s.Edge, "cluster "+spoke+": "+MsgEdgeFederation))
		}
		if s.Monitoring.Federation.Domain == "" {
			errs = append(errs, field.Required(fp.Child("domain"), "spoke "+spoke+" exposes federate.<cluster>.<domain>"))
		}
	}
	return errs
}

func requireSecret(p *field.Path, r secret.Ref) field.ErrorList {
	if r == "" {
		return field.ErrorList{field.Required(p, MsgSecretRequired)}
	}
	return nil
}

func validateRetention(p *field.Path, v string) field.ErrorList {
	if !retentionRE.MatchString(v) {
		return field.ErrorList{field.Invalid(p, v, MsgRetention)}
	}
	return nil
}

func validateQuantity(p *field.Path, v string) field.ErrorList {
	q, err := resource.ParseQuantity(v)
	if err != nil || q.Sign() <= 0 {
		return field.ErrorList{field.Invalid(p, v, MsgQuantity)}
	}
	return nil
}

func validateHost(p *field.Path, v string) field.ErrorList {
	if len(validation.IsDNS1123Subdomain(v)) > 0 {
		return field.ErrorList{field.Invalid(p, v, MsgHostname)}
	}
	return nil
}

func validateName(p *field.Path, v string) field.ErrorList {
	if len(validation.IsDNS1123Subdomain(v)) > 0 {
		return field.ErrorList{field.Invalid(p, v, "must be a Kubernetes object name")}
	}
	return nil
}

func validateImage(p *field.Path, v string) field.ErrorList {
	if _, err := image.Parse(v); err != nil {
		return field.ErrorList{field.Invalid(p, v, MsgImage)}
	}
	return nil
}

func validateHTTPS(p *field.Path, v string) field.ErrorList {
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return field.ErrorList{field.Invalid(p, v, MsgHTTPSURL)}
	}
	return nil
}

func validateChart(p *field.Path, c Chart) field.ErrorList {
	var errs field.ErrorList
	if c.Repository != "" {
		u, err := url.Parse(c.Repository)
		if err != nil || (u.Scheme != "https" && u.Scheme != "oci") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			errs = append(errs, field.Invalid(p.Child("repository"), c.Repository, MsgRepository))
		}
	}
	if c.Version != "" && !isSemver(c.Version) {
		errs = append(errs, field.Invalid(p.Child("version"), c.Version, MsgVersion))
	}
	return errs
}

// Messages about the Gateway API plugin, exported so tests can assert on them.
const (
	MsgPluginLocation = "must be an https:// or file:// URL"
	MsgPluginSHA256   = "must be 64 lowercase hex digits (sha256sum of the binary)"
)

var sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (g *GatewayPluginSpec) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if u, err := url.Parse(g.Location); err != nil || !(u.Scheme == "https" && u.Host != "" || u.Scheme == "file" && u.Path != "") {
		errs = append(errs, field.Invalid(p.Child("location"), g.Location, MsgPluginLocation))
	}
	if g.SHA256 != "" && !sha256RE.MatchString(g.SHA256) {
		errs = append(errs, field.Invalid(p.Child("sha256"), g.SHA256, MsgPluginSHA256))
	}
	return errs
}

// validateKongUsernames refuses, on edge kong, a spoke's /federate and the Rollouts
// dashboard on the edge with one basic-auth username: Kong keys credentials by username
// across the edge.
func (s *Spec) validateKongUsernames(p *field.Path, clusters []cluster.Spec) field.ErrorList {
	d := s.Rollouts.DashboardAccess
	if s.Edge != edges.Kong || d.Domain == "" || d.Username != s.Monitoring.Federation.Username ||
		!slices.ContainsFunc(clusters, func(c cluster.Spec) bool { return c.Federation == cluster.FederationSpoke }) {
		return nil
	}
	return field.ErrorList{field.Invalid(p.Child("rollouts", "dashboardAccess", "username"), d.Username, MsgKongUsernames)}
}
