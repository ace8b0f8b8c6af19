//go:build engine

package engine

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/environments"
	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/stacks"
	"github.com/fleetform/fleetform/tests/controlplane"
)

// Images of the promotions the test makes.
const (
	storefrontV1 = "registry.engine.test/shop/storefront:1.0.0"
	storefrontV2 = "registry.engine.test/shop/storefront:1.1.0"
	storefrontV3 = "registry.engine.test/shop/storefront:1.2.0"
	billingV1    = "registry.engine.test/finance/billing:3.0.0"
	billingV2    = "registry.engine.test/finance/billing:3.1.0"
	// appNamespace is where the releases run.
	appNamespace = "qa"
	// rolloutTimeout bounds each promotion (a few tens of seconds seen here).
	rolloutTimeout = 3 * time.Minute
)

// secretKeys are the stack's secret config keys; each gets a unique marker.
var secretKeys = []string{"grafanaAdminPassword", "alertWebhookUrl", "harborAdminPassword", "harborSecretKey", "harborDatabasePassword", "harborPullToken", "storefrontApiKey"}

// TestLifecycle walks the stack through its life on the real engine. The steps
// share state and run in order; after a failed step the rest are skipped.
func TestLifecycle(t *testing.T) {
	t.Parallel() // the shared control plane is its own: TestFaults and TestLayers start theirs
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	defer cancel()
	run, err := env.newEngineRun(ctx, env.work)
	if err != nil {
		t.Fatal(err)
	}
	markers := map[string]string{}
	for _, k := range secretKeys {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		// 16 characters: Harbor's secret key must be exactly that long.
		m := hex.EncodeToString(b)
		if k == "alertWebhookUrl" {
			m = "https://hooks.engine.test/" + m
		}
		markers[k] = m
		if err := run.stack.SetConfig(ctx, stacks.Project+":"+k, auto.ConfigValue{Value: m, Secret: true}); err != nil {
			t.Fatalf("setting secret %s: %v", k, err)
		}
	}
	var plans []string // every plan file written, for the secrets check
	var controller <-chan error
	failed := false
	step := func(name string, f func(t *testing.T)) {
		if failed {
			t.Run(name, func(t *testing.T) { t.Skip("an earlier step failed") })
			return
		}
		if !t.Run(name, f) {
			failed = true
		}
	}

	step("UpMatchesOfflinePlan", func(t *testing.T) {
		p, err := env.plan(ctx, env.work, "initial")
		if err != nil {
			t.Fatal(err)
		}
		plans = append(plans, p)
		// The Rollouts controller starts once the chart has installed its CRDs,
		// during this up: the Services of the releases wait for the pods it makes.
		controller = env.startRolloutsControllerWithCRDs(ctx)
		start := time.Now()
		ch := run.up(ctx, t)
		t.Logf("first up: %v in %s", ch, time.Since(start).Round(time.Second))
		want := planURNs(t, p)
		got := map[string]bool{}
		for _, r := range run.export(ctx, t).Resources {
			got[r.URN] = true
		}
		missing, extra, children := compareURNs(want, got)
		if len(missing)+len(extra) > 0 {
			t.Fatalf("the engine's state and the offline plan differ:\nplanned, not created:\n%s\ncreated, not planned:\n%s", joinLines(missing), joinLines(extra))
		}
		if children == 0 {
			t.Fatal("the gateway CRDs' chart registered no CRD")
		}
		t.Logf("%d URNs, the same in the state and the plan, and the %d CRDs of the gateway-crds-helm chart", len(got)-children, children)
	})

	step("HelmReleasesFromTheLoopbackRepository", func(t *testing.T) {
		fetched := env.charts.Fetched()
		exp := run.export(ctx, t)
		n := 0
		for _, r := range exp.Resources {
			if r.Type != "kubernetes:helm.sh/v3:Release" {
				continue
			}
			n++
			chart, _ := r.Outputs["chart"].(string)
			version, _ := r.Outputs["version"].(string)
			status, _ := r.Outputs["status"].(map[string]any)
			if s, _ := status["status"].(string); s != "deployed" {
				t.Errorf("%s: helm status %q, want deployed", r.URN, s)
			}
			if fetched[chart+"-"+version+".tgz"] == 0 {
				t.Errorf("%s: %s %s was never fetched from the loopback repository (fetched: %v)", r.URN, chart, version, fetched)
			}
			name, _ := status["name"].(string)
			ns, _ := status["namespace"].(string)
			var marker object
			found, err := getObject("v1", "ConfigMap", ns, name+"-test-chart", &marker)
			if err != nil || !found {
				t.Errorf("%s: the test chart's marker ConfigMap %s/%s-test-chart: found=%v %v", r.URN, ns, name, found, err)
				continue
			}
			if marker.Data["chart"] != chart || marker.Data["version"] != version {
				t.Errorf("%s: installed %s %s, want %s %s", r.URN, marker.Data["chart"], marker.Data["version"], chart, version)
			}
		}
		if n == 0 {
			t.Fatal("the stack has no Helm releases")
		}
		// The raw values override turned the admission webhooks off: none exists,
		// and Ingresses and ServiceMonitors were accepted (the up succeeded).
		for _, w := range listObjects(t, "admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "") {
			t.Errorf("%s exists: the stack's values override should have turned it off", w)
		}
		t.Logf("%d Helm releases installed from %s", n, env.charts.URL())
	})

	step("RolloutsHealthyUnderTheController", func(t *testing.T) {
		select {
		case err := <-controller:
			if err != nil {
				t.Fatalf("starting the Rollouts controller: %v", err)
			}
		case <-time.After(time.Minute):
			t.Fatal("the Rollouts CRD never became established")
		}
		for _, name := range []string{"storefront", "billing"} {
			waitRollout(t, name, "Healthy", func(s rolloutStatus) bool { return s.Phase == "Healthy" })
		}
	})

	step("MeshObjectsOnIstiosCRDs", func(t *testing.T) {
		// platform.mesh: each environment's PeerAuthentication went through the real
		// engine to Istio's real CRD (istio.io/api), qa relaxed to permissive, stage strict.
		for ns, want := range map[string]string{"qa": "PERMISSIVE", "stage": "STRICT"} {
			var pa object
			found, err := getObject("security.istio.io/v1", "PeerAuthentication", ns, environments.PeerAuthenticationName, &pa)
			if err != nil || !found {
				t.Fatalf("PeerAuthentication %s/%s: found=%v %v", ns, environments.PeerAuthenticationName, found, err)
			}
			if mtls, _ := pa.Spec["mtls"].(map[string]any); mtls["mode"] != want {
				t.Errorf("%s: mTLS mode %v, want %s", ns, mtls["mode"], want)
			}
			var nsObj, np object
			if _, err := getObject("v1", "Namespace", "", ns, &nsObj); err != nil || nsObj.Metadata.Labels[gateway.LabelInjection] != gateway.InjectionEnabled {
				t.Errorf("namespace %s labels %v (%v), want %s=%s", ns, nsObj.Metadata.Labels, err, gateway.LabelInjection, gateway.InjectionEnabled)
			}
			if found, err := getObject("networking.k8s.io/v1", "NetworkPolicy", ns, environments.PolicyIstiod, &np); err != nil || !found {
				t.Errorf("NetworkPolicy %s/%s: found=%v %v", ns, environments.PolicyIstiod, found, err)
			}
		}
		// Prometheus scrapes the sidecar agent's merged endpoint, and the pods say where
		// the app's own metrics are.
		var svc struct {
			Spec struct {
				Ports []struct {
					Name string `json:"name"`
					Port int    `json:"port"`
				} `json:"ports"`
			} `json:"spec"`
		}
		if found, err := getObject("v1", "Service", appNamespace, "storefront-metrics", &svc); err != nil || !found {
			t.Fatalf("Service %s/storefront-metrics: found=%v %v", appNamespace, found, err)
		}
		if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != gateway.MergedMetricsPort {
			t.Errorf("storefront-metrics ports %+v, want only %d", svc.Spec.Ports, gateway.MergedMetricsPort)
		}
		var ro struct {
			Spec struct {
				Template struct {
					Metadata struct {
						Annotations map[string]string `json:"annotations"`
					} `json:"metadata"`
				} `json:"template"`
			} `json:"spec"`
		}
		if _, err := getObject("argoproj.io/v1alpha1", "Rollout", appNamespace, "storefront", &ro); err != nil || ro.Spec.Template.Metadata.Annotations["prometheus.io/port"] != "8080" {
			t.Errorf("storefront's pod annotations %v (%v), want prometheus.io/port 8080", ro.Spec.Template.Metadata.Annotations, err)
		}
	})

	step("SecondUpChangesNothing", func(t *testing.T) {
		ch := run.up(ctx, t)
		for op, n := range ch {
			if op != string(apitype.OpSame) && n > 0 {
				t.Errorf("second up: %d %s, want only same (all: %v)", n, op, ch)
			}
		}
		run.refreshNoChanges(ctx, t)
	})

	step("SecretsReachTheirSecretsAndNothingElse", func(t *testing.T) {
		values := secretValues(t)
		for _, k := range secretKeys {
			var in []string
			for name, v := range values {
				if strings.Contains(v, markers[k]) {
					in = append(in, name)
				}
			}
			if len(in) == 0 {
				t.Errorf("secret %s reached no Kubernetes Secret", k)
			} else {
				t.Logf("secret %s is in %v", k, in)
			}
		}
		exp := run.export(ctx, t)
		haystacks := map[string][]byte{"stack export": exp.Raw, "engine output": run.output.Bytes()}
		for p, b := range readTree(t, env.backend) {
			haystacks[p] = b
		}
		for p, b := range readTree(t, env.work) {
			haystacks[p] = b
		}
		for _, p := range plans {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			haystacks[p] = b
		}
		for _, k := range secretKeys {
			for where, b := range haystacks {
				if n := bytes.Count(b, []byte(markers[k])); n > 0 {
					t.Errorf("secret %s appears %d times in %s", k, n, where)
				}
			}
			for _, r := range exp.Resources {
				if b, _ := json.Marshal(r.Outputs); bytes.Contains(b, []byte(markers[k])) {
					t.Errorf("secret %s is in plain text in the outputs of %s", k, r.URN)
				}
			}
		}
		t.Logf("%d secrets checked in %d files and streams", len(secretKeys), len(haystacks))
	})

	// The promotion every later step starts from: storefront 1.0.0 → 1.1.0.
	promoted := map[string]string{"image: " + storefrontV1: "image: " + storefrontV2}

	step("PromotionPreviewsAsTheOfflineDiff", func(t *testing.T) {
		before, err := env.plan(ctx, env.work, "before-promotion")
		if err != nil {
			t.Fatal(err)
		}
		if err := env.writeStackFile(env.work, promoted); err != nil {
			t.Fatal(err)
		}
		after, err := env.plan(ctx, env.work, "after-promotion")
		if err != nil {
			t.Fatal(err)
		}
		plans = append(plans, before, after)
		want := offlineChanges(t, before, after)
		got := run.preview(ctx, t)
		if len(want) == 0 {
			t.Fatal("the offline diff shows no change for the promotion")
		}
		for _, u := range slices.Sorted(maps.Keys(want)) {
			s, ok := got[u]
			if !ok {
				t.Errorf("%s: in the offline diff (%s), not in the preview", u, strings.Join(want[u], ", "))
				continue
			}
			if s.Op != apitype.OpUpdate {
				t.Errorf("%s: preview op %s, want update", u, s.Op)
			}
			if w, g := strings.Join(want[u], ", "), strings.Join(enginePaths(s), ", "); w != g {
				t.Errorf("%s: changed properties differ\noffline diff: %s\npreview:      %s", u, w, g)
			}
		}
		for _, u := range slices.Sorted(maps.Keys(got)) {
			if _, ok := want[u]; !ok {
				t.Errorf("%s: %s in the preview (%s), not in the offline diff", u, got[u].Op, strings.Join(enginePaths(got[u]), ", "))
			}
		}
		t.Logf("%d change(s), the same in the preview and the offline diff", len(want))
	})

	step("CanaryWalksItsStepsWithPassingAnalysis", func(t *testing.T) {
		env.prometheus.SetRate(1)
		before := getRollout(t, "storefront")
		asked := len(env.prometheus.Queries())
		vs := watchVirtualService(t, "qa", "storefront")
		rw := startRolloutWatch(t, "storefront", before.StableRS, func(s rolloutStatus) bool {
			return s.Phase == "Healthy" && s.StableRS == s.CurrentPodHash && s.StableRS != before.StableRS
		})
		run.up(ctx, t)
		seen := rw.wait(t)
		// The controller moved the traffic itself, through Istio's VirtualService:
		// stable/canary 75/25 and 50/50, then all back on the new stable.
		weights := vs.stop()
		for _, want := range []string{"75/25", "50/50"} {
			if !weights[want] {
				t.Errorf("the VirtualService never routed stable/canary %s; it routed %v", want, weights)
			}
		}
		// The controller writes the last split just after it reports Healthy.
		if got := waitVirtualService(t, "qa", "storefront", "100/0"); got != "100/0" {
			t.Errorf("the VirtualService routes stable/canary %s after the promotion (last seen while watching: %s), want 100/0", got, vs.last())
		}
		// setWeight 25, pause 5s, analysis, setWeight 50, pause 5s.
		for _, want := range []string{"step 1 weight 25", "paused", "analysis Running", "analysis Successful", "step 4 weight 50", "Healthy"} {
			if !seen.has(want) {
				t.Errorf("the canary never showed %q; it showed:\n%s", want, seen)
			}
		}
		// The steps came in order, and the canary reached full weight only after
		// the last setWeight step.
		if err := seen.inOrder("step 1 weight 25", "step 4 weight 50"); err != nil {
			t.Errorf("%v; it showed:\n%s", err, seen)
		}
		if full, last := seen.index("weight 100"), seen.index("step 4 weight 50"); full >= 0 && full < last {
			t.Errorf("full weight before step 4 (weight 50); it showed:\n%s", seen)
		}
		qs := env.prometheus.Queries()[asked:]
		if len(qs) == 0 {
			t.Fatal("the analysis asked Prometheus nothing")
		}
		for _, q := range qs {
			if !strings.HasPrefix(q.Host, "kube-prometheus-stack-prometheus.monitoring.svc") || !strings.Contains(q.Query, "storefront") {
				t.Errorf("query %s: want the in-cluster Prometheus address and the storefront ingress", q)
			}
		}
		t.Logf("the canary showed:\n%s", seen)
	})

	step("CanaryAbortsOnFailingAnalysis", func(t *testing.T) {
		env.prometheus.SetRate(0.5)
		defer env.prometheus.SetRate(1)
		stable := getRollout(t, "storefront").StableRS
		if err := env.writeStackFile(env.work, map[string]string{"image: " + storefrontV1: "image: " + storefrontV3}); err != nil {
			t.Fatal(err)
		}
		rw := startRolloutWatch(t, "storefront", stable, func(s rolloutStatus) bool { return s.Abort && s.Phase == "Degraded" })
		run.up(ctx, t)
		seen := rw.wait(t)
		if !seen.has("analysis Failed") {
			t.Errorf("no failed analysis; the canary showed:\n%s", seen)
		}
		s := getRollout(t, "storefront")
		if s.StableRS != stable {
			t.Errorf("stable ReplicaSet %s after the abort, want %s unchanged", s.StableRS, stable)
		}
		waitRollout(t, "storefront", "canary weight back to 0", func(s rolloutStatus) bool {
			return s.Canary.Weights == nil || s.Canary.Weights.Canary.Weight == 0
		})
		if w := waitVirtualService(t, "qa", "storefront", "100/0"); w != "100/0" {
			t.Errorf("the VirtualService routes stable/canary %s after the abort, want 100/0", w)
		}
		// The fix is a revert in the stack file: the Rollout returns to Healthy on
		// the stable ReplicaSet without new pods.
		if err := env.writeStackFile(env.work, promoted); err != nil {
			t.Fatal(err)
		}
		run.up(ctx, t)
		waitRollout(t, "storefront", "Healthy on the stable ReplicaSet", func(s rolloutStatus) bool {
			return s.Phase == "Healthy" && s.StableRS == stable && s.CurrentPodHash == stable
		})
	})

	step("BlueGreenPromotesAfterPrePromotionAnalysis", func(t *testing.T) {
		env.prometheus.SetRate(1)
		before := getRollout(t, "billing")
		if err := env.writeStackFile(env.work, map[string]string{
			"image: " + storefrontV1: "image: " + storefrontV2,
			"image: " + billingV1:    "image: " + billingV2,
		}); err != nil {
			t.Fatal(err)
		}
		rw := startRolloutWatch(t, "billing", before.CurrentPodHash, func(s rolloutStatus) bool {
			return s.Phase == "Healthy" && s.BlueGreen.ActiveSelector == s.CurrentPodHash && s.CurrentPodHash != before.CurrentPodHash
		})
		run.up(ctx, t)
		seen := rw.wait(t)
		for _, want := range []string{"preview " + "new", "analysis Successful", "active new"} {
			if !seen.has(want) {
				t.Errorf("the blue-green rollout never showed %q; it showed:\n%s", want, seen)
			}
		}
		// The old ReplicaSet is scaled down after scaleDownDelaySeconds.
		eventually(t, time.Minute, "old ReplicaSet scaled down", func() (bool, string) {
			for _, rs := range listObjects(t, "apps/v1", "ReplicaSet", appNamespace) {
				if rs.Metadata.Labels["rollouts-pod-template-hash"] == before.CurrentPodHash {
					r, _ := rs.Spec["replicas"].(float64)
					return r == 0, fmt.Sprintf("old ReplicaSet %s has %v replicas", rs.Metadata.Name, r)
				}
			}
			return true, ""
		})
		t.Logf("the blue-green rollout showed:\n%s", seen)
	})

	step("DestroyLeavesNothing", func(t *testing.T) {
		exp := run.export(ctx, t)
		var objs []object
		for _, r := range exp.Resources {
			if !r.Custom || !strings.HasPrefix(r.Type, "kubernetes:") || r.Type == "kubernetes:helm.sh/v3:Release" {
				continue
			}
			var o object
			o.APIVersion, _ = r.Outputs["apiVersion"].(string)
			o.Kind, _ = r.Outputs["kind"].(string)
			md, _ := r.Outputs["metadata"].(map[string]any)
			o.Metadata.Name, _ = md["name"].(string)
			o.Metadata.Namespace, _ = md["namespace"].(string)
			if o.APIVersion == "" || o.Kind == "" || o.Metadata.Name == "" {
				t.Errorf("%s in the state has no apiVersion, kind or name in its outputs", r.URN)
				continue
			}
			objs = append(objs, o)
		}
		if len(objs) == 0 {
			t.Fatal("the state holds no Kubernetes objects to check after the destroy")
		}
		before := namespaces(t)
		start := time.Now()
		ch := run.destroy(ctx, t)
		t.Logf("destroy: %v in %s", ch, time.Since(start).Round(time.Second))
		kept := 0
		for _, o := range objs {
			var live object
			found, err := getObject(o.APIVersion, o.Kind, o.Metadata.Namespace, o.Metadata.Name, &live)
			switch {
			case err != nil:
				t.Errorf("%s: %v", o, err)
			case o.Kind == "CustomResourceDefinition":
				// The gateway CRDs' chart retains them (helmrelease.NewCRDChart): a
				// removed or renamed edge must not delete every Gateway and route.
				if !found || live.Metadata.DeletionTimestamp != "" {
					t.Errorf("%s: gone after destroy; the chart should retain it", o)
				}
				kept++
			case found:
				t.Errorf("%s is still there (deletionTimestamp %q)", o, live.Metadata.DeletionTimestamp)
			}
		}
		if kept == 0 {
			t.Error("no CRD of the gateway CRDs' chart was in the state")
		}
		after := namespaces(t)
		for ns := range after {
			if !systemNamespaces[ns] {
				t.Errorf("namespace %s is still there", ns)
			}
		}
		// What the charts rendered (not in the state) is gone too; Helm keeps
		// only the CRDs of charts' crds/ folders, by design.
		for _, ic := range listObjects(t, "networking.k8s.io/v1", "IngressClass", "") {
			t.Errorf("%s, rendered by a chart, is still there", ic)
		}
		t.Logf("%d objects and %d namespaces gone, %d CRDs kept", len(objs)-kept, len(before)-len(after), kept)
	})
}

// systemNamespaces are the namespaces the control plane makes.
var systemNamespaces = map[string]bool{"default": true, "kube-system": true, "kube-public": true, "kube-node-lease": true}

func namespaces(t *testing.T) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, ns := range listObjects(t, "v1", "Namespace", "") {
		out[ns.Metadata.Name] = true
	}
	return out
}

// planURNs returns the URNs of a plan file.
func planURNs(t testing.TB, path string) map[string]bool {
	t.Helper()
	p, err := plan.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, r := range p.Resources {
		out[r.URN] = true
	}
	return out
}

// offlineChanges returns the resources the offline diff of two plans shows as
// changed (added, removed or updated), with the top-level input keys that
// changed, as the engine's step diffs name them.
func offlineChanges(t *testing.T, before, after string) map[string][]string {
	t.Helper()
	a, err := plan.ReadFile(before)
	if err != nil {
		t.Fatal(err)
	}
	b, err := plan.ReadFile(after)
	if err != nil {
		t.Fatal(err)
	}
	d := plan.Compare(a, b)
	out := map[string][]string{}
	for _, r := range append(d.Added, d.Removed...) {
		out[r.URN] = nil
	}
	for _, c := range d.Changed {
		if !c.New.Custom {
			continue // the engine never diffs components
		}
		set := map[string]bool{}
		for _, p := range c.Properties {
			set[normalizePath(p.Path)] = true
		}
		out[c.New.URN] = slices.Sorted(maps.Keys(set))
	}
	return out
}

// enginePaths are the property paths a preview step changes.
func enginePaths(s apitype.StepEventMetadata) []string {
	set := map[string]bool{}
	for p := range s.DetailedDiff {
		set[normalizePath(p)] = true
	}
	if len(set) == 0 {
		for _, p := range s.Diffs {
			set[p] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// normalizePath writes a property path as the engine's detailed diff does.
func normalizePath(p string) string {
	return strings.TrimPrefix(p, ".")
}

// rolloutStatus is the part of a Rollout's status the tests read.
type rolloutStatus struct {
	Phase            string `json:"phase"`
	Message          string `json:"message"`
	CurrentStepIndex *int   `json:"currentStepIndex"`
	StableRS         string `json:"stableRS"`
	CurrentPodHash   string `json:"currentPodHash"`
	Abort            bool   `json:"abort"`
	PauseConditions  []struct {
		Reason string `json:"reason"`
	} `json:"pauseConditions"`
	BlueGreen struct {
		ActiveSelector  string `json:"activeSelector"`
		PreviewSelector string `json:"previewSelector"`
	} `json:"blueGreen"`
	Canary struct {
		CurrentStepAnalysisRunStatus *struct {
			Name   string `json:"name"`
			Status string `json:"status"`
		} `json:"currentStepAnalysisRunStatus"`
		Weights *struct {
			Canary struct {
				Weight int `json:"weight"`
			} `json:"canary"`
		} `json:"weights"`
	} `json:"canary"`
}

func getRollout(t *testing.T, name string) rolloutStatus {
	t.Helper()
	var r struct{ Status rolloutStatus }
	found, err := getObject("argoproj.io/v1alpha1", "Rollout", appNamespace, name, &r)
	if err != nil || !found {
		t.Fatalf("Rollout %s/%s: found=%v %v", appNamespace, name, found, err)
	}
	return r.Status
}

// waitRollout polls a Rollout until done holds.
func waitRollout(t *testing.T, name, what string, done func(rolloutStatus) bool) {
	t.Helper()
	deadline := time.Now().Add(rolloutTimeout)
	var last rolloutStatus
	for time.Now().Before(deadline) {
		last = getRollout(t, name)
		if done(last) {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("Rollout %s %s: not reached after %s; last state: %s\n%s", name, what, rolloutTimeout, last, rolloutDiagnostics(t, name))
}

// String shows the fields the steps wait on, pointers followed.
func (s rolloutStatus) String() string {
	step, weight, analysis := "-", "-", "-"
	if s.CurrentStepIndex != nil {
		step = fmt.Sprint(*s.CurrentStepIndex)
	}
	if s.Canary.Weights != nil {
		weight = fmt.Sprint(s.Canary.Weights.Canary.Weight)
	}
	if a := s.Canary.CurrentStepAnalysisRunStatus; a != nil {
		analysis = a.Name + " " + a.Status
	}
	return fmt.Sprintf("phase=%s abort=%v step=%s canaryWeight=%s stableRS=%s currentPodHash=%s analysis=%s active=%s preview=%s message=%q",
		s.Phase, s.Abort, step, weight, s.StableRS, s.CurrentPodHash, analysis, s.BlueGreen.ActiveSelector, s.BlueGreen.PreviewSelector, s.Message)
}

// rolloutDiagnostics explains a Rollout that did not get where a step waited:
// its ReplicaSets and pods as the API server has them, and the controller's log
// lines about it. The controller holds back a weight change until the stable
// ReplicaSet is fully available, so the pods are usually the answer.
func rolloutDiagnostics(t *testing.T, name string) string {
	t.Helper()
	var b strings.Builder
	var sets struct {
		Items []struct {
			Metadata struct {
				Name            string                        `json:"name"`
				Labels          map[string]string             `json:"labels"`
				OwnerReferences []struct{ Kind, Name string } `json:"ownerReferences"`
			} `json:"metadata"`
			Spec   struct{ Replicas *int } `json:"spec"`
			Status struct {
				Replicas          int `json:"replicas"`
				ReadyReplicas     int `json:"readyReplicas"`
				AvailableReplicas int `json:"availableReplicas"`
			} `json:"status"`
		}
	}
	if p, err := resourcePath("apps/v1", "ReplicaSet", appNamespace, ""); err == nil && env.cp.Get(p, &sets) == nil {
		for _, rs := range sets.Items {
			for _, o := range rs.Metadata.OwnerReferences {
				if o.Kind == "Rollout" && o.Name == name {
					want := -1
					if rs.Spec.Replicas != nil {
						want = *rs.Spec.Replicas
					}
					fmt.Fprintf(&b, "ReplicaSet %s (hash %s): spec %d, status %d, ready %d, available %d\n", rs.Metadata.Name,
						rs.Metadata.Labels["rollouts-pod-template-hash"], want, rs.Status.Replicas, rs.Status.ReadyReplicas, rs.Status.AvailableReplicas)
				}
			}
		}
	}
	var pods struct {
		Items []struct {
			Metadata struct {
				Name              string            `json:"name"`
				Labels            map[string]string `json:"labels"`
				DeletionTimestamp string            `json:"deletionTimestamp"`
			} `json:"metadata"`
			Spec   struct{ NodeName string } `json:"spec"`
			Status struct {
				Phase      string                          `json:"phase"`
				Conditions []struct{ Type, Status string } `json:"conditions"`
			} `json:"status"`
		}
	}
	if p, err := resourcePath("v1", "Pod", appNamespace, ""); err == nil && env.cp.Get(p, &pods) == nil {
		for _, pod := range pods.Items {
			if !strings.HasPrefix(pod.Metadata.Name, name+"-") {
				continue
			}
			ready := "?"
			for _, c := range pod.Status.Conditions {
				if c.Type == "Ready" {
					ready = c.Status
				}
			}
			fmt.Fprintf(&b, "Pod %s (hash %s) on %q: %s, ready %s, deleting %v\n", pod.Metadata.Name,
				pod.Metadata.Labels["rollouts-pod-template-hash"], pod.Spec.NodeName, pod.Status.Phase, ready, pod.Metadata.DeletionTimestamp != "")
		}
	}
	var nodes struct {
		Items []struct {
			Metadata struct{ Name string } `json:"metadata"`
			Status   struct {
				Conditions []struct{ Type, Status, LastHeartbeatTime string } `json:"conditions"`
			} `json:"status"`
		}
	}
	if env.cp.Get("/api/v1/nodes", &nodes) == nil {
		for _, n := range nodes.Items {
			for _, c := range n.Status.Conditions {
				if c.Type == "Ready" {
					fmt.Fprintf(&b, "Node %s: Ready %s (heartbeat %s)\n", n.Metadata.Name, c.Status, c.LastHeartbeatTime)
				}
			}
		}
	}
	if data, err := os.ReadFile(filepath.Join(env.cp.Dir, "rollouts-controller.log")); err == nil {
		var lines []string
		for _, l := range strings.Split(string(data), "\n") {
			if strings.Contains(l, "rollout="+name) || strings.Contains(l, "rollout: "+name) || strings.Contains(l, appNamespace+"/"+name) {
				lines = append(lines, l)
			}
		}
		if len(lines) > 40 {
			lines = lines[len(lines)-40:]
		}
		fmt.Fprintf(&b, "--- the controller's last %d lines about %s ---\n%s\n", len(lines), name, strings.Join(lines, "\n"))
		// A controller that stopped (a panic, an exit) leaves its last words at the end.
		if len(data) > 1500 {
			data = data[len(data)-1500:]
		}
		fmt.Fprintf(&b, "--- the end of the controller's log ---\n%s\n", data)
	}
	return b.String()
}

// observations are the distinct states a rollout went through, in order.
type observations []string

func (o observations) has(s string) bool { return o.index(s) >= 0 }

// index returns the position of the first state containing s, or -1.
func (o observations) index(s string) int {
	for i, x := range o {
		if strings.Contains(x, s) {
			return i
		}
	}
	return -1
}

// inOrder reports an error unless each of want was seen, each after the one before.
func (o observations) inOrder(want ...string) error {
	prev := -1
	for k, w := range want {
		i := o.index(w)
		switch {
		case i < 0:
			return fmt.Errorf("never showed %q", w)
		case i < prev:
			return fmt.Errorf("showed %q before %q", w, want[k-1])
		}
		prev = i
	}
	return nil
}

func (o observations) String() string { return joinLines(o) }

// rolloutWatch records what a Rollout shows, polled every 200 ms from before the up
// that changes it: the engine can take minutes to return from that up (it waits for
// the Rollout), and a watch started after it would miss the first canary steps.
type rolloutWatch struct {
	name   string
	ended  chan struct{}
	stopCh chan struct{}
	seen   observations
	ok     bool  // done held
	err    error // the last read error, for the report
}

// startRolloutWatch polls Rollout name until done holds, rolloutTimeout passes or the
// test ends. oldHash is the pod hash the watch names "old" in blue-green selectors.
func startRolloutWatch(t *testing.T, name, oldHash string, done func(rolloutStatus) bool) *rolloutWatch {
	w := &rolloutWatch{name: name, ended: make(chan struct{}), stopCh: make(chan struct{})}
	t.Cleanup(func() {
		select {
		case <-w.stopCh:
		default:
			close(w.stopCh)
		}
		<-w.ended
	})
	add := func(s string) {
		if !w.seen.has(s) {
			w.seen = append(w.seen, s)
		}
	}
	go func() {
		defer close(w.ended)
		deadline := time.Now().Add(rolloutTimeout)
		for time.Now().Before(deadline) {
			var r struct{ Status rolloutStatus }
			found, err := getObject("argoproj.io/v1alpha1", "Rollout", appNamespace, name, &r)
			runs, rerr := analysisRunsOf(name)
			switch {
			case err != nil || !found:
				w.err = fmt.Errorf("Rollout %s/%s: found=%v %v", appNamespace, name, found, err)
			case rerr != nil:
				w.err = rerr
			default:
				s := r.Status
				if s.CurrentStepIndex != nil {
					wt := 0
					if s.Canary.Weights != nil {
						wt = s.Canary.Weights.Canary.Weight
					}
					add(fmt.Sprintf("step %d weight %d", *s.CurrentStepIndex, wt))
				}
				if len(s.PauseConditions) > 0 {
					add("paused (" + s.PauseConditions[0].Reason + ")")
				}
				if s.BlueGreen.PreviewSelector != "" {
					add("preview " + relative(s.BlueGreen.PreviewSelector, oldHash))
				}
				if s.BlueGreen.ActiveSelector != "" {
					add("active " + relative(s.BlueGreen.ActiveSelector, oldHash))
				}
				for _, ar := range runs {
					add("analysis " + ar)
				}
				add(s.Phase)
				if done(s) {
					w.ok = true
					return
				}
			}
			select {
			case <-w.stopCh:
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()
	return w
}

// wait blocks until the watch ends and returns what it saw; a watch that ended
// before done held fails the test with what it saw and the controller's view.
func (w *rolloutWatch) wait(t *testing.T) observations {
	t.Helper()
	<-w.ended
	if !w.ok {
		t.Fatalf("Rollout %s did not finish in %s (last read error: %v); it showed:\n%s\n%s", w.name, rolloutTimeout, w.err, w.seen, rolloutDiagnostics(t, w.name))
	}
	return w.seen
}

// relative names a pod hash as old (the starting one) or new.
func relative(hash, old string) string {
	if hash == old {
		return "old"
	}
	return "new"
}

// analysisRuns returns the phases of the Rollout's AnalysisRuns.
func analysisRuns(t *testing.T, rollout string) []string {
	t.Helper()
	out, err := analysisRunsOf(rollout)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// analysisRunsOf is analysisRuns, reporting errors instead of failing (for the
// watch's goroutine).
func analysisRunsOf(rollout string) ([]string, error) {
	var list struct {
		Items []struct {
			Metadata struct {
				OwnerReferences []struct{ Kind, Name string } `json:"ownerReferences"`
			} `json:"metadata"`
			Status struct {
				Phase string `json:"phase"`
			} `json:"status"`
		}
	}
	p, err := resourcePath("argoproj.io/v1alpha1", "AnalysisRun", appNamespace, "")
	if err != nil {
		return nil, err
	}
	if err := env.cp.Get(p, &list); err != nil {
		return nil, err
	}
	var out []string
	for _, it := range list.Items {
		for _, o := range it.Metadata.OwnerReferences {
			if o.Kind == "Rollout" && o.Name == rollout && it.Status.Phase != "" {
				out = append(out, it.Status.Phase)
			}
		}
	}
	return out, nil
}

// startRolloutsControllerWithCRDs starts the controller as soon as the Rollout
// CRD is established, and reports how that went.
func (e *testEnv) startRolloutsControllerWithCRDs(ctx context.Context) <-chan error {
	done := make(chan error, 1)
	go func() {
		for {
			var crd struct {
				Status struct {
					Conditions []struct{ Type, Status string } `json:"conditions"`
				} `json:"status"`
			}
			found, err := getObject("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", "rollouts.argoproj.io", &crd)
			if err != nil {
				done <- err
				return
			}
			for _, c := range crd.Status.Conditions {
				if found && c.Type == "Established" && c.Status == "True" {
					done <- e.startRolloutsController()
					return
				}
			}
			select {
			case <-ctx.Done():
				done <- ctx.Err()
				return
			case <-time.After(500 * time.Millisecond):
			}
		}
	}()
	return done
}

// startRolloutsController runs the real Argo Rollouts controller against the
// control plane. Its HTTP proxy is the Prometheus stand-in, so analysis queries to
// the in-cluster Prometheus address reach it; the API server (loopback, HTTPS) is
// never proxied.
func (e *testEnv) startRolloutsController() error {
	ports, err := controlplane.FreePorts(2)
	if err != nil {
		return err
	}
	return e.cp.Run("rollouts-controller", []string{"HTTP_PROXY=" + e.prometheus.ProxyURL(), "NO_PROXY=127.0.0.1,localhost"},
		e.rolloutsController,
		"--kubeconfig="+e.cp.Kubeconfig,
		"--leader-elect=false",
		fmt.Sprintf("--metricsport=%d", ports[0]),
		fmt.Sprintf("--healthzPort=%d", ports[1]),
		"--loglevel=info",
	)
}

// virtualService is the part of an Istio VirtualService the canary steps move.
type virtualService struct {
	Spec struct {
		HTTP []struct {
			Name  string `json:"name"`
			Route []struct {
				Destination struct {
					Host string `json:"host"`
				} `json:"destination"`
				Weight int `json:"weight"`
			} `json:"route"`
		} `json:"http"`
	} `json:"spec"`
}

// virtualServiceWeights reads a release's VirtualService as "stable/canary" weights.
func virtualServiceWeights(t *testing.T, namespace, name string) string {
	t.Helper()
	var vs virtualService
	found, err := getObject("networking.istio.io/v1", "VirtualService", namespace, name, &vs)
	if err != nil || !found {
		t.Fatalf("VirtualService %s/%s: found %v, %v", namespace, name, found, err)
	}
	return routeWeights(vs)
}

// routeWeights is a VirtualService's split as "stable/canary" (-1: no such destination).
func routeWeights(vs virtualService) string {
	stable, canary := -1, -1
	for _, h := range vs.Spec.HTTP {
		for _, r := range h.Route {
			switch {
			case strings.HasSuffix(r.Destination.Host, "-stable"):
				stable = r.Weight
			case strings.HasSuffix(r.Destination.Host, "-canary"):
				canary = r.Weight
			}
		}
	}
	return fmt.Sprintf("%d/%d", stable, canary)
}

// waitVirtualService polls a release's VirtualService for up to 30 s until it routes
// want ("stable/canary"), and returns the last split it read.
func waitVirtualService(t *testing.T, namespace, name, want string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := virtualServiceWeights(t, namespace, name)
		if got == want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// vsWatch polls a VirtualService's weights until stopped.
type vsWatch struct {
	mu     sync.Mutex
	seen   map[string]bool
	latest string
	done   chan struct{}
	ended  chan struct{}
}

// watchVirtualService records every stable/canary split the VirtualService shows.
func watchVirtualService(t *testing.T, namespace, name string) *vsWatch {
	w := &vsWatch{seen: map[string]bool{}, done: make(chan struct{}), ended: make(chan struct{})}
	go func() {
		defer close(w.ended)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			var vs virtualService
			if found, err := getObject("networking.istio.io/v1", "VirtualService", namespace, name, &vs); err == nil && found {
				split := routeWeights(vs)
				w.mu.Lock()
				w.seen[split], w.latest = true, split
				w.mu.Unlock()
			}
			select {
			case <-w.done:
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

func (w *vsWatch) stop() map[string]bool {
	close(w.done)
	<-w.ended
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.seen
}

func (w *vsWatch) last() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.latest
}
