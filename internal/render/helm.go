package render

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/fleetform/fleetform/internal/jsonvalue"
	"github.com/fleetform/fleetform/internal/plan"
)

// Flux API versions the Helm releases are written as (Flux v2.3 and later).
const (
	// FluxHelmReleaseAPIVersion is the GA HelmRelease API of Flux's helm-controller.
	FluxHelmReleaseAPIVersion = "helm.toolkit.fluxcd.io/v2"
	// FluxSourceAPIVersion is the GA HelmRepository API of Flux's source-controller.
	FluxSourceAPIVersion = "source.toolkit.fluxcd.io/v1"
	// FluxInterval is how often Flux reconciles a release and refreshes its
	// repository index; the HelmRelease API requires one. Ten minutes is the value
	// Flux's own examples use: drift is fixed quickly without hammering mirrors.
	FluxInterval = "10m"
	// SecretValuesSuffix names the Secret (<release>-secret-values) a rendered
	// HelmRelease reads its secret values from; it is never rendered.
	SecretValuesSuffix = "-secret-values"
	// DeployValuesSuffix names the ConfigMap (<release>-deploy-values) a rendered
	// HelmRelease reads values known only at deploy time from; it is never rendered.
	DeployValuesSuffix = "-deploy-values"
	// WholeValuesKey is the key that holds all values when the plan hides the
	// whole values map.
	WholeValuesKey = "values.yaml"
)

// helmCarried are the Release inputs the HelmRelease carries over, plus "compat",
// which the SDK sets on every Release for its own wire protocol.
var helmCarried = map[string]bool{"compat": true,
	"chart": true, "version": true, "repositoryOpts": true, "values": true, "namespace": true, "name": true,
	"createNamespace": true, "skipCrds": true, "timeout": true, "maxHistory": true, "cleanupOnFail": true,
	"forceUpdate": true, "disableWebhooks": true, "skipAwait": true,
}

// helmRelease writes a Helm v3 Release as a Flux HelmRepository and HelmRelease in
// the release's target namespace.
func (r *renderer) helmRelease(res *plan.Resource, cluster string) error {
	in := jsonvalue.Integers(res.Inputs).(map[string]any)
	chart, _ := in["chart"].(string)
	version, _ := in["version"].(string)
	ns, _ := in["namespace"].(string)
	name, _ := in["name"].(string)
	if ns == "" {
		ns = DefaultNamespace
	}
	ref := Note{Cluster: cluster, Namespace: ns, Kind: "HelmRelease", Name: name, Source: res.URN}
	for field, v := range map[string]string{"chart": chart, "version": version, "namespace": ns, "name": name} {
		if strings.Contains(v, plan.Unknown) || strings.Contains(v, plan.Secret) {
			ref.Reason, ref.Detail = ReasonUnknown, "the release "+field+" is not known before deploy"
			r.note(ref)
			return nil
		}
	}
	if chart == "" {
		ref.Reason, ref.Detail = ReasonUnsupported, "the release names no chart"
		r.note(ref)
		return nil
	}
	if name == "" {
		name = res.Name
		ref.Name = name
		n := ref
		n.Reason, n.Detail = ReasonAutoNamed, "no release name: Pulumi adds a random suffix to the resource name; the HelmRelease uses the resource name "+name
		r.note(n)
	}

	repoURL, chartName, err := chartSource(in, chart)
	if err != nil {
		ref.Reason, ref.Detail = ReasonUnsupported, err.Error()
		r.note(ref)
		return nil
	}
	if opts, ok := in["repositoryOpts"].(map[string]any); ok {
		var auth []string
		for _, k := range slices.Sorted(maps.Keys(opts)) {
			if k != "repo" {
				auth = append(auth, k)
			}
		}
		if len(auth) > 0 {
			n := ref
			n.Reason, n.Detail = ReasonHelmIgnored, "repositoryOpts."+strings.Join(auth, ", repositoryOpts.")+" not carried over: give the HelmRepository a spec.secretRef (or certSecretRef) to a Secret with the credentials"
			r.note(n)
		}
	}

	repoSpec := map[string]any{"url": repoURL, "interval": FluxInterval}
	if strings.HasPrefix(repoURL, "oci://") {
		repoSpec["type"] = "oci"
	}
	r.res.Objects = append(r.res.Objects, Object{
		Cluster: cluster, Namespace: ns, APIVersion: FluxSourceAPIVersion, Kind: "HelmRepository", Name: name, Source: res.URN,
		Body: map[string]any{
			"apiVersion": FluxSourceAPIVersion, "kind": "HelmRepository",
			"metadata": map[string]any{"name": name, "namespace": ns},
			"spec":     repoSpec,
		},
	})

	chartSpec := map[string]any{
		"chart":     chartName,
		"sourceRef": map[string]any{"kind": "HelmRepository", "name": name},
	}
	if version != "" {
		chartSpec["version"] = version
	}
	spec := map[string]any{
		"interval":    FluxInterval,
		"releaseName": name,
		"chart":       map[string]any{"spec": chartSpec},
	}
	install, upgrade := map[string]any{}, map[string]any{}
	if b, _ := in["createNamespace"].(bool); b {
		install["createNamespace"] = true
	}
	if b, _ := in["skipCrds"].(bool); b {
		install["crds"] = "Skip"
	}
	if b, _ := in["disableWebhooks"].(bool); b {
		install["disableHooks"], upgrade["disableHooks"] = true, true
	}
	if b, _ := in["skipAwait"].(bool); b {
		install["disableWait"], upgrade["disableWait"] = true, true
	}
	if b, _ := in["cleanupOnFail"].(bool); b {
		upgrade["cleanupOnFail"] = true
	}
	if b, _ := in["forceUpdate"].(bool); b {
		upgrade["force"] = true
	}
	if len(install) > 0 {
		spec["install"] = install
	}
	if len(upgrade) > 0 {
		spec["upgrade"] = upgrade
	}
	if t, ok := in["timeout"].(int64); ok && t > 0 {
		spec["timeout"] = fmt.Sprintf("%ds", t)
	}
	if h, ok := in["maxHistory"].(int64); ok {
		spec["maxHistory"] = h
	}

	var valuesFrom []any
	switch v := in["values"].(type) {
	case map[string]any:
		secretPaths, unknownPaths := helmMarkers(v, nil)
		if len(v) > 0 {
			spec["values"] = v
		}
		valuesFrom = append(valuesFrom, r.valuesFrom(ref, "Secret", name+SecretValuesSuffix, secretPaths, "secret")...)
		valuesFrom = append(valuesFrom, r.valuesFrom(ref, "ConfigMap", name+DeployValuesSuffix, unknownPaths, "known only at deploy time")...)
	case string:
		kind, obj, why := "Secret", name+SecretValuesSuffix, "secret"
		if v == plan.Unknown {
			kind, obj, why = "ConfigMap", name+DeployValuesSuffix, "known only at deploy time"
		}
		valuesFrom = append(valuesFrom, map[string]any{"kind": kind, "name": obj, "valuesKey": WholeValuesKey})
		n := ref
		n.Reason, n.Detail = ReasonHelmValues, fmt.Sprintf("all values are %s: create %s %s/%s with key %s holding the values YAML", why, kind, ns, obj, WholeValuesKey)
		r.note(n)
	}
	if len(valuesFrom) > 0 {
		spec["valuesFrom"] = valuesFrom
	}

	var ignored []string
	for _, k := range slices.Sorted(maps.Keys(in)) {
		if helmCarried[k] {
			continue
		}
		if b, isBool := in[k].(bool); isBool && !b {
			continue
		}
		ignored = append(ignored, k)
	}
	if len(ignored) > 0 {
		n := ref
		n.Reason, n.Detail = ReasonHelmIgnored, "inputs with no Flux counterpart here, not carried over: "+strings.Join(ignored, ", ")
		r.note(n)
	}

	r.res.Objects = append(r.res.Objects, Object{
		Cluster: cluster, Namespace: ns, APIVersion: FluxHelmReleaseAPIVersion, Kind: "HelmRelease", Name: name, Source: res.URN,
		Body: map[string]any{
			"apiVersion": FluxHelmReleaseAPIVersion, "kind": "HelmRelease",
			"metadata": map[string]any{"name": name, "namespace": ns},
			"spec":     spec,
		},
	})
	if r.helmNamespaces == nil {
		r.helmNamespaces = map[string]*plan.Resource{}
	}
	key := cluster + "/" + ns
	if prev, ok := r.helmNamespaces[key]; !ok || res.URN < prev.URN {
		r.helmNamespaces[key] = res
	}
	return nil
}

// valuesFrom turns marked value paths into Flux valuesFrom entries reading one key
// each from the named Secret or ConfigMap, and notes what that object must hold.
func (r *renderer) valuesFrom(ref Note, kind, obj string, paths [][]string, why string) []any {
	if len(paths) == 0 {
		return nil
	}
	var out []any
	var keys []string
	used := map[string]bool{}
	for _, p := range paths {
		target := helmPath(p)
		key := valuesKey(p)
		for i := 2; used[key]; i++ {
			key = fmt.Sprintf("%s-%d", valuesKey(p), i)
		}
		used[key] = true
		out = append(out, map[string]any{"kind": kind, "name": obj, "valuesKey": key, "targetPath": target})
		keys = append(keys, fmt.Sprintf("`%s` → `%s`", key, target))
	}
	n := ref
	n.Reason = ReasonHelmValues
	n.Detail = fmt.Sprintf("values %s are left out of the manifest; create %s %s/%s with keys %s", why, kind, ref.Namespace, obj, strings.Join(keys, ", "))
	r.note(n)
	return out
}

// helmMarkers removes every secret or unknown value from Helm values (in place)
// and returns their paths. A list holding one is removed whole, so that Helm's
// list replacement cannot leave half a list; its path then points at the list.
func helmMarkers(values map[string]any, prefix []string) (secrets, unknowns [][]string) {
	for _, k := range slices.Sorted(maps.Keys(values)) {
		path := append(append([]string(nil), prefix...), k)
		switch t := values[k].(type) {
		case string:
			switch {
			case strings.Contains(t, plan.Secret):
				secrets = append(secrets, path)
				delete(values, k)
			case strings.Contains(t, plan.Unknown):
				unknowns = append(unknowns, path)
				delete(values, k)
			}
		case map[string]any:
			s, u := helmMarkers(t, path)
			secrets, unknowns = append(secrets, s...), append(unknowns, u...)
		case []any:
			s := findMarker(t, plan.Secret, "")
			u := findMarker(t, plan.Unknown, "")
			switch {
			case len(s) > 0:
				secrets = append(secrets, path)
				delete(values, k)
			case len(u) > 0:
				unknowns = append(unknowns, path)
				delete(values, k)
			}
		}
	}
	return secrets, unknowns
}

// helmPath writes a values path in Helm's --set syntax, which Flux's targetPath
// uses: dots separate keys, and dots inside a key are escaped.
func helmPath(p []string) string {
	parts := make([]string, len(p))
	for i, k := range p {
		parts[i] = strings.NewReplacer(`\`, `\\`, ".", `\.`, ",", `\,`, "=", `\=`).Replace(k)
	}
	return strings.Join(parts, ".")
}

// valuesKey makes a Secret or ConfigMap data key from a values path: keys may
// hold only letters, digits, '-', '_' and '.'.
func valuesKey(p []string) string {
	var b strings.Builder
	for i, k := range p {
		if i > 0 {
			b.WriteByte('.')
		}
		for _, c := range k {
			switch {
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
				b.WriteRune(c)
			default:
				b.WriteByte('_')
			}
		}
	}
	return b.String()
}

// chartSource splits a release's chart reference into a repository URL and a
// chart name, the way Helm resolves them.
func chartSource(in map[string]any, chart string) (repoURL, chartName string, err error) {
	repo := ""
	if opts, ok := in["repositoryOpts"].(map[string]any); ok {
		repo, _ = opts["repo"].(string)
	}
	switch {
	case strings.HasPrefix(chart, "oci://"):
		i := strings.LastIndex(chart, "/")
		if i <= len("oci://") {
			return "", "", fmt.Errorf("chart %q: want oci://host/path/chart", chart)
		}
		return chart[:i], chart[i+1:], nil
	case repo != "":
		if strings.Contains(repo, plan.Unknown) || strings.Contains(repo, plan.Secret) {
			return "", "", fmt.Errorf("the chart repository is not known before deploy")
		}
		return strings.TrimSuffix(repo, "/"), chart, nil
	case strings.Contains(chart, "/") && !strings.HasPrefix(chart, ".") && !strings.HasPrefix(chart, "/"):
		return "", "", fmt.Errorf("chart %q names a local repository alias; Flux needs the repository URL (set repositoryOpts.repo)", chart)
	default:
		return "", "", fmt.Errorf("chart %q is a local path; Flux needs a chart repository", chart)
	}
}
