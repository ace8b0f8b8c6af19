package cluster

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestContractRoundTrip(t *testing.T) {
	s := Spec{Name: "prod-aws", Cloud: AWS, Region: "us-east-1", Environment: "prod", Federation: FederationHub, KubernetesVersion: "1.35",
		AWS:       &AWSSpec{EndpointAccess: EndpointPrivate},
		NodePools: []NodePool{{Name: "system", System: true, Labels: map[string]string{"workload": "system"}, Taints: []Taint{{Key: "CriticalAddonsOnly", Value: "true", Effect: "NoSchedule"}}}},
	}
	conn := &Connection{StorageClass: "gp3", Subjects: map[string]Subject{"shop-developers": {Kind: SubjectGroup, Name: "shop-developers"}},
		Facts: map[string]string{"clusterName": "prod-aws-prod"}}
	c := ContractOf(s, "prod-aws-cluster", conn)
	if !c.PrivateEndpoint {
		t.Errorf("PrivateEndpoint: got false, want true for endpointAccess private")
	}
	if _, err := c.Value(); err != nil {
		t.Fatal(err)
	}
	// What a stack reference hands back: the JSON values the engine stored.
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var plain map[string]any
	if err := json.Unmarshal(b, &plain); err != nil {
		t.Fatal(err)
	}
	got, err := ParseContract("prod-aws", plain)
	if err != nil {
		t.Fatalf("ParseContract: %v", err)
	}
	if got.Stack != "prod-aws-cluster" || got.Cloud != AWS || got.Region != "us-east-1" || got.Federation != FederationHub ||
		got.Subjects["shop-developers"].Name != "shop-developers" || got.Facts["clusterName"] != "prod-aws-prod" ||
		len(got.NodePools) != 1 || got.NodePools[0].Taints[0].Key != "CriticalAddonsOnly" {
		t.Errorf("round trip: got %+v, want the contract written", got)
	}
	var attached Spec
	attached.Name, attached.StackReference = "prod-aws", "cluster"
	attached.Attached(got)
	if attached.Cloud != AWS || attached.Environment != "prod" || !attached.NodePools[0].System || attached.Contract() == nil || !attached.Remote() {
		t.Errorf("Attached: got %+v, want the contract's cloud, tier and pools", attached)
	}
}

func TestParseContractRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    any
		want error
	}{
		{"missing", nil, ErrContractMissing},
		{"unknown version", map[string]any{"version": "fleetform.io/connection/v9", "name": "a", "cloud": "aws"}, ErrContractVersion},
		{"no version", map[string]any{"name": "a", "cloud": "aws"}, ErrContractVersion},
		{"another cluster's", map[string]any{"version": ContractVersion, "name": "b", "cloud": "aws"}, ErrContractShape},
		{"unknown cloud", map[string]any{"version": ContractVersion, "name": "a", "cloud": "gcp"}, ErrContractShape},
		{"not a map", "text", ErrContractShape},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseContract("a", tc.v)
			if !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestTagsFact(t *testing.T) {
	in := map[string]string{"environment": "prod", "stack": "prod-aws-cluster"}
	out := DecodeTags(EncodeTags(in))
	if len(out) != 2 || out["stack"] != "prod-aws-cluster" {
		t.Errorf("got %v, want %v", out, in)
	}
	if DecodeTags("not json") != nil {
		t.Errorf("malformed tags: want nil")
	}
}
