package program

import (
	"fmt"
	"maps"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/stacks"
)

// cloudBuilder is how the program builds a cluster of one cloud: build creates the one at
// index in the stack file's clusters list, whose problems it reports at clusters[index]
// (with clusterOnly, only its cloud side, for a cluster stack), attach registers in an
// in-cluster stack the side of a cluster another stack built that the layers above
// need (their cloud identities, backup storage, the kubernetes provider).
type cloudBuilder struct {
	build  func(ctx *pulumi.Context, spec *cluster.Spec, index int, stack string, access cluster.Access, needs platformNeeds, clusterOnly bool) (*cluster.Connection, error)
	attach func(ctx *pulumi.Context, r cluster.Remote, needs platformNeeds) (*cluster.Connection, error)
}

// platformNeeds is what the platform's addons ask of a cluster component: cloud
// identities for their service accounts, and Velero's backup storage.
type platformNeeds struct {
	Workloads []cluster.Workload
	Backups   *cluster.Backups
}

// clusterBuilders holds one builder per cloud; each cloud's file registers its own,
// so the cloud SDKs stay in their own files and packages.
var clusterBuilders = map[cluster.Cloud]cloudBuilder{}

// DeployedReferenceName is the name of the stack reference through which a deploy reads
// its own stack's last outputs: the Kubernetes version each cluster runs.
const DeployedReferenceName = "deployed"

// VersionExport is the stack output that records the version a cluster runs.
func VersionExport(clusterName string) string {
	return "clusters." + clusterName + ".kubernetesVersion"
}

// buildClusters creates each cluster of the config (or, for a cluster another stack
// builds, attaches to it) and records its Connection. Clusters do not depend on each
// other, so the engine creates them in parallel. A version change that skips a minor
// is refused for every cluster at once, before any cluster is registered. A cluster
// stack exports each cluster's contract (connection, outputs, kubeconfig).
func (f *Fleet) buildClusters(ctx *pulumi.Context) error {
	// Offline plans run under mocks and have no deployed stack to compare with.
	if !ctx.RunningWithMocks() {
		deployed, err := DeployedVersions(ctx, f.Config)
		if err != nil {
			return err
		}
		if errs := CheckUpgrades(f.Config, deployed); len(errs) > 0 {
			return &stacks.Error{Source: f.Config.Source, Problems: errs}
		}
	}
	for i := range f.Config.Clusters {
		spec := &f.Config.Clusters[i]
		cb, ok := clusterBuilders[spec.Cloud]
		if !ok {
			return fmt.Errorf("cluster %q: cloud %q is not built into this program", spec.Name, spec.Cloud)
		}
		settings := f.Config.Settings
		var needs platformNeeds
		if settings.BuildsInCluster() {
			needs = platformNeeds{Workloads: f.Config.Platform.Workloads(*spec), Backups: f.Config.Platform.BackupsFor(*spec)}
		}
		if spec.Remote() {
			r, ok := f.Remotes[spec.Name]
			if !ok {
				return fmt.Errorf("cluster %q: its stack reference %q was not read", spec.Name, spec.StackReference)
			}
			conn, err := cb.attach(ctx, r, needs)
			if err != nil {
				return fmt.Errorf("cluster %q: %w", spec.Name, err)
			}
			f.Clusters[spec.Name] = conn
			continue
		}
		access := f.Config.Identities.AccessFor(spec.Cloud, f.Config.AccessGroups(spec.Name))
		conn, err := cb.build(ctx, clusterIdentity(spec), i, f.Config.Stack, access, needs, !settings.BuildsInCluster())
		if err != nil {
			return fmt.Errorf("cluster %q: %w", spec.Name, err)
		}
		f.Clusters[spec.Name] = conn
		if !settings.BuildsInCluster() {
			exports, err := contractExports(*spec, f.Config.Stack, conn)
			if err != nil {
				return fmt.Errorf("cluster %q: %w", spec.Name, err)
			}
			maps.Copy(f.Exports, exports)
		}
		prefix := cluster.ExportPrefix(spec.Name)
		f.Exports[prefix+"cloud"] = pulumi.String(string(conn.Cloud)).ToStringOutput()
		f.Exports[prefix+"name"] = conn.ClusterName
		f.Exports[prefix+"kubeconfig"] = pulumi.ToSecret(conn.Kubeconfig)
		f.Exports[prefix+"oidcIssuer"] = conn.OIDCIssuer
		f.Exports[prefix+"storageClass"] = pulumi.String(conn.StorageClass).ToStringOutput()
		if spec.Cloud != cluster.Existing {
			f.Exports[VersionExport(spec.Name)] = conn.KubernetesVersion
		}
	}
	return nil
}

// DeployedVersions reads, through a stack reference to this very stack, the version
// each cloud cluster ran at the end of the last successful deploy (its VersionExport).
// A cluster missing there (a new stack or cluster) has none; a stack of existing
// clusters only reads nothing. The engine answers the
// reference from the stack's state before this run changes it; a deploy that failed
// half-way leaves the outputs of the one before it, which errs on the safe side.
func DeployedVersions(ctx *pulumi.Context, cfg *stacks.StackConfig) (map[string]string, error) {
	out := map[string]string{}
	managed := false
	for _, c := range cfg.Clusters {
		managed = managed || (c.Cloud != cluster.Existing && !c.Remote())
	}
	if !managed {
		return out, nil // no version to keep track of: read nothing
	}
	self := ctx.Organization() + "/" + ctx.Project() + "/" + ctx.Stack()
	ref, err := pulumi.NewStackReference(ctx, DeployedReferenceName, &pulumi.StackReferenceArgs{Name: pulumi.String(self)})
	if err != nil {
		return nil, fmt.Errorf("reading the deployed stack %s: %w", self, err)
	}
	for _, c := range cfg.Clusters {
		if c.Cloud == cluster.Existing || c.Remote() {
			continue
		}
		d, err := ref.GetOutputDetails(VersionExport(c.Name))
		if err != nil {
			return nil, fmt.Errorf("reading %s of the deployed stack: %w", VersionExport(c.Name), err)
		}
		if v, ok := d.Value.(string); ok && v != "" {
			out[c.Name] = v
		}
	}
	return out, nil
}

// CheckUpgrades refuses, with each cluster's field path, a kubernetesVersion that skips a
// minor from, or goes below, the version the cluster runs (deployed, by cluster name).
func CheckUpgrades(cfg *stacks.StackConfig, deployed map[string]string) field.ErrorList {
	var errs field.ErrorList
	for i, c := range cfg.Clusters {
		if err := cluster.CheckUpgrade(deployed[c.Name], c.KubernetesVersion); err != nil {
			errs = append(errs, field.Invalid(field.NewPath(stacks.KeyClusters).Index(i).Child("kubernetesVersion"), c.KubernetesVersion,
				fmt.Sprintf("the cluster runs %s: %v", deployed[c.Name], err)))
		}
	}
	return errs
}
