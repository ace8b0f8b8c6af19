package platform

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/catalog"
	"github.com/fleetform/fleetform/components/addons/certmanager"
	"github.com/fleetform/fleetform/components/addons/externaldns"
	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/addons/monitoring"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/internal/secret"
)

// LabelAddon values of cert-manager and external-dns.
const (
	AddonCertManager = catalog.CertManager
	AddonExternalDNS = catalog.ExternalDNS
)

// Default TLS Secrets of the platform's own endpoints: cert-manager issues them
// unless the stack names Secrets of its own (a tlsSecretName).
const (
	DefaultHarborTLSSecret     = "harbor-tls"
	DefaultFederationTLSSecret = "federate-tls"
	// DefaultGrafanaTLSSecret is Grafana's, in the monitoring namespace.
	DefaultGrafanaTLSSecret    = "grafana-tls"
	DefaultTracingHubTLSSecret = "otlp-tls"
)

// Defaults of DNSSpec.
const (
	// DefaultACMEServer is Let's Encrypt's production directory: browser-trusted
	// certificates. Stacks rebuilt often set certmanager.LetsEncryptStaging.
	DefaultACMEServer = certmanager.LetsEncryptProduction
	// DefaultExternalDNSPolicy never deletes a record: a mistaken config change can
	// leave stale records, but cannot take a live host out of DNS.
	DefaultExternalDNSPolicy = externaldns.PolicyUpsertOnly
)

// Owners of the platform's hostnames, as messages and the plan name them.
const (
	OwnerHarbor     = "platform.harbor.host"
	OwnerFederation = "platform.monitoring.federation.domain"
	OwnerTracingHub = "platform.tracing.hub.host"
	OwnerGrafana    = "platform.monitoring.grafana.domain"
)

// DNSSpec configures certificates (cert-manager) and DNS records (external-dns) for
// the hostnames the stack serves: the platform's endpoints and the releases' hosts.
// Each cluster gets one cert-manager ClusterIssuer: ACME DNS-01 through its cloud's
// DNS where this names zones of that cloud (Route 53 on EKS, Azure DNS on AKS),
// ACME HTTP-01 through the edge on other cloud clusters (ACK: cert-manager has no
// Alibaba Cloud DNS solver), a private CA on existing clusters. external-dns runs on
// each cloud cluster whose cloud has zones here, and writes only inside them.
type DNSSpec struct {
	// Domains are the stack's DNS domains (example.com, prod.example.com): external-dns
	// writes no record outside them, and every hostname the stack serves must be in
	// one when external-dns runs. Required then.
	Domains []string `yaml:"domains"`
	// AWS are the stack's Route 53 zones.
	AWS DNSAWS `yaml:"aws"`
	// Azure are the stack's Azure DNS zones.
	Azure DNSAzure `yaml:"azure"`
	// Alicloud are the stack's Alibaba Cloud DNS zones and external-dns's access key.
	Alicloud DNSAlicloud `yaml:"alicloud"`
	// ACME is the ACME account of the clusters that issue publicly trusted certificates.
	ACME ACMESpec `yaml:"acme"`
	// CertManager configures cert-manager.
	CertManager CertManagerSpec `yaml:"certManager"`
	// ExternalDNS configures external-dns.
	ExternalDNS ExternalDNSSpec `yaml:"externalDNS"`

	// defaulted records the platform TLS Secret names the defaults filled in: those
	// are cert-manager's to issue, the others the stack's own.
	defaulted tlsDefaults
}

type tlsDefaults struct{ harbor, federation, tracingHub, grafana bool }

// DNSAWS are Route 53 hosted zones; EKS clusters' cert-manager and external-dns may
// write in these and no others.
type DNSAWS struct {
	// HostedZoneIDs are the zones' IDs (Z0123456789ABCDEFGHIJ).
	HostedZoneIDs []string `yaml:"hostedZoneIds"`
}

// DNSAzure are Azure DNS zones; AKS clusters' cert-manager and external-dns get DNS
// Zone Contributor on each and nothing else.
type DNSAzure struct {
	// Zones are the zones' resource IDs, all in one resource group (external-dns works
	// in one): /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/dnszones/<zone>.
	Zones []string `yaml:"zones"`
}

// DNSAlicloud are Alibaba Cloud DNS zones, which ACK clusters' external-dns writes
// with a RAM user's access key: ACK clusters have RRSA, but external-dns's alibabacloud
// provider reads no RRSA token (docs/clusters.md, "RRSA"; policy SEC005 reports the key).
type DNSAlicloud struct {
	// Domains are the zones' domain names.
	Domains []string `yaml:"domains"`
	// AccessKeyID and AccessKeySecret name the secret config keys of the RAM user's
	// key (a user with DNS rights on these domains only; docs/platform.md, "TLS and
	// DNS"); required when an ACK cluster runs external-dns.
	AccessKeyID     secret.Ref `yaml:"accessKeyId"`
	AccessKeySecret secret.Ref `yaml:"accessKeySecret"`
}

// ACMESpec is the ACME account.
type ACMESpec struct {
	// Email is the account's contact; optional (Let's Encrypt sends no expiry mail
	// since 2025, so it is only for account recovery and policy notices).
	Email string `yaml:"email"`
	// Server is the ACME directory URL. Defaults to DefaultACMEServer (Let's Encrypt
	// production); https://acme-staging-v02.api.letsencrypt.org/directory for staging.
	Server string `yaml:"server"`
}

// CertManagerSpec configures cert-manager.
type CertManagerSpec struct {
	// Enabled installs cert-manager on every cluster that gets an issuer. Defaults to
	// true when a cloud cluster's cloud has zones in platform.dns, or when every
	// cluster is of cloud existing (a self-signed CA); false otherwise.
	Enabled *bool `yaml:"enabled"`
	// CA is the private CA of existing clusters.
	CA CASpec `yaml:"ca"`
	// Chart overrides the chart source.
	Chart Chart `yaml:"chart"`
}

// CASpec is the CA existing clusters issue from.
type CASpec struct {
	// SecretName is a kubernetes.io/tls Secret in the cert-manager namespace holding
	// the stack's own CA certificate and key. Empty: each existing cluster makes a
	// self-signed root CA (fleetform-ca).
	SecretName string `yaml:"secretName"`
}

// ExternalDNSSpec configures external-dns.
type ExternalDNSSpec struct {
	// Enabled installs external-dns on every cloud cluster whose cloud has zones in
	// platform.dns. Defaults to true when one has; existing clusters never get it.
	Enabled *bool `yaml:"enabled"`
	// Policy is upsert-only (never delete), sync (also delete records of hosts no
	// longer served) or create-only. Defaults to DefaultExternalDNSPolicy.
	Policy string `yaml:"policy"`
	// Chart overrides the chart source.
	Chart Chart `yaml:"chart"`
}

// Messages of the DNS checks, exported so tests can assert on them.
const (
	MsgHostedZoneID       = "must be a Route 53 hosted zone ID (Z followed by capital letters and digits)"
	MsgAzureZonesOneGroup = "must be in the subscription and resource group of azure.zones[0]: external-dns works in one"
	MsgHostOutsideDomains = "is in none of platform.dns.domains"
	MsgDomainsRequired    = "external-dns writes only inside these domains"
	MsgNoZones            = "no cluster's cloud has zones in platform.dns (aws.hostedZoneIds, azure.zones, alicloud.domains)"
)

var hostedZoneIDRE = regexp.MustCompile(`^Z[0-9A-Z]{1,32}$`)

func (d *DNSSpec) applyDefaults() {
	if d.ACME.Server == "" {
		d.ACME.Server = DefaultACMEServer
	}
	if d.ExternalDNS.Policy == "" {
		d.ExternalDNS.Policy = DefaultExternalDNSPolicy
	}
	for i, dom := range d.Domains {
		d.Domains[i] = strings.ToLower(strings.TrimSuffix(dom, "."))
	}
}

// applyTLSDefaults names the platform endpoints' TLS Secrets the stack leaves unset,
// and records that cert-manager is to issue them.
func (s *Spec) applyTLSDefaults() {
	d := &s.DNS.defaulted
	if s.Harbor.TLSSecretName == "" {
		s.Harbor.TLSSecretName, d.harbor = DefaultHarborTLSSecret, true
	}
	if f := &s.Monitoring.Federation; f.TLSSecretName == "" {
		f.TLSSecretName, d.federation = DefaultFederationTLSSecret, true
	}
	if h := &s.Tracing.Hub; h.TLSSecretName == "" {
		h.TLSSecretName, d.tracingHub = DefaultTracingHubTLSSecret, true
	}
	if g := &s.Monitoring.Grafana; g.TLSSecretName == "" {
		g.TLSSecretName, d.grafana = DefaultGrafanaTLSSecret, true
	}
}

// zonesFor says whether the stack names DNS zones of a cloud.
func (d *DNSSpec) zonesFor(cloud cluster.Cloud) bool {
	switch cloud {
	case cluster.AWS:
		return len(d.AWS.HostedZoneIDs) > 0
	case cluster.Azure:
		return len(d.Azure.Zones) > 0
	case cluster.Alicloud:
		return len(d.Alicloud.Domains) > 0
	}
	return false
}

// applyDNSClusterDefaults turns cert-manager and external-dns on where they have
// something to do: zones of a cluster's cloud, or (cert-manager) a stack of existing
// clusters only, which get a self-signed CA.
func (s *Spec) applyDNSClusterDefaults(clusters []cluster.Spec) {
	zoned, allExisting := false, len(clusters) > 0
	for _, c := range clusters {
		if c.Cloud != cluster.Existing {
			allExisting = false
			zoned = zoned || s.DNS.zonesFor(c.Cloud)
		}
	}
	if s.DNS.CertManager.Enabled == nil {
		on := zoned || allExisting
		s.DNS.CertManager.Enabled = &on
	}
	if s.DNS.ExternalDNS.Enabled == nil {
		on := zoned
		s.DNS.ExternalDNS.Enabled = &on
	}
}

func (d *DNSSpec) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, dom := range d.Domains {
		errs = append(errs, validateHost(p.Child("domains").Index(i), dom)...)
	}
	for i, id := range d.AWS.HostedZoneIDs {
		if !hostedZoneIDRE.MatchString(id) {
			errs = append(errs, field.Invalid(p.Child("aws", "hostedZoneIds").Index(i), id, MsgHostedZoneID))
		}
	}
	var first cluster.AzureDNSZone
	for i, id := range d.Azure.Zones {
		zp := p.Child("azure", "zones").Index(i)
		z, ok := cluster.ParseAzureDNSZone(id)
		switch {
		case !ok:
			errs = append(errs, field.Invalid(zp, id, cluster.MsgAzureDNSZone))
		case first.ID == "":
			first = z
		case !strings.EqualFold(z.ResourceGroupID(), first.ResourceGroupID()):
			errs = append(errs, field.Invalid(zp, id, MsgAzureZonesOneGroup))
		}
	}
	for i, dom := range d.Alicloud.Domains {
		errs = append(errs, validateHost(p.Child("alicloud", "domains").Index(i), dom)...)
	}
	if e := d.ACME.Email; e != "" && (!strings.Contains(e, "@") || strings.ContainsAny(e, " \n")) {
		errs = append(errs, field.Invalid(p.Child("acme", "email"), e, MsgEmail))
	}
	errs = append(errs, validateHTTPS(p.Child("acme", "server"), d.ACME.Server)...)
	if n := d.CertManager.CA.SecretName; n != "" {
		errs = append(errs, validateName(p.Child("certManager", "ca", "secretName"), n)...)
	}
	errs = append(errs, validateChart(p.Child("certManager", "chart"), d.CertManager.Chart)...)
	if !slices.Contains(externaldns.Policies, d.ExternalDNS.Policy) {
		errs = append(errs, field.NotSupported(p.Child("externalDNS", "policy"), d.ExternalDNS.Policy, externaldns.Policies))
	}
	errs = append(errs, validateChart(p.Child("externalDNS", "chart"), d.ExternalDNS.Chart)...)
	return errs
}

// validateDNSClusters checks what the clusters ask of platform.dns: the domains and
// the Alibaba Cloud key where external-dns runs, and that every hostname of the
// platform is inside the domains.
func (s *Spec) validateDNSClusters(p *field.Path, clusters []cluster.Spec) field.ErrorList {
	var errs field.ErrorList
	dp := p.Child("dns")
	d := s.DNS
	publishing, ack := "", false
	for _, c := range clusters {
		if offByDefault(d.ExternalDNS.Enabled) && c.Cloud != cluster.Existing && d.zonesFor(c.Cloud) {
			if publishing == "" {
				publishing = c.Name
			}
			ack = ack || c.Cloud == cluster.Alicloud
		}
	}
	if offByDefault(d.ExternalDNS.Enabled) && publishing == "" {
		errs = append(errs, field.Invalid(dp.Child("externalDNS", "enabled"), true, MsgNoZones))
	}
	if publishing != "" && len(d.Domains) == 0 {
		errs = append(errs, field.Required(dp.Child("domains"), MsgDomainsRequired+" (cluster "+publishing+")"))
	}
	if ack {
		ap := dp.Child("alicloud")
		errs = append(errs, requireSecret(ap.Child("accessKeyId"), d.Alicloud.AccessKeyID)...)
		errs = append(errs, requireSecret(ap.Child("accessKeySecret"), d.Alicloud.AccessKeySecret)...)
	}
	var hosts []Hostname
	for _, c := range clusters {
		for _, h := range s.Hostnames(c) {
			hosts = append(hosts, h)
			if h.BringYourOwn || h.Plain {
				continue
			}
			if zones, miss := s.IssuerZonesMiss(c, h.Host); miss {
				errs = append(errs, field.Invalid(field.NewPath(h.Owner), h.Host, MsgOutsideIssuerZones+" (cluster "+c.Name+": "+strings.Join(zones, ", ")+")"))
			}
		}
	}
	return append(errs, s.ValidateHostnames(hosts)...)
}

// MsgOutsideIssuerZones: cert-manager's DNS-01 solvers are each scoped to one zone, so
// a host in none of them has no solver and its Certificate never becomes ready.
const MsgOutsideIssuerZones = "is in none of the DNS-01 zones of the cluster that certifies it, so cert-manager has no solver for it and the certificate would never be issued; add its zone (platform.dns.azure.zones) or bring the certificate (tlsSecretName)"

// IssuerZonesMiss says whether cluster c certifies over DNS-01 in zones known by name
// (Azure DNS) and none of them holds host; zones are their names, for the message.
// Route 53's zones are configured by ID, whose names are not known offline: no check.
func (s *Spec) IssuerZonesMiss(c cluster.Spec, host string) (zones []string, miss bool) {
	i, ok := s.Issuer(c)
	if !ok || i.Solver != certmanager.SolverAzureDNS {
		return nil, false
	}
	for _, z := range i.AzureZones {
		zones = append(zones, z.Name)
	}
	return zones, !InDomains(host, zones)
}

// ValidateHostnames reports every hostname outside platform.dns.domains, at its
// Owner, when the stack names domains; the releases' hosts go through it as well as
// the platform's.
func (s *Spec) ValidateHostnames(hosts []Hostname) field.ErrorList {
	if len(s.DNS.Domains) == 0 {
		return nil
	}
	var errs field.ErrorList
	seen := map[string]bool{}
	for _, h := range hosts {
		key := h.Owner + " " + h.Host
		if seen[key] || InDomains(h.Host, s.DNS.Domains) {
			continue
		}
		seen[key] = true
		errs = append(errs, field.Invalid(field.NewPath(h.Owner), h.Host, MsgHostOutsideDomains+" ("+strings.Join(s.DNS.Domains, ", ")+")"))
	}
	return errs
}

// InDomains says whether host is one of domains or a name under one.
func InDomains(host string, domains []string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, d := range domains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// Hostnames are the platform's own endpoints on cluster c: Harbor's host on its
// cluster, a spoke's federation endpoint, the tracing hub's OTLP endpoint. A TLS
// Secret the stack named is its own (BringYourOwn); a defaulted one cert-manager issues.
func (s *Spec) Hostnames(c cluster.Spec) []Hostname {
	var out []Hostname
	d := s.DNS.defaulted
	if h := s.Harbor; h.Cluster != "" && h.Cluster == c.Name && h.Host != "" {
		out = append(out, platformHost(h.Host, OwnerHarbor, h.TLSSecretName, DefaultHarborTLSSecret, NamespaceHarbor, d.harbor))
	}
	if f := s.Monitoring.Federation; c.Federation == cluster.FederationSpoke && OnByDefault(s.Monitoring.Enabled) && f.Domain != "" {
		out = append(out, platformHost(monitoring.SpokeHost(c.Name, f.Domain), OwnerFederation, f.TLSSecretName, DefaultFederationTLSSecret, NamespaceMonitoring, d.federation))
	}
	if h, ok := s.dashboardHostname(c.Name); ok {
		out = append(out, h)
	}
	if g := s.Monitoring.Grafana; OnByDefault(s.Monitoring.Enabled) && g.Domain != "" {
		out = append(out, platformHost(monitoring.GrafanaHost(c.Name, g.Domain), OwnerGrafana, g.TLSSecretName, DefaultGrafanaTLSSecret, NamespaceMonitoring, d.grafana))
	}
	if t := s.Tracing; c.Federation == cluster.FederationHub && OnByDefault(t.Enabled) && t.Hub.Host != "" {
		out = append(out, platformHost(t.Hub.Host, OwnerTracingHub, t.Hub.TLSSecretName, DefaultTracingHubTLSSecret, NamespaceTracing, d.tracingHub))
	}
	return out
}

func platformHost(host, owner, secretName, defaultSecret, namespace string, defaulted bool) Hostname {
	h := Hostname{Host: host, Owner: owner, SecretName: secretName, SecretNamespace: namespace, BringYourOwn: secretName != "" && !defaulted}
	if h.SecretName == "" {
		h.SecretName = defaultSecret
	}
	return h
}

// Issuer is the ClusterIssuer cert-manager gets on cluster c, and false where
// cert-manager does not run there (off, or a cloud cluster with neither zones of its
// cloud nor a public edge to answer HTTP-01).
func (s *Spec) Issuer(c cluster.Spec) (certmanager.Issuer, bool) {
	d := s.DNS
	if !offByDefault(d.CertManager.Enabled) {
		return certmanager.Issuer{}, false
	}
	i := certmanager.Issuer{Server: d.ACME.Server, Email: d.ACME.Email, Region: c.Region}
	switch {
	case c.Cloud == cluster.Existing:
		i = certmanager.Issuer{Solver: certmanager.SolverCA, CASecretName: d.CertManager.CA.SecretName}
	case c.Cloud == cluster.AWS && len(d.AWS.HostedZoneIDs) > 0:
		i.Solver, i.HostedZoneIDs = certmanager.SolverRoute53, d.AWS.HostedZoneIDs
	case c.Cloud == cluster.Azure && len(d.Azure.Zones) > 0:
		i.Solver, i.AzureZones = certmanager.SolverAzureDNS, azureZones(d.Azure.Zones)
	case !OnByDefault(s.Ingress.Enabled) || s.Ingress.Internal:
		// HTTP-01 needs the ACME server to reach port 80 of a public edge.
		return certmanager.Issuer{}, false
	case s.Edge.UsesGateway():
		i.Solver = certmanager.SolverHTTP01
		i.HTTP01 = certmanager.HTTP01{GatewayName: gateway.Name, GatewayNamespace: EdgeNamespace(s.Edge), GatewayListener: gateway.HTTPListener}
	default:
		i.Solver, i.HTTP01 = certmanager.SolverHTTP01, certmanager.HTTP01{IngressClass: IngressClassName}
	}
	return i, true
}

// DNSZones are where external-dns writes on cluster c, and false where it does not run
// (off, an existing cluster, or no zones of the cluster's cloud).
func (s *Spec) DNSZones(c cluster.Spec) (externaldns.Zones, bool) {
	d := s.DNS
	if !offByDefault(d.ExternalDNS.Enabled) || len(d.Domains) == 0 || c.Cloud == cluster.Existing || !d.zonesFor(c.Cloud) {
		return externaldns.Zones{}, false
	}
	z := externaldns.Zones{Region: c.Region, DomainFilters: d.Domains}
	switch c.Cloud {
	case cluster.AWS:
		z.Provider, z.HostedZoneIDs = externaldns.ProviderAWS, d.AWS.HostedZoneIDs
	case cluster.Azure:
		z.Provider, z.AzureZones = externaldns.ProviderAzure, azureZones(d.Azure.Zones)
	case cluster.Alicloud:
		z.Provider, z.AlibabaDomains = externaldns.ProviderAlibaba, d.Alicloud.Domains
	}
	return z, true
}

func azureZones(ids []string) []cluster.AzureDNSZone {
	var out []cluster.AzureDNSZone
	for _, id := range ids {
		if z, ok := cluster.ParseAzureDNSZone(id); ok {
			out = append(out, z)
		}
	}
	return out
}

// dnsWorkloads are cert-manager's and external-dns's cloud identities on cluster c.
func (s *Spec) dnsWorkloads(c cluster.Spec) []cluster.Workload {
	var out []cluster.Workload
	if i, ok := s.Issuer(c); ok {
		if w := certmanager.Workload(i); w != nil {
			out = append(out, *w)
		}
	}
	if z, ok := s.DNSZones(c); ok {
		if w := externaldns.Workload(z); w != nil {
			out = append(out, *w)
		}
	}
	return out
}

// ExternalDNSSources are the objects whose hosts external-dns publishes on an edge:
// HTTPRoutes on a Gateway edge (and Istio's own Gateways and VirtualServices, which
// releases on istio route through), Ingresses on ingress-nginx, and annotated
// LoadBalancer Services everywhere.
func ExternalDNSSources(edge edges.Edge, ingressOn bool) []string {
	out := []string{externaldns.SourceService}
	switch {
	case !ingressOn:
	case edge == edges.Istio:
		out = append(out, externaldns.SourceHTTPRoute, externaldns.SourceIstioGateway, externaldns.SourceIstioVirtualService)
	case edge.UsesGateway():
		out = append(out, externaldns.SourceHTTPRoute)
	default:
		out = append(out, externaldns.SourceIngress)
	}
	return out
}

// TXTOwnerID is the owner ID of a cluster's external-dns records: the stack and the
// cluster, so two clusters (or two stacks) writing one zone never take over each
// other's records.
func TXTOwnerID(stack, clusterName string) string {
	return "fleetform-" + stack + "-" + clusterName
}

// Certificates are the Certificates cert-manager keeps for hosts: one per Secret that
// is neither the stack's own nor of a plain-HTTP host, covering every host that names
// it (usually one), in a stable order.
func Certificates(hosts []Hostname) []certmanager.Certificate {
	byKey := map[string]*certmanager.Certificate{}
	var keys []string
	for _, h := range hosts {
		if h.BringYourOwn || h.Plain || h.SecretName == "" {
			continue
		}
		key := h.SecretNamespace + "/" + h.SecretName
		c, ok := byKey[key]
		if !ok {
			c = &certmanager.Certificate{Namespace: h.SecretNamespace, SecretName: h.SecretName}
			byKey[key] = c
			keys = append(keys, key)
		}
		if !slices.Contains(c.DNSNames, h.Host) {
			c.DNSNames = append(c.DNSNames, h.Host)
		}
	}
	sort.Strings(keys)
	out := make([]certmanager.Certificate, 0, len(keys))
	for _, k := range keys {
		out = append(out, *byKey[k])
	}
	return out
}

// dns installs cert-manager (the cluster's issuer and the Certificates of its hosts)
// and external-dns where the spec gives the cluster them; each waits only for its
// namespace, the edge when it answers challenges or watches routes there, and the
// namespaces its Certificates go in.
func (b *builder) dns() error {
	a, s := b.args, b.spec
	c := cluster.Spec{Name: a.Cluster, Cloud: a.Cloud, Region: a.Region, Federation: a.Federation}
	if issuer, ok := s.Issuer(c); ok {
		if err := b.certManager(c, issuer); err != nil {
			return fmt.Errorf("%s: %w", AddonCertManager, err)
		}
		// Releases without a tlsSecretName get their certificates from it: on
		// ingress-nginx through the Ingress annotation, on a Gateway edge as the
		// Certificates above (program.releaseHostnames).
		b.c.Outputs.Issuer = certmanager.IssuerName
	}
	if zones, ok := s.DNSZones(c); ok {
		if err := b.externalDNS(zones); err != nil {
			return fmt.Errorf("%s: %w", AddonExternalDNS, err)
		}
	}
	return nil
}

func (b *builder) certManager(c cluster.Spec, issuer certmanager.Issuer) error {
	a := b.args
	ns, err := b.namespace(AddonCertManager)
	if err != nil {
		return fmt.Errorf("namespace: %w", err)
	}
	var id *cluster.WorkloadIdentity
	if w, found := a.Workloads[certmanager.WorkloadName]; found {
		id = &w
	}
	ready, err := b.monitoringReady()
	if err != nil {
		return fmt.Errorf("monitors: %w", err)
	}
	_, err = certmanager.New(b.ctx, b.name+"-cert-manager", &certmanager.Args{
		Cluster: a.Cluster, Namespace: ns, Issuer: issuer, Identity: id, EdgeReady: b.gatewayCRDs, Production: a.Production,
		Certificates:    Certificates(append(b.spec.Hostnames(c), a.Hostnames...)),
		NamespacesReady: b.namespaceObjects,
		Monitoring:      ready != nil, MonitoringReady: ready,
		Chart: b.spec.DNS.CertManager.Chart.Override(),
	}, pulumi.Parent(b.c))
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	return nil
}

func (b *builder) externalDNS(zones externaldns.Zones) error {
	a, s := b.args, b.spec
	ns, err := b.namespace(AddonExternalDNS)
	if err != nil {
		return fmt.Errorf("namespace: %w", err)
	}
	ready, err := b.monitoringReady()
	if err != nil {
		return fmt.Errorf("monitors: %w", err)
	}
	eargs := &externaldns.Args{
		Namespace: ns, Zones: zones, TXTOwnerID: TXTOwnerID(a.Stack, a.Cluster), Policy: s.DNS.ExternalDNS.Policy,
		Sources: ExternalDNSSources(s.Edge, OnByDefault(s.Ingress.Enabled)), Production: a.Production,
		Monitoring: ready != nil, MonitoringReady: ready,
		Chart: s.DNS.ExternalDNS.Chart.Override(),
	}
	if w, found := a.Workloads[externaldns.WorkloadName]; found {
		eargs.Identity = &w
	}
	if s.Edge.UsesGateway() && b.gatewayCRDs != nil {
		eargs.EdgeReady = b.gatewayCRDs // the Gateway API (and Istio) CRDs its sources watch
	}
	if zones.Provider == externaldns.ProviderAlibaba {
		id, err := b.secret(s.DNS.Alicloud.AccessKeyID)
		if err != nil {
			return fmt.Errorf("secret accessKeyID: %w", err)
		}
		key, err := b.secret(s.DNS.Alicloud.AccessKeySecret)
		if err != nil {
			return fmt.Errorf("secret accessKeySecret: %w", err)
		}
		eargs.AccessKeyID, eargs.AccessKeySecret = id, key
	}
	if _, err := externaldns.New(b.ctx, b.name+"-external-dns", eargs, pulumi.Parent(b.c)); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	return nil
}
