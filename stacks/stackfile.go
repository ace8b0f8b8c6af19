package stacks

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fleetform/fleetform/internal/jsonvalue"
)

// BuiltInSuffix marks the source of a stack file read from the copies built into a binary.
const BuiltInSuffix = " (built in)"

// ReadStackFile reads Pulumi.<stack>.yaml from dir or, when dir is "", from builtIn
// (the stack files built into a binary). It returns the bytes and their source for
// messages: the file's path, or its name and BuiltInSuffix. Every tool that needs a
// stack file reads it here, then decodes it with Parse or ConfigMap.
func ReadStackFile(dir, stack string, builtIn fs.FS) (data []byte, source string, err error) {
	if dir != "" {
		source = StackFile(dir, stack)
		data, err = os.ReadFile(source)
		if err != nil {
			return nil, source, fmt.Errorf("reading stack file: %w", err)
		}
		return data, source, nil
	}
	name := "Pulumi." + stack + ".yaml"
	source = name + BuiltInSuffix
	if builtIn != nil {
		if data, err = fs.ReadFile(builtIn, name); err == nil {
			return data, source, nil
		}
	}
	return nil, source, fmt.Errorf("no Pulumi.yaml above the current directory, and no built-in stack %q (built in: %s)",
		stack, strings.Join(BuiltInStacks(builtIn), ", "))
}

// BuiltInStacks lists the stacks whose files builtIn holds, sorted.
func BuiltInStacks(builtIn fs.FS) []string {
	if builtIn == nil {
		return nil
	}
	var out []string
	entries, _ := fs.ReadDir(builtIn, ".")
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, "Pulumi.") && strings.HasSuffix(n, ".yaml") && n != "Pulumi.yaml" {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(path.Base(n), "Pulumi."), ".yaml"))
		}
	}
	sort.Strings(out)
	return out
}

// ConfigMap reads the `config:` map of a stack file the way the engine hands config
// to a policy pack: each `namespace:key` (a key without a namespace is the
// project's) with its value in JSON's shapes (jsonvalue.Normalize). Encrypted
// (`secure:`) keys are listed in secretKeys with a nil value: they are never read.
// Unlike Parse it neither checks nor types the sections; the policy rules read them raw.
func ConfigMap(data []byte) (config map[string]any, secretKeys []string, err error) {
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
			key = Project + ":" + k
		}
		if isSecure(&node) {
			config[key] = nil
			secretKeys = append(secretKeys, key)
			continue
		}
		var v any
		if err := node.Decode(&v); err != nil {
			return nil, nil, fmt.Errorf("config key %s: %w", key, err)
		}
		config[key] = jsonvalue.Normalize(v)
	}
	sort.Strings(secretKeys)
	return config, secretKeys, nil
}
