// Package labels holds the label keys and values every fleetform object shares,
// so the platform, the environments and the releases mark what they own alike.
package labels

const (
	// ManagedBy is the recommended Kubernetes label naming the tool that manages an object.
	ManagedBy = "app.kubernetes.io/managed-by"
	// ManagedByFleetform is ManagedBy's value on every object fleetform creates.
	ManagedByFleetform = "fleetform"
	// AnnotationSkipAwait on an Ingress tells the kubernetes provider not to wait for
	// its load-balancer address. That address is the edge controller's to publish: a
	// NodePort or internal edge (kind, minikube) never publishes one, and the provider's
	// Ingress await would hold `pulumi up` for ten minutes and then fail. The mock
	// monitor never waits; the engine suite showed it (a spoke's /federate Ingress).
	AnnotationSkipAwait = "pulumi.com/skipAwait"
	// AnnotationPatchForce tells the kubernetes provider to force its server-side
	// apply: fields another field manager holds are taken over instead of failing
	// the apply with a conflict.
	AnnotationPatchForce = "pulumi.com/patchForce"
)

// Managed returns the ManagedBy label as a plain map, to merge into an object's labels.
func Managed() map[string]string { return map[string]string{ManagedBy: ManagedByFleetform} }
