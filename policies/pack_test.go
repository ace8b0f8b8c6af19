package main

import (
	"context"
	"reflect"
	"sort"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/fleetform/fleetform/policies/rules"
)

// toProperty converts a plain value into engine properties, turning the plan's
// markers back into real secrets and unknowns, as the engine would send them.
func toProperty(v any) property.Value {
	switch t := v.(type) {
	case string:
		switch t {
		case rules.Secret:
			return property.New("hidden").WithSecret(true)
		case rules.Unknown:
			return property.New(property.Computed)
		}
		return property.New(t)
	case bool:
		return property.New(t)
	case float64:
		return property.New(t)
	case []any:
		vs := make([]property.Value, len(t))
		for i, e := range t {
			vs[i] = toProperty(e)
		}
		return property.New(property.NewArray(vs))
	case map[string]any:
		return property.New(toPropertyMap(t))
	}
	return property.New(property.Null)
}

func toPropertyMap(m map[string]any) property.Map {
	vs := make(map[string]property.Value, len(m))
	for k, e := range m {
		vs[k] = toProperty(e)
	}
	return property.NewMap(vs)
}

func analyzerResource(r rules.Resource) policyx.AnalyzerResource {
	return policyx.AnalyzerResource{
		URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent,
		Provider:     policyx.AnalyzerProviderResource{URN: r.Provider, Type: "pulumi:providers:kubernetes"},
		Dependencies: r.Dependencies, Properties: toPropertyMap(r.Inputs),
	}
}

// manager records reported violations by policy.
type manager struct {
	policy string
	got    *[]string
}

func (m manager) ReportViolation(message, urn string) {
	*m.got = append(*m.got, m.policy+" "+urn)
}

// fixture is a small prod stack with problems of every kind a policy form sees:
// resource rules, stack rules and a secret pasted into config.
func fixture() []rules.Resource {
	mk := func(typ, name string, in map[string]any) rules.Resource {
		return rules.Resource{URN: "urn:pulumi:prod::fleetform::" + typ + "::" + name, Type: typ, Name: name, Provider: "urn:pulumi:prod::fleetform::pulumi:providers:kubernetes::prod-aws", Inputs: in}
	}
	pod := map[string]any{
		"hostNetwork": true,
		"containers": []any{map[string]any{
			"name": "web", "image": "docker.io/library/nginx:latest",
			"env":             []any{map[string]any{"name": "DB_PASSWORD", "value": rules.Secret}},
			"securityContext": map[string]any{"privileged": true},
		}},
	}
	return []rules.Resource{
		mk(rules.TypeNamespace, "prod", map[string]any{"metadata": map[string]any{"name": "prod", "labels": map[string]any{"fleetform.io/tier": "prod"}}}),
		mk(rules.TypeRollout, "shop", map[string]any{"metadata": map[string]any{"name": "shop", "namespace": "prod"},
			"spec": map[string]any{"template": map[string]any{"spec": pod}, "strategy": map[string]any{"canary": map[string]any{"steps": []any{}}}}}),
		mk(rules.TypeEKSCluster, "prod-aws", map[string]any{"tags": map[string]any{"fleetform:environment": "prod"},
			"vpcConfig": map[string]any{"endpointPublicAccess": true, "subnetIds": rules.Unknown}, "encryptionConfig": rules.Unknown}),
		mk(rules.TypeHelmRelease, "grafana", map[string]any{"namespace": "monitoring", "values": map[string]any{"adminPassword": rules.Secret, "smtp": map[string]any{"password": "plain"}}}),
	}
}

// TestPackMatchesOfflineCheck proves the pack reports what `fleetplan check`
// reports for the same resources: same rules, same resources, same levels.
func TestPackMatchesOfflineCheck(t *testing.T) {
	cfg, err := rules.ParseConfig(configYAML, "embedded")
	if err != nil {
		t.Fatal(err)
	}
	env := cfg.Env("prod")
	rs := fixture()
	stackCfg := rules.ConfigResource("fleetform", "prod", map[string]any{"aws:secretKey": "wJalrXUtnFEMI"}, nil)

	var want []string
	for _, f := range rules.Check(env, append(append([]rules.Resource{}, rs...), stackCfg)) {
		want = append(want, f.Rule.ID+" "+f.URN)
	}

	pack, err := buildPack(env, &stackCfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var ars []policyx.AnalyzerResource
	for _, r := range rs {
		ars = append(ars, analyzerResource(r))
	}
	levels := map[string]policyx.EnforcementLevel{}
	for _, p := range pack.Policies() {
		levels[p.Name()] = p.EnforcementLevel()
		m := manager{policy: p.Name(), got: &got}
		switch p := p.(type) {
		case policyx.ResourceValidationPolicy:
			for _, a := range ars {
				if err := p.Validate(context.Background(), policyx.ResourceValidationArgs{Manager: m, Resource: a}); err != nil {
					t.Fatal(err)
				}
			}
		case policyx.StackValidationPolicy:
			if err := p.Validate(context.Background(), policyx.StackValidationArgs{Manager: m, Resources: ars}); err != nil {
				t.Fatal(err)
			}
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	t.Logf("%d violations from both: %v", len(got), got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pack violations differ from the offline check:\n pack  %v\n check %v", got, want)
	}
	for _, id := range []string{rules.IDPrivileged, rules.IDHostNamespaces, rules.IDImageTag, rules.IDApprovedRegistry,
		rules.IDRolloutAnalysis, rules.IDNamespaceQuota, rules.IDEKSEndpoint, rules.IDHelmValueSecret, rules.IDConfigSecret} {
		found := false
		for _, g := range got {
			found = found || g[:len(id)] == id
		}
		if !found {
			t.Errorf("pack did not report %s; got %v", id, got)
		}
	}
	// SEC004 sees the secret env value as a secret, so it must not fire.
	for _, g := range got {
		if g[:6] == rules.IDEnvSecret {
			t.Errorf("SEC004 fired on a secret value: %s", g)
		}
	}
	// prod makes every policy mandatory (policies/config.yaml).
	if levels[rules.IDEnvSecret] != policyx.EnforcementLevelMandatory || len(levels) != len(rules.All()) {
		t.Errorf("levels %v: want %d mandatory policies", levels, len(rules.All()))
	}
}

func TestPackLevelsPerStack(t *testing.T) {
	cfg, err := rules.ParseConfig(configYAML, "embedded")
	if err != nil {
		t.Fatal(err)
	}
	pack, err := buildPack(cfg.Env("dev"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]policyx.EnforcementLevel{
		rules.IDPrivileged: policyx.EnforcementLevelMandatory,
		rules.IDImageTag:   policyx.EnforcementLevelAdvisory,
	}
	n := 0
	for _, p := range pack.Policies() {
		if w, ok := want[p.Name()]; ok && p.EnforcementLevel() != w {
			t.Errorf("dev %s level %v, want %v", p.Name(), p.EnforcementLevel(), w)
		}
		if p.Name() == rules.IDConfigSecret {
			t.Errorf("SEC002 registered without stack configuration")
		}
		n++
	}
	if n != len(rules.All())-1 {
		t.Errorf("%d policies, want %d", n, len(rules.All())-1)
	}
}

func TestEngineConfig(t *testing.T) {
	values := map[string]string{
		"fleetform:platform":             `{"harbor": {"adminPassword": "harborAdminPassword"}, "monitoring": {"grafanaAdminPassword": "grafanaAdminPassword"}}`,
		"fleetform:harborAdminPassword":  "Harbor12345",
		"fleetform:grafanaAdminPassword": "s3cret",
		"alicloud:secretKey":             "abc",
		"aws:region":                     "us-east-1",
	}
	secret := map[string]bool{"fleetform:grafanaAdminPassword": true}
	r := engineConfig("fleetform", "prod",
		func(k string) (string, bool) { v, ok := values[k]; return v, ok },
		func(k string) bool { return secret[k] })
	if r.Inputs["fleetform:grafanaAdminPassword"] != rules.Secret {
		t.Errorf("secret key not redacted: %v", r.Inputs["fleetform:grafanaAdminPassword"])
	}
	if _, ok := r.Inputs["aws:region"]; ok {
		t.Errorf("read a key no rule needs: %v", r.Inputs)
	}
	env := rules.DefaultConfig().Env("prod")
	var got []string
	for _, v := range rules.ByID(rules.IDConfigSecret).Resource(env, *r) {
		got = append(got, v.Path)
	}
	want := []string{"alicloud:secretKey", "fleetform:harborAdminPassword", "fleetform:platform.harbor.adminPassword"}
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SEC002 paths %v, want %v", got, want)
	}
}
