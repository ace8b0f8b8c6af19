package render

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/fleetform/fleetform/internal/jsonvalue"
	"github.com/fleetform/fleetform/internal/plan"
)

// Layout names.
const (
	// ClusterScopedDir holds a cluster's cluster-scoped objects; the underscore
	// keeps it apart from namespaces, which are DNS labels.
	ClusterScopedDir = "_cluster"
	// NotesFile lists everything left out or changed, and why.
	NotesFile = "NOTES.md"
	// DefaultProviderCluster is the folder of objects deployed through the default
	// kubernetes provider (the ambient kubeconfig), which belongs to no cluster.
	DefaultProviderCluster = "_default-provider"
	// DefaultNamespace is where the provider puts namespaced objects that name none.
	DefaultNamespace = "default"
)

// Type tokens the renderer treats specially.
const (
	// TypeHelmRelease is the Helm v3 release resource of pulumi-kubernetes.
	TypeHelmRelease = "kubernetes:helm.sh/v3:Release"
	// TypeKubernetesProvider is the kubernetes provider resource.
	TypeKubernetesProvider = "pulumi:providers:kubernetes"
	// kubernetesPrefix starts every pulumi-kubernetes type token.
	kubernetesPrefix = "kubernetes:"
	// patchSuffix ends the type token of every patch resource.
	patchSuffix = "Patch"
)

// Reason says why a note was written; NOTES.md groups notes by reason.
type Reason string

// Reasons, in the order NOTES.md lists them.
const (
	// ReasonSecret: the object holds a secret and is left out.
	ReasonSecret Reason = "secret"
	// ReasonUnknown: the object needs a value known only at deploy time and is left out.
	ReasonUnknown Reason = "unknown"
	// ReasonUnknownField: a deploy-time value was dropped from an otherwise written object.
	ReasonUnknownField Reason = "unknown-field"
	// ReasonHelmValues: a Helm release needs values supplied outside Git.
	ReasonHelmValues Reason = "helm-values"
	// ReasonHelmIgnored: a Helm release input has no Flux equivalent here.
	ReasonHelmIgnored Reason = "helm-ignored"
	// ReasonPatch: the file is a partial object for server-side apply.
	ReasonPatch Reason = "patch"
	// ReasonAutoNamed: Pulumi would add a random suffix; the file uses the resource name.
	ReasonAutoNamed Reason = "auto-named"
	// ReasonDefaultNamespace: a namespaced object names no namespace.
	ReasonDefaultNamespace Reason = "default-namespace"
	// ReasonGenerated: the renderer added an object the plan does not hold (a Helm target namespace).
	ReasonGenerated Reason = "generated"
	// ReasonUnsupported: a Kubernetes resource type the renderer cannot write.
	ReasonUnsupported Reason = "unsupported"
	// ReasonDuplicate: two resources would write the same object.
	ReasonDuplicate Reason = "duplicate"
)

var reasonOrder = []Reason{ReasonSecret, ReasonUnknown, ReasonUnknownField, ReasonHelmValues, ReasonHelmIgnored,
	ReasonPatch, ReasonAutoNamed, ReasonDefaultNamespace, ReasonGenerated, ReasonUnsupported, ReasonDuplicate}

// Object is one rendered Kubernetes object.
type Object struct {
	// Cluster and Namespace locate the object; Namespace is empty for cluster-scoped objects.
	Cluster, Namespace string
	// APIVersion, Kind and Name identify the object.
	APIVersion, Kind, Name string
	// Patch marks a partial object from a *Patch resource.
	Patch bool
	// Source is the URN of the plan resource the object comes from.
	Source string
	// Body is the object as the API server takes it.
	Body map[string]any
}

// Path is the object's file path relative to the output folder.
func (o *Object) Path() string {
	dir := o.Namespace
	if dir == "" {
		dir = ClusterScopedDir
	}
	ext := ".yaml"
	if o.Patch {
		ext = ".patch.yaml"
	}
	return o.Cluster + "/" + dir + "/" + fileSafe(strings.ToLower(o.Kind)) + "-" + fileSafe(o.Name) + ext
}

// Note records something left out or changed.
type Note struct {
	Reason Reason
	// Cluster, Namespace, Kind and Name say which object; some may be empty.
	Cluster, Namespace, Kind, Name string
	// Source is the plan resource's URN.
	Source string
	// Detail says what exactly and what to do.
	Detail string
}

// Result is a rendered stack.
type Result struct {
	// Stack is the stack rendered.
	Stack string
	// Objects are sorted by Path.
	Objects []Object
	// Notes are sorted by reason, then object.
	Notes []Note
}

// Render writes the Kubernetes objects of a plan. It fails only on a malformed
// plan; everything it cannot write safely becomes a Note.
func Render(p *plan.Plan) (*Result, error) {
	r := &renderer{plan: p, res: &Result{Stack: p.Stack}, clusters: clusterNames(p)}
	for i := range p.Resources {
		res := &p.Resources[i]
		if !res.Custom || !strings.HasPrefix(res.Type, kubernetesPrefix) {
			continue
		}
		if err := r.resource(res); err != nil {
			return nil, fmt.Errorf("%s: %w", res.URN, err)
		}
	}
	r.addHelmNamespaces()
	r.finish()
	return r.res, nil
}

type renderer struct {
	plan     *plan.Plan
	res      *Result
	clusters map[string]bool
	// namespaces are the Namespace objects rendered, keyed cluster/name.
	namespaces map[string]bool
	// helmNamespaces are Helm target namespaces, keyed cluster/name, with the release that wants each.
	helmNamespaces map[string]*plan.Resource
}

func (r *renderer) note(n Note) { r.res.Notes = append(r.res.Notes, n) }

func (r *renderer) resource(res *plan.Resource) error {
	cluster := r.clusterOf(res)
	if res.Type == TypeHelmRelease {
		return r.helmRelease(res, cluster)
	}
	apiVersion, _ := res.Inputs["apiVersion"].(string)
	kind, _ := res.Inputs["kind"].(string)
	if apiVersion == "" || kind == "" {
		r.note(Note{Reason: ReasonUnsupported, Cluster: cluster, Source: res.URN,
			Detail: fmt.Sprintf("type %s has no apiVersion/kind inputs; only single Kubernetes objects and Helm v3 releases are rendered", res.Type)})
		return nil
	}
	body := jsonvalue.Integers(res.Inputs).(map[string]any)
	meta, _ := body["metadata"].(map[string]any)
	if body["metadata"] == nil {
		meta = map[string]any{}
		body["metadata"] = meta
	}
	obj := Object{Cluster: cluster, APIVersion: apiVersion, Kind: kind, Source: res.URN, Body: body,
		Patch: strings.HasSuffix(res.Type, patchSuffix)}
	name, _ := meta["name"].(string)
	ns, _ := meta["namespace"].(string)
	obj.Name, obj.Namespace = name, ns
	if !clusterScoped(apiVersion, kind) && ns == "" {
		obj.Namespace = DefaultNamespace
	}
	ref := Note{Cluster: cluster, Namespace: obj.Namespace, Kind: kind, Name: name, Source: res.URN}
	if clusterScoped(apiVersion, kind) {
		ref.Namespace = ""
		obj.Namespace = ""
	}

	if kind == "Secret" && apiVersion == "v1" {
		ref.Reason, ref.Detail = ReasonSecret, secretAdvice(name, body)
		r.note(ref)
		return nil
	}
	if paths := findMarker(body, plan.Secret, ""); len(paths) > 0 {
		ref.Reason, ref.Detail = ReasonSecret, "holds secret values at "+strings.Join(paths, ", ")
		r.note(ref)
		return nil
	}
	if name == plan.Unknown || ns == plan.Unknown {
		ref.Reason, ref.Detail = ReasonUnknown, "its name or namespace is assigned at deploy time"
		r.note(ref)
		return nil
	}
	if paths := findMarker(body, plan.Unknown, ""); len(paths) > 0 {
		var blocking, dropped []string
		for _, p := range paths {
			if strings.HasPrefix(p, "metadata.annotations.") {
				dropped = append(dropped, p)
			} else {
				blocking = append(blocking, p)
			}
		}
		if len(blocking) > 0 {
			ref.Reason, ref.Detail = ReasonUnknown, "needs values known only at deploy time at "+strings.Join(blocking, ", ")
			r.note(ref)
			return nil
		}
		annotations := meta["annotations"].(map[string]any)
		for _, p := range dropped {
			delete(annotations, strings.TrimPrefix(p, "metadata.annotations."))
		}
		if len(annotations) == 0 {
			delete(meta, "annotations")
		}
		n := ref
		n.Reason, n.Detail = ReasonUnknownField, "dropped annotations known only at deploy time: "+strings.Join(dropped, ", ")+"; add them from the stack outputs after `pulumi up`"
		r.note(n)
	}
	if name == "" {
		// The provider auto-names objects without a name: the resource name plus a random suffix.
		obj.Name = res.Name
		meta["name"] = res.Name
		n := ref
		n.Name = res.Name
		n.Reason, n.Detail = ReasonAutoNamed, "no metadata.name: Pulumi adds a random suffix to the resource name; the manifest uses the resource name "+res.Name
		r.note(n)
	}
	if !clusterScoped(apiVersion, kind) && ns == "" {
		meta["namespace"] = DefaultNamespace
		n := ref
		n.Name = obj.Name
		n.Reason, n.Detail = ReasonDefaultNamespace, "no metadata.namespace: the provider's default namespace applies; the manifest says "+DefaultNamespace
		r.note(n)
	}
	if obj.Patch {
		n := ref
		n.Name = obj.Name
		n.Reason, n.Detail = ReasonPatch, "a partial object patching one the cluster already has (Pulumi "+res.Type+"); apply it with server-side apply (kubectl apply --server-side)"
		r.note(n)
	}
	if kind == "Namespace" && apiVersion == "v1" {
		if r.namespaces == nil {
			r.namespaces = map[string]bool{}
		}
		r.namespaces[cluster+"/"+obj.Name] = true
	}
	r.res.Objects = append(r.res.Objects, obj)
	return nil
}

// addHelmNamespaces renders a Namespace for each Helm target namespace the plan
// does not create itself, so that every rendered object has its namespace.
func (r *renderer) addHelmNamespaces() {
	keys := make([]string, 0, len(r.helmNamespaces))
	for k := range r.helmNamespaces {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if r.namespaces[k] {
			continue
		}
		cluster, name, _ := strings.Cut(k, "/")
		src := r.helmNamespaces[k]
		r.res.Objects = append(r.res.Objects, Object{Cluster: cluster, APIVersion: "v1", Kind: "Namespace", Name: name, Source: src.URN,
			Body: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": name}}})
		r.note(Note{Reason: ReasonGenerated, Cluster: cluster, Kind: "Namespace", Name: name, Source: src.URN,
			Detail: "the Helm release installs into it (createNamespace); the plan has no Namespace object for it"})
	}
}

// finish sorts objects and notes and turns duplicate paths into notes.
func (r *renderer) finish() {
	objs := r.res.Objects
	sort.SliceStable(objs, func(i, j int) bool {
		if objs[i].Path() != objs[j].Path() {
			return objs[i].Path() < objs[j].Path()
		}
		return objs[i].Source < objs[j].Source
	})
	out := objs[:0]
	for i, o := range objs {
		if i > 0 && o.Path() == objs[i-1].Path() {
			r.note(Note{Reason: ReasonDuplicate, Cluster: o.Cluster, Namespace: o.Namespace, Kind: o.Kind, Name: o.Name, Source: o.Source,
				Detail: "the same object is also made by " + objs[i-1].Source + "; only that one is written (Kubernetes would see a conflict)"})
			continue
		}
		out = append(out, o)
	}
	r.res.Objects = out
	rank := map[Reason]int{}
	for i, reason := range reasonOrder {
		rank[reason] = i
	}
	sort.SliceStable(r.res.Notes, func(i, j int) bool {
		a, b := r.res.Notes[i], r.res.Notes[j]
		if a.Reason != b.Reason {
			return rank[a.Reason] < rank[b.Reason]
		}
		ka := a.Cluster + "/" + a.Namespace + "/" + a.Kind + "/" + a.Name + "/" + a.Source + "/" + a.Detail
		kb := b.Cluster + "/" + b.Namespace + "/" + b.Kind + "/" + b.Name + "/" + b.Source + "/" + b.Detail
		return ka < kb
	})
}

// clusterNames are the stack's clusters, from the `clusters.<name>.cloud` outputs
// every cluster exports.
func clusterNames(p *plan.Plan) map[string]bool {
	out := map[string]bool{}
	for k := range p.Outputs {
		if rest, ok := strings.CutPrefix(k, "clusters."); ok {
			if name, ok := strings.CutSuffix(rest, ".cloud"); ok && !strings.Contains(name, ".") {
				out[name] = true
			}
		}
	}
	return out
}

// clusterOf names the cluster a resource deploys to: the nearest ancestor of its
// kubernetes provider that is one of the stack's clusters; failing that (a plan
// without cluster outputs), the provider's nearest component ancestor; failing
// that, the provider's own name.
func (r *renderer) clusterOf(res *plan.Resource) string {
	if res.Provider == "" || strings.HasPrefix(res.Provider, "default_") {
		return DefaultProviderCluster
	}
	prov := r.plan.Find(res.Provider)
	if prov == nil {
		return fileSafe(resource.URN(res.Provider).Name())
	}
	var firstComponent string
	for a := r.plan.Find(prov.Parent); a != nil && a.Type != "pulumi:pulumi:Stack"; a = r.plan.Find(a.Parent) {
		if r.clusters[a.Name] {
			return a.Name
		}
		if firstComponent == "" && !a.Custom {
			firstComponent = a.Name
		}
	}
	if firstComponent != "" {
		return fileSafe(firstComponent)
	}
	return fileSafe(prov.Name)
}

// findMarker lists the paths (a.b[0].c) of string values equal to marker, or
// that embed it, in document order of sorted keys.
func findMarker(v any, marker, path string) []string {
	switch t := v.(type) {
	case string:
		if strings.Contains(t, marker) {
			if path == "" {
				return []string{"(the whole value)"}
			}
			return []string{path}
		}
	case map[string]any:
		var out []string
		for _, k := range slices.Sorted(maps.Keys(t)) {
			p := k
			if path != "" {
				p = path + "." + k
			}
			out = append(out, findMarker(t[k], marker, p)...)
		}
		return out
	case []any:
		var out []string
		for i, e := range t {
			out = append(out, findMarker(e, marker, fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	}
	return nil
}

// fileSafe keeps file names portable: lowercase letters, digits, dot, dash and
// underscore; anything else (the colon of system:* names) becomes an underscore.
func fileSafe(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '_':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// secretAdvice says where a Secret the render leaves out should come from instead of
// a hand-made one: a release's secret env from the cluster's external store, a TLS
// certificate from cert-manager, anything else from the stack's secret store.
func secretAdvice(name string, body map[string]any) string {
	const never = "Secret objects are never written; "
	switch {
	case strings.HasSuffix(name, "-secret-env"):
		return never + "name each value in the release's secretEnv as {external: {key: ...}} and the cluster's External Secrets Operator writes it from ClusterSecretStore fleetform (docs/releases.md), or create it from your secret store"
	case body["type"] == "kubernetes.io/tls":
		return never + "leave tlsSecretName unset and cert-manager issues the certificate (platform.dns, docs/platform.md \"TLS and DNS\"), or create it from your secret store"
	}
	return never + "create it from your secret store (an ExternalSecret reading the cluster's ClusterSecretStore fleetform, SOPS or Sealed Secrets)"
}
