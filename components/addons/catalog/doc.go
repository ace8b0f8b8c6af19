// Package catalog is the one registration of the platform's addons: for each, its
// name, namespaces and Pod Security level, its policy exemption, the charts it pins,
// the cloud identity and storage it asks its cluster for, whether Prometheus scrapes
// it, and its row in docs/platform.md. The platform labels namespaces from it, the
// policies derive their exempt namespaces from it, and tests hold the chart pins, the
// docs tables and the addon packages to it. It imports nothing of the project, so
// every layer (the policy pack included) may read it.
package catalog
