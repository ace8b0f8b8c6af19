package helmrelease

// Merge returns base with over deep-merged on top, as `helm -f base.yaml -f
// over.yaml` merges values files (Helm's MergeMaps in pkg/cli/values): maps merge
// key by key, and any other value replaces, lists included. A null in over deletes
// the key, at any depth. In Helm a null also drops the chart's own default for that
// key; here it cannot, because the Pulumi SDK drops null map entries from resource
// inputs, so Helm never sees one (set an empty value instead to blank a chart
// default). Neither argument is modified.
func Merge(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = copyValue(v)
	}
	for k, v := range over {
		if v == nil {
			delete(out, k)
			continue
		}
		if om, ok := v.(map[string]any); ok {
			bm, _ := out[k].(map[string]any) // nil unless both are maps: then over's map replaces
			out[k] = Merge(bm, om)
			continue
		}
		out[k] = copyValue(v)
	}
	return out
}

func copyValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return Merge(t, nil)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = copyValue(e)
		}
		return out
	default:
		return v
	}
}

// StringValues turns string labels or annotations into chart values (Helm values are
// map[string]any), or nil when there are none, so a chart's default stays.
func StringValues(m map[string]string) map[string]any {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
