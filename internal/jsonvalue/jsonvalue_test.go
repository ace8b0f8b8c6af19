package jsonvalue

import (
	"encoding/json"
	"reflect"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestNormalizeMatchesEncodingJSON: YAML decoded and normalised equals the same
// document decoded by encoding/json, the shape the engine hands a policy pack.
func TestNormalizeMatchesEncodingJSON(t *testing.T) {
	cases := []struct{ name, yaml, json string }{
		{"scalars", "a: 1\nb: 1.5\nc: true\nd: text\ne: null\n", `{"a": 1, "b": 1.5, "c": true, "d": "text", "e": null}`},
		{"nested", "m:\n  l: [1, {x: 2}]\n", `{"m": {"l": [1, {"x": 2}]}}`},
		{"large and negative", "big: 9007199254740993\nneg: -3\nexp: 1e6\n", `{"big": 9007199254740993, "neg": -3, "exp": 1e6}`},
		{"non-string keys", "1: one\ntrue: yes\n", `{"1": "one", "true": "yes"}`},
		{"quoted number stays a string", "v: \"1.30\"\n", `{"v": "1.30"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var y, j any
			if err := yaml.Unmarshal([]byte(tc.yaml), &y); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tc.json), &j); err != nil {
				t.Fatal(err)
			}
			if got := Normalize(y); !reflect.DeepEqual(got, j) {
				t.Errorf("Normalize(%q) = %#v, want %#v", tc.yaml, got, j)
			}
		})
	}
}

func TestNormalizeCopies(t *testing.T) {
	in := map[string]any{"m": map[string]any{"n": 1}, "l": []any{2}}
	out := Normalize(in).(map[string]any)
	out["m"].(map[string]any)["n"] = "changed"
	out["l"].([]any)[0] = "changed"
	if in["m"].(map[string]any)["n"] != 1 || in["l"].([]any)[0] != 2 {
		t.Errorf("Normalize modified its input: %v", in)
	}
}

func TestIntegers(t *testing.T) {
	in := map[string]any{"port": 8080.0, "big": 1e6, "ratio": 0.5, "huge": 1e300, "neg": -2.0,
		"list": []any{1.0, "s", true, nil}}
	want := map[string]any{"port": int64(8080), "big": int64(1000000), "ratio": 0.5, "huge": 1e300, "neg": int64(-2),
		"list": []any{int64(1), "s", true, nil}}
	if got := Integers(in); !reflect.DeepEqual(got, want) {
		t.Errorf("Integers = %#v, want %#v", got, want)
	}
	if in["port"] != 8080.0 {
		t.Error("Integers modified its input")
	}
	b, err := yaml.Marshal(Integers(map[string]any{"count": 1e6}))
	if err != nil || string(b) != "count: 1000000\n" {
		t.Errorf("YAML of Integers(1e6) = %q, %v; want count: 1000000", b, err)
	}
}
