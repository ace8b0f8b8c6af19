package rules

import (
	"strconv"
	"strings"
)

// get walks m along keys and returns the value there, or nil.
func get(m map[string]any, keys ...string) any {
	var cur any = m
	for _, k := range keys {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[k]
	}
	return cur
}

// getMap returns the map at keys, or nil.
func getMap(m map[string]any, keys ...string) map[string]any {
	v, _ := get(m, keys...).(map[string]any)
	return v
}

// getList returns the list at keys, or nil.
func getList(m map[string]any, keys ...string) []any {
	v, _ := get(m, keys...).([]any)
	return v
}

// getString returns the string at keys, or "".
func getString(m map[string]any, keys ...string) string {
	v, _ := get(m, keys...).(string)
	return v
}

// getBool returns the boolean at keys and whether it was a boolean. Strings
// "true"/"false" count too: some providers take booleans as strings.
func getBool(m map[string]any, keys ...string) (value, ok bool) {
	switch v := get(m, keys...).(type) {
	case bool:
		return v, true
	case string:
		b, err := strconv.ParseBool(v)
		return b, err == nil
	}
	return false, false
}

// isTrue reports whether the value at keys is true.
func isTrue(m map[string]any, keys ...string) bool {
	v, ok := getBool(m, keys...)
	return ok && v
}

// getNumber returns the number at keys and whether it was one.
func getNumber(m map[string]any, keys ...string) (float64, bool) {
	switch v := get(m, keys...).(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	}
	return 0, false
}

// hidden reports whether v is a value a policy cannot see: a secret or unknown.
func hidden(v any) bool {
	s, ok := v.(string)
	return ok && (s == Secret || s == Unknown)
}

// strings returns the strings of a list value; non-strings are skipped.
func stringList(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// stringMap returns the string values of a map value.
func stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	out := make(map[string]string, len(m))
	for k, e := range m {
		if s, ok := e.(string); ok {
			out[k] = s
		}
	}
	return out
}

// joinPath appends a key to a dotted property path.
func joinPath(base, key string) string {
	if base == "" {
		return key
	}
	return base + "." + key
}

// indexPath appends an index to a property path.
func indexPath(base string, i int) string { return base + "[" + strconv.Itoa(i) + "]" }

// hasString reports whether list holds s.
func hasString(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// lower is strings.ToLower, named for reading.
func lower(s string) string { return strings.ToLower(s) }
