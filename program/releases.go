package program

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/components/release"
)

// buildReleases creates every app release in each environment it names. An environment
// name may exist on several clusters (prod on three clouds); the release goes to each
// of them, on that cluster's provider, with that environment's override applied.
//
// Each release waits for its namespace's environment, and its Rollout and
// AnalysisTemplate for the cluster's Argo Rollouts install, its ServiceMonitor for the
// monitoring install, where the platform layer reports them. A cluster without
// Prometheus cannot run analysis: a release whose strategy asks for it fails with
// release.ErrNoPrometheus. A cluster whose platform turned Argo Rollouts or ingress off
// cannot run a release or serve its Ingress; a cluster without a platform entry leaves ingressClassName to the
// cluster's default class and creates no ServiceMonitor.
func (f *Fleet) buildReleases(ctx *pulumi.Context) error {
	keys := make([]string, 0, len(f.Namespaces))
	for k := range f.Namespaces {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i := range f.Config.Releases {
		spec := &f.Config.Releases[i]
		for _, env := range spec.EnvironmentNames() {
			found := false
			for _, key := range keys {
				ns := f.Namespaces[key]
				if ns == nil || ns.Name != env {
					continue
				}
				found = true
				if err := f.buildRelease(ctx, i, spec, env, ns); err != nil {
					return fmt.Errorf("release %q in %s: %w", spec.Name, key, err)
				}
			}
			if !found {
				return fmt.Errorf("release %q: environment %q was not built on any cluster", spec.Name, env)
			}
		}
	}
	return nil
}

// buildRelease creates one release in one namespace.
func (f *Fleet) buildRelease(ctx *pulumi.Context, index int, base *release.Spec, env string, ns *Namespace) error {
	conn := f.Clusters[ns.Cluster]
	if conn == nil || conn.Provider == nil {
		return fmt.Errorf("cluster %q has no kubernetes provider", ns.Cluster)
	}
	spec := releaseIdentity(base.For(env))
	secretEnv, err := release.ResolveSecretEnv(&spec, f.Secrets)
	if err != nil {
		return err
	}
	args := &release.Args{
		Spec:           spec,
		Path:           release.Path(index),
		Namespace:      ns.kubeName(),
		Tier:           ns.Tier,
		Environment:    ns.kubeName(),
		SecretEnv:      secretEnv,
		NamespaceReady: ns.Resource,
		PodsReady:      ns.PodsReady,
		Mesh:           ns.Mesh,
	}
	if spec.OnVirtualNodes(ns.VirtualNodes) {
		// The cluster's neutral fact: its selector, tolerations and pod labels.
		if conn.VirtualNodes == nil {
			return fmt.Errorf("cluster %q: %s", ns.Cluster, release.MsgNoVirtualNodes)
		}
		args.VirtualNodes = conn.VirtualNodes
		if conn.VirtualNodesReady != nil {
			args.PodsReady = append(append([]pulumi.Resource{}, args.PodsReady...), conn.VirtualNodesReady)
		}
	}
	if pl := f.Platforms[ns.Cluster]; pl != nil {
		if pl.RolloutsReady == nil {
			return fmt.Errorf("cluster %q: %s", ns.Cluster, release.MsgNeedsRollouts)
		}
		if spec.Ingress != nil && pl.IngressClass == "" && pl.ReleaseGatewayName == "" {
			return fmt.Errorf("cluster %q: %s", ns.Cluster, release.MsgNeedsIngressController)
		}
		args.PrometheusURL = pl.PrometheusURL
		args.IngressClass = pl.IngressClass
		args.RolloutsReady = pl.RolloutsReady
		args.MonitoringReady = pl.MonitoringReady
		args.ServiceMonitor = pl.MonitoringReady != nil
		args.VPAReady = pl.VPAReady
		args.VPAUpdates = pl.VPAUpdates
		args.SecretStore, args.SecretStoreReady, args.SecretRefresh = pl.SecretStore, pl.SecretStoreReady, pl.SecretRefresh
		args.OTLPEndpoint = pl.OTLPEndpoint
		args.ChaosReady = pl.ChaosReady
		args.Routing = Routing(pl)
	}
	r, err := release.New(ctx, ns.Cluster+"-"+ns.Name+"-"+base.Name, args,
		append([]pulumi.ResourceOption{pulumi.Provider(conn.Provider)}, f.releaseAliases(base, ns)...)...)
	if err != nil {
		return err
	}
	prefix := "releases." + base.Name + "." + ns.Cluster + "." + ns.Name + "."
	f.Exports[prefix+"image"] = r.Image
	if spec.Ingress != nil {
		f.Exports[prefix+"url"] = r.URL
	}
	return nil
}

// Routing is how a cluster's platform edge serves releases.
func Routing(pl *platform.Outputs) release.Routing {
	r := release.Routing{Edge: pl.Edge, Issuer: pl.Issuer, Plugin: pl.GatewayPlugin, Ready: pl.RoutesReady}
	if r.Edge.UsesGateway() {
		r.GatewayName, r.GatewayNamespace = pl.ReleaseGatewayName, pl.ReleaseGatewayNamespace
	}
	return r
}
