// Package clustertest runs a cluster component under Pulumi's mock monitor as an update
// (not a preview), so cloud outputs are known, and records every registration with its
// raw inputs, secrets included. The cluster components' tests share it to check what a
// plan cannot show: resolved IDs, and that a changed kubeconfig leaves the kubernetes
// provider's URN and every object deployed through it unchanged.
package clustertest
