// Package labels holds the label keys and values every fleetform object shares,
// so the platform, the environments and the releases mark what they own alike.
package labels

const (
	// ManagedBy is the recommended Kubernetes label naming the tool that manages an object.
	ManagedBy = "app.kubernetes.io/managed-by"
	// ManagedByFleetform is ManagedBy's value on every object fleetform creates.
	ManagedByFleetform = "fleetform"
)

// Managed returns the ManagedBy label as a plain map, to merge into an object's labels.
func Managed() map[string]string { return map[string]string{ManagedBy: ManagedByFleetform} }
