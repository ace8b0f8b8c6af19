// Package existing reaches a Kubernetes cluster that is not created here (kind,
// minikube, or any bring-your-own cluster) through a kubeconfig path and/or context
// from the stack file. It creates no cloud resources: only a kubernetes Provider that
// the layers above deploy through, and the same outputs every cluster component has.
// It imports no cloud SDK, so its tests link in seconds.
package existing
