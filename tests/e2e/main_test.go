//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/fleetform/fleetform/tests/controlplane"
)

// Environment variables that let scripts reuse what they already built.
const (
	// envFleetplan names a built fleetplan binary; by default TestMain builds one.
	envFleetplan = "FLEETPLAN"
	// envRendered names a folder that already holds <stack>/ renders; TestMain
	// then renders nothing (for trying a changed stack file without the program).
	envRendered = "E2E_RENDERED"
)

// stacksUnderTest are rendered and applied to the one server. dev holds the qa and
// e2e namespaces, prod holds stage and prod, so RBAC can be compared across tiers.
var stacksUnderTest = []string{"dev", "prod"}

var (
	srv *server
	// renderedDir holds one rendered folder per stack; renderErrs says why a
	// stack has none (its tests fail with that reason, the others still run).
	renderedDir string
	renderErrs  = map[string]error{}
)

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m *testing.M) int {
	root, err := repoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	bins, err := controlplane.ServerBinaries(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: server binaries:", err)
		return 1
	}
	start := time.Now()
	srv, err = startServer(bins)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: starting the API server:", err)
		return 1
	}
	defer srv.stop()
	fmt.Fprintf(os.Stderr, "e2e: kube-apiserver ready at %s in %s (data in %s)\n", srv.URL, time.Since(start).Round(time.Millisecond), srv.Dir)
	// Stop both servers on Ctrl-C or a kill from CI too.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		srv.stop()
		os.Exit(1)
	}()

	start = time.Now()
	renderedDir = os.Getenv(envRendered)
	if renderedDir == "" {
		renderedDir = filepath.Join(srv.Dir, "rendered")
		renderStacks(root, renderedDir)
	}
	for _, stack := range stacksUnderTest {
		if err := renderErrs[stack]; err != nil {
			fmt.Fprintf(os.Stderr, "e2e: stack %s not rendered: %v\n", stack, err)
		}
	}
	fmt.Fprintf(os.Stderr, "e2e: rendering took %s\n", time.Since(start).Round(time.Millisecond))
	return m.Run()
}

func repoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	root := filepath.Clean(filepath.Join(wd, "..", ".."))
	if _, err := os.Stat(filepath.Join(root, "Pulumi.yaml")); err != nil {
		return "", fmt.Errorf("no Pulumi.yaml in %s", root)
	}
	return root, nil
}

// renderStacks renders each stack under test with the fleetplan binary, so this
// test binary links no cloud SDK. Failures land in renderErrs.
func renderStacks(root, out string) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		for _, stack := range stacksUnderTest {
			renderErrs[stack] = err
		}
		return
	}
	bin := os.Getenv(envFleetplan)
	if bin == "" {
		bin = filepath.Join(filepath.Dir(out), "fleetplan")
		build := exec.Command("go", "build", "-o", bin, "./cmd/fleetplan")
		build.Dir = root
		if b, err := build.CombinedOutput(); err != nil {
			for _, stack := range stacksUnderTest {
				renderErrs[stack] = fmt.Errorf("go build ./cmd/fleetplan: %v\n%s", err, b)
			}
			return
		}
	}
	// Each stack is planned with the earlier stacks' plans answering its stack
	// references (prod's Prometheus hub federates dev), as CI does; then rendered.
	var refs []string
	for _, stack := range stacksUnderTest {
		planFile := filepath.Join(out, stack+".plan.json")
		args := append([]string{"plan", "--quiet", "--stack", stack, "--dir", root, "-o", planFile}, refs...)
		if b, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			renderErrs[stack] = fmt.Errorf("fleetplan %s: %v\n%s", strings.Join(args, " "), err, b)
			continue
		}
		refs = append(refs, "--ref", "organization/fleetform/"+stack+"="+planFile)
		if b, err := exec.Command(bin, "render", "--plan", planFile, "--out", filepath.Join(out, stack)).CombinedOutput(); err != nil {
			renderErrs[stack] = fmt.Errorf("fleetplan render --plan %s: %v\n%s", planFile, err, b)
		}
	}
}

// requireStack fails the test when a stack it needs could not be rendered.
func requireStack(t *testing.T, stack string) {
	t.Helper()
	if err := renderErrs[stack]; err != nil {
		t.Fatalf("stack %s could not be rendered: %v", stack, err)
	}
}

// renderedObject is one rendered file.
type renderedObject struct {
	// Stack and Path (relative to the stack's folder: cluster/namespace/file) locate it.
	Stack, Path string
	Doc         []byte
	Body        map[string]any
}

func (o renderedObject) Kind() string { s, _ := o.Body["kind"].(string); return s }
func (o renderedObject) Name() string { s, _ := path(o.Body, "metadata", "name").(string); return s }
func (o renderedObject) Namespace() string {
	s, _ := path(o.Body, "metadata", "namespace").(string)
	return s
}
func (o renderedObject) String() string { return o.Stack + "/" + o.Path }

// loadRendered reads every rendered object of the stacks that rendered.
func loadRendered(t *testing.T) []renderedObject {
	t.Helper()
	var out []renderedObject
	for _, stack := range stacksUnderTest {
		if renderErrs[stack] != nil {
			continue
		}
		dir := filepath.Join(renderedDir, stack)
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
				return err
			}
			doc, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			var body map[string]any
			if err := yaml.Unmarshal(doc, &body); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			rel, _ := filepath.Rel(dir, p)
			out = append(out, renderedObject{Stack: stack, Path: filepath.ToSlash(rel), Doc: doc, Body: body})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// applyResult is what the server said to one rendered object.
type applyResult struct {
	Object renderedObject
	Err    error
}

var (
	applyOnce    sync.Once
	applyResults []applyResult
	applyErr     error
)

// applyRendered registers the test CRDs, then server-side applies every rendered
// object of every stack under test, once per test binary: namespaces first, then
// other cluster-scoped objects, then namespaced ones. Objects of different clusters
// share the one server; where two clusters render the same object, the later wins.
func applyRendered(t *testing.T) []applyResult {
	t.Helper()
	objs := loadRendered(t)
	applyOnce.Do(func() {
		crdOnce.Do(func() { crdErr = registerTestCRDs() })
		if applyErr = crdErr; applyErr != nil {
			return
		}
		if applyErr = applyFile(filepath.Join("testdata", "preexisting.yaml"), "e2e-cloud"); applyErr != nil {
			return
		}
		rank := func(o renderedObject) int {
			switch {
			case o.Kind() == "Namespace":
				return 0
			case strings.Contains(o.Path, "/_cluster/"):
				return 1
			}
			return 2
		}
		sort.SliceStable(objs, func(i, j int) bool { return rank(objs[i]) < rank(objs[j]) })
		// owner records which stack/cluster last applied an object. An object that
		// another cluster applied first is deleted before this cluster's copy is
		// applied, so that immutable fields (StorageClass parameters, Job
		// templates) of another cluster's copy cannot fail this one.
		owner := map[string]string{}
		for _, o := range objs {
			cluster := o.Stack + "/" + strings.SplitN(o.Path, "/", 2)[0]
			key := fmt.Sprintf("%s/%s/%s/%s", o.Body["apiVersion"], o.Kind(), o.Namespace(), o.Name())
			var err error
			if prev, ok := owner[key]; ok && prev != cluster && o.Kind() != "Namespace" {
				err = srv.deleteE(o.Body)
			}
			if err == nil {
				manager := fieldManager
				if strings.HasSuffix(o.Path, ".patch.yaml") {
					// Pulumi applies each patch resource as a field manager of its own.
					manager = fieldManager + "-patch"
				}
				_, err = srv.applyE(o.Doc, manager)
			}
			owner[key] = cluster
			applyResults = append(applyResults, applyResult{Object: o, Err: err})
		}
		if applyErr = aggregateClusterRoles(); applyErr != nil {
			return
		}
		applyErr = primeQuotas()
	})
	if applyErr != nil {
		t.Fatalf("preparing the server: %v", applyErr)
	}
	return applyResults
}

// applyFile server-side applies every document of a YAML file.
func applyFile(file, manager string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	for _, doc := range bytes.Split(data, []byte("\n---\n")) {
		if _, err := srv.applyE(doc, manager); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	return nil
}

// aggregateClusterRoles does what kube-controller-manager's clusterrole-aggregation
// controller does: it fills each ClusterRole that has an aggregationRule (admin,
// edit, view) with the rules of the ClusterRoles its selectors match, until
// nothing changes. Without it, the built-in edit and view roles grant nothing.
func aggregateClusterRoles() error {
	type clusterRole struct {
		Metadata struct {
			Name   string            `json:"name"`
			Labels map[string]string `json:"labels"`
		} `json:"metadata"`
		AggregationRule *struct {
			ClusterRoleSelectors []struct {
				MatchLabels map[string]string `json:"matchLabels"`
			} `json:"clusterRoleSelectors"`
		} `json:"aggregationRule"`
		Rules []any `json:"rules"`
	}
	for round := 0; round < 5; round++ {
		status, body, err := srv.do("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles", "", nil)
		if err == nil {
			err = asAPIError(status, body)
		}
		if err != nil {
			return fmt.Errorf("listing ClusterRoles: %w", err)
		}
		var list struct{ Items []clusterRole }
		if err := json.Unmarshal(body, &list); err != nil {
			return err
		}
		changed := false
		for _, agg := range list.Items {
			if agg.AggregationRule == nil {
				continue
			}
			var rules []any
			seen := map[string]bool{}
			for _, cr := range list.Items {
				if cr.Metadata.Name == agg.Metadata.Name {
					continue
				}
				for _, sel := range agg.AggregationRule.ClusterRoleSelectors {
					if !matches(sel.MatchLabels, cr.Metadata.Labels) {
						continue
					}
					for _, r := range cr.Rules {
						k, _ := json.Marshal(r)
						if !seen[string(k)] {
							seen[string(k)] = true
							rules = append(rules, r)
						}
					}
				}
			}
			if reflect.DeepEqual(rules, agg.Rules) || (len(rules) == 0 && len(agg.Rules) == 0) {
				continue
			}
			changed = true
			doc, _ := json.Marshal(map[string]any{
				"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
				"metadata": map[string]any{"name": agg.Metadata.Name}, "rules": rules,
			})
			if _, err := srv.applyE(doc, "e2e-clusterrole-aggregation"); err != nil {
				return fmt.Errorf("aggregating ClusterRole %s: %w", agg.Metadata.Name, err)
			}
		}
		if !changed {
			return nil
		}
	}
	return fmt.Errorf("ClusterRole aggregation did not settle")
}

func matches(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// moduleCRDs are the real CRDs the tests register, read from the modules that ship
// them in the module cache like the engine tests' CRDs: Argo Rollouts' Rollout and
// AnalysisTemplate (v1.8.3, the module the engine suite builds the controller from),
// Flux's HelmRelease and HelmRepository for what render writes, the VerticalPodAutoscaler, and External Secrets'
// ClusterSecretStore and ExternalSecret (v0.16.2 is the newest version served here
// whole; its v1 API is the one the pinned 2.9 chart serves), the CSI snapshot
// controller's VolumeSnapshotClass, and Karpenter's NodePool and EC2NodeClass.
var moduleCRDs = []struct {
	module, dir string
	files       []string
	env         []string // added to `go mod download`'s environment
}{
	{"github.com/argoproj/argo-rollouts@v1.8.3", "manifests/crds", []string{
		"rollout-crd.yaml", "analysis-template-crd.yaml", "cluster-analysis-template-crd.yaml"}, nil},
	// Flux's GA HelmRelease (helm-controller v1.4.0 serves helm.toolkit.fluxcd.io/v2)
	// and HelmRepository (source-controller v1.7.0 serves source.toolkit.fluxcd.io/v1).
	{"github.com/fluxcd/helm-controller@v1.4.0", "config/crd/bases", []string{
		"helm.toolkit.fluxcd.io_helmreleases.yaml"}, nil},
	{"github.com/fluxcd/source-controller@v1.7.0", "config/crd/bases", []string{
		"source.toolkit.fluxcd.io_helmrepositories.yaml"}, nil},
	{"k8s.io/autoscaler/vertical-pod-autoscaler@v1.4.0", "deploy", []string{"vpa-v1-crd-gen.yaml"}, nil},
	{"github.com/external-secrets/external-secrets@v0.16.2", "config/crds/bases", []string{
		"external-secrets.io_clustersecretstores.yaml", "external-secrets.io_externalsecrets.yaml"}, nil},
	// The ServiceMonitor, PodMonitor and PrometheusRule (Velero's backup alerts), as
	// prometheus-operator-crds 31.0.1 (operator v0.93.1, kube-prometheus-stack 88) installs them.
	{"github.com/prometheus-operator/prometheus-operator@v0.93.1", "example/prometheus-operator-crd", []string{
		"monitoring.coreos.com_prometheusrules.yaml", "monitoring.coreos.com_podmonitors.yaml",
		"monitoring.coreos.com_servicemonitors.yaml"}, nil},
	// The edges: the Gateway API's standard channel (its go.mod asks for Go 1.27, so it is
	// downloaded with that toolchain, which the module proxy serves), Envoy Gateway's
	// EnvoyProxy and SecurityPolicy as its pinned v1.8.2 charts install them, and
	// Istio's CRDs (VirtualService, Gateway) as its base chart installs them.
	{"sigs.k8s.io/gateway-api@v1.7.0", "config/crd/standard", []string{
		"gateway.networking.k8s.io_gatewayclasses.yaml", "gateway.networking.k8s.io_gateways.yaml",
		"gateway.networking.k8s.io_httproutes.yaml", "gateway.networking.k8s.io_referencegrants.yaml"},
		[]string{"GOTOOLCHAIN=go1.27.0", "GOFLAGS="}},
	{"github.com/envoyproxy/gateway@v1.8.2", "charts/gateway-helm/charts/crds/crds/generated", []string{
		"gateway.envoyproxy.io_envoyproxies.yaml", "gateway.envoyproxy.io_securitypolicies.yaml"}, nil},
	{"istio.io/api@v1.32.0", "kubernetes", []string{"customresourcedefinitions.gen.yaml"}, nil},
	// The VolumeSnapshotClass Velero's CSI snapshots use (the CSI snapshot controller's CRDs).
	{"github.com/kubernetes-csi/external-snapshotter/client/v8@v8.4.0", "config/crd", []string{
		"snapshot.storage.k8s.io_volumesnapshotclasses.yaml"}, nil},
	// cert-manager's ClusterIssuer and Certificate, as the pinned v1.21.1 chart installs
	// them (deploy/crds holds the chart's CRDs untemplated).
	{"github.com/cert-manager/cert-manager@v1.21.1", "deploy/crds", []string{
		"cert-manager.io_clusterissuers.yaml", "cert-manager.io_certificates.yaml"}, nil},
	// Karpenter's NodePool and EC2NodeClass, as the karpenter 1.14.1 chart installs them
	// (its crds/ link to these files of the same tag).
	{"github.com/aws/karpenter-provider-aws@v1.14.1", "pkg/apis/crds", []string{
		"karpenter.sh_nodepools.yaml", "karpenter.k8s.aws_ec2nodeclasses.yaml"}, nil},
	// Chaos Mesh's Schedule (releases' chaos experiments). The proxy serves no v2.8.3
	// (its v2 tags lack a /v2 module path), so master of 2026-09-02, after v2.8.3; its
	// chaos-mesh.org_schedules.yaml is byte-identical to the chart's crds/ at v2.8.3.
	{"github.com/chaos-mesh/chaos-mesh@v0.9.1-0.20260902003049-47411975a8cb", "helm/chaos-mesh/crds", []string{
		"chaos-mesh.org_schedules.yaml"}, nil},
}

// crdOnce registers the moduleCRDs once for the whole suite; crdErr is how it went.
var (
	crdOnce sync.Once
	crdErr  error
)

// requireTestCRDs registers the moduleCRDs (once) and fails t if that failed: a test
// that reads the server's kinds needs them registered first, whichever test runs first.
func requireTestCRDs(t *testing.T) {
	t.Helper()
	crdOnce.Do(func() { crdErr = registerTestCRDs() })
	if crdErr != nil {
		t.Fatalf("registering the real CRDs: %v", crdErr)
	}
}

// registerTestCRDs applies the moduleCRDs and waits for them.
func registerTestCRDs() error {
	var files []string
	for _, m := range moduleCRDs {
		cmd := exec.Command("go", "mod", "download", "-json", m.module)
		cmd.Dir = os.TempDir() // outside the main module: nothing to add to go.mod
		cmd.Env = append(os.Environ(), m.env...)
		out, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("go mod download %s: %w", m.module, err)
		}
		var mod struct{ Dir string }
		if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
			return fmt.Errorf("go mod download %s: no folder in %q", m.module, out)
		}
		for _, f := range m.files {
			files = append(files, filepath.Join(mod.Dir, m.dir, f))
		}
	}
	var names []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		for _, doc := range bytes.Split(data, []byte("\n---\n")) {
			if len(bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(doc), []byte("---")))) == 0 {
				continue
			}
			var crd struct {
				Metadata struct{ Name string } `yaml:"metadata"`
			}
			if err := yaml.Unmarshal(doc, &crd); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			if _, err := srv.applyE(doc, fieldManager); err != nil {
				return fmt.Errorf("%s: CRD %s: %w", f, crd.Metadata.Name, err)
			}
			names = append(names, crd.Metadata.Name)
		}
	}
	return srv.waitCRDsEstablished(names)
}

// primeQuotas does what kube-controller-manager's quota controller does on its
// first sync: it copies spec.hard to status.hard with nothing used. Without it,
// quota admission refuses every pod with "status unknown for quota", since no
// controller runs here.
func primeQuotas() error {
	status, body, err := srv.do("GET", "/api/v1/resourcequotas", "", nil)
	if err == nil {
		err = asAPIError(status, body)
	}
	if err != nil {
		return fmt.Errorf("listing quotas: %w", err)
	}
	var list struct {
		Items []map[string]any `json:"items"`
	}
	if err := yaml.Unmarshal(body, &list); err != nil {
		return err
	}
	for _, q := range list.Items {
		hard, _ := path(q, "spec", "hard").(map[string]any)
		used := map[string]any{}
		for k := range hard {
			used[k] = "0"
		}
		ns, _ := path(q, "metadata", "namespace").(string)
		name, _ := path(q, "metadata", "name").(string)
		doc, _ := yaml.Marshal(map[string]any{
			"apiVersion": "v1", "kind": "ResourceQuota",
			"metadata": map[string]any{"name": name, "namespace": ns},
			"status":   map[string]any{"hard": hard, "used": used},
		})
		p := fmt.Sprintf("/api/v1/namespaces/%s/resourcequotas/%s/status?fieldManager=e2e-quota-controller&force=true", ns, name)
		status, body, err := srv.do("PATCH", p, "application/apply-patch+yaml", doc)
		if err == nil {
			err = asAPIError(status, body)
		}
		if err != nil {
			return fmt.Errorf("quota %s/%s status: %w", ns, name, err)
		}
	}
	return nil
}
