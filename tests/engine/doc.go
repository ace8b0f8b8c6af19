// Package engine holds the tests that run the program on the real Pulumi engine
// (the pulumi CLI and the kubernetes provider, built from the Go module proxy)
// through the Automation API, against a real control plane with fake nodes and
// the real Argo Rollouts controller. They are behind the `engine` build tag:
// run them with scripts/engine.sh (`make engine`).
package engine
