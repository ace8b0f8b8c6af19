package program

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/stacks"
)

// TestClusterComponentsReportTheStackPath: every cloud's component reports a spec's
// problems at the path the stack's validation uses (clusters[i], cluster.Path), never
// at another form such as clusters[<name>], so a user finds the entry in the stack file
// whichever layer found the problem.
func TestClusterComponentsReportTheStackPath(t *testing.T) {
	const index = 2
	clouds := slices.Sorted(maps.Keys(clusterBuilders))
	if len(clouds) < 4 {
		t.Fatalf("cloud builders = %v, want all four (aws, azure, alicloud, existing)", clouds)
	}
	for _, cloud := range clouds {
		t.Run(string(cloud), func(t *testing.T) {
			spec := &cluster.Spec{Name: "odd-" + string(cloud), Cloud: cloud, Region: "nowhere-1", KubernetesVersion: "bogus",
				Kubeconfig: &cluster.KubeconfigSpec{Context: "x", StorageClass: "NOT A NAME"}}
			cfg := &stacks.StackConfig{Stack: "dev", Clusters: []cluster.Spec{{}, {}, *spec}}
			_, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				_, err := clusterBuilders[cloud].build(ctx, &cfg.Clusters[index], index, cfg.Stack, cluster.Access{}, platformNeeds{}, false)
				return nil, err
			}, plan.Options{Project: "fleetform", Stack: "dev"})
			if err == nil {
				t.Fatal("an invalid spec built; want its problems")
			}
			want := cluster.Path(index).String()
			if !strings.Contains(err.Error(), want+".") {
				t.Errorf("err = %v, want problems at %s...", err, want)
			}
			for rest := err.Error(); strings.Contains(rest, "clusters["); {
				_, rest, _ = strings.Cut(rest, "clusters[")
				if !strings.HasPrefix("clusters["+rest, want+".") {
					t.Errorf("err = %v names clusters[%.20s: want every path in the stack's form %s", err, rest, want)
				}
			}
		})
	}
}
