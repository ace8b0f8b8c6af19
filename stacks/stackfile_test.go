package stacks

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestConfigMap(t *testing.T) {
	data := []byte(`config:
  fleetform:platform:
    harbor:
      adminPassword: harborAdminPassword
      replicas: 2
  fleetform:harborAdminPassword:
    secure: v1:abcdef
  aws:region: us-east-1
  plainKey: hello
`)
	cfg, secretKeys, err := ConfigMap(data)
	if err != nil {
		t.Fatal(err)
	}
	harbor := cfg["fleetform:platform"].(map[string]any)["harbor"].(map[string]any)
	if got := harbor["replicas"]; got != float64(2) {
		t.Errorf("replicas = %#v, want float64 2, as the engine's JSON gives", got)
	}
	if v, ok := cfg["fleetform:harborAdminPassword"]; !ok || v != nil || strings.Join(secretKeys, ",") != "fleetform:harborAdminPassword" {
		t.Errorf("secure key: value %v (present %v), secret keys %v; want nil and listed", v, ok, secretKeys)
	}
	if cfg["fleetform:plainKey"] != "hello" || cfg["aws:region"] != "us-east-1" {
		t.Errorf("plain keys: %v", cfg)
	}
	if _, _, err := ConfigMap([]byte("config: [")); err == nil {
		t.Error("malformed YAML: no error")
	}
}

func TestReadStackFile(t *testing.T) {
	dir := t.TempDir()
	builtIn := fstest.MapFS{"Pulumi.dev.yaml": {Data: []byte("config: {}\n")}, "Pulumi.yaml": {Data: []byte("name: x\n")}, "embed.go": {}}
	if _, _, err := ReadStackFile(dir, "dev", builtIn); err == nil || !strings.Contains(err.Error(), StackFile(dir, "dev")) {
		t.Errorf("missing file in dir: error %v, want it to name %s", err, StackFile(dir, "dev"))
	}
	data, source, err := ReadStackFile("", "dev", builtIn)
	if err != nil || string(data) != "config: {}\n" || source != "Pulumi.dev.yaml"+BuiltInSuffix {
		t.Errorf("built in: %q from %q, %v", data, source, err)
	}
	if _, _, err := ReadStackFile("", "prod", builtIn); err == nil || !strings.Contains(err.Error(), "built in: dev") {
		t.Errorf("missing built-in stack: error %v, want the list of built-in stacks", err)
	}
}
