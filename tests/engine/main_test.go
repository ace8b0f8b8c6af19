//go:build engine

package engine

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fleetform/fleetform/tests/controlplane"
)

// The test stack and the fake nodes it runs on.
const (
	// stackName is the test stack (testdata/Pulumi.engine.yaml).
	stackName = "engine"
	// passphrase encrypts the test stack's secrets in its local backend.
	passphrase = "fleetform-engine-tests"
)

// Environment variables that let a caller reuse what it already built: the
// variables the build scripts print, plus FLEETPLAN for a built fleetplan.
const envFleetplan = "FLEETPLAN"

// env is what TestMain set up, shared by the tests of the package. The tests run
// in parallel: TestLifecycle on this control plane, TestFaults and TestLayers on
// control planes of their own (ownControlPlane).
var env *testEnv

type testEnv struct {
	root string
	cp   *controlplane.ControlPlane
	// pulumiDir holds the pulumi CLI; providerDir the kubernetes provider.
	pulumiDir, providerDir string
	// rolloutsController is the controller binary, rolloutsCRDs the module's CRDs.
	rolloutsController, rolloutsCRDs string
	fleetplan                        string
	charts                           *chartRepo
	prometheus                       *prometheusStandIn
	// work is the stack's work folder (Pulumi.yaml and Pulumi.engine.yaml copies),
	// backend its file:// state, home PULUMI_HOME.
	work, backend, home string
}

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m *testing.M) int {
	e, err := setUp()
	if e != nil {
		defer e.tearDown()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "engine:", err)
		return 1
	}
	env = e
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		e.tearDown()
		os.Exit(1)
	}()
	code := m.Run()
	fmt.Fprintf(os.Stderr, "engine: known kubernetes provider crashes on destroy in this run: %d (each retried after a refresh; docs/engine.md)\n", providerCrashes.Load())
	return code
}

// setUp builds (or finds in the caches) every program, starts the control plane
// with fake nodes, the chart repository and the Prometheus stand-in, and writes
// the stack's work folder.
func setUp() (*testEnv, error) {
	start := time.Now()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return nil, err
	}
	e := &testEnv{root: root}
	bins, err := controlplane.FullBinaries(root)
	if err != nil {
		return nil, err
	}
	v, err := controlplane.Script(root, "pulumi-cli.sh", []string{"PULUMI_BIN_DIR"})
	if err != nil {
		return nil, err
	}
	e.pulumiDir = v["PULUMI_BIN_DIR"]
	if v, err = controlplane.Script(root, "pulumi-kubernetes.sh", []string{"PULUMI_KUBERNETES_DIR"}); err != nil {
		return nil, err
	}
	e.providerDir = v["PULUMI_KUBERNETES_DIR"]
	if v, err = controlplane.Script(root, "argo-rollouts.sh", []string{"ROLLOUTS_CONTROLLER", "ROLLOUTS_CRDS"}); err != nil {
		return nil, err
	}
	e.rolloutsController, e.rolloutsCRDs = v["ROLLOUTS_CONTROLLER"], v["ROLLOUTS_CRDS"]
	// The engine finds the kubernetes provider on PATH, and auto the pulumi CLI.
	os.Setenv("PATH", e.pulumiDir+string(os.PathListSeparator)+e.providerDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	if e.fleetplan, err = buildFleetplan(root); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "engine: programs ready in %s\n", time.Since(start).Round(time.Second))

	start = time.Now()
	e.cp, err = controlplane.Start(controlplane.Options{
		Binaries: bins,
		// Two nodes labelled like the dev stack's general pool.
		Nodes: []controlplane.Node{
			{Name: "engine-general-1", Labels: map[string]string{"workload": "general"}},
			{Name: "engine-general-2", Labels: map[string]string{"workload": "general"}},
		},
	})
	if err != nil {
		return e, fmt.Errorf("control plane: %w", err)
	}
	fmt.Fprintf(os.Stderr, "engine: control plane at %s ready in %s (folder %s)\n", e.cp.URL, time.Since(start).Round(time.Millisecond), e.cp.Dir)
	// The inline program runs in this process and validates the stack's kubeconfig context
	// (stacks.Validate, deploy mode) through the same lookup as the provider: KUBECONFIG.
	os.Setenv("KUBECONFIG", e.cp.Kubeconfig)

	if e.charts, err = startChartRepo(root, e.rolloutsCRDs, filepath.Join(e.cp.Dir, "charts")); err != nil {
		return e, fmt.Errorf("chart repository: %w", err)
	}
	if e.prometheus, err = startPrometheusStandIn(); err != nil {
		return e, fmt.Errorf("prometheus stand-in: %w", err)
	}
	e.work = filepath.Join(e.cp.Dir, "work")
	e.backend = filepath.Join(e.cp.Dir, "state")
	e.home = filepath.Join(e.cp.Dir, "pulumi-home")
	for _, d := range []string{e.work, e.backend, e.home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return e, err
		}
	}
	if err := e.writeStackFile(e.work, nil); err != nil {
		return e, err
	}
	return e, nil
}

func (e *testEnv) tearDown() {
	if e.charts != nil {
		e.charts.Close()
	}
	if e.prometheus != nil {
		e.prometheus.Close()
	}
	if e.cp != nil {
		e.cp.Stop()
	}
}

// buildFleetplan returns FLEETPLAN, or builds fleetplan without the cloud SDKs
// (the test stack has only an existing cluster): it links in seconds.
func buildFleetplan(root string) (string, error) {
	if b := os.Getenv(envFleetplan); b != "" {
		return b, nil
	}
	dir, err := os.MkdirTemp("", "fleetform-engine-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "fleetplan")
	cmd := exec.Command("go", "build", "-tags", "no_aws,no_azure,no_alicloud", "-o", bin, "./cmd/fleetplan")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/fleetplan: %v\n%s", err, out)
	}
	return bin, nil
}

// writeStackFile copies Pulumi.yaml and the test stack file into dir, with the
// chart repository filled in and each edit applied (old → new, exactly once).
func (e *testEnv) writeStackFile(dir string, edits map[string]string) error {
	s, err := readTestStack(e.root, stackName)
	if err != nil {
		return err
	}
	for old, repl := range edits {
		if n := strings.Count(s, old); n != 1 {
			return fmt.Errorf("edit %q matches %d times in the stack file, want 1", old, n)
		}
		s = strings.Replace(s, old, repl, 1)
	}
	return writeStack(e.root, dir, stackName, s, map[string]string{"__CHART_REPOSITORY__": e.charts.URL()})
}

// readTestStack reads testdata's stack file of stack from the repository at root
// (env.root once set up; setUp passes its own while env is not yet set).
func readTestStack(root, stack string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, "tests", "engine", "testdata", "Pulumi."+stack+".yaml"))
	return string(b), err
}

// writeStack is the one way the engine tests write a stack: the project (Pulumi.yaml
// and the program's folder, writeProject) and Pulumi.<stack>.yaml holding text with
// each placeholder replaced, keeping what SetConfig wrote to an earlier copy
// (encryptionsalt, secure values).
func writeStack(root, dir, stack, text string, placeholders map[string]string) error {
	if err := writeProject(root, dir); err != nil {
		return err
	}
	pairs := make([]string, 0, 2*len(placeholders))
	for k, v := range placeholders {
		pairs = append(pairs, k, v)
	}
	s := strings.NewReplacer(pairs...).Replace(text)
	path := filepath.Join(dir, "Pulumi."+stack+".yaml")
	if old, err := os.ReadFile(path); err == nil {
		s = mergeSecrets(s, string(old))
	}
	return os.WriteFile(path, []byte(s), 0o644)
}

// writeProject copies Pulumi.yaml into dir and links the program's folder (its main
// names that folder; the engine checks it exists).
func writeProject(root, dir string) error {
	project, err := os.ReadFile(filepath.Join(root, "Pulumi.yaml"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644); err != nil {
		return err
	}
	return linkProgram(root, dir)
}

// linkProgram makes dir/cmd the repository's cmd folder, so the main of a copied
// Pulumi.yaml resolves.
func linkProgram(root, dir string) error {
	link := filepath.Join(dir, "cmd")
	if _, err := os.Lstat(link); err == nil {
		return nil
	}
	return os.Symlink(filepath.Join(root, "cmd"), link)
}

// plan runs `fleetplan plan` on the test stack's file in dir and returns the plan path.
func (e *testEnv) plan(ctx context.Context, dir, name string) (string, error) {
	return e.planStack(ctx, dir, stackName, name)
}

// planStack runs `fleetplan plan` on stack's file in dir and returns the plan path.
func (e *testEnv) planStack(ctx context.Context, dir, stack, name string) (string, error) {
	out := filepath.Join(e.cp.Dir, name+".plan.json")
	cmd := exec.CommandContext(ctx, e.fleetplan, "plan", "--quiet", "--stack", stack, "--dir", dir, "--out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("fleetplan plan: %v\n%s", err, b)
	}
	return out, nil
}
