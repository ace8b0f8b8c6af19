package cluster

import (
	"errors"
	"strings"
	"testing"
)

func TestPrepare(t *testing.T) {
	in := *awsSpec()
	in.Tags = map[string]string{"team": "platform"}
	out, err := Prepare(in, 0, AWS, "dev")
	if err != nil {
		t.Fatal(err)
	}
	// Defaults went to the copy only.
	if out.AWS.EndpointAccess == "" || out.NodePools[0].MaxPods == 0 || out.Environment != "dev" {
		t.Errorf("prepared spec not defaulted: %+v", out)
	}
	if in.AWS.EndpointAccess != "" || in.NodePools[0].MaxPods != 0 || in.Environment != "" {
		t.Errorf("Prepare changed the caller's spec: %+v", in)
	}
	out.Tags["team"] = "changed"
	out.AWS.PublicAccessCIDRs[0] = "198.51.100.0/24"
	if in.Tags["team"] != "platform" || in.AWS.PublicAccessCIDRs[0] != "203.0.113.0/24" {
		t.Error("the prepared copy shares maps or lists with the caller's spec")
	}

	if _, err := Prepare(in, 0, Azure, "dev"); !errors.Is(err, ErrWrongCloud) {
		t.Errorf("wrong cloud: got %v, want ErrWrongCloud", err)
	}
	if _, err := Prepare(in, 0, AWS, ""); !errors.Is(err, ErrNoStack) {
		t.Errorf("no stack: got %v, want ErrNoStack", err)
	}
	bad := *awsSpec()
	bad.Network.Zones = 1
	bad.NodePools[0].MaxSize = 0
	_, err = Prepare(bad, 2, AWS, "dev")
	for _, want := range []string{"clusters[2].network.zones", "clusters[2].nodePools[0].maxSize"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("invalid spec: got %v, want every problem, including %s", err, want)
		}
	}
}

func TestRunSteps(t *testing.T) {
	var ran []string
	step := func(name string, err error) Step {
		return Step{Name: name, Run: func() error { ran = append(ran, name); return err }}
	}
	boom := errors.New("boom")
	err := RunSteps(step("network", nil), step("cluster", boom), step("kubernetes", nil))
	if !errors.Is(err, boom) || err.Error() != "cluster: boom" || strings.Join(ran, ",") != "network,cluster" {
		t.Errorf("got %v after %v, want cluster: boom after network,cluster", err, ran)
	}
}
