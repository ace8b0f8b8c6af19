package rules

// Rule IDs of the namespace environment rules.
const (
	IDNamespaceQuota       = "ENV001"
	IDNamespaceLimitRange  = "ENV002"
	IDNamespaceDefaultDeny = "ENV003"
)

func init() {
	register(
		&Rule{
			ID:          IDNamespaceQuota,
			Description: "Every environment namespace has a ResourceQuota.",
			Level:       Mandatory,
			Remediation: "Create the namespace through an environment (fleetform:environments), which adds a ResourceQuota, or add one next to it.",
			Stack:       namespaceHas(TypeResourceQuota, "ResourceQuota"),
		},
		&Rule{
			ID:          IDNamespaceLimitRange,
			Description: "Every environment namespace has a LimitRange.",
			Level:       Mandatory,
			Remediation: "Create the namespace through an environment, which adds a LimitRange with default requests and limits, or add one next to it.",
			Stack:       namespaceHas(TypeLimitRange, "LimitRange"),
		},
		&Rule{
			ID:          IDNamespaceDefaultDeny,
			Description: "Every environment namespace has a default-deny NetworkPolicy for ingress and egress.",
			Level:       Mandatory,
			Remediation: "Add a NetworkPolicy with an empty podSelector, policyTypes [Ingress, Egress] and no rules; open what is needed with further policies.",
			Stack:       checkDefaultDeny,
		},
	)
}

// environmentNamespaces returns the Namespace resources the namespace rules cover:
// all with a known name that is not exempt.
func environmentNamespaces(env *Env, rs []Resource) []Resource {
	var out []Resource
	for _, r := range rs {
		if r.Type != TypeNamespace {
			continue
		}
		name := getString(r.Inputs, "metadata", "name")
		if name == "" || hidden(name) || hasString(env.Settings.ExemptNamespaces, name) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// objectsByNamespace indexes the resources of a type by cluster and namespace. An
// object whose namespace is not known yet (a preview of a new namespace) counts for
// every namespace of its cluster, so it causes no false alarm.
type nsObjects struct {
	byNS      map[nsKey][]Resource
	anyInProv map[string][]Resource
}

func indexObjects(rs []Resource, typ string) nsObjects {
	idx := nsObjects{byNS: map[nsKey][]Resource{}, anyInProv: map[string][]Resource{}}
	for _, r := range rs {
		if r.Type != typ {
			continue
		}
		if hidden(get(r.Inputs, "metadata", "namespace")) {
			idx.anyInProv[r.Provider] = append(idx.anyInProv[r.Provider], r)
			continue
		}
		k := nsKey{r.Provider, namespaceOf(r)}
		idx.byNS[k] = append(idx.byNS[k], r)
	}
	return idx
}

func (idx nsObjects) in(provider, ns string) []Resource {
	return append(append([]Resource(nil), idx.byNS[nsKey{provider, ns}]...), idx.anyInProv[provider]...)
}

// namespaceHas returns a stack rule that wants at least one object of typ in every
// environment namespace.
func namespaceHas(typ, kind string) func(*Env, []Resource) []Violation {
	return func(env *Env, rs []Resource) []Violation {
		idx := indexObjects(rs, typ)
		var out []Violation
		for _, ns := range environmentNamespaces(env, rs) {
			name := getString(ns.Inputs, "metadata", "name")
			if len(idx.in(ns.Provider, name)) == 0 {
				out = append(out, violation(ns, "", "namespace %q has no %s", name, kind))
			}
		}
		return out
	}
}

// emptySelector reports whether a pod selector selects every pod.
func emptySelector(v any) bool {
	if v == nil {
		return true
	}
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	return len(getMap(m, "matchLabels")) == 0 && len(getList(m, "matchExpressions")) == 0
}

// denies reports which directions a NetworkPolicy denies for all pods of its
// namespace: an empty podSelector, the direction in policyTypes and no rules for it.
func denies(np Resource) (ingress, egress bool) {
	spec := getMap(np.Inputs, "spec")
	if spec == nil || !emptySelector(spec["podSelector"]) {
		return false, false
	}
	types := stringList(spec["policyTypes"])
	if len(types) == 0 {
		// Kubernetes defaults policyTypes to Ingress, plus Egress when egress rules exist.
		types = []string{"Ingress"}
		if len(getList(spec, "egress")) > 0 {
			types = append(types, "Egress")
		}
	}
	ingress = hasString(types, "Ingress") && len(getList(spec, "ingress")) == 0
	egress = hasString(types, "Egress") && len(getList(spec, "egress")) == 0
	return ingress, egress
}

func checkDefaultDeny(env *Env, rs []Resource) []Violation {
	idx := indexObjects(rs, TypeNetworkPolicy)
	var out []Violation
	for _, ns := range environmentNamespaces(env, rs) {
		name := getString(ns.Inputs, "metadata", "name")
		var in, eg bool
		for _, np := range idx.in(ns.Provider, name) {
			i, e := denies(np)
			in, eg = in || i, eg || e
		}
		switch {
		case !in && !eg:
			out = append(out, violation(ns, "", "namespace %q has no default-deny NetworkPolicy", name))
		case !in:
			out = append(out, violation(ns, "", "namespace %q denies egress by default but not ingress", name))
		case !eg:
			out = append(out, violation(ns, "", "namespace %q denies ingress by default but not egress", name))
		}
	}
	return out
}
