package ack

import (
	"bufio"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/cluster/clustertest"
)

// schemaFile is the extract of the input property names at ProviderVersion.
const schemaFile = "testdata/alicloud-schema-v" + ProviderVersion + ".txt"

// deprecatedAllowed are deprecated properties still sent, each with the reason.
var deprecatedAllowed = map[string]string{
	// oss.BucketAcl replaces it; the v3.10.0 SDK's Bucket still sets it and the
	// provider still applies it (a private bucket is also OSS's default).
	"alicloud:oss/bucket:Bucket acl": "kept: the bucket stays private through the SDK's Bucket",
}

// loadSchema reads the extract: for each type token, each property name and whether
// it is deprecated.
func loadSchema(t *testing.T) map[string]map[string]bool {
	t.Helper()
	f, err := os.Open(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Fields(line)
		if len(fs) < 2 {
			t.Fatalf("%s: bad line %q", schemaFile, line)
		}
		if out[fs[0]] == nil {
			out[fs[0]] = map[string]bool{}
		}
		out[fs[0]][fs[1]] = len(fs) == 3 && fs[2] == "deprecated"
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// sentPaths lists the property paths of inputs: top-level names, and name.nested for
// the objects (and objects in arrays) the extract lists nested names of.
func sentPaths(typ string, in resource.PropertyMap, schema map[string]map[string]bool) []string {
	var out []string
	var walk func(prefix string, m resource.PropertyMap)
	walk = func(prefix string, m resource.PropertyMap) {
		for k, v := range m {
			p := prefix + string(k)
			out = append(out, p)
			if v.IsSecret() {
				v = v.SecretValue().Element
			}
			var objs []resource.PropertyMap
			switch {
			case v.IsObject():
				objs = append(objs, v.ObjectValue())
			case v.IsArray():
				for _, e := range v.ArrayValue() {
					if e.IsObject() {
						objs = append(objs, e.ObjectValue())
					}
				}
			}
			if len(objs) == 0 || p == "tags" {
				continue
			}
			// Descend only where the extract lists the nested names.
			nested := false
			for name := range schema[typ] {
				if strings.HasPrefix(name, p+".") {
					nested = true
					break
				}
			}
			if !nested {
				continue
			}
			for _, o := range objs {
				walk(p+".", o)
			}
		}
	}
	walk("", in)
	return out
}

// everything is a run that sends every kind of alicloud resource the component makes:
// three clusters (Pro with encryption, logs, a fixed and a scaling pool; Basic and
// public; Pro in auto mode), a key pair, a management network, workload roles and
// backups.
func everything(t *testing.T) *clustertest.Recorder {
	t.Helper()
	prod := prodSpec()
	prod.Network.Management = &cluster.ManagementNetwork{CIDRs: []string{"10.250.0.0/20"}, CENID: testCEN}
	prod.Alicloud.KeyPairName = "ops"
	dev := devSpec()
	dev.Alicloud.ClusterSpec = cluster.ACKStandard
	return clustertest.Run(t, "fleetform", "test", ackCloud("Q0VSVA=="), func(ctx *pulumi.Context) error {
		for _, s := range []cluster.Spec{prod, dev, autoSpec()} {
			if _, err := New(ctx, s.Name, &Args{Spec: s, Stack: "test", Access: testAccess, Workloads: testWorkloads,
				Backups: &cluster.Backups{ExpireDays: 37, Namespace: "velero", ServiceAccount: "velero"}}); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestInputsAreInTheProviderSchema: every property every alicloud resource sends
// exists at ProviderVersion and is not deprecated there, so the plugin the engine runs
// accepts what the program sends.
func TestInputsAreInTheProviderSchema(t *testing.T) {
	schema := loadSchema(t)
	rec := everything(t)
	seen := map[string]bool{}
	for _, r := range rec.Registrations() {
		if !strings.HasPrefix(r.Type, "alicloud:") {
			continue
		}
		seen[r.Type] = true
		props, ok := schema[r.Type]
		if !ok {
			t.Errorf("%s (%s): type not in %s", r.Type, r.Name, schemaFile)
			continue
		}
		for _, p := range sentPaths(r.Type, r.Inputs, schema) {
			deprecated, ok := props[p]
			switch {
			case !ok:
				t.Errorf("%s %s: sends %q, which provider %s does not have", r.Type, r.Name, p, ProviderVersion)
			case deprecated && deprecatedAllowed[r.Type+" "+p] == "":
				t.Errorf("%s %s: sends %q, deprecated at provider %s", r.Type, r.Name, p, ProviderVersion)
			}
		}
	}
	// The run covers every type of the extract, so no listed type goes unchecked.
	var missing []string
	for typ := range schema {
		if !seen[typ] {
			missing = append(missing, typ)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("types in %s that the run did not register: %v", schemaFile, missing)
	}
}

// TestEveryResourceRunsOnThePinnedPlugin: the cluster's alicloud provider asks for
// ProviderVersion, and nothing alicloud asks for another version itself.
func TestEveryResourceRunsOnThePinnedPlugin(t *testing.T) {
	rec := everything(t)
	provs := rec.ByType("pulumi:providers:alicloud")
	if len(provs) != 3 {
		t.Fatalf("alicloud providers: got %d, want 3", len(provs))
	}
	for name, p := range provs {
		if p.Version != ProviderVersion {
			t.Errorf("provider %s: version %q, want %s", name, p.Version, ProviderVersion)
		}
	}
	for _, r := range rec.Registrations() {
		if strings.HasPrefix(r.Type, "alicloud:") && r.Version != "" && r.Version != ProviderVersion {
			t.Errorf("%s %s: asks for plugin %q, want none or %s", r.Type, r.Name, r.Version, ProviderVersion)
		}
	}
}

// TestDeprecatedInputsAreGone names the replacements the current schema asks for.
func TestDeprecatedInputsAreGone(t *testing.T) {
	rec := everything(t)
	for _, tc := range []struct {
		typ       string
		gone      []string
		replacing []string
	}{
		{TypeManagedKubernetes, []string{"workerVswitchIds", "loadBalancerSpec"}, []string{"vswitchIds", "enableRrsa", "maintenanceWindow", "operationPolicy"}},
		{TypeNodePool, []string{"name", "nodeCount", "platform"}, []string{"nodePoolName"}},
		{TypeRAMRole, []string{"name", "document"}, []string{"roleName", "assumeRolePolicyDocument"}},
	} {
		regs := rec.ByType(tc.typ)
		if len(regs) == 0 {
			t.Errorf("%s: none registered", tc.typ)
		}
		for name, r := range regs {
			for _, k := range tc.gone {
				if _, ok := r.Inputs[resource.PropertyKey(k)]; ok {
					t.Errorf("%s %s: sends %s", tc.typ, name, k)
				}
			}
			for _, k := range tc.replacing {
				if _, ok := r.Inputs[resource.PropertyKey(k)]; !ok {
					t.Errorf("%s %s: does not send %s", tc.typ, name, k)
				}
			}
		}
	}
}

// autoSpec is a Pro cluster in ACK's auto mode.
func autoSpec() cluster.Spec {
	s := prodSpec()
	s.Name = "auto-ali"
	s.Alicloud.AutoMode = true
	return s
}

// TestAutoMode: the cluster asks for auto mode, and its pools send only what auto
// mode lets a pool set (the rest ACK sets and ignores when sent).
func TestAutoMode(t *testing.T) {
	rec := everything(t)
	for name, k := range rec.ByType(TypeManagedKubernetes) {
		auto, ok := k.Inputs["autoMode"]
		if want := name == "auto-ali"; ok != want || (ok && !auto.ObjectValue()["enabled"].BoolValue()) {
			t.Errorf("%s autoMode: got %v, want set=%v", name, auto, want)
		}
	}
	allowed := map[string]bool{"nodePoolName": true, "clusterId": true, "vswitchIds": true, "instanceTypes": true,
		"labels": true, "taints": true, "autoMode": true, "scalingConfig": true, "tags": true}
	pools := 0
	for name, np := range rec.ByType(TypeNodePool) {
		if !strings.HasPrefix(name, "auto-ali-") {
			if _, ok := np.Inputs["autoMode"]; ok {
				t.Errorf("%s: autoMode on a cluster without it", name)
			}
			continue
		}
		pools++
		for k := range np.Inputs {
			if !allowed[string(k)] {
				t.Errorf("%s: sends %s, which auto mode sets itself", name, k)
			}
		}
		sc := np.Inputs["scalingConfig"].ObjectValue()
		if _, ok := sc["enable"]; ok || len(sc) != 2 {
			t.Errorf("%s scalingConfig: got %v, want minSize and maxSize only", name, sc)
		}
	}
	if pools != 2 {
		t.Errorf("auto-mode pools: got %d, want 2", pools)
	}
}
