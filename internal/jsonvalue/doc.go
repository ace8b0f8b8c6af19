// Package jsonvalue holds the one conversion of decoded YAML and JSON into JSON
// values (map[string]any, []any, string, bool, nil and float64), so the stack
// decoder, the policy rules and the renderer agree on what a number is: the float64
// that encoding/json and the Pulumi engine give.
package jsonvalue
