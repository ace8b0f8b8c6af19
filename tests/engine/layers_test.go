//go:build engine

package engine

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/fleetform/fleetform/components/addons/monitoring"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/internal/stateful"
	"github.com/fleetform/fleetform/stacks"
	"github.com/fleetform/fleetform/tests/controlplane"
)

// The layers test's stacks (testdata/Pulumi.<name>.yaml; docs/clusters.md, "Layered
// stacks"): today's single stack of the spoke, the two stacks its state moves into,
// and the hub's two stacks on a second control plane.
const (
	stackSpoke        = "spoke"
	stackSpokeCluster = "spoke-cluster"
	stackSpokeApps    = "spoke-apps"
	stackHubCluster   = "hub-cluster"
	stackHub          = "hub"
)

// layerSecrets are the secret config keys of the stacks that build a platform.
var layerSecrets = []string{"federationPassword", "grafanaAdminPassword"}

// layers is the state TestLayers' steps share.
type layers struct {
	dir string
	// spoke and hub are the test's control planes: the spoke's cluster and the
	// federation hub's.
	spoke, hub *controlplane.ControlPlane
	// spokeKubeconfig is the file the spoke's cluster entry names (rotated by a step).
	spokeKubeconfig string
	runs            map[string]*engineRun
	secrets         map[string]string
	// uids are the Kubernetes objects' UIDs after the single stack's up, by URN
	// with the stack name taken out: a replaced object gets a new one.
	uids map[string]string
}

// TestLayers proves the layered stacks (issue 24) on the real engine: a single stack
// moved into a cluster stack and an in-cluster stack with `pulumi state move`, the
// in-cluster stack reading the cluster stack through a real StackReference, a hub
// built from scratch that reads the spoke's federation outputs through another, a
// rotated kubeconfig that replaces nothing, and a destroy in reverse deploy order
// that leaves nothing. It runs on two control planes of its own and removes its stacks.
func TestLayers(t *testing.T) {
	t.Parallel() // on control planes of its own, beside TestFaults and TestLifecycle
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	defer cancel()
	l := &layers{dir: filepath.Join(env.cp.Dir, "layers"), runs: map[string]*engineRun{}, secrets: map[string]string{}}
	if err := os.MkdirAll(l.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	l.spoke = ownControlPlane(t, "spoke")
	l.hub = ownControlPlane(t, "hub")
	l.spokeKubeconfig = filepath.Join(l.dir, "spoke.kubeconfig")
	if err := os.WriteFile(l.spokeKubeconfig, controlplane.Kubeconfig(l.spoke.URL, l.spoke.CACert, controlplane.AdminToken), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, k := range layerSecrets {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		l.secrets[k] = hex.EncodeToString(b)
	}
	for _, s := range []string{stackSpoke, stackSpokeCluster, stackSpokeApps, stackHubCluster, stackHub} {
		if err := l.writeStackFile(s); err != nil {
			t.Fatal(err)
		}
	}

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
	// Whatever happens, leave no stack behind on the shared control plane.
	defer func() {
		if !failed {
			return
		}
		for _, s := range []string{stackHub, stackSpokeApps, stackSpoke, stackSpokeCluster, stackHubCluster} {
			if r := l.runs[s]; r != nil {
				_, _ = r.stack.Destroy(ctx)
			}
		}
	}()

	step("SingleStackUp", func(t *testing.T) {
		r := l.open(ctx, t, stackSpoke)
		ch := r.up(ctx, t)
		t.Logf("single stack up: %v", ch)
		l.matchesPlan(ctx, t, stackSpoke)
		l.uids = kubernetesUIDs(r.export(ctx, t))
		if len(l.uids) < 20 {
			t.Fatalf("%d Kubernetes objects in the single stack, want the platform's and the environment's (20 or more)", len(l.uids))
		}
	})

	step("StateMoveIntoLayers", func(t *testing.T) {
		// As docs/clusters.md says: the in-cluster stack's resources (from its offline
		// plan: every one but the stack references and the cluster component it shares),
		// then the cluster component to the cluster stack.
		l.open(ctx, t, stackSpokeCluster)
		l.open(ctx, t, stackSpokeApps)
		plan, err := env.planStack(ctx, l.dir, stackSpokeApps, "layers-"+stackSpokeApps)
		if err != nil {
			t.Fatal(err)
		}
		// Providers move with the resources that use them (the CLI refuses them), and a
		// helm/v4 Chart's children, which no offline plan lists, move with the chart.
		planned := planURNs(t, plan)
		var apps, component []string
		for _, r := range l.runs[stackSpoke].export(ctx, t).Resources {
			u := r.URN
			inApps := planned[renameStack(u, stackSpoke, stackSpokeApps)] || strings.Contains(u, chartChildType)
			switch {
			case strings.HasPrefix(r.Type, "pulumi:providers:"), r.Type == "pulumi:pulumi:Stack", !inApps:
			case r.Type == "platform:cluster:Existing":
				component = append(component, u)
			default:
				apps = append(apps, u)
			}
		}
		slices.Sort(apps)
		if len(component) != 1 {
			t.Fatalf("the in-cluster stack's plan has %d cluster components, want 1", len(component))
		}
		l.stateMove(ctx, t, stackSpoke, stackSpokeApps, apps)
		// The move copied the providers to the in-cluster stack and left them in the
		// single stack, where nothing uses them now. The kubernetes provider is the
		// cluster component's child, which the CLI does not move with its parent (its
		// integrity check refuses the component's move while the provider stays), so
		// the unused copies go first.
		remaining := l.runs[stackSpoke].export(ctx, t).Resources
		used := map[string]bool{} // provider URNs, from the references URN::ID
		for _, r := range remaining {
			if i := strings.LastIndex(r.Provider, "::"); i > 0 {
				used[r.Provider[:i]] = true
			}
		}
		for _, r := range remaining {
			if strings.HasPrefix(r.Type, "pulumi:providers:") && !used[r.URN] {
				l.pulumi(ctx, t, "state", "delete", "--yes", "--stack", stackSpoke, r.URN)
			}
		}
		l.stateMove(ctx, t, stackSpoke, stackSpokeCluster, component)
		var left []string
		for _, r := range l.runs[stackSpoke].export(ctx, t).Resources {
			if r.Type != "pulumi:pulumi:Stack" {
				left = append(left, r.URN)
			}
		}
		if len(left) > 0 {
			t.Fatalf("after the moves the single stack still holds:\n%s", joinLines(left))
		}
		// The single stack is gone, as a user would remove it, file and all.
		l.pulumi(ctx, t, "stack", "rm", "--yes", "--stack", stackSpoke)
		delete(l.runs, stackSpoke)
		// (stack rm removes the stack file too; fleetplan stacks below must not see it)
		if _, err := os.Stat(filepath.Join(l.dir, "Pulumi."+stackSpoke+".yaml")); !os.IsNotExist(err) {
			t.Fatalf("Pulumi.%s.yaml is still there after pulumi stack rm (%v)", stackSpoke, err)
		}
	})

	step("LayersChangeNothingAfterTheMove", func(t *testing.T) {
		// The cluster stack first (it adds its contract outputs), then the in-cluster
		// stack (it reads them). Neither previews a change to a resource but these: the
		// in-cluster stack registers the default `pulumi` provider its stack references
		// read with, creates the cluster stack's destroy guard, and updates the labels that name the stack (the environment's
		// Namespace carries environments.LabelStack, now spoke-apps).
		for _, s := range []string{stackSpokeCluster, stackSpokeApps} {
			r := l.runs[s]
			steps := nonReads(r.preview(ctx, t))
			var unexpected []string
			providers := 0
			for u, st := range steps {
				switch {
				case st.Op == apitype.OpCreate && strings.HasPrefix(st.Type, "pulumi:providers:") && strings.HasSuffix(u, "::default"):
					providers++
				case st.Op == apitype.OpCreate && st.Type == stateful.TypeDestroyGuard:
					// Each stack has its own guard: the single stack's went with the
					// in-cluster stack's resources, the cluster stack makes its own (a
					// component: nothing in the cluster or the cloud).
					providers++
				case st.Op == apitype.OpUpdate && st.Type == "kubernetes:core/v1:Namespace":
					t.Logf("%s: %s updates (the stack label)", s, u)
				default:
					unexpected = append(unexpected, fmt.Sprintf("%s %s %v", st.Op, u, st.Diffs))
				}
			}
			if len(unexpected) > 0 {
				slices.Sort(unexpected)
				t.Fatalf("%s previews changes after the move:\n%s", s, joinLines(unexpected))
			}
			ch := r.up(ctx, t)
			if ch["delete"]+ch["replace"] > 0 || ch["create"] > providers {
				t.Fatalf("%s: up after the move changed %v", s, ch)
			}
			t.Logf("%s: up after the move: %v", s, ch)
			l.matchesPlan(ctx, t, s)
		}
		l.sameObjects(ctx, t)
		outs, err := l.runs[stackSpokeCluster].stack.Outputs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p := cluster.ExportPrefix("spoke")
		if kc := outs[p+cluster.ExportKubeconfig]; !kc.Secret || kc.Value == nil {
			t.Errorf("%s%s: secret=%v, want a set secret", p, cluster.ExportKubeconfig, kc.Secret)
		}
		if conn := outs[p+cluster.ExportConnection]; conn.Secret || conn.Value == nil {
			t.Errorf("%s%s: secret=%v set=%v, want plain data", p, cluster.ExportConnection, conn.Secret, conn.Value != nil)
		}
	})

	step("HubFromScratchReadsTheSpoke", func(t *testing.T) {
		for _, s := range []string{stackHubCluster, stackHub} {
			r := l.open(ctx, t, s)
			ch := r.up(ctx, t)
			t.Logf("%s up: %v", s, ch)
			l.matchesPlan(ctx, t, s)
		}
		// The spoke's endpoint, user and password came through the real reference into
		// the hub Prometheus's scrape configuration, on the hub's cluster.
		var sec struct {
			Metadata struct {
				Annotations map[string]string `json:"annotations"`
			} `json:"metadata"`
			Data map[string]string `json:"data"`
		}
		path := "/api/v1/namespaces/" + platform.NamespaceMonitoring + "/secrets/" + monitoring.ScrapeConfigSecret
		if err := l.hub.Get(path, &sec); err != nil {
			t.Fatalf("the hub's scrape configuration: %v", err)
		}
		var all strings.Builder
		for _, v := range sec.Data {
			b, err := base64.StdEncoding.DecodeString(v)
			if err != nil {
				t.Fatal(err)
			}
			all.Write(b)
		}
		host := monitoring.SpokeHost("spoke", "spoke.engine.test")
		for what, want := range map[string]string{"the spoke's endpoint": host, "the spoke's password": l.secrets["federationPassword"]} {
			if !strings.Contains(all.String(), want) {
				t.Errorf("the hub's scrape configuration lacks %s (%s)", what, want)
			}
		}
		if got := sec.Metadata.Annotations[monitoring.AnnotationFederationSpokes]; !strings.Contains(got, "stack:spoke") {
			t.Errorf("%s = %q, want it to name stack:spoke", monitoring.AnnotationFederationSpokes, got)
		}
		// Nothing of the hub's landed on the spoke's cluster, and the reverse.
		if found, err := getObjectOn(l.spoke, "v1", "Secret", platform.NamespaceMonitoring, monitoring.ScrapeConfigSecret, &object{}); err != nil || found {
			t.Errorf("the scrape configuration is on the spoke's cluster too (found=%v, %v)", found, err)
		}
	})

	step("SecondUpChangesNothing", func(t *testing.T) {
		for _, s := range []string{stackSpokeCluster, stackHubCluster, stackSpokeApps, stackHub} {
			if ch := l.runs[s].up(ctx, t); !onlySame(ch) {
				t.Errorf("%s: a second up changed %v", s, ch)
			}
		}
	})

	step("RotatedKubeconfigReplacesNothing", func(t *testing.T) {
		// The cluster's credentials rotate: the cluster stack exports a new kubeconfig,
		// the in-cluster stack's provider takes it as an update (same clusterIdentifier)
		// and no Kubernetes object changes.
		if err := os.WriteFile(l.spokeKubeconfig, controlplane.Kubeconfig(l.spoke.URL, l.spoke.CACert, controlplane.RotatedAdminToken), 0o600); err != nil {
			t.Fatal(err)
		}
		if ch := l.runs[stackSpokeCluster].up(ctx, t); !onlySame(ch) {
			t.Fatalf("%s: a rotated kubeconfig changed %v (only the stack's outputs should)", stackSpokeCluster, ch)
		}
		steps := nonReads(l.runs[stackSpokeApps].preview(ctx, t))
		for u, s := range steps {
			if s.Type != "pulumi:providers:kubernetes" || s.Op != "update" {
				t.Errorf("%s: %s after a rotated kubeconfig; only the kubernetes provider may update", u, s.Op)
			}
		}
		if len(steps) != 1 {
			t.Errorf("%d changes previewed, want the provider's update alone:\n%s", len(steps), joinLines(describe(steps)))
		}
		ch := l.runs[stackSpokeApps].up(ctx, t)
		if ch["update"] != 1 || ch["create"]+ch["delete"]+ch["replace"] > 0 {
			t.Errorf("up after the rotation: %v, want one update (the provider)", ch)
		}
		l.sameObjects(ctx, t)
	})

	step("DestroyInReverseOrder", func(t *testing.T) {
		levels := l.order(ctx, t)
		want := [][]string{{stackHubCluster, stackSpokeCluster}, {stackSpokeApps}, {stackHub}}
		if fmt.Sprint(levels) != fmt.Sprint(want) {
			t.Fatalf("fleetplan stacks: levels %v, want %v", levels, want)
		}
		for i := len(levels) - 1; i >= 0; i-- {
			for _, s := range levels[i] {
				r := l.runs[s]
				ch := r.destroy(ctx, t)
				t.Logf("%s destroyed: %v", s, ch)
				for _, res := range r.export(ctx, t).Resources {
					t.Errorf("%s: %s left in the state after destroy", s, res.URN)
				}
			}
		}
		// Every namespace the stacks made is gone from both clusters.
		for urn := range l.uids {
			if !strings.Contains(urn, "::kubernetes:core/v1:Namespace::") {
				continue
			}
			name := urn[strings.LastIndex(urn, "::")+2:]
			eventually(t, 2*time.Minute, "namespace "+name+" gone", func() (bool, string) {
				found, err := getObjectOn(l.spoke, "v1", "Namespace", "", name, &object{})
				return err == nil && !found, fmt.Sprintf("found=%v err=%v", found, err)
			})
		}
		var nss struct {
			Items []object `json:"items"`
		}
		if err := l.hub.Get("/api/v1/namespaces", &nss); err != nil {
			t.Fatal(err)
		}
		for _, ns := range nss.Items {
			if !strings.HasPrefix(ns.Metadata.Name, "kube-") && ns.Metadata.Name != "default" && ns.Metadata.DeletionTimestamp == "" {
				t.Errorf("namespace %s left on the hub's cluster", ns.Metadata.Name)
			}
		}
	})
}

// writeStackFile copies testdata's stack file into the layers folder with the chart
// repository and the kubeconfigs filled in, keeping what SetConfig wrote.
func (l *layers) writeStackFile(stack string) error {
	s, err := readTestStack(env.root, stack)
	if err != nil {
		return err
	}
	return writeStack(env.root, l.dir, stack, s, map[string]string{
		"__CHART_REPOSITORY__": env.charts.URL(),
		"__HUB_KUBECONFIG__":   l.hub.Kubeconfig,
		"__KUBECONFIG__":       l.spokeKubeconfig,
	})
}

// open creates the stack in the layers folder, with its secrets when it builds a
// platform (a user copies them into each stack that needs them).
func (l *layers) open(ctx context.Context, t *testing.T, stack string) *engineRun {
	t.Helper()
	r, err := env.openStack(ctx, l.dir, stack)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(stack, "-cluster") {
		for _, k := range layerSecrets {
			if err := r.stack.SetConfig(ctx, stacks.Project+":"+k, auto.ConfigValue{Value: l.secrets[k], Secret: true}); err != nil {
				t.Fatalf("%s: setting secret %s: %v", stack, k, err)
			}
		}
	}
	l.runs[stack] = r
	return r
}

// matchesPlan checks the stack's state holds exactly the URNs of its offline plan.
func (l *layers) matchesPlan(ctx context.Context, t *testing.T, stack string) {
	t.Helper()
	p, err := env.planStack(ctx, l.dir, stack, "layers-"+stack)
	if err != nil {
		t.Fatal(err)
	}
	want := planURNs(t, p)
	got := map[string]bool{}
	for _, r := range l.runs[stack].export(ctx, t).Resources {
		got[r.URN] = true
	}
	missing, extra, children := compareURNs(want, got)
	if len(missing)+len(extra) > 0 {
		t.Fatalf("%s: the state and the offline plan differ:\nplanned, not in the state:\n%s\nin the state, not planned:\n%s", stack, joinLines(missing), joinLines(extra))
	}
	t.Logf("%s: %d URNs, the same in the state and the offline plan (and %d CRDs of a helm/v4 Chart)", stack, len(got)-children, children)
}

// stateMove runs `pulumi state move` as a user would.
func (l *layers) stateMove(ctx context.Context, t *testing.T, from, to string, urns []string) {
	t.Helper()
	l.pulumi(ctx, t, append([]string{"state", "move", "--yes", "--source", from, "--dest", to}, urns...)...)
	t.Logf("pulumi state move --source %s --dest %s: %d URNs", from, to, len(urns))
}

// pulumi runs the pulumi CLI in the layers folder, as a user would.
func (l *layers) pulumi(ctx context.Context, t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, filepath.Join(env.pulumiDir, "pulumi"), append(args, "--color", "never", "--cwd", l.dir)...)
	cmd.Env = append(os.Environ(), env.pulumiEnv()...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pulumi %s: %v\n%s", strings.Join(args[:min(len(args), 4)], " "), err, out)
	}
}

// sameObjects checks every Kubernetes object of the single stack is still there, in
// one of the layered stacks, with the same UID: nothing was recreated.
func (l *layers) sameObjects(ctx context.Context, t *testing.T) {
	t.Helper()
	now := map[string]string{}
	for _, s := range []string{stackSpokeCluster, stackSpokeApps} {
		for u, uid := range kubernetesUIDs(l.runs[s].export(ctx, t)) {
			now[u] = uid
		}
	}
	for u, uid := range l.uids {
		switch got, ok := now[u]; {
		case !ok:
			t.Errorf("%s: in the single stack, in no layered stack", u)
		case got != uid:
			t.Errorf("%s: UID %s, was %s: the object was recreated", u, got, uid)
		}
	}
}

// order is `fleetplan stacks --json`'s levels for the layers folder.
func (l *layers) order(ctx context.Context, t *testing.T) [][]string {
	t.Helper()
	out, err := exec.CommandContext(ctx, env.fleetplan, "stacks", "--json", "--dir", l.dir).Output()
	if err != nil {
		t.Fatalf("fleetplan stacks: %v", err)
	}
	var o struct{ Levels [][]string }
	if err := json.Unmarshal(out, &o); err != nil {
		t.Fatalf("fleetplan stacks --json: %v\n%s", err, out)
	}
	return o.Levels
}

// kubernetesUIDs are the UIDs of a state's Kubernetes objects, by URN with the stack
// name taken out.
func kubernetesUIDs(exp *exported) map[string]string {
	out := map[string]string{}
	for _, r := range exp.Resources {
		if !r.Custom || !strings.HasPrefix(r.Type, "kubernetes:") || r.Type == "kubernetes:helm.sh/v3:Release" {
			continue
		}
		meta, _ := r.Outputs["metadata"].(map[string]any)
		if uid, _ := meta["uid"].(string); uid != "" {
			out[stacklessURN(r.URN)] = uid
		}
	}
	return out
}

// stacklessURN takes the stack name out of a URN (urn:pulumi:STACK::project::...).
func stacklessURN(urn string) string {
	rest := strings.TrimPrefix(urn, "urn:pulumi:")
	if i := strings.Index(rest, "::"); i >= 0 {
		return "urn:pulumi:STACK" + rest[i:]
	}
	return urn
}

// renameStack rewrites a URN of stack from into the same URN in stack to.
func renameStack(urn, from, to string) string {
	return strings.Replace(urn, "urn:pulumi:"+from+"::", "urn:pulumi:"+to+"::", 1)
}

// onlySame reports whether an operation's change summary has nothing but sames.
func onlySame(ch map[string]int) bool {
	for op, n := range ch {
		if op != "same" && n > 0 {
			return false
		}
	}
	return true
}

// nonReads drops the stack references' reads from a preview's steps, and the
// in-cluster stack's registration of the cluster component it shares with the cluster
// stack (a component: nothing is created in the cloud or the cluster).
func nonReads(steps map[string]apitype.StepEventMetadata) map[string]apitype.StepEventMetadata {
	out := map[string]apitype.StepEventMetadata{}
	for u, s := range steps {
		if s.Op == apitype.OpRead || (s.Op == apitype.OpCreate && strings.HasPrefix(s.Type, "platform:cluster:")) {
			continue
		}
		out[u] = s
	}
	return out
}

// describe lists steps as "op URN", sorted, for failure messages.
func describe(steps map[string]apitype.StepEventMetadata) []string {
	var out []string
	for u, s := range steps {
		out = append(out, fmt.Sprintf("%s %s %v", s.Op, u, s.Diffs))
	}
	slices.Sort(out)
	return out
}
