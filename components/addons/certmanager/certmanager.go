package certmanager

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/fleetform/fleetform/components/addons/sizing"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/helmrelease"
	"github.com/fleetform/fleetform/internal/labels"
)

// Names other layers and the docs rely on.
const (
	// Namespace is where cert-manager runs; its cloud identity is bound to an account
	// here, and a CA ClusterIssuer reads its Secret from here (the cluster resource namespace).
	Namespace = "cert-manager"
	// ReleaseName is the Helm release name; the chart names the controller after it.
	ReleaseName = "cert-manager"
	// ServiceAccount is the controller's account, which this package creates (with the
	// cloud identity's annotations) and the chart uses.
	ServiceAccount = "cert-manager"
	// WorkloadName keys cert-manager's cloud identity in cluster.Connection.Workloads.
	WorkloadName = "cert-manager"
	// IssuerName is the ClusterIssuer every Certificate of the platform names.
	IssuerName = "fleetform"
	// SelfSignedIssuerName is the ClusterIssuer that signs the private root CA of an
	// existing cluster, and nothing else.
	SelfSignedIssuerName = "fleetform-selfsigned"
	// CASecretName is the root CA's Secret (and Certificate) in Namespace when the
	// stack brings no CA of its own.
	CASecretName = "fleetform-ca"
	// AccountKeySecret holds the ACME account's private key in Namespace.
	AccountKeySecret = "fleetform-acme-account"
	// APIVersion and the kinds this package creates.
	APIVersion        = "cert-manager.io/v1"
	KindClusterIssuer = "ClusterIssuer"
	KindCertificate   = "Certificate"
	// MetricsPort is the controller metrics Service's port (the chart's).
	MetricsPort = "http-metrics"
	// DNSZoneContributorRole is Azure's built-in "DNS Zone Contributor": records of
	// the zones it is assigned on, nothing else.
	DNSZoneContributorRole = "befefa01-2a29-4197-83a8-272ff33ce314"
)

// ACME directories of Let's Encrypt.
const (
	// LetsEncryptProduction issues browser-trusted certificates (rate-limited: 50 per
	// registered domain a week).
	LetsEncryptProduction = "https://acme-v02.api.letsencrypt.org/directory"
	// LetsEncryptStaging issues untrusted certificates with far higher limits, for
	// stacks that are rebuilt often.
	LetsEncryptStaging = "https://acme-staging-v02.api.letsencrypt.org/directory"
)

// CADuration is how long the self-signed root CA of an existing cluster lasts: ten
// years, so its trust anchor does not change under the clients that trust it.
const CADuration = "87600h"

// Solver is how a cluster's ClusterIssuer proves control of a name.
type Solver string

// Solvers.
const (
	// SolverRoute53 is ACME DNS-01 through Route 53 (EKS, with IRSA).
	SolverRoute53 Solver = "route53"
	// SolverAzureDNS is ACME DNS-01 through Azure DNS (AKS, with workload identity).
	SolverAzureDNS Solver = "azureDNS"
	// SolverHTTP01 is ACME HTTP-01 through the cluster's edge (port 80 of the shared
	// Gateway, or an Ingress of ingress-nginx).
	SolverHTTP01 Solver = "http01"
	// SolverCA signs with a private CA (existing clusters): nothing public is asked.
	SolverCA Solver = "ca"
)

// HTTP01 is where HTTP-01 challenges are answered: the shared Gateway's plain-HTTP
// listener, or else an Ingress of IngressClass.
type HTTP01 struct {
	// GatewayName, GatewayNamespace and GatewayListener are the shared Gateway and its
	// port-80 listener; cert-manager attaches an HTTPRoute per challenge there.
	GatewayName, GatewayNamespace, GatewayListener string
	// IngressClass is the class of the Ingress per challenge, when there is no Gateway.
	IngressClass string
}

// Issuer is the one ClusterIssuer of a cluster.
type Issuer struct {
	// Solver decides the kind of issuer.
	Solver Solver
	// Server and Email are the ACME directory and account contact (optional) for every
	// solver but SolverCA.
	Server, Email string
	// Region is the cluster's region: the STS endpoint of Route 53's IRSA credentials,
	// and the IAM partition.
	Region string
	// HostedZoneIDs are the Route 53 zones cert-manager may write challenge records in.
	HostedZoneIDs []string
	// AzureZones are the Azure DNS zones it may write them in.
	AzureZones []cluster.AzureDNSZone
	// HTTP01 is where HTTP-01 challenges are answered.
	HTTP01 HTTP01
	// CASecretName is the stack's private CA (a kubernetes.io/tls Secret in Namespace);
	// empty makes a self-signed root CA.
	CASecretName string
	// CACommonName names the self-signed root (the cluster's, so two are told apart).
	CACommonName string
}

// GatewayAPI says the issuer needs cert-manager's Gateway API support (HTTP-01
// through a Gateway), so cert-manager must start after the Gateway API CRDs.
func (i Issuer) GatewayAPI() bool { return i.Solver == SolverHTTP01 && i.HTTP01.GatewayName != "" }

// NeedsIdentity says the issuer reaches a cloud API as cert-manager's workload identity.
func (i Issuer) NeedsIdentity() bool { return i.Solver == SolverRoute53 || i.Solver == SolverAzureDNS }

// Errors of ValidateIssuer.
var (
	ErrSolver   = errors.New("unknown solver")
	ErrServer   = errors.New("the ACME server must be an https:// URL")
	ErrNoZones  = errors.New("a DNS-01 issuer needs at least one zone")
	ErrRegion   = errors.New("the route53 solver needs the cluster's region")
	ErrHTTP01   = errors.New("the http01 solver needs a Gateway or an IngressClass")
	ErrIdentity = errors.New("the issuer needs the cluster's workload identity " + WorkloadName)
)

// ValidateIssuer checks an issuer before anything is registered.
func ValidateIssuer(i Issuer) error {
	switch i.Solver {
	case SolverRoute53, SolverAzureDNS, SolverHTTP01:
		if u, err := url.Parse(i.Server); err != nil || u.Scheme != "https" || u.Host == "" {
			return fmt.Errorf("%w: %q", ErrServer, i.Server)
		}
	case SolverCA:
		return nil
	default:
		return fmt.Errorf("%w %q", ErrSolver, i.Solver)
	}
	switch i.Solver {
	case SolverRoute53:
		if len(i.HostedZoneIDs) == 0 {
			return ErrNoZones
		}
		if i.Region == "" {
			return ErrRegion
		}
	case SolverAzureDNS:
		if len(i.AzureZones) == 0 {
			return ErrNoZones
		}
	case SolverHTTP01:
		if i.HTTP01.GatewayName == "" && i.HTTP01.IngressClass == "" {
			return ErrHTTP01
		}
	}
	return nil
}

// Workload is the cloud identity the issuer needs, for the cluster component to
// create: an IRSA role for Route 53, an Entra identity with DNS Zone Contributor on
// each zone for Azure DNS; nil for the other solvers.
func Workload(i Issuer) *cluster.Workload {
	w := &cluster.Workload{Name: WorkloadName, Namespace: Namespace, ServiceAccount: ServiceAccount}
	switch i.Solver {
	case SolverRoute53:
		w.AWSPolicy = AWSPolicy(i.Region, i.HostedZoneIDs)
	case SolverAzureDNS:
		for _, z := range i.AzureZones {
			w.AzureRoles = append(w.AzureRoles, cluster.AzureRoleAssignment{RoleDefinitionID: DNSZoneContributorRole, Scope: z.ID})
		}
	default:
		return nil
	}
	return w
}

// HostedZoneARNs are the ARNs of Route 53 hosted zones (Route 53 is global: no region
// or account in the ARN, only the partition).
func HostedZoneARNs(region string, zoneIDs []string) []string {
	partition := cluster.AWSPartition(region)
	out := make([]string, 0, len(zoneIDs))
	for _, z := range zoneIDs {
		out = append(out, fmt.Sprintf("arn:%s:route53:::hostedzone/%s", partition, z))
	}
	return out
}

// AWSPolicy lets cert-manager write only the TXT records of ACME challenges
// (_acme-challenge.*) in the stack's hosted zones, follow its changes, and find a
// zone by name; it can read no other zone's records and write no other record.
func AWSPolicy(region string, zoneIDs []string) string {
	partition := cluster.AWSPartition(region)
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{
			{
				"Sid":      "FollowChanges",
				"Effect":   "Allow",
				"Action":   "route53:GetChange",
				"Resource": fmt.Sprintf("arn:%s:route53:::change/*", partition),
			},
			{
				"Sid":      "ChallengeRecords",
				"Effect":   "Allow",
				"Action":   []string{"route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"},
				"Resource": HostedZoneARNs(region, zoneIDs),
				"Condition": map[string]any{
					"ForAllValues:StringEquals": map[string]any{"route53:ChangeResourceRecordSetsRecordTypes": []string{"TXT"}},
					"ForAllValues:StringLike":   map[string]any{"route53:ChangeResourceRecordSetsNormalizedRecordNames": []string{"_acme-challenge.*"}},
				},
			},
			{
				"Sid":      "FindZones",
				"Effect":   "Allow",
				"Action":   "route53:ListHostedZonesByName",
				"Resource": "*",
			},
		},
	}
	out, _ := json.Marshal(doc) // plain maps and strings always marshal
	return string(out)
}

// IssuerSpec is the spec of the cluster's ClusterIssuer (IssuerName). It names no
// credential: Route 53 and Azure DNS are reached as cert-manager's own workload
// identity (ambient credentials, on for ClusterIssuers by default), so the spec is
// known before the cloud makes the identity, and plans and renders show it whole.
func IssuerSpec(i Issuer) map[string]any {
	if i.Solver == SolverCA {
		secret := i.CASecretName
		if secret == "" {
			secret = CASecretName
		}
		return map[string]any{"ca": map[string]any{"secretName": secret}}
	}
	acme := map[string]any{
		"server":              i.Server,
		"privateKeySecretRef": map[string]any{"name": AccountKeySecret},
		"solvers":             solvers(i),
	}
	if i.Email != "" {
		acme["email"] = i.Email
	}
	return map[string]any{"acme": acme}
}

func solvers(i Issuer) []any {
	switch i.Solver {
	case SolverRoute53:
		r53 := map[string]any{"region": i.Region}
		// One zone: named, so no lookup by name can pick another zone of the account.
		// Several: cert-manager finds each name's zone, and the IAM policy keeps it
		// to the stack's.
		if len(i.HostedZoneIDs) == 1 {
			r53["hostedZoneID"] = i.HostedZoneIDs[0]
		}
		return []any{map[string]any{"dns01": map[string]any{"route53": r53}}}
	case SolverAzureDNS:
		// No managedIdentity.clientID: with the workload identity webhook's token in the
		// pod, cert-manager takes the client ID from AZURE_CLIENT_ID, which the webhook
		// sets from the service account's annotation (the identity made for Workload).
		var out []any
		for _, z := range i.AzureZones {
			out = append(out, map[string]any{
				"selector": map[string]any{"dnsZones": []any{z.Name}},
				"dns01": map[string]any{"azureDNS": map[string]any{
					"subscriptionID":    z.SubscriptionID,
					"resourceGroupName": z.ResourceGroup,
					"hostedZoneName":    z.Name,
					"environment":       cluster.AzureCloudName(i.Region),
				}},
			})
		}
		return out
	default: // SolverHTTP01
		h := i.HTTP01
		if h.GatewayName != "" {
			parent := map[string]any{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": h.GatewayName, "namespace": h.GatewayNamespace}
			if h.GatewayListener != "" {
				parent["sectionName"] = h.GatewayListener
			}
			return []any{map[string]any{"http01": map[string]any{"gatewayHTTPRoute": map[string]any{"parentRefs": []any{parent}}}}}
		}
		return []any{map[string]any{"http01": map[string]any{"ingress": map[string]any{"ingressClassName": h.IngressClass}}}}
	}
}

// Certificate is one certificate cert-manager keeps issued into a Secret.
type Certificate struct {
	// Namespace and SecretName are the kubernetes.io/tls Secret it writes; the
	// Certificate object takes the Secret's name.
	Namespace, SecretName string
	// DNSNames are the hosts it covers.
	DNSNames []string
}

// CertificateSpec issues c from the cluster's ClusterIssuer.
func CertificateSpec(c Certificate) map[string]any {
	names := make([]any, 0, len(c.DNSNames))
	for _, n := range c.DNSNames {
		names = append(names, n)
	}
	return map[string]any{
		"secretName": c.SecretName,
		"dnsNames":   names,
		"issuerRef":  map[string]any{"group": "cert-manager.io", "kind": KindClusterIssuer, "name": IssuerName},
	}
}

// validateCertificates checks that every certificate names a Secret, a namespace and
// hosts, and that no two write one Secret.
func validateCertificates(cs []Certificate) error {
	seen := map[string]bool{}
	for i, c := range cs {
		if len(validation.IsDNS1123Subdomain(c.SecretName)) > 0 || len(validation.IsDNS1123Label(c.Namespace)) > 0 {
			return fmt.Errorf("certificates[%d]: secret %q in namespace %q is not a valid object name", i, c.SecretName, c.Namespace)
		}
		if len(c.DNSNames) == 0 {
			return fmt.Errorf("certificates[%d]: no DNS names", i)
		}
		key := c.Namespace + "/" + c.SecretName
		if seen[key] {
			return fmt.Errorf("certificates[%d]: two certificates write Secret %s", i, key)
		}
		seen[key] = true
	}
	return nil
}

// Args configure cert-manager on one cluster.
type Args struct {
	// Cluster names the cluster, for the self-signed root's name.
	Cluster string
	// Namespace is the namespace to install into (named Namespace; pass the object's
	// name so the release waits for it).
	Namespace pulumi.StringInput
	// Issuer is the cluster's ClusterIssuer.
	Issuer Issuer
	// Identity is what the cluster component made for Workload(Issuer); required for
	// the DNS-01 solvers.
	Identity *cluster.WorkloadIdentity
	// EdgeReady is the shared Gateway (after the Gateway API CRDs); cert-manager waits
	// for it only when the issuer answers HTTP-01 through it.
	EdgeReady pulumi.Resource
	// Certificates are issued by the ClusterIssuer, each after it.
	Certificates []Certificate
	// NamespacesReady are namespace objects by name: a Certificate in one of them waits
	// for it. A Certificate in a namespace not listed relies on the kubernetes
	// provider retrying the create while the namespace is missing.
	NamespacesReady map[string]pulumi.Resource
	// Monitoring has Prometheus scrape the controller (certificate expiry, ACME
	// errors); MonitoringReady is the install of the ServiceMonitor CRD.
	Monitoring      bool
	MonitoringReady pulumi.Resource
	// Production sizes the pods for a production cluster and runs two webhook pods
	// with a PodDisruptionBudget (Sizing).
	Production bool
	// Chart is the stack's chart override.
	Chart helmrelease.Override
}

// CertManager is the install, its ClusterIssuer and the platform's Certificates.
type CertManager struct {
	pulumi.ResourceState

	// Issuer is the ClusterIssuer object (after the chart and its CRDs).
	Issuer pulumi.Resource
	// IssuerName is the ClusterIssuer's name.
	IssuerName pulumi.StringOutput `pulumi:"issuerName"`
	// Solver is how the issuer proves control of a name.
	Solver pulumi.StringOutput `pulumi:"solver"`
	// Certificates are the Secrets issued, as namespace/name.
	Certificates pulumi.StringArrayOutput `pulumi:"certificates"`
}

// New installs cert-manager, the cluster's ClusterIssuer and the Certificates.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*CertManager, error) {
	if args == nil || args.Namespace == nil {
		return nil, fmt.Errorf("cert-manager %q: a namespace is required", name)
	}
	if err := ValidateIssuer(args.Issuer); err != nil {
		return nil, fmt.Errorf("cert-manager %q: %w", name, err)
	}
	if args.Issuer.NeedsIdentity() && args.Identity == nil {
		return nil, fmt.Errorf("cert-manager %q: %w (solver %s)", name, ErrIdentity, args.Issuer.Solver)
	}
	if err := validateCertificates(args.Certificates); err != nil {
		return nil, fmt.Errorf("cert-manager %q: %w", name, err)
	}
	c := &CertManager{}
	if err := ctx.RegisterComponentResource("platform:addons:CertManager", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering component: %w", err)
	}
	parent := pulumi.Parent(c)
	sa, podLabels, err := cluster.NewServiceAccount(ctx, name+"-sa", ServiceAccount, args.Namespace, args.Identity, parent)
	if err != nil {
		return nil, fmt.Errorf("service account: %w", err)
	}
	deps := []pulumi.Resource{sa}
	if args.Issuer.GatewayAPI() && args.EdgeReady != nil {
		deps = append(deps, args.EdgeReady)
	}
	rel, err := helmrelease.New(ctx, name+"-release", &helmrelease.Args{
		Pin: helmrelease.CertManager, Override: args.Chart, ReleaseName: ReleaseName,
		Namespace: args.Namespace, Values: helmrelease.Merge(Sizing(args.Production), Values(podLabels, args.Issuer.GatewayAPI())),
	}, parent, pulumi.DependsOn(deps))
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	if args.Monitoring {
		if _, err := helmrelease.NewServiceMonitor(ctx, name+"-servicemonitor", helmrelease.ServiceMonitor{
			Name: ReleaseName, Namespace: args.Namespace, MonitoringReady: args.MonitoringReady, Port: MetricsPort,
			Selector: map[string]any{"app.kubernetes.io/name": ReleaseName, "app.kubernetes.io/instance": ReleaseName, "app.kubernetes.io/component": "controller"},
		}, parent); err != nil {
			return nil, fmt.Errorf("servicemonitor: %w", err)
		}
	}
	issuerDeps := []pulumi.Resource{rel}
	if args.Issuer.Solver == SolverCA && args.Issuer.CASecretName == "" {
		root, err := selfSignedRoot(ctx, name, args, rel, parent)
		if err != nil {
			return nil, fmt.Errorf("self signed root: %w", err)
		}
		issuerDeps = append(issuerDeps, root)
	}
	issuer, err := apiextensions.NewCustomResource(ctx, name+"-issuer", &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(APIVersion),
		Kind:        pulumi.String(KindClusterIssuer),
		Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(IssuerName), Labels: managedBy()},
		OtherFields: kubernetes.UntypedArgs{"spec": IssuerSpec(args.Issuer)},
	}, parent, pulumi.DependsOn(issuerDeps))
	if err != nil {
		return nil, fmt.Errorf("custom resource issuer: %w", err)
	}
	issued := make([]string, 0, len(args.Certificates))
	for _, cert := range args.Certificates {
		deps := []pulumi.Resource{issuer}
		if ns, ok := args.NamespacesReady[cert.Namespace]; ok && ns != nil {
			deps = append(deps, ns)
		}
		if _, err := NewCertificate(ctx, fmt.Sprintf("%s-cert-%s-%s", name, cert.Namespace, cert.SecretName), cert,
			parent, pulumi.DependsOn(deps)); err != nil {
			return nil, fmt.Errorf("certificate: %w", err)
		}
		issued = append(issued, cert.Namespace+"/"+cert.SecretName)
	}
	sort.Strings(issued)
	c.Issuer = issuer
	c.IssuerName = pulumi.String(IssuerName).ToStringOutput()
	c.Solver = pulumi.String(string(args.Issuer.Solver)).ToStringOutput()
	c.Certificates = pulumi.ToStringArray(issued).ToStringArrayOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"issuerName": c.IssuerName, "solver": c.Solver, "certificates": c.Certificates,
	}); err != nil {
		return nil, fmt.Errorf("registering outputs: %w", err)
	}
	return c, nil
}

// NewCertificate registers the Certificate c describes (after the ClusterIssuer,
// which the caller passes in DependsOn). It is exported for layers that make their
// namespaces after the platform and want a certificate to wait for its namespace.
func NewCertificate(ctx *pulumi.Context, name string, c Certificate, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	return apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(APIVersion),
		Kind:        pulumi.String(KindCertificate),
		Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(c.SecretName), Namespace: pulumi.String(c.Namespace), Labels: managedBy()},
		OtherFields: kubernetes.UntypedArgs{"spec": CertificateSpec(c)},
	}, opts...)
}

// selfSignedRoot makes the private root CA of an existing cluster: a self-signed
// ClusterIssuer that signs one CA Certificate into CASecretName. The returned
// Certificate is what the CA ClusterIssuer waits for.
func selfSignedRoot(ctx *pulumi.Context, name string, args *Args, rel pulumi.Resource, parent pulumi.ResourceOption) (pulumi.Resource, error) {
	self, err := apiextensions.NewCustomResource(ctx, name+"-selfsigned", &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(APIVersion),
		Kind:        pulumi.String(KindClusterIssuer),
		Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(SelfSignedIssuerName), Labels: managedBy()},
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{"selfSigned": map[string]any{}}},
	}, parent, pulumi.DependsOn([]pulumi.Resource{rel}))
	if err != nil {
		return nil, fmt.Errorf("custom resource selfsigned: %w", err)
	}
	cn := args.Issuer.CACommonName
	if cn == "" {
		cn = "fleetform " + args.Cluster + " root CA"
	}
	return apiextensions.NewCustomResource(ctx, name+"-ca", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(APIVersion),
		Kind:       pulumi.String(KindCertificate),
		Metadata:   &metav1.ObjectMetaArgs{Name: pulumi.String(CASecretName), Namespace: args.Namespace, Labels: managedBy()},
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"isCA":       true,
			"commonName": cn,
			"secretName": CASecretName,
			"duration":   CADuration,
			"privateKey": map[string]any{"algorithm": "ECDSA", "size": 256},
			"issuerRef":  map[string]any{"group": "cert-manager.io", "kind": KindClusterIssuer, "name": SelfSignedIssuerName},
		}},
	}, parent, pulumi.DependsOn([]pulumi.Resource{self}))
}

// Values are the typed chart values, before the stack's raw values: the CRDs come with
// the chart (and stay when it is uninstalled, with every Certificate), the service
// account is ours (it carries the cloud identity), the controller's metrics Service
// is on for the ServiceMonitor made beside the chart, and Gateway API support is on
// only where HTTP-01 goes through a Gateway (it needs the Gateway API CRDs at start).
func Values(podLabels map[string]string, gatewayAPI bool) map[string]any {
	v := map[string]any{
		"crds":           map[string]any{"enabled": true, "keep": true},
		"serviceAccount": map[string]any{"create": false, "name": ServiceAccount},
		"prometheus":     map[string]any{"enabled": true, "servicemonitor": map[string]any{"enabled": false}},
	}
	if gatewayAPI {
		v["config"] = map[string]any{"gatewayAPI": map[string]any{"enabled": true}}
	}
	if labels := helmrelease.StringValues(podLabels); labels != nil {
		v["podLabels"] = labels
	}
	return v
}

// Containers are cert-manager's containers and their sizes (cert-manager v1.21.1's
// values.yaml: every resources value empty, with 10m and 32Mi as its example
// requests). The cainjector caches every Secret and CRD it injects into, so it
// grows with the cluster; no chart or cert-manager doc advises a memory limit.
var Containers = []sizing.Container{
	{Name: "controller", Path: "resources", Other: sizing.Size{CPU: "10m", Memory: "64Mi"}, Prod: sizing.Size{CPU: "50m", Memory: "128Mi"}},
	{Name: "webhook", Path: "webhook.resources", Other: sizing.Size{CPU: "10m", Memory: "32Mi"}, Prod: sizing.Size{CPU: "20m", Memory: "64Mi"}},
	{Name: "cainjector", Path: "cainjector.resources", Other: sizing.Size{CPU: "10m", Memory: "64Mi"}, Prod: sizing.Size{CPU: "20m", Memory: "128Mi"}},
	{Name: "startupapicheck", Path: "startupapicheck.resources", Other: sizing.Size{CPU: "10m", Memory: "32Mi"}, Prod: sizing.Size{CPU: "10m", Memory: "32Mi"}},
}

// Sizing are the values that size the pods for the cluster's environment and, on a
// production cluster, run the webhook (failurePolicy Fail: while no webhook pod
// answers, no Certificate or Issuer can be written) as two pods with the chart's
// PodDisruptionBudget keeping one through a node's drain.
func Sizing(prod bool) map[string]any {
	v := sizing.Values(Containers, prod)
	sizing.Set(v, "webhook.replicaCount", sizing.Replicas(prod))
	sizing.Set(v, "webhook.podDisruptionBudget", sizing.PodDisruptionBudget(prod))
	return v
}

func managedBy() pulumi.StringMap {
	return pulumi.ToStringMap(labels.Managed())
}
