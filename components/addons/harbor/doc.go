// Package harbor installs the Harbor registry from its upstream chart: persistence
// on the cluster's default StorageClass, exposed through ingress-nginx with TLS, the
// admin password from a Kubernetes Secret. It hands the registry host and a pull
// credential (a robot account, a secret) to the environments layer.
package harbor
