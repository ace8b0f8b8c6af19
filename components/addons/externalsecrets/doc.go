// Package externalsecrets installs External Secrets Operator with one ClusterSecretStore
// per cluster, backed by the cloud's secret manager (AWS Secrets Manager, Azure Key
// Vault) or HashiCorp Vault, so a release's secret env can come straight from the store
// without its value ever passing through the stack, its state or its plans.
//
// The operator reaches the store as itself: an IRSA role on EKS, an Entra workload
// identity on AKS (both made by the cluster component from Workload), or Vault's
// Kubernetes auth. No cloud key is stored anywhere.
package externalsecrets
