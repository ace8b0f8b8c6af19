package tests

import (
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/ack"
	"github.com/fleetform/fleetform/policies/rules"
)

// TestACKRuleCitesThePinnedProvider: ACK003 explains itself by the alicloud provider
// plugin the ACK cluster runs on, so it moves with ack.ProviderVersion.
func TestACKRuleCitesThePinnedProvider(t *testing.T) {
	d := rules.ByID(rules.IDACKPublicAPI).Description
	if !strings.Contains(d, "v"+ack.ProviderVersion) {
		t.Errorf("ACK003 says %q, want it to cite provider v%s", d, ack.ProviderVersion)
	}
}
