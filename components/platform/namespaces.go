package platform

import (
	"github.com/fleetform/fleetform/components/addons/certmanager"
	"github.com/fleetform/fleetform/components/addons/externaldns"
	"github.com/fleetform/fleetform/components/addons/externalsecrets"
	"github.com/fleetform/fleetform/components/addons/karpenter"
	"github.com/fleetform/fleetform/components/addons/velero"
	"github.com/fleetform/fleetform/internal/labels"
)

// Label keys and values on the addon namespaces.
const (
	// LabelAddon names the addon a namespace holds (ingress, rollouts, ...); NetworkPolicies select on it.
	LabelAddon = "fleetform.io/addon"
	// LabelCluster names the cluster in the stack.
	LabelCluster = "fleetform.io/cluster"
	// Pod Security Admission labels.
	LabelPodSecurityEnforce = "pod-security.kubernetes.io/enforce"
	LabelPodSecurityAudit   = "pod-security.kubernetes.io/audit"
	LabelPodSecurityWarn    = "pod-security.kubernetes.io/warn"
)

// Pod Security levels.
const (
	PodSecurityPrivileged = "privileged"
	PodSecurityBaseline   = "baseline"
	PodSecurityRestricted = "restricted"
)

// Addon names, the values of LabelAddon.
const (
	AddonIngress    = "ingress"
	AddonRollouts   = "rollouts"
	AddonMonitoring = "monitoring"
	AddonLogging    = "logging"
	AddonHarbor     = "harbor"
)

// addonNamespace is one addon namespace and the Pod Security level it enforces.
type addonNamespace struct {
	addon, name, enforce string
}

// addonNamespaces lists every addon namespace with the least privilege its chart
// runs under: node-exporter (monitoring) and the log collectors (logging) mount
// host paths and need privileged; the others run with baseline. All audit and warn
// at restricted, so drift towards more privilege shows.
var addonNamespaces = map[string]addonNamespace{
	AddonIngress:         {AddonIngress, NamespaceIngress, PodSecurityBaseline},
	AddonRollouts:        {AddonRollouts, NamespaceRollouts, PodSecurityBaseline},
	AddonMonitoring:      {AddonMonitoring, NamespaceMonitoring, PodSecurityPrivileged},
	AddonLogging:         {AddonLogging, NamespaceLogging, PodSecurityPrivileged},
	AddonHarbor:          {AddonHarbor, NamespaceHarbor, PodSecurityBaseline},
	AddonVPA:             {AddonVPA, NamespaceVPA, PodSecurityBaseline},
	AddonExternalSecrets: {AddonExternalSecrets, externalsecrets.Namespace, PodSecurityBaseline},
	AddonTracing:         {AddonTracing, NamespaceTracing, PodSecurityBaseline},
	// cert-manager (controller, webhook, cainjector) and external-dns only call APIs
	// (Kubernetes, ACME, the cloud's DNS), as their charts' restricted pods.
	AddonCertManager: {AddonCertManager, certmanager.Namespace, PodSecurityBaseline},
	AddonExternalDNS: {AddonExternalDNS, externaldns.Namespace, PodSecurityBaseline},
	// Velero's server only reads the API and its bucket (no node agent, CSI snapshots).
	AddonBackups: {AddonBackups, velero.Namespace, PodSecurityBaseline},
	// Karpenter's controller runs as non-root with no capabilities, no privilege
	// escalation and the RuntimeDefault seccomp profile: restricted holds.
	AddonKarpenter: {AddonKarpenter, karpenter.Namespace, PodSecurityRestricted},
}

// NamespaceLabels are the labels of an addon's namespace on a cluster.
func NamespaceLabels(addon, cluster string) map[string]string {
	ns := addonNamespaces[addon]
	return map[string]string{
		labels.ManagedBy:        labels.ManagedByFleetform,
		LabelAddon:              addon,
		LabelCluster:            cluster,
		LabelPodSecurityEnforce: ns.enforce,
		LabelPodSecurityAudit:   PodSecurityRestricted,
		LabelPodSecurityWarn:    PodSecurityRestricted,
	}
}
