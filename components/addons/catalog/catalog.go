package catalog

import "slices"

// Pod Security Admission levels an addon namespace enforces.
const (
	PodSecurityPrivileged = "privileged"
	PodSecurityBaseline   = "baseline"
	PodSecurityRestricted = "restricted"
)

// Identity is the cloud identity an addon asks its cluster component for.
type Identity string

// Cloud identities.
const (
	// IdentityNone: the addon calls no cloud API.
	IdentityNone Identity = ""
	// IdentityWorkload is a cluster.Workload named after the addon, bound to its
	// namespace's service account (IRSA on EKS, workload identity on AKS).
	IdentityWorkload Identity = "workload"
	// IdentityBackups is the backup bucket and its identity (cluster.Backups).
	IdentityBackups Identity = "backups"
	// IdentityKarpenter is Karpenter's IRSA role and interruption queue (cluster.Karpenter).
	IdentityKarpenter Identity = "karpenter"
)

// Storage is what an addon keeps its data in.
type Storage string

// Storage kinds.
const (
	// StorageNone: the addon keeps no data of its own.
	StorageNone Storage = ""
	// StorageVolume is PersistentVolumeClaims of the cluster's default StorageClass.
	StorageVolume Storage = "volume"
	// StorageBucket is object storage the cluster component makes in its cloud.
	StorageBucket Storage = "bucket"
)

// Addon is one addon's registration.
type Addon struct {
	// Name is the addon's fleetform.io/addon label value.
	Name string
	// Namespace is the namespace it runs in.
	Namespace string
	// AltNamespaces are namespaces it runs in instead, by configuration (the edge's, by platform.edge).
	AltNamespaces []string
	// PodSecurity is the Pod Security level its namespace enforces (audit and warn are
	// restricted everywhere); Why says why it needs that level.
	PodSecurity, Why string
	// Exempt skips its namespaces in the environment namespace rules (quota,
	// LimitRange, default deny): an addon namespace is no environment.
	Exempt bool
	// Charts are the names of the charts it installs, each pinned in helmrelease.Pins.
	Charts []string
	// Identity is the cloud identity it asks its cluster component for.
	Identity Identity
	// Storage is what it keeps its data in.
	Storage Storage
	// Scraped says the platform makes a ServiceMonitor or PodMonitor for it, which
	// waits for the monitoring install.
	Scraped bool
	// InstalledOn says, for the docs, which clusters get it.
	InstalledOn string
}

// Addon names, the fleetform.io/addon values.
const (
	Ingress         = "ingress"
	Rollouts        = "rollouts"
	Monitoring      = "monitoring"
	Logging         = "logging"
	Harbor          = "harbor"
	VPA             = "vpa"
	ExternalSecrets = "external-secrets"
	Tracing         = "tracing"
	Backups         = "backups"
	CertManager     = "cert-manager"
	ExternalDNS     = "external-dns"
	Karpenter       = "karpenter"
	RuntimeSecurity = "runtime-security"
	DNSAutoscaler   = "dns-autoscaler"
	Chaos           = "chaos"
)

// Addons is the registration of every addon, in documentation order: adding an addon
// is its package, its platform step and one entry here (docs/platform.md, "Adding an addon").
var Addons = []Addon{
	{Name: Ingress, Namespace: "envoy-gateway-system", AltNamespaces: []string{"istio-system", "kong", "ingress-nginx"},
		PodSecurity: PodSecurityBaseline, Exempt: true, Scraped: true,
		Charts:      []string{"gateway-crds-helm", "gateway-helm", "base", "istiod", "cni", "ingress", "ingress-nginx"},
		InstalledOn: "every cluster, one edge by `platform.edge` (see \"Edge\")"},
	{Name: Rollouts, Namespace: "argo-rollouts", PodSecurity: PodSecurityBaseline, Exempt: true, Scraped: true,
		Charts: []string{"argo-rollouts"}, InstalledOn: "every cluster"},
	{Name: Monitoring, Namespace: "monitoring", PodSecurity: PodSecurityPrivileged, Why: "node-exporter uses host paths",
		Exempt: true, Storage: StorageVolume, Charts: []string{"prometheus-operator-crds", "kube-prometheus-stack"}, InstalledOn: "every cluster"},
	{Name: Logging, Namespace: "logging", PodSecurity: PodSecurityPrivileged, Why: "the collector reads `/var/log/pods`",
		Exempt: true, Storage: StorageVolume, Charts: []string{"loki", "alloy", "eck-operator", "eck-stack", "fluent-bit"},
		InstalledOn: "every cluster: loki + alloy with `backend: loki`, eck-operator + eck-stack + fluent-bit with `backend: elk`"},
	{Name: Harbor, Namespace: "harbor", PodSecurity: PodSecurityBaseline, Exempt: true, Storage: StorageVolume,
		Charts: []string{"harbor"}, InstalledOn: "one cluster"},
	{Name: VPA, Namespace: "vpa", PodSecurity: PodSecurityBaseline, Exempt: true,
		Charts: []string{"vpa"}, InstalledOn: "every cluster, unless all are existing"},
	{Name: ExternalSecrets, Namespace: "external-secrets", PodSecurity: PodSecurityBaseline, Exempt: true,
		Identity: IdentityWorkload, Scraped: true, Charts: []string{"external-secrets"}, InstalledOn: "clusters with a store"},
	{Name: Tracing, Namespace: "tracing", PodSecurity: PodSecurityBaseline, Exempt: true, Storage: StorageVolume, Scraped: true,
		Charts: []string{"opentelemetry-collector", "tempo"}, InstalledOn: "every cluster (tempo except on spokes)"},
	{Name: Backups, Namespace: "velero", PodSecurity: PodSecurityBaseline, Why: "the server only reads the API and its bucket",
		Exempt: true, Identity: IdentityBackups, Storage: StorageBucket, Scraped: true,
		Charts: []string{"velero"}, InstalledOn: "clusters this program builds"},
	{Name: CertManager, Namespace: "cert-manager", PodSecurity: PodSecurityBaseline, Exempt: true,
		Identity: IdentityWorkload, Scraped: true, Charts: []string{"cert-manager"},
		InstalledOn: "clusters with an issuer (see \"TLS and DNS\")"},
	{Name: ExternalDNS, Namespace: "external-dns", PodSecurity: PodSecurityBaseline, Exempt: true,
		Identity: IdentityWorkload, Scraped: true, Charts: []string{"external-dns"},
		InstalledOn: "cloud clusters with zones of their cloud"},
	{Name: Karpenter, Namespace: "karpenter", PodSecurity: PodSecurityRestricted,
		Why:    "the controller runs as non-root, no capabilities, RuntimeDefault seccomp",
		Exempt: true, Identity: IdentityKarpenter, Scraped: true, Charts: []string{"karpenter"},
		InstalledOn: "EKS clusters with a Karpenter pool"},
	{Name: RuntimeSecurity, Namespace: "falco", PodSecurity: PodSecurityPrivileged,
		Why:    "Falco's modern eBPF probe loads BPF programs and reads the host's `/proc`, as a privileged container",
		Exempt: true, Scraped: true, Charts: []string{"falco"},
		InstalledOn: "every cluster with `platform.runtimeSecurity.enabled`"},
	{Name: DNSAutoscaler, Namespace: "dns-autoscaler", PodSecurity: PodSecurityBaseline, Exempt: true,
		Charts:      []string{"cluster-proportional-autoscaler"},
		InstalledOn: "ACK clusters, and existing clusters with `platform.dnsAutoscaler.enabled` (see \"DNS scaling\")"},
	{Name: Chaos, Namespace: "chaos-mesh", PodSecurity: PodSecurityPrivileged,
		Why:    "the chaos daemon enters pods' network and process namespaces through the node's container runtime, as a privileged container",
		Exempt: true, Scraped: true, Charts: []string{"chaos-mesh"},
		InstalledOn: "clusters with `platform.chaos.enabled`"},
}

// SystemNamespaces are the namespaces Kubernetes itself makes; no addon runs there
// but the Istio CNI agent (kube-system).
var SystemNamespaces = []string{"default", "kube-system", "kube-public", "kube-node-lease"}

// Lookup is the addon registered under name.
func Lookup(name string) (Addon, bool) {
	i := slices.IndexFunc(Addons, func(a Addon) bool { return a.Name == name })
	if i < 0 {
		return Addon{}, false
	}
	return Addons[i], true
}

// Namespaces are every namespace the addon may run in: Namespace, then AltNamespaces.
func (a Addon) Namespaces() []string {
	return append([]string{a.Namespace}, a.AltNamespaces...)
}

// ExemptNamespaces are the namespaces the environment namespace rules skip: the
// system namespaces and every namespace of an Exempt addon.
func ExemptNamespaces() []string {
	out := slices.Clone(SystemNamespaces)
	for _, a := range Addons {
		if a.Exempt {
			out = append(out, a.Namespaces()...)
		}
	}
	return out
}

// Charts are the charts of every addon, in registration order.
func Charts() []string {
	var out []string
	for _, a := range Addons {
		out = append(out, a.Charts...)
	}
	return out
}
