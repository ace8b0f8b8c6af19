package rules

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/addons/catalog"
)

// TestShippedConfigExemptsEveryAddon: policies/config.yaml, as shipped and embedded
// in the pack, exempts every system namespace and every registered addon namespace
// (a list set there would replace the default and could miss a new addon).
func TestShippedConfigExemptsEveryAddon(t *testing.T) {
	c, err := LoadConfig(filepath.Join("..", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range catalog.Addons {
		for _, ns := range a.Namespaces() {
			if a.Exempt && !slices.Contains(c.Settings.ExemptNamespaces, ns) {
				t.Errorf("policies/config.yaml: addon %s's namespace %s is not exempt", a.Name, ns)
			}
		}
	}
	for _, ns := range catalog.SystemNamespaces {
		if !slices.Contains(c.Settings.ExemptNamespaces, ns) {
			t.Errorf("policies/config.yaml: system namespace %s is not exempt", ns)
		}
	}
}

func TestParseConfigErrors(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string
	}{
		{"unknown key", "settings:\n  approvedRegistry: [x]\n", []string{"field approvedRegistry not found"}},
		{"unknown rule and bad level", "stacks:\n  prod:\n    rules: {K9S001: mandatory, K8S001: blocking}\n    disabled: [NOPE01]\n    enforcement: strict\n",
			[]string{"stacks.prod.rules.K9S001: " + MsgUnknownRule, `stacks.prod.rules.K8S001: "blocking" ` + MsgInvalidLevel,
				`stacks.prod.disabled[0]: "NOPE01": ` + MsgUnknownRule, `stacks.prod.enforcement: "strict" must be mandatory or advisory`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(c.yaml), "policies/config.yaml")
			if err == nil {
				t.Fatal("got no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestConfigEnv(t *testing.T) {
	cfg, err := ParseConfig([]byte(`
settings:
  approvedRegistries: [harbor.example.com]
stacks:
  prod:
    enforcement: mandatory
    approvedRegistries: [harbor.example.com, registry.example.cn]
  dev:
    environment: development
    enforcement: advisory
    rules: {K8S004: mandatory}
    disabled: [SEC004]
`), "test")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		stack, env, rule string
		level            Level
		registries       int
	}{
		{"prod", "prod", IDEnvSecret, Mandatory, 2},
		{"dev", "development", IDImageTag, Advisory, 1},
		{"dev", "development", IDPrivileged, Mandatory, 1},
		{"dev", "development", IDEnvSecret, Disabled, 1},
		{"local", "local", IDEnvSecret, Advisory, 1},
		{"local", "local", IDImageTag, Mandatory, 1},
	}
	for _, c := range cases {
		e := cfg.Env(c.stack)
		if e.Environment != c.env || e.LevelOf(ByID(c.rule)) != c.level || len(e.Settings.ApprovedRegistries) != c.registries {
			t.Errorf("stack %s rule %s: env %q level %q registries %v; want %q %q %d", c.stack, c.rule,
				e.Environment, e.LevelOf(ByID(c.rule)), e.Settings.ApprovedRegistries, c.env, c.level, c.registries)
		}
	}
	if e := cfg.Env("prod"); e.Settings.IngressNamespace != DefaultIngressNamespace || e.Settings.EKSRequiredLogTypes[1] != "audit" {
		t.Errorf("defaults not applied: %+v", e.Settings)
	}
}

func TestEmptyConfigIsDefaults(t *testing.T) {
	cfg, err := ParseConfig(nil, "empty")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Env("x").LevelOf(ByID(IDEnvSecret)); got != Advisory {
		t.Errorf("level = %q, want the default advisory", got)
	}
}
