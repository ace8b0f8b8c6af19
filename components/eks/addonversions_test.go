package eks

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/fleetform/fleetform/components/cluster"
)

var addonVersionForm = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`)

// TestAddonVersionsCoverEveryMinor fails when a minor EKS still runs (within 60 days from
// now) has no pinned version for an add-on the component installs, so the table moves
// with the EKS version table.
func TestAddonVersionsCoverEveryMinor(t *testing.T) {
	addons := []string{AddonVPCCNI, AddonCoreDNS, AddonKubeProxy, AddonEBSCSI, AddonSnapshotController, AddonPodIdentityAgent}
	soon := time.Now().UTC().AddDate(0, 0, 60)
	for _, minor := range cluster.EKSVersionTable.Minors(soon) {
		for _, a := range addons {
			if _, why := AddonVersions.Unpinned[a]; why {
				if v := AddonVersions.Versions[minor][a]; v != "" {
					t.Errorf("%s %s: pinned to %s but listed as unpinned", minor, a, v)
				}
				continue
			}
			v := AddonVersion(a, minor)
			if !addonVersionForm.MatchString(v) {
				t.Errorf("%s on %s: got %q, want a pinned vX.Y.Z-eksbuild.N", a, minor, v)
			}
		}
	}
	for minor, vs := range AddonVersions.Versions {
		if cluster.EKSVersionTable.Release(minor) == nil {
			t.Errorf("minor %s has add-on versions but is not in the EKS version table", minor)
		}
		// kube-proxy must match the control plane's minor (AWS: its version is tied to it).
		if kp := vs[AddonKubeProxy]; cluster.MinorOf(kp[1:]) != minor {
			t.Errorf("kube-proxy %s pinned for %s: another minor", kp, minor)
		}
	}
}

// TestAddonVersionsFollowTheControlPlane: every add-on gets its pinned version for the
// spec's minor, so an upgrade changes them in the same plan; each waits for the cluster.
func TestAddonVersionsFollowTheControlPlane(t *testing.T) {
	for _, minor := range []string{"1.35", "1.36"} {
		t.Run(minor, func(t *testing.T) {
			s := prodSpec("prod-aws", "us-east-1")
			s.KubernetesVersion = minor
			p := planClusters(t, s)
			eksCl := one(t, p, typeEKSCluster, "prod-aws-eks")
			for _, a := range []string{AddonVPCCNI, AddonCoreDNS, AddonKubeProxy, AddonEBSCSI, AddonPodIdentityAgent} {
				r := one(t, p, typeAddon, "prod-aws-"+a)
				if got, want := r.Inputs["addonVersion"], AddonVersions.Versions[minor][a]; got != want {
					t.Errorf("%s addonVersion: got %v, want %s", a, got, want)
				}
				if !slices.Contains(r.Dependencies, eksCl.URN) {
					t.Errorf("%s does not wait for the control plane", a)
				}
			}
		})
	}
}
