// Package e2e proves rendered manifests against a real kube-apiserver. Its tests
// carry the build tag e2e and run through scripts/e2e.sh (`make e2e`): TestMain
// builds (once, cached) kube-apiserver v1.35.4, starts etcd and kube-apiserver on
// loopback with random ports, renders the dev and prod stacks with the fleetplan
// binary, and stops both servers when the tests end, also when they fail.
package e2e
