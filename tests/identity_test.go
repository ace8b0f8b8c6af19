package tests

import (
	"slices"
	"testing"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/eks"
	"github.com/fleetform/fleetform/policies/rules"
)

// Type tokens of the workload identity check.
const (
	typeServiceAccount         = "kubernetes:core/v1:ServiceAccount"
	typePodIdentityAssociation = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
)

// TestAddonsOnEKSUsePodIdentity: on every EKS cluster of the stacks (all in the aws
// partition), each addon's service account that the platform makes waits for the Pod
// Identity association of its namespace and name (EKS gives pods credentials only if the
// association exists when they start), and none carries an IRSA role: the single-stack
// layout (dev, prod) and the in-cluster stack that attaches to its cluster stack
// (prod-aws) alike. Associations outside kube-system (whose accounts EKS's add-ons make)
// each have their account.
func TestAddonsOnEKSUsePodIdentity(t *testing.T) {
	for _, stack := range []string{"dev", "prod", "prod-aws"} {
		t.Run(stack, func(t *testing.T) {
			p := planStack(t, stack, nil)
			assocs := p.ByType(typePodIdentityAssociation)
			if len(assocs) == 0 {
				t.Fatal("no Pod Identity association")
			}
			bound := map[string]bool{}
			for _, sa := range p.ByType(typeServiceAccount) {
				md, _ := sa.Inputs["metadata"].(map[string]any)
				ann, _ := md["annotations"].(map[string]any)
				if _, irsa := ann[cluster.AnnotationIRSARole]; irsa {
					t.Errorf("service account %s carries an IRSA role %v", sa.Name, ann[cluster.AnnotationIRSARole])
				}
				for _, d := range sa.Dependencies {
					a := p.Find(d)
					if a == nil || a.Type != typePodIdentityAssociation {
						continue
					}
					if a.Inputs["namespace"] != md["namespace"] && md["namespace"] != nil || a.Inputs["serviceAccount"] != md["name"] {
						t.Errorf("service account %s (%v/%v) waits for the association of %v/%v", sa.Name, md["namespace"], md["name"], a.Inputs["namespace"], a.Inputs["serviceAccount"])
					}
					bound[a.URN] = true
				}
			}
			for _, a := range assocs {
				if a.Inputs["namespace"] == eks.AddonNamespace {
					continue
				}
				if !bound[a.URN] {
					t.Errorf("association %s (%v/%v): no service account waits for it", a.Name, a.Inputs["namespace"], a.Inputs["serviceAccount"])
				}
			}
		})
	}
}

// TestPolicyKnowsWherePodIdentityIs: EKS006 takes the partitions with Pod Identity from
// its own list, which must be the EKS component's.
func TestPolicyKnowsWherePodIdentityIs(t *testing.T) {
	if !slices.Equal(rules.PodIdentityPartitions, eks.PodIdentityPartitions) {
		t.Errorf("rules.PodIdentityPartitions %v, eks.PodIdentityPartitions %v: keep them equal", rules.PodIdentityPartitions, eks.PodIdentityPartitions)
	}
}

// TestEKSStacksHaveNoIRSAOrUnpinnedAddon: the EKS stacks' plans give EKS005 and EKS006
// nothing to report at any level (every add-on pinned, no IRSA in the aws partition).
func TestEKSStacksHaveNoIRSAOrUnpinnedAddon(t *testing.T) {
	for _, stack := range []string{"dev", "prod-aws-cluster", "prod-aws"} {
		p := planStack(t, stack, nil)
		rs := make([]rules.Resource, 0, len(p.Resources))
		addons := 0
		for _, r := range p.Resources {
			rs = append(rs, rules.Resource{URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent, Provider: r.Provider, Dependencies: r.Dependencies, Inputs: r.Inputs})
			if r.Type == rules.TypeEKSAddon {
				addons++
			}
		}
		for _, f := range rules.Check(policyConfig(t).Env(stack), rs) {
			if f.Rule.ID == rules.IDEKSAddonVersion || f.Rule.ID == rules.IDIRSAWherePodIdent {
				t.Errorf("%s: %s %s: %s", stack, f.Rule.ID, f.URN, f.Message)
			}
		}
		// The cluster stacks' five; the snapshot controller comes with backups, in the
		// stack that installs Velero.
		if stack != "prod-aws" && addons < 5 {
			t.Errorf("%s: %d EKS add-ons, want at least vpc-cni, kube-proxy, coredns, EBS CSI and the Pod Identity Agent", stack, addons)
		}
	}
}
