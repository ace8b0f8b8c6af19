package program

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/chaos"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/environments"
)

// buildEnvironments creates every namespace environment on its cluster's provider
// and records it in Namespaces. Each environment depends on its cluster's provider
// and, for the pull secret only, on the registry's outputs; nothing else.
func (f *Fleet) buildEnvironments(ctx *pulumi.Context) error {
	ingressNS, monitoringNS := platformNamespaces(&f.Config.Platform)
	for i := range f.Config.Environments {
		spec := f.Config.Environments[i]
		conn := f.Clusters[spec.Cluster]
		if conn == nil || conn.Provider == nil {
			return fmt.Errorf("environment %q: cluster %q has no kubernetes provider", spec.Name, spec.Cluster)
		}
		var registry *platform.Registry
		var meshReady []pulumi.Resource
		var annotations map[string]string
		if p := f.Platforms[spec.Cluster]; p != nil {
			registry, meshReady = p.Registry, p.MeshReady
			if p.ChaosReady != nil && f.runsExperiments(spec.Name) {
				annotations = map[string]string{chaos.InjectAnnotation: chaos.InjectEnabled}
			}
		}
		// Validation refused a mesh the platform cannot run; here a cluster without a
		// platform (or with the edge off) has none to join.
		meshed := spec.InMesh(meshReady != nil)
		meshNS := ""
		if meshed {
			meshNS = platform.NamespaceIstio
		}
		env, err := environments.New(ctx, spec.Cluster+"-"+spec.Name, &environments.Args{
			Spec:                environmentIdentity(spec),
			Stack:               f.Config.Stack,
			Provider:            conn.Provider,
			Registry:            registry,
			IngressNamespace:    ingressNS,
			MonitoringNamespace: monitoringNS,
			Subjects:            conn.Subjects,
			Mesh:                meshed,
			MeshNamespace:       meshNS,
			MeshReady:           meshReady,
			Annotations:         annotations,
		}, f.environmentAliases(spec)...)
		if err != nil {
			return err
		}
		// Releases wait for the Namespace, and their workloads also for what a pod
		// needs (PodsReady): a pod created before the LimitRange has no limits and is
		// refused by the quota, one created before the pull secret is attached never
		// gets it. RBAC and NetworkPolicies are not waited for: nothing needs them to
		// exist first, and waiting would put them on every release's critical path.
		f.Namespaces[NamespaceKey(spec.Cluster, spec.Name)] = &Namespace{
			Cluster:   spec.Cluster,
			Name:      spec.Name,
			KubeName:  spec.Identity(),
			Tier:      tier(spec),
			Resource:  env.NamespaceObject,
			PodsReady: env.PodsReady,
			Mesh:      meshed,
			// Validation refused an opt-in on a cluster without virtual nodes.
			VirtualNodes: spec.VirtualNodes,
		}
	}
	return nil
}

// runsExperiments says a release runs chaos experiments in environment env: only
// such a namespace admits Chaos Mesh (its namespace filter), so an experiment cannot
// reach any other, whatever its selector.
func (f *Fleet) runsExperiments(env string) bool {
	for i := range f.Config.Releases {
		if len(chaos.RunsIn(f.Config.Releases[i].Chaos, env)) > 0 {
			return true
		}
	}
	return false
}

// platformNamespaces returns the namespaces of the ingress controller and of
// Prometheus that environments let in, or "" for an addon the platform turns off.
func platformNamespaces(p *platform.Spec) (ingress, monitoring string) {
	ingress, monitoring = platform.EdgeNamespace(p.Edge), platform.NamespaceMonitoring
	if e := p.Ingress.Enabled; e != nil && !*e {
		ingress = ""
	}
	if e := p.Monitoring.Enabled; e != nil && !*e {
		monitoring = ""
	}
	return ingress, monitoring
}

// tier is an environment's tier after defaulting (Build may get a config that was
// not prepared).
func tier(spec environments.Spec) string {
	spec.ApplyDefaults()
	return spec.Tier
}
