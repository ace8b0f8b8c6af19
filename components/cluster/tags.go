package cluster

// Tag keys put on every cloud resource of a cluster, from one place.
const (
	TagStack       = "fleetform:stack"
	TagCluster     = "fleetform:cluster"
	TagEnvironment = "fleetform:environment"
	TagManagedBy   = "managed-by"
	// ManagedByValue is the value of TagManagedBy.
	ManagedByValue = "fleetform"
)

// ResourceTags returns the tags for every cloud resource of the cluster: the spec's own tags,
// then stack, cluster and environment, which cannot be overridden.
func (s *Spec) ResourceTags(stack string) map[string]string {
	out := make(map[string]string, len(s.Tags)+4)
	for k, v := range s.Tags {
		out[k] = v
	}
	out[TagStack] = stack
	out[TagCluster] = s.Name
	out[TagEnvironment] = s.Environment
	out[TagManagedBy] = ManagedByValue
	return out
}
