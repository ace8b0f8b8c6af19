package externalsecrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	apiextensions "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/sizing"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/helmrelease"
)

// Names other layers rely on.
const (
	// Namespace is where the operator runs; its cloud identity is bound to an account here.
	Namespace = "external-secrets"
	// ReleaseName is the Helm release name; the chart names the controller after it.
	ReleaseName = "external-secrets"
	// ServiceAccount is the controller's service account, which this package creates
	// (with the cloud identity's annotations) and the chart uses.
	ServiceAccount = "external-secrets"
	// WorkloadName keys the operator's cloud identity in cluster.Connection.Workloads.
	WorkloadName = "external-secrets"
	// StoreName is the ClusterSecretStore every release's ExternalSecret reads from.
	StoreName = "fleetform"
	// APIVersion is the External Secrets API (v1 since ESO 0.16; v1beta1 is unserved in 2.x).
	APIVersion = "external-secrets.io/v1"
	// StoreKind is the store kind releases reference.
	StoreKind = "ClusterSecretStore"
	// ExternalSecretKind is the kind a release creates for its external secret env.
	ExternalSecretKind = "ExternalSecret"
	// MetricsPortName is the controller metrics Service's port (the chart's).
	MetricsPortName = "metrics"
	// KeyVaultSecretsUserRole is Azure's built-in "Key Vault Secrets User": read secret
	// contents, nothing else.
	KeyVaultSecretsUserRole = "4633458b-17de-408a-b874-0445c86b69e6"
)

// Providers a cluster's store can use.
const (
	ProviderAWS   = "aws"
	ProviderAzure = "azure"
	ProviderVault = "vault"
)

// AWS configures AWS Secrets Manager stores (EKS clusters).
type AWS struct {
	// Prefix limits the operator's IAM role to secrets whose names start with it.
	Prefix string
}

// Azure configures Azure Key Vault stores (AKS clusters).
type Azure struct {
	// VaultID is the Key Vault's ARM resource ID; the operator's identity gets Key Vault
	// Secrets User on it.
	VaultID string
	// VaultURL is the vault's URI (https://<name>.vault.azure.net/).
	VaultURL string
}

// Vault configures a HashiCorp Vault store, through Vault's Kubernetes auth.
type Vault struct {
	// Server is Vault's address (https://vault.example.com:8200).
	Server string
	// Path is the KV mount (secret).
	Path string
	// Version is the KV engine version: v1 or v2.
	Version string
	// Namespace is the Vault Enterprise namespace; empty for none.
	Namespace string
	// AuthMountPath is the Kubernetes auth method's mount (kubernetes).
	AuthMountPath string
	// Role is the Vault role bound to the operator's service account.
	Role string
}

// Store is the one store of a cluster: exactly one of AWS, Azure or Vault.
type Store struct {
	// Provider is ProviderAWS, ProviderAzure or ProviderVault.
	Provider string
	// Region is the cluster's region (AWS Secrets Manager is regional).
	Region string
	AWS    AWS
	Azure  Azure
	Vault  Vault
}

// ErrNoStore means the cluster has no store to read from.
var ErrNoStore = errors.New("no secret store for this cluster")

// Workload is the cloud identity the operator needs for store, for the cluster
// component to create (nil for Vault, which authenticates with the service account's
// own token).
func Workload(store Store) *cluster.Workload {
	w := &cluster.Workload{Name: WorkloadName, Namespace: Namespace, ServiceAccount: ServiceAccount}
	switch store.Provider {
	case ProviderAWS:
		w.AWSPolicy = AWSPolicy(store.Region, store.AWS.Prefix)
	case ProviderAzure:
		w.AzureRoles = []cluster.AzureRoleAssignment{{RoleDefinitionID: KeyVaultSecretsUserRole, Scope: store.Azure.VaultID}}
	default:
		return nil
	}
	return w
}

// AWSPolicy lets the operator read (never write or list) the secrets under prefix in
// region, and decrypt them through Secrets Manager with a customer-managed key.
func AWSPolicy(region, prefix string) string {
	partition := cluster.AWSPartition(region)
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{
			{
				"Sid":      "ReadSecrets",
				"Effect":   "Allow",
				"Action":   []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds"},
				"Resource": fmt.Sprintf("arn:%s:secretsmanager:%s:*:secret:%s*", partition, region, prefix),
			},
			{
				"Sid":       "DecryptThroughSecretsManager",
				"Effect":    "Allow",
				"Action":    "kms:Decrypt",
				"Resource":  "*",
				"Condition": map[string]any{"StringEquals": map[string]any{"kms:ViaService": "secretsmanager." + region + ".amazonaws.com"}},
			},
		},
	}
	out, _ := json.Marshal(doc) // plain maps and strings always marshal
	return string(out)
}

// VaultURLFromID is the public-cloud URI of the Key Vault an ARM ID names
// (…/providers/Microsoft.KeyVault/vaults/<name>), or "" when the ID names no vault.
func VaultURLFromID(id string) string {
	parts := strings.Split(strings.Trim(id, "/"), "/")
	for i := 0; i+2 < len(parts); i++ {
		if strings.EqualFold(parts[i], "Microsoft.KeyVault") && strings.EqualFold(parts[i+1], "vaults") && parts[i+2] != "" {
			return "https://" + strings.ToLower(parts[i+2]) + ".vault.azure.net/"
		}
	}
	return ""
}

// Args configure the operator on one cluster.
type Args struct {
	// Namespace is the namespace to install into (named Namespace; pass the object's
	// name so the release waits for it).
	Namespace pulumi.StringInput
	// Store is the cluster's store.
	Store Store
	// Identity is what the cluster component made for Workload(Store); required for
	// AWS and Azure stores.
	Identity *cluster.WorkloadIdentity
	// Monitoring has Prometheus scrape the controller (kube-prometheus-stack is on).
	Monitoring bool
	// MonitoringReady is the monitoring release the ServiceMonitor CRD comes from; only
	// the ServiceMonitor waits for it.
	MonitoringReady pulumi.Resource
	// Production sizes the pods for a production cluster and runs two webhook pods
	// with a PodDisruptionBudget (Sizing).
	Production bool
	// Chart is the stack's chart override.
	Chart helmrelease.Override
}

// ExternalSecrets is the operator and its ClusterSecretStore.
type ExternalSecrets struct {
	pulumi.ResourceState

	// Ready is the store: a release's ExternalSecret waits for it (and so for the CRDs).
	Ready pulumi.Resource
	// StoreName is the ClusterSecretStore's name.
	StoreName pulumi.StringOutput `pulumi:"storeName"`
	// Provider is the store's provider.
	Provider pulumi.StringOutput `pulumi:"provider"`
}

// New installs the operator and its store.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*ExternalSecrets, error) {
	if args == nil || args.Namespace == nil {
		return nil, fmt.Errorf("external secrets %q: a namespace is required", name)
	}
	provider, err := StoreProvider(args.Store)
	if err != nil {
		return nil, fmt.Errorf("external secrets %q: %w", name, err)
	}
	if args.Store.Provider != ProviderVault && args.Identity == nil {
		return nil, fmt.Errorf("external secrets %q: the %s store needs the cluster's workload identity %q", name, args.Store.Provider, WorkloadName)
	}
	c := &ExternalSecrets{}
	if err := ctx.RegisterComponentResource("platform:addons:ExternalSecrets", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering component: %w", err)
	}
	sa, podLabels, err := cluster.NewServiceAccount(ctx, name+"-sa", ServiceAccount, args.Namespace, args.Identity, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("service account: %w", err)
	}
	rel, err := helmrelease.New(ctx, name+"-release", &helmrelease.Args{
		Pin: helmrelease.ExternalSecrets, Override: args.Chart, ReleaseName: ReleaseName,
		Namespace: args.Namespace, Values: helmrelease.Merge(Sizing(args.Production), Values(podLabels, args.Monitoring)),
	}, pulumi.Parent(c), pulumi.DependsOn([]pulumi.Resource{sa}))
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	if args.Monitoring {
		// Beside the chart rather than the chart's own, so the install waits for no CRD
		// of kube-prometheus-stack's (helmrelease.ServiceMonitor).
		if _, err := helmrelease.NewServiceMonitor(ctx, name+"-servicemonitor", helmrelease.ServiceMonitor{
			Name: ReleaseName, Namespace: args.Namespace, MonitoringReady: args.MonitoringReady, Port: MetricsPortName,
			Selector: map[string]any{"app.kubernetes.io/name": ReleaseName, "app.kubernetes.io/instance": ReleaseName},
		}, pulumi.Parent(c)); err != nil {
			return nil, fmt.Errorf("servicemonitor: %w", err)
		}
	}
	store, err := apiextensions.NewCustomResource(ctx, name+"-store", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(APIVersion),
		Kind:       pulumi.String(StoreKind),
		Metadata:   metav1.ObjectMetaArgs{Name: pulumi.String(StoreName)},
		OtherFields: map[string]any{
			"spec": map[string]any{"provider": provider},
		},
	}, pulumi.Parent(c), pulumi.DependsOn([]pulumi.Resource{rel}))
	if err != nil {
		return nil, fmt.Errorf("custom resource store: %w", err)
	}
	c.Ready = store
	c.StoreName = pulumi.String(StoreName).ToStringOutput()
	c.Provider = pulumi.String(args.Store.Provider).ToStringOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"storeName": c.StoreName, "provider": c.Provider}); err != nil {
		return nil, fmt.Errorf("registering outputs: %w", err)
	}
	return c, nil
}

// KeepCRDs is the annotation the chart's CRDs carry (crds.annotations, which
// hack/helm.generate.sh writes into every generated CRD template at chart 2.9.0) so that
// uninstalling or renaming the release leaves them: deleting a CRD deletes every
// ExternalSecret and, through their owner references, the Secrets they made.
var KeepCRDs = map[string]any{"helm.sh/resource-policy": "keep"}

// Values are the typed chart values, before the stack's raw values: the service account
// is ours (it carries the cloud identity), the CRDs come with the chart and stay when it goes.
func Values(podLabels map[string]string, monitoring bool) map[string]any {
	v := map[string]any{
		"installCRDs":    true,
		"crds":           map[string]any{"annotations": KeepCRDs},
		"serviceAccount": map[string]any{"create": false, "name": ServiceAccount},
		"serviceMonitor": map[string]any{"enabled": false},
		// The controller's metrics Service, which NewServiceMonitor's object scrapes.
		"metrics": map[string]any{"service": map[string]any{"enabled": monitoring}},
	}
	if labels := helmrelease.StringValues(podLabels); labels != nil {
		v["podLabels"] = labels
	}
	return v
}

// Containers are the operator's containers and their sizes (external-secrets chart
// 2.9.0's values.yaml: resources empty for the controller, webhook and cert
// controller, none of them with a limit advised). The controller caches the Secrets
// it owns, so it is the one that grows with the cluster.
var Containers = []sizing.Container{
	{Name: "controller", Path: "resources", Other: sizing.Size{CPU: "10m", Memory: "64Mi"}, Prod: sizing.Size{CPU: "50m", Memory: "256Mi"}},
	{Name: "webhook", Path: "webhook.resources", Other: sizing.Size{CPU: "10m", Memory: "32Mi"}, Prod: sizing.Size{CPU: "20m", Memory: "64Mi"}},
	{Name: "cert-controller", Path: "certController.resources", Other: sizing.Size{CPU: "10m", Memory: "32Mi"}, Prod: sizing.Size{CPU: "10m", Memory: "64Mi"}},
}

// Sizing are the values that size the pods for the cluster's environment and, on a
// production cluster, run the webhook (failurePolicy Fail: while no webhook pod
// answers, no ExternalSecret or store can be written) as two pods with the chart's
// webhook.podDisruptionBudget keeping one through a node's drain.
func Sizing(prod bool) map[string]any {
	v := sizing.Values(Containers, prod)
	sizing.Set(v, "webhook.replicaCount", sizing.Replicas(prod))
	sizing.Set(v, "webhook.podDisruptionBudget", sizing.PodDisruptionBudget(prod))
	return v
}

// StoreProvider is the ClusterSecretStore's spec.provider for store. The AWS and Azure
// stores name no credentials: the operator's own identity (IRSA, the mounted workload
// identity token) reaches them.
func StoreProvider(store Store) (map[string]any, error) {
	switch store.Provider {
	case ProviderAWS:
		if store.Region == "" {
			return nil, fmt.Errorf("the aws store needs the cluster's region")
		}
		return map[string]any{"aws": map[string]any{"service": "SecretsManager", "region": store.Region}}, nil
	case ProviderAzure:
		if store.Azure.VaultURL == "" {
			return nil, fmt.Errorf("the azure store needs a vault URL")
		}
		return map[string]any{"azurekv": map[string]any{"authType": "WorkloadIdentity", "vaultUrl": store.Azure.VaultURL}}, nil
	case ProviderVault:
		v := store.Vault
		if v.Server == "" || v.Role == "" {
			return nil, fmt.Errorf("the vault store needs a server and a role")
		}
		out := map[string]any{
			"server":  v.Server,
			"path":    v.Path,
			"version": v.Version,
			"auth": map[string]any{"kubernetes": map[string]any{
				"mountPath": v.AuthMountPath,
				"role":      v.Role,
				// A ClusterSecretStore names the account's namespace; the operator's own
				// account is the one Vault's role binds.
				"serviceAccountRef": map[string]any{"name": ServiceAccount, "namespace": Namespace},
			}},
		}
		if v.Namespace != "" {
			out["namespace"] = v.Namespace
		}
		return map[string]any{"vault": out}, nil
	}
	return nil, fmt.Errorf("%w (provider %q)", ErrNoStore, store.Provider)
}
