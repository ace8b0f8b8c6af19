package platform

import (
	"fmt"
	"slices"

	"github.com/fleetform/fleetform/components/addons/catalog"
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

// Pod Security levels (catalog's).
const (
	PodSecurityPrivileged = catalog.PodSecurityPrivileged
	PodSecurityBaseline   = catalog.PodSecurityBaseline
	PodSecurityRestricted = catalog.PodSecurityRestricted
)

// Addon names, the values of LabelAddon (catalog's).
const (
	AddonIngress    = catalog.Ingress
	AddonRollouts   = catalog.Rollouts
	AddonMonitoring = catalog.Monitoring
	AddonLogging    = catalog.Logging
	AddonHarbor     = catalog.Harbor
)

// Messages of the namespace checks.
const (
	// MsgAddonUnregistered: the platform made a namespace for an addon that
	// catalog.Addons does not register.
	MsgAddonUnregistered = "is not registered in catalog.Addons"
	// MsgAddonNamespace: the namespace is none of those its addon registers.
	MsgAddonNamespace = "is not a namespace its addon registers in catalog.Addons"
)

// NamespaceLabels are the labels of an addon's namespace on a cluster; the Pod
// Security level enforced is the one the addon registers (catalog.Addons), with
// audit and warn at restricted, so drift towards more privilege shows.
func NamespaceLabels(addon, cluster string) map[string]string {
	a, _ := catalog.Lookup(addon)
	return map[string]string{
		labels.ManagedBy:        labels.ManagedByFleetform,
		LabelAddon:              addon,
		LabelCluster:            cluster,
		LabelPodSecurityEnforce: a.PodSecurity,
		LabelPodSecurityAudit:   PodSecurityRestricted,
		LabelPodSecurityWarn:    PodSecurityRestricted,
	}
}

// checkAddonNamespace fails unless name is one of the namespaces addon registers.
func checkAddonNamespace(addon, name string) error {
	a, ok := catalog.Lookup(addon)
	if !ok {
		return fmt.Errorf("addon %q %s", addon, MsgAddonUnregistered)
	}
	if !slices.Contains(a.Namespaces(), name) {
		return fmt.Errorf("%s: namespace %q %s (%v)", addon, name, MsgAddonNamespace, a.Namespaces())
	}
	return nil
}
