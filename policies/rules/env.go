package rules

// Env is what rules know about the stack under check besides its resources.
//
// Whether a resource is prod is decided, in order, by:
//  1. its own environment tag (Settings.EnvironmentTagKeys, e.g. fleetform:environment,
//     which every cloud resource of a cluster carries) or tier label (Settings.TierLabelKeys);
//  2. for a namespaced Kubernetes object, the tier label of its Namespace in the same
//     stack and cluster (stack-level rules only: a resource-level rule sees one resource);
//  3. the stack's environment (StackPolicy.Environment, else the stack name).
//
// The value is prod when it is in Settings.ProdEnvironments.
type Env struct {
	// Stack is the stack name.
	Stack string
	// Environment is the stack's environment: the fallback for resources that carry none.
	Environment string
	// Settings are the stack's effective settings.
	Settings Settings
	levels   map[string]Level
}

// LevelOf returns the rule's effective level in this stack.
func (e *Env) LevelOf(r *Rule) Level {
	if l, ok := e.levels[r.ID]; ok {
		return l
	}
	return r.Level
}

// IsProd reports whether an environment or tier name counts as prod.
func (e *Env) IsProd(environment string) bool {
	return hasString(e.Settings.ProdEnvironments, environment)
}

// ownEnvironment returns the environment a resource declares itself, from its cloud
// tags or its Kubernetes labels, or "".
func (e *Env) ownEnvironment(r Resource) string {
	tags := stringMap(r.Inputs["tags"])
	for _, k := range e.Settings.EnvironmentTagKeys {
		if v := tags[k]; v != "" && !hidden(v) {
			return v
		}
	}
	labels := stringMap(get(r.Inputs, "metadata", "labels"))
	for _, k := range append(append([]string(nil), e.Settings.TierLabelKeys...), e.Settings.EnvironmentTagKeys...) {
		if v := labels[k]; v != "" && !hidden(v) {
			return v
		}
	}
	return ""
}

// environmentOf is a resource's environment as far as one resource shows it.
func (e *Env) environmentOf(r Resource) string {
	if v := e.ownEnvironment(r); v != "" {
		return v
	}
	return e.Environment
}

// isProdResource reports whether a resource is prod, from its own tags or labels,
// else the stack's environment.
func (e *Env) isProdResource(r Resource) bool { return e.IsProd(e.environmentOf(r)) }

// nsKey names a namespace in one cluster: Kubernetes objects of different clusters
// in one stack differ by provider.
type nsKey struct{ provider, name string }

// namespaceOf returns a namespaced object's namespace ("default" when unset).
func namespaceOf(r Resource) string {
	if ns := getString(r.Inputs, "metadata", "namespace"); ns != "" {
		return ns
	}
	return "default"
}

// tierIndex maps each Namespace in the stack to its tier label.
type tierIndex map[nsKey]string

// namespaceTiers indexes the tier labels of every Namespace resource.
func (e *Env) namespaceTiers(rs []Resource) tierIndex {
	idx := tierIndex{}
	for _, r := range rs {
		if r.Type != TypeNamespace {
			continue
		}
		name := getString(r.Inputs, "metadata", "name")
		if name == "" || hidden(name) {
			continue
		}
		labels := stringMap(get(r.Inputs, "metadata", "labels"))
		for _, k := range e.Settings.TierLabelKeys {
			if v := labels[k]; v != "" && !hidden(v) {
				idx[nsKey{r.Provider, name}] = v
				break
			}
		}
	}
	return idx
}

// environmentIn is a namespaced object's environment: its own label, else its
// namespace's tier, else the stack's environment.
func (e *Env) environmentIn(idx tierIndex, r Resource) string {
	if v := e.ownEnvironment(r); v != "" {
		return v
	}
	if v, ok := idx[nsKey{r.Provider, namespaceOf(r)}]; ok {
		return v
	}
	return e.Environment
}
