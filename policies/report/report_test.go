package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/policies/rules"
)

// stackFile is a stack file naming the workload, so SARIF can point at its line.
const stackFile = `config:
  fleetform:releases:
    - name: shop
      image: harbor.example.com/shop/app:1.0.0
`

// seededPlan plans, under the mock monitor, a Deployment with a privileged
// container: the bad config a reviewer must never merge.
func seededPlan(t *testing.T, stack string) *plan.Plan {
	t.Helper()
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := appsv1.NewDeployment(ctx, "shop-web", &appsv1.DeploymentArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("shop-web"), Namespace: pulumi.String("ingress-nginx")},
			Spec: &appsv1.DeploymentSpecArgs{
				Selector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"app": pulumi.String("shop")}},
				Template: &corev1.PodTemplateSpecArgs{Spec: &corev1.PodSpecArgs{
					SecurityContext: &corev1.PodSecurityContextArgs{RunAsNonRoot: pulumi.Bool(true)},
					Containers: corev1.ContainerArray{corev1.ContainerArgs{
						Name:  pulumi.String("web"),
						Image: pulumi.String("harbor.example.com/shop/app:1.0.0"),
						Resources: &corev1.ResourceRequirementsArgs{
							Requests: pulumi.StringMap{"cpu": pulumi.String("100m"), "memory": pulumi.String("128Mi")},
							Limits:   pulumi.StringMap{"cpu": pulumi.String("1"), "memory": pulumi.String("256Mi")},
						},
						SecurityContext: &corev1.SecurityContextArgs{
							Privileged:               pulumi.Bool(true),
							AllowPrivilegeEscalation: pulumi.Bool(false),
						},
					}},
				}},
			},
		})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: stack})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func config(t *testing.T) *rules.Config {
	t.Helper()
	cfg, err := rules.LoadConfig(filepath.Join("..", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestSeededPrivilegedContainer(t *testing.T) {
	cases := []struct {
		stack     string
		level     rules.Level
		mandatory int
	}{
		{"prod", rules.Mandatory, 1},
		// dev is advisory, but K8S004 stays mandatory there (policies/config.yaml).
		{"dev", rules.Mandatory, 1},
		{"local", rules.Advisory, 0},
	}
	for _, c := range cases {
		t.Run(c.stack, func(t *testing.T) {
			p := seededPlan(t, c.stack)
			rep, err := Check(p, config(t).Env(c.stack), "Pulumi."+c.stack+".yaml", []byte(stackFile))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, f := range rep.Findings {
				ids = append(ids, f.Rule.ID+"@"+f.Path)
			}
			want := rules.IDPrivileged + "@spec.template.spec.containers[0].securityContext.privileged"
			if len(rep.Findings) != 1 || ids[0] != want {
				t.Fatalf("findings %v, want exactly %s", ids, want)
			}
			if f := rep.Findings[0]; f.Level != c.level || rep.Mandatory() != c.mandatory {
				t.Errorf("level %s, mandatory %d; want %s, %d", f.Level, rep.Mandatory(), c.level, c.mandatory)
			}
		})
	}
}

func TestWriteText(t *testing.T) {
	rep, err := Check(seededPlan(t, "prod"), config(t).Env("prod"), "Pulumi.prod.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	rep.WriteText(&buf)
	got := buf.String()
	for _, want := range []string{
		"urn:pulumi:prod::fleetform::kubernetes:apps/v1:Deployment::shop-web\n  (kubernetes:apps/v1:Deployment)\n",
		"  MANDATORY K8S004 spec.template.spec.containers[0].securityContext.privileged: container \"web\" is privileged\n",
		"            fix: " + rules.ByID(rules.IDPrivileged).Remediation + "\n",
		fmt.Sprintf("stack prod: 1 violation(s), 1 mandatory, 0 advisory; %d of %d rules enabled\n", len(rules.All()), len(rules.All())),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("text report lacks %q; got:\n%s", want, got)
		}
	}
}

func TestWriteSARIF(t *testing.T) {
	rep, err := Check(seededPlan(t, "dev"), config(t).Env("dev"), "Pulumi.dev.yaml", []byte(stackFile))
	if err != nil {
		t.Fatal(err)
	}
	// A second, advisory finding: dev keeps K8S001 advisory.
	rep.Findings = append(rep.Findings, rules.Finding{
		Violation: rules.Violation{URN: "urn:pulumi:dev::fleetform::kubernetes:apps/v1:Deployment::other", Path: "spec", Message: "m"},
		Rule:      rules.ByID(rules.IDImageTag), Level: rules.Advisory,
	})
	var buf bytes.Buffer
	if err := rep.WriteSARIF(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(t.TempDir(), "out.sarif"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var log map[string]any
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	get := func(v any, path ...any) any {
		for _, p := range path {
			switch k := p.(type) {
			case string:
				v = v.(map[string]any)[k]
			case int:
				v = v.([]any)[k]
			}
		}
		return v
	}
	checks := []struct {
		path []any
		want any
	}{
		{[]any{"version"}, "2.1.0"},
		{[]any{"$schema"}, SARIFSchema},
		{[]any{"runs", 0, "tool", "driver", "name"}, ToolName},
		{[]any{"runs", 0, "tool", "driver", "rules", 0, "id"}, "ACK001"},
		{[]any{"runs", 0, "results", 0, "ruleId"}, "K8S004"},
		{[]any{"runs", 0, "results", 0, "level"}, "error"},
		{[]any{"runs", 0, "results", 0, "locations", 0, "physicalLocation", "artifactLocation", "uri"}, "Pulumi.dev.yaml"},
		{[]any{"runs", 0, "results", 0, "locations", 0, "physicalLocation", "region", "startLine"}, float64(3)},
		{[]any{"runs", 0, "results", 0, "locations", 0, "logicalLocations", 0, "fullyQualifiedName"}, "urn:pulumi:dev::fleetform::kubernetes:apps/v1:Deployment::shop-web"},
		{[]any{"runs", 0, "results", 1, "ruleId"}, "K8S001"},
		{[]any{"runs", 0, "results", 1, "level"}, "warning"},
		{[]any{"runs", 0, "results", 1, "locations", 0, "physicalLocation", "region", "startLine"}, float64(1)},
	}
	for _, c := range checks {
		if got := get(log, c.path...); got != c.want {
			t.Errorf("%v = %#v, want %#v", c.path, got, c.want)
		}
	}
	rulesOut := get(log, "runs", 0, "tool", "driver", "rules").([]any)
	if len(rulesOut) != len(rules.All()) {
		t.Errorf("%d SARIF rules, want %d", len(rulesOut), len(rules.All()))
	}
	for i, r := range rulesOut {
		for _, k := range []string{"shortDescription", "fullDescription", "help", "defaultConfiguration"} {
			if get(r, k) == nil {
				t.Errorf("rule %d lacks %s", i, k)
			}
		}
	}
	msg := get(log, "runs", 0, "results", 0, "message", "text").(string)
	if !strings.Contains(msg, "urn:pulumi:dev::fleetform::kubernetes:apps/v1:Deployment::shop-web") || !strings.Contains(msg, "Fix: ") {
		t.Errorf("message %q lacks the URN or the fix", msg)
	}
	// Every result indexes its rule.
	for i, res := range get(log, "runs", 0, "results").([]any) {
		idx := int(get(res, "ruleIndex").(float64))
		if get(rulesOut[idx], "id") != get(res, "ruleId") {
			t.Errorf("result %d: ruleIndex %d is not rule %v", i, idx, get(res, "ruleId"))
		}
	}
}
