package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/internal/plan"
)

// writeWorkloadPlan plans one Deployment of image in namespace apps and writes the
// plan JSON, as `fleetplan plan --json` would.
func writeWorkloadPlan(t *testing.T, stack, image string, privileged bool) string {
	t.Helper()
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := appsv1.NewDeployment(ctx, "web", &appsv1.DeploymentArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("web"), Namespace: pulumi.String("apps")},
			Spec: &appsv1.DeploymentSpecArgs{Template: &corev1.PodTemplateSpecArgs{Spec: &corev1.PodSpecArgs{
				SecurityContext: &corev1.PodSecurityContextArgs{RunAsNonRoot: pulumi.Bool(true)},
				Containers: corev1.ContainerArray{corev1.ContainerArgs{
					Name: pulumi.String("web"), Image: pulumi.String(image),
					Resources: &corev1.ResourceRequirementsArgs{
						Requests: pulumi.StringMap{"cpu": pulumi.String("100m"), "memory": pulumi.String("64Mi")},
						Limits:   pulumi.StringMap{"cpu": pulumi.String("1"), "memory": pulumi.String("64Mi")},
					},
					SecurityContext: &corev1.SecurityContextArgs{Privileged: pulumi.Bool(privileged), AllowPrivilegeEscalation: pulumi.Bool(false)},
				}},
			}}},
		})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: stack})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), stack+".json")
	if err := p.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckExitCodes(t *testing.T) {
	dir := t.TempDir()
	for _, s := range []string{"dev", "prod"} {
		if err := os.WriteFile(filepath.Join(dir, "Pulumi."+s+".yaml"), []byte("config:\n  aws:region: us-east-1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	config := filepath.Join("..", "..", "policies", "config.yaml")
	good := "harbor.example.com/shop/web:1.0.0"
	cases := []struct {
		name     string
		args     []string
		code     int
		stdout   []string
		stderr   string
		sarifIDs []string
	}{
		{name: "clean prod plan", args: []string{"--plan", writeWorkloadPlan(t, "prod", good, false)}, code: exitOK,
			stdout: []string{"stack prod: 0 violation(s), 0 mandatory"}},
		{name: "privileged container blocks prod", args: []string{"--plan", writeWorkloadPlan(t, "prod", good, true)}, code: exitChanges,
			stdout: []string{"MANDATORY K8S004 spec.template.spec.containers[0].securityContext.privileged", "fix: "}, sarifIDs: []string{"K8S004"}},
		{name: "latest tag is advisory in dev", args: []string{"--plan", writeWorkloadPlan(t, "dev", "harbor.example.com/shop/web:latest", false)}, code: exitOK,
			stdout: []string{"ADVISORY  K8S001", "1 violation(s), 0 mandatory, 1 advisory"}, sarifIDs: []string{"K8S001"}},
		{name: "Docker Hub image blocks prod", args: []string{"--plan", writeWorkloadPlan(t, "prod", "nginx:1.27", false)}, code: exitChanges,
			stdout: []string{"MANDATORY K8S008"}},
		{name: "plan and stack together", args: []string{"--plan", "x.json", "--stack", "prod"}, code: exitFailure, stderr: "drop --stack"},
		{name: "unknown flag", args: []string{"--stacks", "dev"}, code: exitFailure, stderr: "unknown flag: --stacks"},
		{name: "missing plan file", args: []string{"--plan", filepath.Join(dir, "none.json")}, code: exitFailure, stderr: "none.json"},
		{name: "bad policy config", args: []string{"--plan", writeWorkloadPlan(t, "prod", good, false), "--config", filepath.Join(dir, "Pulumi.dev.yaml")},
			code: exitFailure, stderr: "field config not found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"check", "--dir", dir}, c.args...)
			if !containsArg(args, "--config") {
				args = append(args, "--config", config)
			}
			sarif := filepath.Join(t.TempDir(), "out.sarif")
			if c.sarifIDs != nil {
				args = append(args, "--sarif", sarif)
			}
			code, stdout, stderr := runCLI(t, args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, stdout, stderr)
			}
			for _, w := range c.stdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			if !strings.Contains(stderr, c.stderr) {
				t.Errorf("stderr lacks %q:\n%s", c.stderr, stderr)
			}
			if c.sarifIDs == nil {
				return
			}
			data, err := os.ReadFile(sarif)
			if err != nil {
				t.Fatal(err)
			}
			var log struct {
				Version string `json:"version"`
				Runs    []struct {
					Results []struct {
						RuleID string `json:"ruleId"`
					} `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal(data, &log); err != nil {
				t.Fatalf("SARIF is not JSON: %v", err)
			}
			var ids []string
			for _, r := range log.Runs[0].Results {
				ids = append(ids, r.RuleID)
			}
			if log.Version != "2.1.0" || strings.Join(ids, ",") != strings.Join(c.sarifIDs, ",") {
				t.Errorf("SARIF version %q results %v, want 2.1.0 and %v", log.Version, ids, c.sarifIDs)
			}
		})
	}
}

func containsArg(args []string, a string) bool {
	for _, x := range args {
		if x == a {
			return true
		}
	}
	return false
}
