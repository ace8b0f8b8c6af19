//go:build e2e

package e2e

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
)

// Names from the stack files this suite proves (Pulumi.dev.yaml, Pulumi.prod.yaml).
const (
	// developersGroup edits in qa (dev stack) and only views in prod (prod stack).
	developersGroup = "shop-developers"
	// developersEntraObjectID is shop-developers' Entra ID object ID in Pulumi.prod.yaml.
	developersEntraObjectID = "8a1f0c2e-7b3d-4c5a-8e9f-0a1b2c3d4e5f"
	// ciServiceAccount is the environments layer's default CI deployer name.
	ciServiceAccount = "ci-deployer"
	// podSecurityEnforce is the Pod Security Admission label the environments set.
	podSecurityEnforce = "pod-security.kubernetes.io/enforce"
)

// TestRenderedObjectsAccepted applies every rendered object of the dev and prod
// stacks with server-side apply and fieldValidation=Strict; each must be accepted.
func TestRenderedObjectsAccepted(t *testing.T) {
	results := applyRendered(t)
	for _, stack := range stacksUnderTest {
		t.Run(stack, func(t *testing.T) {
			requireStack(t, stack)
			kinds := map[string]int{}
			n := 0
			for _, r := range results {
				if r.Object.Stack != stack {
					continue
				}
				n++
				kinds[r.Object.Kind()]++
				if r.Err != nil {
					t.Errorf("the server refused %s:\n%v", r.Object, r.Err)
				}
			}
			if n == 0 {
				t.Fatalf("stack %s rendered no objects", stack)
			}
			// The dev stack reads one release secret from AWS Secrets Manager: its store and
			// ExternalSecrets went through the real External Secrets CRDs above.
			if kinds["VolumeSnapshotClass"] == 0 {
				t.Errorf("%s applied no VolumeSnapshotClass: Velero's CSI snapshots have no class", stack)
			}
			// One ClusterIssuer per cluster (dev-aws; prod-aws, prod-azure, prod-ali) and the
			// platform endpoints' Certificates, through cert-manager's real CRDs.
			if want := map[string]int{"dev": 1, "prod": 3}[stack]; kinds["ClusterIssuer"] != want || kinds["Certificate"] < want {
				t.Errorf("%s applied %d ClusterIssuers and %d Certificates, want %d and at least as many certificates", stack, kinds["ClusterIssuer"], kinds["Certificate"], want)
			}
			// Both stacks have a Karpenter pool (dev-aws's spot, prod-aws's apps): its NodePool
			// and EC2NodeClass are rendered in full and pass the real CRDs' schema and CEL rules.
			if kinds["NodePool"] != 1 || kinds["EC2NodeClass"] != 1 {
				t.Errorf("%s applied %d NodePools and %d EC2NodeClasses, want 1 each (its Karpenter pool)", stack, kinds["NodePool"], kinds["EC2NodeClass"])
			}
			// Dev's storefront runs chaos experiments in qa (two) and e2e (one): their
			// Schedules went through Chaos Mesh's real CRD.
			if want := map[string]int{"dev": 3}[stack]; kinds["Schedule"] != want {
				t.Errorf("%s applied %d chaos Schedules, want %d", stack, kinds["Schedule"], want)
			}
			if stack == "dev" && (kinds["ClusterSecretStore"] != 1 || kinds["ExternalSecret"] == 0) {
				t.Errorf("dev applied %d ClusterSecretStores and %d ExternalSecrets, want 1 and some", kinds["ClusterSecretStore"], kinds["ExternalSecret"])
			}
			// Both stacks are on Envoy Gateway: the Gateway, its EnvoyProxy, the releases'
			// and endpoints' HTTPRoutes, the spokes' basic-auth SecurityPolicy and the proxies'
			// PodMonitor went through the real Gateway API and Envoy Gateway CRDs.
			for _, k := range []string{"Gateway", "EnvoyProxy", "HTTPRoute", "SecurityPolicy", "PodMonitor"} {
				if kinds[k] == 0 {
					t.Errorf("%s applied no %s", stack, k)
				}
			}
			t.Logf("applied %d objects: %v", n, kinds)
		})
	}
}

// findRendered returns the rendered objects of a kind in a stack's namespace.
func findRendered(t *testing.T, stack, kind, namespace string) []renderedObject {
	t.Helper()
	requireStack(t, stack)
	var out []renderedObject
	for _, r := range applyRendered(t) {
		if r.Object.Stack == stack && r.Object.Kind() == kind && (namespace == "*" || r.Object.Namespace() == namespace) {
			if r.Err != nil {
				t.Fatalf("%s was refused: %v", r.Object, r.Err)
			}
			out = append(out, r.Object)
		}
	}
	return out
}

func mustOne(t *testing.T, objs []renderedObject, what string) renderedObject {
	t.Helper()
	if len(objs) != 1 {
		t.Fatalf("%s: got %d rendered objects, want 1 (is that layer built?): %v", what, len(objs), objs)
	}
	return objs[0]
}

// ensureServiceAccount creates the namespace's default ServiceAccount, as the
// controller manager (absent here) would; ServiceAccount admission needs it.
func ensureServiceAccount(t *testing.T, namespace string) {
	t.Helper()
	doc := fmt.Sprintf("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n  namespace: %s\n", namespace)
	if _, err := srv.applyE([]byte(doc), "e2e-serviceaccount-controller"); err != nil {
		t.Fatalf("default ServiceAccount in %s: %v", namespace, err)
	}
}

// pod is a baseline- and restricted-compliant Pod with the given containers' resources.
func pod(namespace, name string, resources []map[string]any) map[string]any {
	var containers []any
	for i, r := range resources {
		c := map[string]any{
			"name": fmt.Sprintf("c%d", i), "image": "registry.example.com/pause:3.10",
			"securityContext": map[string]any{
				"allowPrivilegeEscalation": false, "runAsNonRoot": true, "runAsUser": 65532,
				"capabilities":   map[string]any{"drop": []any{"ALL"}},
				"seccompProfile": map[string]any{"type": "RuntimeDefault"},
			},
		}
		if r != nil {
			c["resources"] = r
		}
		containers = append(containers, c)
	}
	return map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": name, "namespace": namespace},
		"spec":     map[string]any{"containers": containers},
	}
}

func quantity(t *testing.T, v any, what string) resource.Quantity {
	t.Helper()
	s := fmt.Sprint(v)
	q, err := resource.ParseQuantity(s)
	if err != nil {
		t.Fatalf("%s: %q is no quantity: %v", what, s, err)
	}
	return q
}

// containerLimits returns the Container entry of a rendered LimitRange.
func containerLimits(t *testing.T, lr renderedObject) map[string]any {
	t.Helper()
	items, _ := path(lr.Body, "spec", "limits").([]any)
	for _, it := range items {
		if m, _ := it.(map[string]any); m["type"] == "Container" {
			return m
		}
	}
	t.Fatalf("%s has no Container limits", lr)
	return nil
}

// TestQuotaRejectsPodOverQuota creates, in qa, a Pod whose CPU requests exceed the
// namespace quota while each container stays within the LimitRange maximum: quota
// admission must refuse it with a quota error.
func TestQuotaRejectsPodOverQuota(t *testing.T) {
	const ns = "qa"
	quota := mustOne(t, findRendered(t, "dev", "ResourceQuota", ns), "dev qa ResourceQuota")
	limits := containerLimits(t, mustOne(t, findRendered(t, "dev", "LimitRange", ns), "dev qa LimitRange"))
	ensureServiceAccount(t, ns)

	hardCPU := quantity(t, path(quota.Body, "spec", "hard", "requests.cpu"), "quota requests.cpu")
	maxCPU := quantity(t, path(limits, "max", "cpu"), "LimitRange max cpu")
	n := int(math.Floor(float64(hardCPU.MilliValue())/float64(maxCPU.MilliValue()))) + 1
	var rs []map[string]any
	for i := 0; i < n; i++ {
		rs = append(rs, map[string]any{
			"requests": map[string]any{"cpu": maxCPU.String(), "memory": "64Mi"},
			"limits":   map[string]any{"cpu": maxCPU.String(), "memory": "64Mi"},
		})
	}
	_, err := srv.createE(adminToken, pod(ns, "over-quota", rs))
	var apiErr *apiError
	if !errors.As(err, &apiErr) {
		t.Fatalf("a Pod with %d×%s CPU against a quota of %s: got %v, want a quota error", n, maxCPU.String(), hardCPU.String(), err)
	}
	t.Logf("server said: %s", apiErr.Message)
	if apiErr.Status != 403 || !strings.Contains(apiErr.Message, "exceeded quota: "+quota.Name()) || !strings.Contains(apiErr.Message, "requests.cpu") {
		t.Errorf("got %v, want 403 exceeded quota: %s on requests.cpu", apiErr, quota.Name())
	}
}

// TestLimitRangeDefaultsApplied creates a Pod without resources in qa: LimitRanger
// must give it the LimitRange defaults, and quota admission must then accept it.
func TestLimitRangeDefaultsApplied(t *testing.T) {
	const ns = "qa"
	limits := containerLimits(t, mustOne(t, findRendered(t, "dev", "LimitRange", ns), "dev qa LimitRange"))
	ensureServiceAccount(t, ns)
	got, err := srv.createE(adminToken, pod(ns, "no-resources", []map[string]any{nil}))
	if err != nil {
		t.Fatalf("a Pod without resources in %s: %v", ns, err)
	}
	containers, _ := path(got, "spec", "containers").([]any)
	if len(containers) != 1 {
		t.Fatalf("stored pod has %d containers", len(containers))
	}
	for _, tc := range []struct{ field, limitField, res string }{
		{"requests", "defaultRequest", "cpu"}, {"requests", "defaultRequest", "memory"},
		{"limits", "default", "cpu"}, {"limits", "default", "memory"},
	} {
		want := quantity(t, path(limits, tc.limitField, tc.res), "LimitRange "+tc.limitField+"."+tc.res)
		gotQ := quantity(t, path(containers[0], "resources", tc.field, tc.res), "pod "+tc.field+"."+tc.res)
		if gotQ.Cmp(want) != 0 {
			t.Errorf("pod %s.%s: got %s, want the LimitRange %s %s", tc.field, tc.res, gotQ.String(), tc.limitField, want.String())
		}
	}
}

// TestPodSecurityRefusesPrivileged creates a privileged Pod in each namespace the
// stacks enforce "restricted" on: Pod Security admission must refuse it.
func TestPodSecurityRefusesPrivileged(t *testing.T) {
	var restricted []string
	seen := map[string]bool{}
	for _, o := range findRendered(t, "prod", "Namespace", "*") {
		// Each prod cluster renders its own prod namespace; the server holds one.
		if labels, _ := path(o.Body, "metadata", "labels").(map[string]any); labels[podSecurityEnforce] == "restricted" && !seen[o.Name()] {
			seen[o.Name()] = true
			restricted = append(restricted, o.Name())
		}
	}
	if len(restricted) == 0 {
		t.Fatalf("the prod stack renders no namespace with %s=restricted", podSecurityEnforce)
	}
	for _, ns := range restricted {
		t.Run(ns, func(t *testing.T) {
			ensureServiceAccount(t, ns)
			p := pod(ns, "privileged", []map[string]any{{"requests": map[string]any{"cpu": "100m", "memory": "64Mi"}, "limits": map[string]any{"cpu": "100m", "memory": "64Mi"}}})
			c := path(p, "spec", "containers").([]any)[0].(map[string]any)
			sc := c["securityContext"].(map[string]any)
			sc["privileged"] = true
			// The API refuses privileged with allowPrivilegeEscalation=false outright;
			// leave it out so that Pod Security admission is what decides.
			delete(sc, "allowPrivilegeEscalation")
			_, err := srv.createE(adminToken, p)
			var apiErr *apiError
			if !errors.As(err, &apiErr) {
				t.Fatalf("privileged Pod in %s: got %v, want it refused", ns, err)
			}
			t.Logf("server said: %s", apiErr.Message)
			if apiErr.Status != 403 || !strings.Contains(apiErr.Message, `violates PodSecurity "restricted:`) || !strings.Contains(apiErr.Message, "privileged") {
				t.Errorf("got %v, want 403 violates PodSecurity restricted (privileged)", apiErr)
			}
		})
	}
}

// TestRBAC asks the server's RBAC authorizer, through SubjectAccessReview, what
// the rendered Roles and RoleBindings allow.
func TestRBAC(t *testing.T) {
	applyRendered(t)
	// The namespaces must exist as rendered, or the reviews prove nothing.
	for _, c := range []struct{ stack, kind, ns, name string }{
		{"dev", "Namespace", "", "qa"}, {"dev", "Namespace", "", "e2e"}, {"prod", "Namespace", "", "prod"},
		{"dev", "ServiceAccount", "qa", ciServiceAccount},
	} {
		found := false
		for _, o := range findRendered(t, c.stack, c.kind, c.ns) {
			found = found || o.Name() == c.name
		}
		if !found {
			t.Fatalf("stack %s renders no %s %s (is the environments layer built?)", c.stack, c.kind, c.name)
		}
	}
	// The user's groups as each cloud names them: RoleBindings bind each cloud's
	// subject (identities in the stack file), and prod's namespace "prod" is
	// rendered by three clusters, of which the last applied (prod-azure) wins
	// here: on AKS the token carries the Entra ID group object IDs.
	dev := []string{developersGroup, developersEntraObjectID, "system:authenticated"}
	ci := func(ns string) (string, []string) {
		return "system:serviceaccount:" + ns + ":" + ciServiceAccount, []string{"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"}
	}
	ciUser, ciGroups := ci("qa")
	cases := []struct {
		name                 string
		user                 string
		groups               []string
		verb, group, res, ns string
		want                 bool
	}{
		{"developers create Deployments in qa", "dev-user", dev, "create", "apps", "deployments", "qa", true},
		{"developers may not create Deployments in prod", "dev-user", dev, "create", "apps", "deployments", "prod", false},
		{"developers may read Deployments in prod", "dev-user", dev, "get", "apps", "deployments", "prod", true},
		{"CI patches Rollouts in its own namespace", ciUser, ciGroups, "patch", "argoproj.io", "rollouts", "qa", true},
		{"CI may not patch Rollouts in e2e", ciUser, ciGroups, "patch", "argoproj.io", "rollouts", "e2e", false},
		{"CI may not patch Rollouts in prod", ciUser, ciGroups, "patch", "argoproj.io", "rollouts", "prod", false},
		{"CI may not patch Rollouts cluster-wide", ciUser, ciGroups, "patch", "argoproj.io", "rollouts", "", false},
		{"CI may not create namespaces", ciUser, ciGroups, "create", "", "namespaces", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, reason := srv.accessReview(t, tc.user, tc.groups, tc.verb, tc.group, tc.res, tc.ns)
			if got != tc.want {
				t.Errorf("%s %s %s.%s in %q: allowed=%v (%s), want %v", tc.user, tc.verb, tc.res, tc.group, tc.ns, got, reason, tc.want)
			}
		})
	}
}

// TestSeededInvalidNetworkPolicy applies a NetworkPolicy with port 99999: the
// server must refuse it and say why.
func TestSeededInvalidNetworkPolicy(t *testing.T) {
	srv.apply(t, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: e2e-seeded\n")
	doc := `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: bad-port
  namespace: e2e-seeded
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - ports:
        - port: 99999
          protocol: TCP
`
	_, err := srv.applyE([]byte(doc), fieldManager)
	var apiErr *apiError
	if !errors.As(err, &apiErr) {
		t.Fatalf("NetworkPolicy with port 99999: got %v, want it refused", err)
	}
	t.Logf("server said: %s", apiErr.Message)
	if apiErr.Status != 422 || !strings.Contains(apiErr.Message, "spec.ingress[0].ports[0].port") || !strings.Contains(apiErr.Message, "between 1 and 65535") {
		t.Errorf("got %v, want 422 Invalid on spec.ingress[0].ports[0].port (between 1 and 65535)", apiErr)
	}
}
