//go:build engine

package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"gopkg.in/yaml.v3"

	"github.com/fleetform/fleetform/components/platform"
)

// BenchmarkPlanVsPreview measures `fleetplan plan` against the real engine's
// `pulumi preview` of the same stack file, on the same machine in one run, and
// reports preview time over plan time. The stacks are never deployed: a preview
// of a new stack is what a reviewer's pipeline runs on a pull request.
func BenchmarkPlanVsPreview(b *testing.B) {
	for _, bc := range []struct {
		name, stack string
		write       func(dir string) error
	}{
		{"engine-stack", "benchengine", func(dir string) error {
			if err := env.writeStackFile(dir, nil); err != nil {
				return err
			}
			return os.Rename(filepath.Join(dir, "Pulumi."+stackName+".yaml"), filepath.Join(dir, "Pulumi.benchengine.yaml"))
		}},
		{"generated-1k", "bench1k", func(dir string) error { return writeGeneratedStack(dir, "bench1k", 36) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			dir := b.TempDir()
			if err := bc.write(dir); err != nil {
				b.Fatal(err)
			}
			if bc.stack != "benchengine" {
				data, err := os.ReadFile(filepath.Join(dir, "Pulumi."+bc.stack+".yaml"))
				if err != nil {
					b.Fatal(err)
				}
				missing, err := unnamedAddons(data)
				if err != nil {
					b.Fatal(err)
				}
				if len(missing) > 0 {
					b.Fatalf("the generated stack leaves %s to their defaults: name each (enabled: false, or on with a loopback chart)", strings.Join(missing, ", "))
				}
			}
			run, err := env.openStack(ctx, dir, bc.stack)
			if err != nil {
				b.Fatal(err)
			}
			if err := setBenchSecrets(ctx, run); err != nil {
				b.Fatal(err)
			}
			var planTime, previewTime time.Duration
			resources := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				p, err := env.planStack(ctx, dir, bc.stack, fmt.Sprintf("%s-%d", bc.stack, i))
				if err != nil {
					b.Fatal(err)
				}
				planTime += time.Since(start)
				if resources == 0 {
					resources = len(planURNs(b, p))
				}
				start = time.Now()
				if _, err := run.stack.Preview(ctx, optpreview.SuppressProgress(), optpreview.Color("never")); err != nil {
					b.Fatalf("pulumi preview: %v", err)
				}
				previewTime += time.Since(start)
			}
			b.StopTimer()
			n := float64(b.N)
			b.ReportMetric(float64(resources), "resources")
			b.ReportMetric(planTime.Seconds()/n, "plan-s/op")
			b.ReportMetric(previewTime.Seconds()/n, "preview-s/op")
			b.ReportMetric(previewTime.Seconds()/planTime.Seconds(), "preview/plan")
		})
	}
}

// setBenchSecrets sets every secret the test stack names, so its copy passes
// validation; the generated stack names none.
func setBenchSecrets(ctx context.Context, run *engineRun) error {
	for _, k := range secretKeys {
		v := fmt.Sprintf("bench%011d", len(k)) // 16 characters, as Harbor's key must be
		if k == "alertWebhookUrl" {
			v = "https://hooks.engine.test/bench"
		}
		if err := run.stack.SetConfig(ctx, "fleetform:"+k, auto.ConfigValue{Value: v, Secret: true}); err != nil {
			return err
		}
	}
	return nil
}

// writeGeneratedStack writes Pulumi.yaml and a stack of envs environments on the
// test cluster with two releases each (a canary and a blue-green), and every
// addon off but Argo Rollouts, whose chart comes from the loopback repository.
// Every addon is named, on or off, so none falls back to a default that reaches
// for a public chart repository; unnamedAddons fails the benchmark when a new
// addon joins unnamed.
func writeGeneratedStack(dir, stack string, envs int) error {
	var b strings.Builder
	b.WriteString(`config:
  fleetform:clusters:
    - name: bench
      cloud: existing
      environment: dev
      kubeconfig: {context: fleetform-test, storageClass: standard}
  fleetform:platform:
    ingress: {enabled: false}
    rollouts:
      enabled: true
      chart: {repository: ` + env.charts.URL() + `}
      gatewayPlugin: {enabled: false}
    monitoring: {enabled: false}
    logging: {enabled: false}
    harbor: {trivy: {enabled: false}}
    vpa: {enabled: false}
    externalSecrets: {enabled: false}
    tracing: {enabled: false}
    backups: {enabled: false}
    dns:
      certManager: {enabled: false}
      externalDNS: {enabled: false}
    runtimeSecurity: {enabled: false}
    chaos: {enabled: false}
    dnsAutoscaler: {enabled: false}
  fleetform:environments:
`)
	for i := 0; i < envs; i++ {
		fmt.Fprintf(&b, `    - name: team%02d
      cluster: bench
      team: team%02d
      quota: {requestsCpu: "4", requestsMemory: 8Gi, limitsCpu: "8", limitsMemory: 16Gi, pods: 40, services: 20, persistentVolumeClaims: 4, requestsStorage: 10Gi}
      limits: {defaultRequestCpu: 50m, defaultRequestMemory: 64Mi, defaultCpu: 200m, defaultMemory: 256Mi, maxCpu: "1", maxMemory: 1Gi}
      access:
        - {group: team%02d-developers, role: edit}
`, i, i, i)
	}
	b.WriteString("  fleetform:releases:\n")
	for _, app := range []string{"web", "api"} {
		fmt.Fprintf(&b, `    - name: %s
      image: registry.engine.test/bench/%s:1.0.0
      replicas: 2
      ports: [{name: http, containerPort: 8080}]
      resources: {requestsCpu: 50m, requestsMemory: 64Mi, limitsCpu: 200m, limitsMemory: 128Mi}
      runAsUser: 10001
      autoscaling: {minReplicas: 2, maxReplicas: 4, targetCpuPercent: 70}
      strategy:
`, app, app)
		if app == "web" {
			b.WriteString("        canary: {steps: [{setWeight: 50}, {pause: {duration: 5s}}]}\n")
		} else {
			b.WriteString("        blueGreen: {scaleDownDelaySeconds: 5}\n")
		}
		b.WriteString("      environments:\n")
		for i := 0; i < envs; i++ {
			fmt.Fprintf(&b, "        team%02d: {}\n", i)
		}
	}
	return writeStack(env.root, dir, stack, b.String(), nil)
}

// unnamedAddons lists the addons (every section of fleetform:platform with an
// `enabled` switch, at any depth) that a stack file leaves to their defaults, by
// their path ("dns.certManager"). A section switched off is not looked into.
func unnamedAddons(stackFile []byte) ([]string, error) {
	var doc struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(stackFile, &doc); err != nil {
		return nil, err
	}
	given, _ := doc.Config["fleetform:platform"].(map[string]any)
	var missing []string
	var walk func(t reflect.Type, given map[string]any, path string)
	walk = func(t reflect.Type, given map[string]any, path string) {
		if f, ok := t.FieldByName("Enabled"); ok && f.Type.Kind() == reflect.Pointer && path != "" {
			on, named := given["enabled"]
			if !named {
				missing = append(missing, path)
			}
			if on == false {
				return
			}
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if f.Type.Kind() != reflect.Struct || name == "" || name == "-" {
				continue
			}
			sub, _ := given[name].(map[string]any)
			walk(f.Type, sub, strings.TrimPrefix(path+"."+name, "."))
		}
	}
	walk(reflect.TypeOf(platform.Spec{}), given, "")
	return missing, nil
}
