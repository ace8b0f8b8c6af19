// Package render turns the Kubernetes part of an offline plan into plain YAML
// manifests, for GitOps users (Flux, Argo CD) and for the e2e tests that apply
// every object to a real kube-apiserver.
//
// The layout is one folder per cluster, then one per namespace, with
// cluster-scoped objects in a folder named ClusterScopedDir:
//
//	<out>/<cluster>/<namespace>/<kind>-<name>.yaml
//	<out>/<cluster>/_cluster/<kind>-<name>.yaml
//	<out>/NOTES.md
//
// A resource's cluster is the cluster its kubernetes provider belongs to: the
// provider's nearest ancestor that is a cluster of the stack.
//
// Rules that keep the output safe and honest, each recorded in NOTES.md:
//   - Secrets are never written. A Secret object, or any object with a "[secret]"
//     value, is left out. Secret Helm values move to a Flux valuesFrom Secret that
//     the user creates outside Git.
//   - Values the cloud assigns at deploy time ("[unknown]") are never guessed. An
//     unknown annotation is dropped; any other unknown field leaves the object out.
//     Unknown Helm values move to a Flux valuesFrom ConfigMap.
//   - Helm releases (kubernetes:helm.sh/v3:Release) become a Flux HelmRepository
//     and HelmRelease with the same chart, version, repository and values.
//   - Patch resources (*Patch types) are written as partial objects, to be applied
//     with server-side apply, in files named <kind>-<name>.patch.yaml.
//
// Output is deterministic: equal plans give byte-identical folders.
package render
