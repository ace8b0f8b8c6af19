package jsonvalue

import (
	"fmt"
	"math"
)

// maxExactInt is 2^53: every integer of smaller magnitude is exact as a float64.
const maxExactInt = 1 << 53

// Normalize returns a deep copy of v, as yaml.v3 or encoding/json decode into an
// any, in JSON's shapes: maps get string keys (non-string keys through fmt.Sprint),
// lists are []any, and every number is a float64, as encoding/json decodes it.
func Normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = Normalize(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[fmt.Sprint(k)] = Normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = Normalize(e)
		}
		return out
	case int:
		return float64(t)
	case int64:
		return float64(t)
	case uint64:
		return float64(t)
	case float32:
		return float64(t)
	}
	return v
}

// Integers returns a deep copy of JSON values with every integral float64 below
// 2^53 in magnitude as an int64, for writers: YAML then prints 8080, never 8080.0
// or 8.08e+03. Other values are copied as they are.
func Integers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = Integers(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = Integers(e)
		}
		return out
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < maxExactInt {
			return int64(t)
		}
	}
	return v
}
