package program

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// clusterBuilder creates one cluster of a cloud and returns how to reach it.
type clusterBuilder func(ctx *pulumi.Context, spec *cluster.Spec, stack string) (*cluster.Connection, error)

// clusterBuilders holds one builder per cloud; each cloud's file registers its own,
// so the cloud SDKs stay in their own files and packages.
var clusterBuilders = map[cluster.Cloud]clusterBuilder{}

// buildClusters creates each cluster of the config and records its Connection.
// Clusters do not depend on each other, so the engine creates them in parallel.
func (f *Fleet) buildClusters(ctx *pulumi.Context) error {
	for i := range f.Config.Clusters {
		spec := &f.Config.Clusters[i]
		build, ok := clusterBuilders[spec.Cloud]
		if !ok {
			return fmt.Errorf("cluster %q: cloud %q is not built into this program", spec.Name, spec.Cloud)
		}
		conn, err := build(ctx, spec, f.Config.Stack)
		if err != nil {
			return fmt.Errorf("cluster %q: %w", spec.Name, err)
		}
		f.Clusters[spec.Name] = conn
		prefix := "clusters." + spec.Name + "."
		f.Exports[prefix+"cloud"] = pulumi.String(string(conn.Cloud)).ToStringOutput()
		f.Exports[prefix+"name"] = conn.ClusterName
		f.Exports[prefix+"kubeconfig"] = pulumi.ToSecret(conn.Kubeconfig)
		f.Exports[prefix+"oidcIssuer"] = conn.OIDCIssuer
		f.Exports[prefix+"storageClass"] = pulumi.String(conn.StorageClass).ToStringOutput()
	}
	return nil
}
