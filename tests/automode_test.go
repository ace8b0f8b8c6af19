package tests

import (
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/eks"
	"github.com/fleetform/fleetform/program"
)

// TestDevStackOnEKSAutoMode plans the dev stack with its EKS cluster in Auto Mode and
// no node pool of its own (prod stays as it is): the whole platform still plans, on
// Auto Mode's StorageClass, with no Karpenter, no EKS add-on but Velero's snapshot
// controller and no node group, and passes dev's policy gate.
func TestDevStackOnEKSAutoMode(t *testing.T) {
	cfg, err := loadStack("dev")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i := range cfg.Clusters {
		c := &cfg.Clusters[i]
		if c.Cloud != cluster.AWS {
			continue
		}
		found = true
		c.AWS.AutoMode = true
		c.AWS.Karpenter = nil
		c.NodePools = nil
	}
	if !found {
		t.Fatal("the dev stack has no EKS cluster")
	}
	p, err := program.OfflineResolving(cfg, nil, loadStack)
	if err != nil {
		t.Fatalf("planning dev on Auto Mode: %v", err)
	}
	for _, r := range p.ByType("aws:eks/addon:Addon") {
		// Velero's CSI snapshots still need the snapshot controller add-on.
		if name := r.Inputs["addonName"]; name != eks.AddonSnapshotController {
			t.Errorf("add-on %v in the plan, want only %s under Auto Mode", name, eks.AddonSnapshotController)
		}
	}
	for _, typ := range []string{"aws:eks/nodeGroup:NodeGroup", "aws:sqs/queue:Queue"} {
		if n := len(p.ByType(typ)); n != 0 {
			t.Errorf("%d %s in the plan, want none under Auto Mode", n, typ)
		}
	}
	classes := 0
	for _, r := range p.ByType("kubernetes:storage.k8s.io/v1:StorageClass") {
		classes++
		if got := r.Inputs["provisioner"]; got != eks.AutoModeEBSProvisioner {
			t.Errorf("StorageClass %s provisioner = %v, want %s", r.Name, got, eks.AutoModeEBSProvisioner)
		}
	}
	if classes != 1 {
		t.Errorf("%d StorageClasses, want the cluster's one", classes)
	}
	for _, r := range p.Resources {
		if strings.Contains(strings.ToLower(r.Name), "karpenter") {
			t.Errorf("%s %s in the plan, want no Karpenter under Auto Mode", r.Type, r.Name)
		}
	}
	// The dev policy gate holds on Auto Mode as it does on the stack as written.
	checkGate(t, "dev", p)
	t.Logf("dev on Auto Mode: %d resources", len(p.Resources))
}
