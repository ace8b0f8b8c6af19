package platform

import (
	"fmt"

	"regexp"
	"slices"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/catalog"
	"github.com/fleetform/fleetform/components/addons/externalsecrets"
	"github.com/fleetform/fleetform/components/cluster"
)

// AddonExternalSecrets is External Secrets Operator's LabelAddon value.
const AddonExternalSecrets = catalog.ExternalSecrets

// Defaults of ExternalSecretsSpec.
const (
	// DefaultExternalSecretsRefresh is how often an ExternalSecret re-reads its store.
	DefaultExternalSecretsRefresh = "1h"
	// DefaultVaultPath, DefaultVaultVersion and DefaultVaultAuthMount are Vault's own defaults.
	DefaultVaultPath      = "secret"
	DefaultVaultVersion   = "v2"
	DefaultVaultAuthMount = "kubernetes"
)

// VaultVersions are the KV engine versions a Vault store reads.
var VaultVersions = []string{"v1", "v2"}

// ExternalSecretsSpec configures External Secrets Operator. Each cluster gets one
// ClusterSecretStore: its cloud's secret manager (AWS Secrets Manager on aws, Azure Key
// Vault on azure when azure.vaultId is set) or else Vault when vault.server is set. A
// cluster with neither (alicloud without Vault: ESO 2.x has no Alibaba Cloud provider;
// existing clusters without Vault) runs no operator, and a release deployed there may
// not name external secrets.
type ExternalSecretsSpec struct {
	// Enabled installs the operator where a store is available. Defaults to true.
	Enabled *bool `yaml:"enabled"`
	// RefreshInterval is how often each ExternalSecret re-reads its store (ESO's
	// duration: 30m, 1h, 24h). Defaults to DefaultExternalSecretsRefresh.
	RefreshInterval string `yaml:"refreshInterval"`
	// AWS configures the Secrets Manager store of EKS clusters.
	AWS ExternalSecretsAWS `yaml:"aws"`
	// Azure configures the Key Vault store of AKS clusters.
	Azure ExternalSecretsAzure `yaml:"azure"`
	// Vault configures a HashiCorp Vault store for the clusters without one of their cloud.
	Vault ExternalSecretsVault `yaml:"vault"`
	// Chart overrides the chart source.
	Chart Chart `yaml:"chart"`
}

// ExternalSecretsAWS configures AWS Secrets Manager, in each EKS cluster's own region.
type ExternalSecretsAWS struct {
	// Prefix limits what the operator's IAM role may read to secrets named with it
	// (shop/ for shop/storefront/db). Defaults to "<stack>/", so one stack cannot
	// read another's secrets.
	Prefix string `yaml:"prefix"`
}

// ExternalSecretsAzure configures Azure Key Vault.
type ExternalSecretsAzure struct {
	// VaultID is the Key Vault's ARM resource ID; the operator's workload identity gets
	// Key Vault Secrets User on it. Required for AKS clusters to get a store.
	VaultID string `yaml:"vaultId"`
	// VaultURL is the vault's URI. Defaults to https://<name>.vault.azure.net/ from the
	// ID; set it for sovereign clouds (vault.azure.cn).
	VaultURL string `yaml:"vaultUrl"`
}

// ExternalSecretsVault configures HashiCorp Vault with its Kubernetes auth method.
type ExternalSecretsVault struct {
	// Server is Vault's https:// address; setting it gives every cluster without a
	// cloud store (alicloud, existing) a Vault store.
	Server string `yaml:"server"`
	// Path is the KV mount. Defaults to DefaultVaultPath.
	Path string `yaml:"path"`
	// Version is the KV engine version, v1 or v2. Defaults to DefaultVaultVersion.
	Version string `yaml:"version"`
	// Namespace is the Vault Enterprise namespace; empty for none.
	Namespace string `yaml:"namespace"`
	// AuthMountPath is the Kubernetes auth method's mount. Defaults to DefaultVaultAuthMount.
	AuthMountPath string `yaml:"authMountPath"`
	// Role is the Vault role bound to the operator's service account
	// (external-secrets/external-secrets). Required with server.
	Role string `yaml:"role"`
}

// Messages of the External Secrets checks.
const (
	MsgRefreshInterval = "must be a duration such as 30m, 1h or 24h"
	MsgVaultID         = "must be a Key Vault resource ID: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>"
	MsgVaultRole       = "is required with vault.server"
	MsgAWSPrefix       = "may hold only the characters Secrets Manager allows in names (letters, digits and /_+=.@-)"
)

var (
	awsSecretNameRE = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]*$`)
	vaultIDRE       = regexp.MustCompile(`(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.KeyVault/vaults/[A-Za-z0-9-]{3,24}$`)
)

// ApplyStackDefaults fills the defaults that depend on the stack's name: the Secrets
// Manager prefix, so one stack's operator cannot read another stack's secrets.
func (s *Spec) ApplyStackDefaults(stack string) {
	if e := &s.ExternalSecrets; e.AWS.Prefix == "" && stack != "" {
		e.AWS.Prefix = stack + "/"
	}
}

func (s *ExternalSecretsSpec) applyDefaults() {
	if s.Enabled == nil {
		on := true
		s.Enabled = &on
	}
	if s.RefreshInterval == "" {
		s.RefreshInterval = DefaultExternalSecretsRefresh
	}
	if s.Azure.VaultURL == "" {
		s.Azure.VaultURL = externalsecrets.VaultURLFromID(s.Azure.VaultID)
	}
	v := &s.Vault
	if v.Path == "" {
		v.Path = DefaultVaultPath
	}
	if v.Version == "" {
		v.Version = DefaultVaultVersion
	}
	if v.AuthMountPath == "" {
		v.AuthMountPath = DefaultVaultAuthMount
	}
}

func (s *ExternalSecretsSpec) validate(p *field.Path) field.ErrorList {
	errs := validateChart(p.Child("chart"), s.Chart)
	if d, err := time.ParseDuration(s.RefreshInterval); err != nil || d <= 0 {
		errs = append(errs, field.Invalid(p.Child("refreshInterval"), s.RefreshInterval, MsgRefreshInterval))
	}
	if !awsSecretNameRE.MatchString(s.AWS.Prefix) {
		errs = append(errs, field.Invalid(p.Child("aws", "prefix"), s.AWS.Prefix, MsgAWSPrefix))
	}
	if s.Azure.VaultID != "" && !vaultIDRE.MatchString(s.Azure.VaultID) {
		errs = append(errs, field.Invalid(p.Child("azure", "vaultId"), s.Azure.VaultID, MsgVaultID))
	}
	if u := s.Azure.VaultURL; u != "" {
		errs = append(errs, validateHTTPS(p.Child("azure", "vaultUrl"), u)...)
	}
	v, vp := s.Vault, p.Child("vault")
	if v.Server != "" {
		errs = append(errs, validateHTTPS(vp.Child("server"), v.Server)...)
		if v.Role == "" {
			errs = append(errs, field.Required(vp.Child("role"), MsgVaultRole))
		}
	}
	if !slices.Contains(VaultVersions, v.Version) {
		errs = append(errs, field.NotSupported(vp.Child("version"), v.Version, VaultVersions))
	}
	return errs
}

// SecretStore is the store a cluster of the stack reads external secrets from, and
// false when it has none (or the operator is off).
func (s *Spec) SecretStore(c cluster.Spec) (externalsecrets.Store, bool) {
	e := s.ExternalSecrets
	if !OnByDefault(e.Enabled) {
		return externalsecrets.Store{}, false
	}
	store := externalsecrets.Store{Region: c.Region,
		AWS:   externalsecrets.AWS{Prefix: e.AWS.Prefix},
		Azure: externalsecrets.Azure{VaultID: e.Azure.VaultID, VaultURL: e.Azure.VaultURL},
		Vault: externalsecrets.Vault{Server: e.Vault.Server, Path: e.Vault.Path, Version: e.Vault.Version,
			Namespace: e.Vault.Namespace, AuthMountPath: e.Vault.AuthMountPath, Role: e.Vault.Role},
	}
	switch {
	case c.Cloud == cluster.AWS:
		store.Provider = externalsecrets.ProviderAWS
	case c.Cloud == cluster.Azure && e.Azure.VaultID != "":
		store.Provider = externalsecrets.ProviderAzure
	case e.Vault.Server != "":
		store.Provider = externalsecrets.ProviderVault
	default:
		return externalsecrets.Store{}, false
	}
	return store, true
}

// Workloads are the cloud identities the platform's addons need on a cluster, for its
// cluster component to create before the platform deploys.
func (s *Spec) Workloads(c cluster.Spec) []cluster.Workload {
	var out []cluster.Workload
	if store, ok := s.SecretStore(c); ok {
		if w := externalsecrets.Workload(store); w != nil {
			out = append(out, *w)
		}
	}
	return append(out, s.dnsWorkloads(c)...)
}

// externalSecrets installs the operator and the cluster's store.
func (b *builder) externalSecrets() error {
	a := b.args
	store, ok := b.spec.SecretStore(cluster.Spec{Cloud: a.Cloud, Region: a.Region})
	if !ok {
		return nil
	}
	ns, err := b.namespace(AddonExternalSecrets)
	if err != nil {
		return fmt.Errorf("namespace: %w", err)
	}
	var id *cluster.WorkloadIdentity
	if w, found := a.Workloads[externalsecrets.WorkloadName]; found {
		id = &w
	}
	ready, err := b.monitoringReady()
	if err != nil {
		return fmt.Errorf("monitors: %w", err)
	}
	es, err := externalsecrets.New(b.ctx, b.name+"-external-secrets", &externalsecrets.Args{
		Namespace: ns, Store: store, Identity: id,
		Monitoring: ready != nil, MonitoringReady: ready,
		Chart: b.spec.ExternalSecrets.Chart.Override(), Production: b.args.Production,
	}, pulumi.Parent(b.c))
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	b.c.Outputs.SecretStoreReady = es.Ready
	b.c.Outputs.SecretStore = externalsecrets.StoreName
	b.c.Outputs.SecretRefresh = b.spec.ExternalSecrets.RefreshInterval
	return nil
}
