//go:build engine

package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"gopkg.in/yaml.v3"

	"github.com/fleetform/fleetform/program"
	"github.com/fleetform/fleetform/stacks"
)

// engineRun is one stack workspace on the real engine, with everything the
// engine printed kept for the secrets check.
type engineRun struct {
	stack  auto.Stack
	name   string
	dir    string
	output bytes.Buffer
}

// newEngineRun opens (or creates) the test stack in dir as an Automation API
// inline program that calls program.Run, reading dir's Pulumi.yaml and stack file.
func (e *testEnv) newEngineRun(ctx context.Context, dir string) (*engineRun, error) {
	return e.openStack(ctx, dir, stackName)
}

// openStack opens (or creates) stack in dir, as newEngineRun does.
func (e *testEnv) openStack(ctx context.Context, dir, stack string) (*engineRun, error) {
	vars := map[string]string{}
	for _, kv := range e.pulumiEnv() {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	st, err := auto.UpsertStackInlineSource(ctx, stack, stacks.Project, program.Run,
		auto.WorkDir(dir),
		auto.PulumiHome(e.home),
		auto.SecretsProvider("passphrase"),
		auto.EnvVars(vars),
	)
	if err != nil {
		return nil, fmt.Errorf("opening stack %s: %w", stack, err)
	}
	return &engineRun{stack: st, name: stack, dir: dir}, nil
}

// pulumiEnv is the environment of every pulumi command of the tests.
func (e *testEnv) pulumiEnv() []string {
	helm := filepath.Join(e.cp.Dir, "helm")
	return []string{
		"PULUMI_HOME=" + e.home,
		"PULUMI_BACKEND_URL=file://" + e.backend,
		"PULUMI_CONFIG_PASSPHRASE=" + passphrase,
		"PULUMI_SKIP_UPDATE_CHECK=true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true",
		// The provider finds the cluster through KUBECONFIG (the stack names only
		// the context) and trusts the chart repository's certificate.
		"KUBECONFIG=" + e.cp.Kubeconfig,
		"SSL_CERT_FILE=" + e.charts.CAFile,
		"HELM_CACHE_HOME=" + filepath.Join(helm, "cache"),
		"HELM_CONFIG_HOME=" + filepath.Join(helm, "config"),
		"HELM_DATA_HOME=" + filepath.Join(helm, "data"),
	}
}

// streams are the progress writers of one operation: everything the engine
// prints goes to the run's buffer too, and to the test log on failure.
func (r *engineRun) streams(t *testing.T) (out, errs *bytes.Buffer) {
	t.Helper()
	out, errs = &bytes.Buffer{}, &bytes.Buffer{}
	t.Cleanup(func() {
		r.output.Write(out.Bytes())
		r.output.Write(errs.Bytes())
		if t.Failed() {
			t.Logf("engine output:\n%s\n%s", tail(out.String(), 6000), tail(errs.String(), 3000))
		}
	})
	return out, errs
}

// up runs `pulumi up` and returns its change summary.
func (r *engineRun) up(ctx context.Context, t *testing.T) map[string]int {
	t.Helper()
	out, errs := r.streams(t)
	res, err := r.stack.Up(ctx, optup.ProgressStreams(out), optup.ErrorProgressStreams(errs), optup.Color("never"))
	if err != nil {
		t.Fatalf("pulumi up: %v", err)
	}
	return changes(res.Summary.ResourceChanges)
}

// preview runs `pulumi preview --diff` and returns every step that is not a
// same, by URN.
func (r *engineRun) preview(ctx context.Context, t *testing.T) map[string]apitype.StepEventMetadata {
	t.Helper()
	out, errs := r.streams(t)
	ch := make(chan events.EngineEvent)
	steps := map[string]apitype.StepEventMetadata{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range ch {
			if ev.ResourcePreEvent != nil && ev.ResourcePreEvent.Metadata.Op != apitype.OpSame {
				steps[ev.ResourcePreEvent.Metadata.URN] = ev.ResourcePreEvent.Metadata
			}
		}
	}()
	_, err := r.stack.Preview(ctx, optpreview.Diff(), optpreview.EventStreams(ch),
		optpreview.ProgressStreams(out), optpreview.ErrorProgressStreams(errs), optpreview.Color("never"))
	<-done
	if err != nil {
		t.Fatalf("pulumi preview: %v", err)
	}
	return steps
}

// refreshNoChanges runs `pulumi refresh --expect-no-changes`.
func (r *engineRun) refreshNoChanges(ctx context.Context, t *testing.T) {
	t.Helper()
	out, errs := r.streams(t)
	if _, err := r.stack.Refresh(ctx, optrefresh.ExpectNoChanges(), optrefresh.ProgressStreams(out),
		optrefresh.ErrorProgressStreams(errs), optrefresh.Color("never")); err != nil {
		t.Fatalf("pulumi refresh --expect-no-changes: %v", err)
	}
}

// providerCrash is how the engine reports a provider plugin that died mid-operation.
const providerCrash = "exited prematurely"

// knownCrash names the plugin of the one crash the suite retries: the kubernetes
// provider, during a destroy (its delete awaiter, below). A crash of another plugin
// fails the test, and so does any crash in up, preview or refresh, which never retry.
const knownCrash = "kubernetes"

// providerCrashes counts the known crashes of this run; TestMain reports the count,
// so a retried crash never passes silently.
var providerCrashes atomic.Int64

// destroy runs `pulumi destroy`. The kubernetes provider (4.33) can panic in its
// delete awaiter for custom resources (condition.(*Deleted).Satisfied on an object it
// never observed, seen once in five runs here while two Rollouts and three
// ServiceMonitors were deleted at once); the objects are deleted, the run fails. A
// user refreshes and re-runs `pulumi destroy`, and so does this, up to twice, saying
// so: the crashed run may have uninstalled a Helm release without recording it, and a
// plain retry then fails on "release: not found" (seen once here, edge istio). The
// step still fails on any other error, and on a third crash.
func (r *engineRun) destroy(ctx context.Context, t *testing.T) map[string]int {
	t.Helper()
	for attempt := 1; ; attempt++ {
		out, errs := r.streams(t)
		res, err := r.stack.Destroy(ctx, optdestroy.ProgressStreams(out), optdestroy.ErrorProgressStreams(errs), optdestroy.Color("never"))
		if err == nil {
			return changes(res.Summary.ResourceChanges)
		}
		printed := out.String() + errs.String()
		if strings.Contains(printed, providerCrash) && !strings.Contains(printed, knownCrash) {
			t.Fatalf("pulumi destroy: a provider other than kubernetes crashed:\n%s", tail(printed, 4000))
		}
		if attempt <= 2 && strings.Contains(printed, providerCrash) {
			n := providerCrashes.Add(1)
			t.Logf("KNOWN PROVIDER CRASH #%d of this run: the %s provider died during destroy", n, knownCrash)
			// As a user would after a crash: refresh first, so what the crashed run
			// deleted without recording it (a Helm release already uninstalled) leaves
			// the state, then destroy again.
			t.Logf("pulumi destroy: the kubernetes provider crashed (upstream await bug); refreshing and destroying again:\n%s", tail(out.String(), 3000))
			rout, rerrs := r.streams(t)
			if _, err := r.stack.Refresh(ctx, optrefresh.ProgressStreams(rout), optrefresh.ErrorProgressStreams(rerrs), optrefresh.Color("never")); err != nil {
				t.Logf("pulumi refresh after the crash: %v", err)
			}
			continue
		}
		t.Fatalf("pulumi destroy: %v", err)
	}
}

// exported is the stack's state as `pulumi stack export` gives it.
type exported struct {
	Raw []byte
	// Pending are the operations a run started and never recorded as done (a killed
	// CLI), as "<type> <urn>".
	Pending   []string
	Resources []struct {
		URN    string `json:"urn"`
		Type   string `json:"type"`
		Custom bool   `json:"custom"`
		// Parent is the parent's URN.
		Parent string `json:"parent"`
		// Provider is the provider reference (URN::ID) of a custom resource.
		Provider string         `json:"provider"`
		ID       string         `json:"id"`
		Outputs  map[string]any `json:"outputs"`
	}
}

// export runs `pulumi stack export` as a user would, secrets encrypted. The
// Automation API's Export adds --show-secrets, which would print every secret.
func (r *engineRun) export(ctx context.Context, t *testing.T) *exported {
	t.Helper()
	cmd := exec.CommandContext(ctx, filepath.Join(env.pulumiDir, "pulumi"), "stack", "export", "--stack", r.name, "--cwd", r.dir)
	cmd.Env = append(os.Environ(), env.pulumiEnv()...)
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("pulumi stack export: %v", err)
	}
	var dep struct {
		Deployment json.RawMessage `json:"deployment"`
	}
	if err := json.Unmarshal(raw, &dep); err != nil {
		t.Fatalf("reading the export: %v", err)
	}
	out := &exported{Raw: raw}
	var d struct {
		Resources json.RawMessage `json:"resources"`
		Pending   []struct {
			Type     string `json:"type"`
			Resource struct {
				URN string `json:"urn"`
			} `json:"resource"`
		} `json:"pending_operations"`
	}
	if err := json.Unmarshal(dep.Deployment, &d); err != nil {
		t.Fatalf("reading the export: %v", err)
	}
	for _, p := range d.Pending {
		out.Pending = append(out.Pending, p.Type+" "+p.Resource.URN)
	}
	if len(d.Resources) == 0 {
		return out // an empty stack (after destroy) exports no resources at all
	}
	if err := json.Unmarshal(d.Resources, &out.Resources); err != nil {
		t.Fatalf("reading the export's resources: %v", err)
	}
	return out
}

func changes(m *map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return *m
}

// mergeSecrets returns the stack file text next with the encryption salt and the
// secure values of prev: what SetConfig wrote survives a rewrite of the file.
func mergeSecrets(next, prev string) string {
	var p, n yaml.Node
	if yaml.Unmarshal([]byte(prev), &p) != nil || yaml.Unmarshal([]byte(next), &n) != nil || len(p.Content) == 0 || len(n.Content) == 0 {
		return next
	}
	pr, nr := p.Content[0], n.Content[0]
	nConfig := mapValue(nr, "config")
	for i := 0; i+1 < len(pr.Content); i += 2 {
		k, v := pr.Content[i], pr.Content[i+1]
		switch {
		case k.Value == "encryptionsalt" && mapValue(nr, "encryptionsalt") == nil:
			nr.Content = append([]*yaml.Node{k, v}, nr.Content...)
		case k.Value == "config" && nConfig != nil:
			for j := 0; j+1 < len(v.Content); j += 2 {
				ck, cv := v.Content[j], v.Content[j+1]
				if mapValue(cv, "secure") != nil && mapValue(nConfig, ck.Value) == nil {
					nConfig.Content = append(nConfig.Content, ck, cv)
				}
			}
		}
	}
	b, err := yaml.Marshal(&n)
	if err != nil {
		return next
	}
	return string(b)
}

// mapValue returns the value of key in a mapping node, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// readTree returns every regular file under dir, by path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || !info.Mode().IsRegular() {
			return err // folders, and the link to the program's folder
		}
		b, err := os.ReadFile(p)
		out[p] = b
		return err
	})
	if err != nil {
		t.Fatalf("reading %s: %v", dir, err)
	}
	return out
}

// joinLines formats a list for a failure message.
func joinLines(xs []string) string {
	if len(xs) == 0 {
		return "  (none)"
	}
	return "  " + strings.Join(xs, "\n  ")
}

// chartChildType marks, in a URN's type chain, a child of a helm/v4 Chart: the
// provider renders the chart and registers its objects, which the offline plan (under
// mocks) cannot, so a plan holds the Chart and the engine's state its children too.
const chartChildType = "kubernetes:helm.sh/v4:Chart$"

// enginePulumiProvider is the default provider of the `pulumi` package. The engine
// registered it in every stack here that holds a helm/v4 Chart (with or without stack
// references); the program registers none, so no offline plan lists it.
const enginePulumiProvider = "::pulumi:providers:pulumi::default"

// compareURNs returns what the plan has and the state lacks, and what the state has
// beyond the plan but for the children of helm/v4 Charts, which it counts.
func compareURNs(want, got map[string]bool) (missing, extra []string, chartChildren int) {
	for u := range want {
		if !got[u] {
			missing = append(missing, u)
		}
	}
	for u := range got {
		switch {
		case want[u]:
		case strings.Contains(u, chartChildType), strings.HasSuffix(u, enginePulumiProvider):
			chartChildren++
		default:
			extra = append(extra, u)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	return missing, extra, chartChildren
}
