package externaldns

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/sizing"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/helmrelease"
)

// Names other layers and the docs rely on.
const (
	// Namespace is where external-dns runs; its cloud identity is bound to an account here.
	Namespace = "external-dns"
	// ReleaseName is the Helm release name; the chart names the Deployment after it.
	ReleaseName = "external-dns"
	// ServiceAccount is the controller's account, which this package creates (with the
	// cloud identity's annotations) and the chart uses.
	ServiceAccount = "external-dns"
	// WorkloadName keys external-dns's cloud identity in cluster.Connection.Workloads.
	WorkloadName = "external-dns"
	// ConfigName is the ConfigMap (Azure) or Secret (Alibaba Cloud) with the
	// provider's configuration file, mounted at ConfigDir.
	ConfigName = "external-dns-provider"
	// ConfigDir is where the provider reads its file: external-dns's default paths
	// are /etc/kubernetes/azure.json and /etc/kubernetes/alibaba-cloud.json.
	ConfigDir = "/etc/kubernetes"
	// AzureConfigFile and AlibabaConfigFile are the file names in ConfigDir.
	AzureConfigFile   = "azure.json"
	AlibabaConfigFile = "alibaba-cloud.json"
	// AnnotationConfigChecksum restarts the pod when the plain provider file changes
	// (external-dns reads it once, at start).
	AnnotationConfigChecksum = "fleetform.io/provider-config-checksum"
	// MetricsPort is the chart's Service port.
	MetricsPort = "http"
	// DNSZoneContributorRole is Azure's built-in "DNS Zone Contributor": records of
	// the zone it is assigned on.
	DNSZoneContributorRole = "befefa01-2a29-4197-83a8-272ff33ce314"
	// ReaderRole is Azure's built-in "Reader", on the zones' resource group: the
	// provider lists the group's zones, and changes nothing with it.
	ReaderRole = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
)

// Providers, as external-dns's --provider names them.
const (
	ProviderAWS     = "aws"
	ProviderAzure   = "azure"
	ProviderAlibaba = "alibabacloud"
)

// Policies: what external-dns may do to records it owns.
const (
	// PolicyUpsertOnly creates and updates, never deletes: a removed route leaves its
	// record until someone deletes it, and a mistake cannot empty a zone.
	PolicyUpsertOnly = "upsert-only"
	// PolicySync also deletes the records of hosts no longer served.
	PolicySync = "sync"
	// PolicyCreateOnly only creates records.
	PolicyCreateOnly = "create-only"
)

// Policies lists the accepted policies (the chart's enum).
var Policies = []string{PolicyUpsertOnly, PolicySync, PolicyCreateOnly}

// Sources, as external-dns's --source names them.
const (
	SourceService             = "service"
	SourceIngress             = "ingress"
	SourceHTTPRoute           = "gateway-httproute"
	SourceIstioGateway        = "istio-gateway"
	SourceIstioVirtualService = "istio-virtualservice"
)

// Zones is where one install writes: the provider and the stack's zones in that cloud.
type Zones struct {
	// Provider is ProviderAWS, ProviderAzure or ProviderAlibaba.
	Provider string
	// Region is the cluster's region (AWS credentials, the IAM partition, Azure's
	// cloud, Alibaba Cloud's endpoint).
	Region string
	// DomainFilters are the stack's domains: no record outside them is touched.
	DomainFilters []string
	// HostedZoneIDs are the Route 53 zones (aws).
	HostedZoneIDs []string
	// AzureZones are the Azure DNS zones (azure); all in one resource group, which the
	// provider works in.
	AzureZones []cluster.AzureDNSZone
	// AlibabaDomains are the Alibaba Cloud DNS zones (alibabacloud), named by domain.
	AlibabaDomains []string
}

// Errors of validateZones.
var (
	ErrProvider   = errors.New("unknown provider")
	ErrNoZones    = errors.New("no zones")
	ErrNoDomains  = errors.New("no domain filters: external-dns would reach every record of the zones")
	ErrOneGroup   = errors.New("the Azure zones must share one subscription and resource group (external-dns works in one)")
	ErrIdentity   = errors.New("the provider needs the cluster's workload identity " + WorkloadName)
	ErrKey        = errors.New("the alibabacloud provider needs an access key")
	ErrOwner      = errors.New("a TXT owner ID is required")
	ErrPolicy     = errors.New("unknown policy")
	ErrNoSources  = errors.New("no sources")
	ErrRegionless = errors.New("the provider needs the cluster's region")
)

func validateZones(z Zones) error {
	if len(z.DomainFilters) == 0 {
		return ErrNoDomains
	}
	switch z.Provider {
	case ProviderAWS:
		if len(z.HostedZoneIDs) == 0 {
			return ErrNoZones
		}
		if z.Region == "" {
			return ErrRegionless
		}
	case ProviderAzure:
		if len(z.AzureZones) == 0 {
			return ErrNoZones
		}
		for _, az := range z.AzureZones[1:] {
			if az.ResourceGroupID() != z.AzureZones[0].ResourceGroupID() {
				return ErrOneGroup
			}
		}
	case ProviderAlibaba:
		if len(z.AlibabaDomains) == 0 {
			return ErrNoZones
		}
		if z.Region == "" {
			return ErrRegionless
		}
	default:
		return fmt.Errorf("%w %q", ErrProvider, z.Provider)
	}
	return nil
}

// Workload is the cloud identity the provider needs, for the cluster component to
// create: an IRSA role limited to the hosted zones on EKS; an Entra identity with DNS
// Zone Contributor on each zone and Reader on their resource group on AKS; nil on
// Alibaba Cloud (an access key from config: the ACK component makes no identities).
func Workload(z Zones) *cluster.Workload {
	w := &cluster.Workload{Name: WorkloadName, Namespace: Namespace, ServiceAccount: ServiceAccount}
	switch z.Provider {
	case ProviderAWS:
		w.AWSPolicy = AWSPolicy(z.Region, z.HostedZoneIDs)
	case ProviderAzure:
		for _, az := range z.AzureZones {
			w.AzureRoles = append(w.AzureRoles, cluster.AzureRoleAssignment{RoleDefinitionID: DNSZoneContributorRole, Scope: az.ID})
		}
		if len(z.AzureZones) > 0 {
			w.AzureRoles = append(w.AzureRoles, cluster.AzureRoleAssignment{RoleDefinitionID: ReaderRole, Scope: z.AzureZones[0].ResourceGroupID()})
		}
	default:
		return nil
	}
	return w
}

// AWSPolicy lets external-dns change and read the records of the stack's hosted zones
// only; listing zones (which names no zone) is the one account-wide action, and
// what it lists is then filtered to those zones.
func AWSPolicy(region string, zoneIDs []string) string {
	partition := cluster.AWSPartition(region)
	zones := make([]string, 0, len(zoneIDs))
	for _, id := range zoneIDs {
		zones = append(zones, fmt.Sprintf("arn:%s:route53:::hostedzone/%s", partition, id))
	}
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{
			{
				"Sid":      "StackZones",
				"Effect":   "Allow",
				"Action":   []string{"route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResources"},
				"Resource": zones,
			},
			{
				"Sid":      "ListZones",
				"Effect":   "Allow",
				"Action":   "route53:ListHostedZones",
				"Resource": "*",
			},
		},
	}
	out, _ := json.Marshal(doc) // plain maps and strings always marshal
	return string(out)
}

// AzureConfig is the secret-less azure.json of a workload identity: the zones'
// subscription and resource group; the tenant and client IDs and the token come from
// the workload identity webhook's environment.
func AzureConfig(z Zones) string {
	az := z.AzureZones[0]
	out, _ := json.Marshal(map[string]any{
		"cloud":                        cluster.AzureCloudName(z.Region),
		"subscriptionId":               az.SubscriptionID,
		"resourceGroup":                az.ResourceGroup,
		"useWorkloadIdentityExtension": true,
	})
	return string(out)
}

// AlibabaConfig is alibaba-cloud.json: the region's DNS endpoint and the RAM user's key.
func AlibabaConfig(region, accessKeyID, accessKeySecret string) string {
	out, _ := json.Marshal(map[string]any{"regionId": region, "accessKeyId": accessKeyID, "accessKeySecret": accessKeySecret})
	return string(out)
}

// Args configure external-dns on one cluster.
type Args struct {
	// Namespace is the namespace to install into (named Namespace; pass the object's
	// name so the release waits for it).
	Namespace pulumi.StringInput
	// Zones are the provider and the stack's zones.
	Zones Zones
	// Identity is what the cluster component made for Workload(Zones); required for
	// aws and azure.
	Identity *cluster.WorkloadIdentity
	// AccessKeyID and AccessKeySecret are the Alibaba Cloud RAM user's key (Pulumi
	// secrets); required for alibabacloud, ignored elsewhere.
	AccessKeyID, AccessKeySecret pulumi.StringInput
	// TXTOwnerID names this install in the TXT ownership records: unique per stack and
	// cluster, so no two installs fight over a record.
	TXTOwnerID string
	// Policy is PolicyUpsertOnly, PolicySync or PolicyCreateOnly.
	Policy string
	// Sources are the kinds of objects whose hosts get records.
	Sources []string
	// EdgeReady is the edge install whose CRDs the gateway and Istio sources watch;
	// external-dns waits for it.
	EdgeReady pulumi.Resource
	// Monitoring has Prometheus scrape external-dns; MonitoringReady is the install of
	// the ServiceMonitor CRD.
	Monitoring      bool
	MonitoringReady pulumi.Resource
	// Production sizes the pod for a production cluster (Containers).
	Production bool
	// Chart is the stack's chart override.
	Chart helmrelease.Override
}

func (a *Args) validate() error {
	if err := validateZones(a.Zones); err != nil {
		return fmt.Errorf("validate zones: %w", err)
	}
	switch a.Zones.Provider {
	case ProviderAWS, ProviderAzure:
		if a.Identity == nil {
			return ErrIdentity
		}
	case ProviderAlibaba:
		if a.AccessKeyID == nil || a.AccessKeySecret == nil {
			return ErrKey
		}
	}
	if a.TXTOwnerID == "" {
		return ErrOwner
	}
	found := false
	for _, p := range Policies {
		found = found || p == a.Policy
	}
	if !found {
		return fmt.Errorf("%w %q", ErrPolicy, a.Policy)
	}
	if len(a.Sources) == 0 {
		return ErrNoSources
	}
	return nil
}

// ExternalDNS is the install and its provider configuration.
type ExternalDNS struct {
	pulumi.ResourceState

	// Provider is the DNS provider written to.
	Provider pulumi.StringOutput `pulumi:"provider"`
	// TXTOwnerID names this install's records.
	TXTOwnerID pulumi.StringOutput `pulumi:"txtOwnerId"`
	// DomainFilters are the domains it may write.
	DomainFilters pulumi.StringArrayOutput `pulumi:"domainFilters"`
}

// New installs external-dns.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*ExternalDNS, error) {
	if args == nil || args.Namespace == nil {
		return nil, fmt.Errorf("external-dns %q: a namespace is required", name)
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("external-dns %q: %w", name, err)
	}
	c := &ExternalDNS{}
	if err := ctx.RegisterComponentResource("platform:addons:ExternalDNS", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering component: %w", err)
	}
	parent := pulumi.Parent(c)
	sa, podLabels, err := cluster.NewServiceAccount(ctx, name+"-sa", ServiceAccount, args.Namespace, args.Identity, parent)
	if err != nil {
		return nil, fmt.Errorf("service account: %w", err)
	}
	deps := []pulumi.Resource{sa}
	if args.EdgeReady != nil {
		deps = append(deps, args.EdgeReady)
	}
	checksum := ""
	switch args.Zones.Provider {
	case ProviderAzure:
		cfg := AzureConfig(args.Zones)
		sum := sha256.Sum256([]byte(cfg))
		checksum = hex.EncodeToString(sum[:])
		cm, err := corev1.NewConfigMap(ctx, name+"-config", &corev1.ConfigMapArgs{
			Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(ConfigName), Namespace: args.Namespace},
			Data:     pulumi.StringMap{AzureConfigFile: pulumi.String(cfg)},
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("config map config: %w", err)
		}
		deps = append(deps, cm)
	case ProviderAlibaba:
		region := args.Zones.Region
		file := pulumi.All(args.AccessKeyID, args.AccessKeySecret).ApplyT(func(v []any) string {
			return AlibabaConfig(region, v[0].(string), v[1].(string))
		}).(pulumi.StringOutput)
		sec, err := corev1.NewSecret(ctx, name+"-config", &corev1.SecretArgs{
			Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(ConfigName), Namespace: args.Namespace},
			Type:     pulumi.String("Opaque"),
			// ToSecret: the file holds the key whatever the inputs were marked.
			StringData: pulumi.StringMap{AlibabaConfigFile: pulumi.ToSecret(file).(pulumi.StringOutput)},
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("secret config: %w", err)
		}
		deps = append(deps, sec)
	}
	if _, err := helmrelease.New(ctx, name+"-release", &helmrelease.Args{
		Pin: helmrelease.ExternalDNS, Override: args.Chart, ReleaseName: ReleaseName, Namespace: args.Namespace,
		Values: helmrelease.Merge(sizing.Values(Containers, args.Production),
			Values(args.Zones, args.TXTOwnerID, args.Policy, args.Sources, podLabels, checksum)),
	}, parent, pulumi.DependsOn(deps)); err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	if args.Monitoring {
		if _, err := helmrelease.NewServiceMonitor(ctx, name+"-servicemonitor", helmrelease.ServiceMonitor{
			Name: ReleaseName, Namespace: args.Namespace, MonitoringReady: args.MonitoringReady, Port: MetricsPort,
			Selector: map[string]any{"app.kubernetes.io/name": ReleaseName, "app.kubernetes.io/instance": ReleaseName},
		}, parent); err != nil {
			return nil, fmt.Errorf("servicemonitor: %w", err)
		}
	}
	c.Provider = pulumi.String(args.Zones.Provider).ToStringOutput()
	c.TXTOwnerID = pulumi.String(args.TXTOwnerID).ToStringOutput()
	c.DomainFilters = pulumi.ToStringArray(args.Zones.DomainFilters).ToStringArrayOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"provider": c.Provider, "txtOwnerId": c.TXTOwnerID, "domainFilters": c.DomainFilters,
	}); err != nil {
		return nil, fmt.Errorf("registering outputs: %w", err)
	}
	return c, nil
}

// Values are the typed chart values, before the stack's raw values: the provider and
// its zone filters, the stack's domains, the TXT registry under this install's owner
// ID, our service account (it carries the cloud identity), and the provider file
// mounted where external-dns looks for it. configChecksum (of a plain file) restarts
// the pod when the file changes.
func Values(z Zones, owner, policy string, sources []string, podLabels map[string]string, configChecksum string) map[string]any {
	v := map[string]any{
		"provider":       map[string]any{"name": z.Provider},
		"sources":        toAny(sources),
		"policy":         policy,
		"registry":       "txt",
		"txtOwnerId":     owner,
		"domainFilters":  toAny(z.DomainFilters),
		"serviceAccount": map[string]any{"create": false, "name": ServiceAccount},
	}
	extra := map[string]any{}
	switch z.Provider {
	case ProviderAWS:
		extra["zone-id-filter"] = toAny(z.HostedZoneIDs)
		// A domain filter below a zone's apex (shop.example.com in example.com) keeps the zone.
		extra["aws-zone-match-parent"] = true
		v["env"] = []any{map[string]any{"name": "AWS_DEFAULT_REGION", "value": z.Region}}
	case ProviderAzure:
		names := make([]string, 0, len(z.AzureZones))
		for _, az := range z.AzureZones {
			names = append(names, az.Name)
		}
		extra["zone-name-filter"] = toAny(names)
	case ProviderAlibaba:
		extra["alibaba-cloud-zone-type"] = "public"
	}
	v["extraArgs"] = extra
	if z.Provider == ProviderAzure || z.Provider == ProviderAlibaba {
		source := map[string]any{"configMap": map[string]any{"name": ConfigName}}
		if z.Provider == ProviderAlibaba {
			source = map[string]any{"secret": map[string]any{"secretName": ConfigName}}
		}
		vol := map[string]any{"name": "provider-config"}
		for k, s := range source {
			vol[k] = s
		}
		v["extraVolumes"] = []any{vol}
		v["extraVolumeMounts"] = []any{map[string]any{"name": "provider-config", "mountPath": ConfigDir, "readOnly": true}}
	}
	if configChecksum != "" {
		v["podAnnotations"] = map[string]any{AnnotationConfigChecksum: configChecksum}
	}
	if labels := helmrelease.StringValues(podLabels); labels != nil {
		v["podLabels"] = labels
	}
	return v
}

func toAny(xs []string) []any {
	out := make([]any, 0, len(xs))
	for _, x := range xs {
		out = append(out, x)
	}
	return out
}

// Containers are external-dns's one container and its sizes (chart 1.21.1's
// values.yaml: resources empty, no limit advised); it holds the records of its
// zones in memory between syncs.
var Containers = []sizing.Container{
	{Name: "external-dns", Path: "resources", Other: sizing.Size{CPU: "10m", Memory: "64Mi"}, Prod: sizing.Size{CPU: "20m", Memory: "128Mi"}},
}
