package environments

// Label keys set on every environment Namespace, so that policies, cost reports and
// NetworkPolicies can select environments by what they are rather than by name.
const (
	// LabelTier holds the environment's tier (qa, e2e, stage, prod, ...).
	LabelTier = "fleetform.io/tier"
	// LabelTeam holds the team that owns the namespace; absent when no team is set.
	LabelTeam = "fleetform.io/team"
	// LabelStack holds the Pulumi stack that manages the namespace, so two stacks
	// sharing a cluster can tell their namespaces apart.
	LabelStack = "fleetform.io/stack"
)

// Pod Security Admission label keys (https://kubernetes.io/docs/concepts/security/pod-security-admission/).
const (
	// LabelPodSecurityEnforce makes the API server reject pods that break the level.
	LabelPodSecurityEnforce = "pod-security.kubernetes.io/enforce"
	// LabelPodSecurityAudit records violations of the level in the audit log.
	LabelPodSecurityAudit = "pod-security.kubernetes.io/audit"
	// LabelPodSecurityWarn returns violations of the level to the client as warnings.
	LabelPodSecurityWarn = "pod-security.kubernetes.io/warn"
)

// LabelNamespaceName is the label the API server sets on every Namespace to its own
// name (Kubernetes 1.21+); NetworkPolicies select namespaces by it, because users
// cannot forge it on namespaces they do not own.
const LabelNamespaceName = "kubernetes.io/metadata.name"

// LabelKubeDNS selects the cluster DNS pods (CoreDNS keeps the historic kube-dns
// label on EKS, AKS, ACK, kubeadm and kind alike).
const (
	// LabelKubeDNS is the label key of the cluster DNS pods.
	LabelKubeDNS = "k8s-app"
	// LabelKubeDNSValue is its value.
	LabelKubeDNSValue = "kube-dns"
	// NamespaceKubeSystem is where the cluster DNS runs.
	NamespaceKubeSystem = "kube-system"
)

// Names of the Kubernetes objects each environment holds. They are fixed inside the
// namespace, so other layers, CI scripts and the API-server tests can find them.
const (
	// QuotaName is the ResourceQuota.
	QuotaName = "environment-quota"
	// LimitRangeName is the LimitRange.
	LimitRangeName = "environment-limits"
	// PullSecretName is the registry pull Secret; pods with their own ServiceAccount list it in imagePullSecrets.
	PullSecretName = "registry-pull"
	// DefaultServiceAccountName is the ServiceAccount pods use when they name none.
	DefaultServiceAccountName = "default"
	// PolicyDefaultDeny denies all ingress and egress of every pod.
	PolicyDefaultDeny = "default-deny"
	// PolicySameNamespace lets pods of the namespace reach each other.
	PolicySameNamespace = "allow-same-namespace"
	// PolicyDNS lets pods query the cluster DNS.
	PolicyDNS = "allow-dns"
	// PolicyIngressController lets the ingress controller reach the pods.
	PolicyIngressController = "allow-from-ingress-controller"
	// PolicyMonitoring lets Prometheus scrape the pods.
	PolicyMonitoring = "allow-from-monitoring"
	// PolicyEgress lets pods reach the namespaces and CIDRs of egress.
	PolicyEgress = "allow-egress"
	// PolicyAllowFrom lets the environments of allowFrom reach the pods.
	PolicyAllowFrom = "allow-from-environments"
	// AccessBindingPrefix prefixes the RoleBinding of each role: access-view, access-edit, access-admin.
	AccessBindingPrefix = "access-"
)
