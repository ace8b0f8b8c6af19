package rules

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// StackFileConfig reads the `config:` map of a Pulumi.<stack>.yaml as the config
// map of ConfigResource: each `namespace:key` with its decoded value. Keys written
// without a namespace get the project's. Encrypted values (`secure: ...`) are
// returned as secret keys, and their values are never read.
func StackFileConfig(data []byte, project string) (config map[string]any, secretKeys []string, err error) {
	var doc struct {
		Config map[string]yaml.Node `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("reading stack file: %w", err)
	}
	config = make(map[string]any, len(doc.Config))
	for k, node := range doc.Config {
		key := k
		if !strings.Contains(k, ":") {
			key = project + ":" + k
		}
		if node.Kind == yaml.MappingNode && len(node.Content) == 2 && node.Content[0].Value == "secure" {
			config[key] = Secret
			secretKeys = append(secretKeys, key)
			continue
		}
		var v any
		if err := node.Decode(&v); err != nil {
			return nil, nil, fmt.Errorf("config key %s: %w", key, err)
		}
		config[key] = normalize(v)
	}
	return config, secretKeys, nil
}

// normalize turns decoded YAML into the JSON shapes the rules read: maps with
// string keys, []any, float64 numbers.
func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = normalize(e)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[fmt.Sprint(k)] = normalize(e)
		}
		return m
	case []any:
		for i, e := range t {
			t[i] = normalize(e)
		}
		return t
	case int:
		return float64(t)
	case int64:
		return float64(t)
	case uint64:
		return float64(t)
	}
	return v
}
