package sizing

import "strings"

// Size is one container's requests and optional memory limit.
type Size struct {
	// CPU and Memory are the requests (Kubernetes quantities).
	CPU, Memory string
	// MemoryLimit is the memory limit; empty sets none (the container may use what the
	// node has spare), as for every container whose chart advises no limit.
	MemoryLimit string
}

// Resources are s as a container's resources value.
func (s Size) Resources() map[string]any {
	r := map[string]any{"requests": map[string]any{"cpu": s.CPU, "memory": s.Memory}}
	if s.MemoryLimit != "" {
		r["limits"] = map[string]any{"memory": s.MemoryLimit}
	}
	return r
}

// Container is one container of a chart and its sizes.
type Container struct {
	// Name names the container for the docs (e.g. "webhook").
	Name string
	// Path is the dotted chart value path of its resources (e.g. webhook.resources).
	Path string
	// Other is its size on every cluster that does not serve production.
	Other Size
	// Prod is its size on a production cluster.
	Prod Size
}

// For is the container's size on a cluster, production or not.
func (c Container) For(prod bool) Size {
	if prod {
		return c.Prod
	}
	return c.Other
}

// Values are the chart values that size every container of cs: each one's
// resources at its Path.
func Values(cs []Container, prod bool) map[string]any {
	out := map[string]any{}
	for _, c := range cs {
		Set(out, c.Path, c.For(prod).Resources())
	}
	return out
}

// Set puts v at the dotted path in m, making the maps on the way.
func Set(m map[string]any, path string, v any) {
	keys := strings.Split(path, ".")
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[keys[len(keys)-1]] = v
}

// Get is the value at the dotted path in m, or nil.
func Get(m map[string]any, path string) any {
	var v any = m
	for _, k := range strings.Split(path, ".") {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

// HighAvailability is the replica count of a controller or webhook that must survive a
// node's drain on a production cluster: two, with a PodDisruptionBudget keeping one.
const HighAvailability = 2

// PodDisruptionBudget is a chart's budget value (enabled, minAvailable): on a
// production cluster one pod stays through a node's drain, elsewhere none is made.
func PodDisruptionBudget(prod bool) map[string]any {
	if !prod {
		return map[string]any{"enabled": false}
	}
	return map[string]any{"enabled": true, "minAvailable": 1}
}

// Replicas is HighAvailability on a production cluster and 1 elsewhere.
func Replicas(prod bool) int {
	if prod {
		return HighAvailability
	}
	return 1
}
