package stacks

import (
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/components/release"
)

// validatePlatform checks the addon settings and what they refer to.
func (c *StackConfig) validatePlatform() field.ErrorList {
	p := field.NewPath(KeyPlatform)
	errs := c.Platform.Validate(p)
	errs = append(errs, c.Platform.ValidateClusters(p, c.Clusters)...)
	errs = append(errs, c.Platform.ValidateHostnames(c.releaseHostnames())...)
	errs = append(errs, c.validateIstioHTTP01()...)
	errs = append(errs, c.validateIssuerZones()...)
	h := c.Platform.Harbor
	if h.Cluster != "" && c.Cluster(h.Cluster) == nil {
		errs = append(errs, field.Invalid(p.Child("harbor", "cluster"), h.Cluster, MsgNoSuchCluster))
	}
	if h.StackReference != "" && c.Reference(h.StackReference) == nil {
		errs = append(errs, field.Invalid(p.Child("harbor", "stackReference"), h.StackReference, MsgNoSuchReference))
	}
	for i, r := range c.Platform.Monitoring.Federation.RemoteSpokes {
		if c.Reference(r) == nil {
			errs = append(errs, field.Invalid(p.Child("monitoring", "federation", "remoteSpokes").Index(i), r, MsgNoSuchReference))
		}
	}
	hubs := 0
	for _, cl := range c.Clusters {
		if cl.Federation == cluster.FederationHub {
			hubs++
		}
	}
	if hubs > 1 {
		errs = append(errs, field.Invalid(field.NewPath(KeyClusters), hubs, "at most one cluster may be the federation hub"))
	}
	if len(c.Platform.Monitoring.Federation.RemoteSpokes) > 0 && hubs == 0 {
		errs = append(errs, field.Invalid(p.Child("monitoring", "federation", "remoteSpokes"), c.Platform.Monitoring.Federation.RemoteSpokes, "remote spokes need a cluster with federation: hub"))
	}
	return errs
}

// validateEnvironments checks each environment and that it names a cluster.
func (c *StackConfig) validateEnvironments() field.ErrorList {
	var errs field.ErrorList
	p := field.NewPath(KeyEnvironments)
	seen := map[string]int{}
	for i := range c.Environments {
		e := &c.Environments[i]
		ep := p.Index(i)
		errs = append(errs, e.Validate(ep)...)
		if e.Cluster == "" {
			errs = append(errs, field.Required(ep.Child("cluster"), ""))
		} else if c.Cluster(e.Cluster) == nil {
			errs = append(errs, field.Invalid(ep.Child("cluster"), e.Cluster, MsgNoSuchCluster))
		}
		key := e.Cluster + "/" + e.Name
		if j, dup := seen[key]; dup {
			errs = append(errs, field.Duplicate(ep.Child("name"), fmt.Sprintf("%s (also environments[%d] on cluster %s)", e.Name, j, e.Cluster)))
		}
		seen[key] = i
	}
	errs = append(errs, c.validateMesh()...)
	for i := range c.Environments {
		for j, from := range c.Environments[i].AllowFrom {
			if c.environment(c.Environments[i].Cluster, from) < 0 {
				errs = append(errs, field.Invalid(p.Index(i).Child("allowFrom").Index(j), from, MsgNoSuchEnv+" on the same cluster"))
			}
		}
	}
	return errs
}

// environment returns the index of the environment name on a cluster, or -1.
func (c *StackConfig) environment(cluster, name string) int {
	for i, e := range c.Environments {
		if e.Name == name && e.Cluster == cluster {
			return i
		}
	}
	return -1
}

// EnvironmentsNamed returns the indexes of the environments called name, on any cluster.
func (c *StackConfig) EnvironmentsNamed(name string) []int {
	var out []int
	for i, e := range c.Environments {
		if e.Name == name {
			out = append(out, i)
		}
	}
	return out
}

// validateReleases checks each release and that it names existing environments.
func (c *StackConfig) validateReleases() field.ErrorList {
	var errs field.ErrorList
	p := field.NewPath(KeyReleases)
	pf := c.releasePlatform()
	seen := map[string]int{}
	for i := range c.Releases {
		r := &c.Releases[i]
		rp := p.Index(i)
		if j, dup := seen[r.Name]; dup && r.Name != "" {
			errs = append(errs, field.Duplicate(rp.Child("name"), fmt.Sprintf("%s (also releases[%d])", r.Name, j)))
		}
		seen[r.Name] = i
		envs := make([]string, 0, len(r.Environments))
		for name := range r.Environments {
			envs = append(envs, name)
		}
		sort.Strings(envs)
		if len(envs) == 0 {
			errs = append(errs, field.Required(rp.Child("environments"), "at least one environment to release to"))
		}
		tiers := map[string]string{}
		for _, name := range envs {
			idx := c.EnvironmentsNamed(name)
			if len(idx) == 0 {
				errs = append(errs, field.Invalid(rp.Child("environments").Key(name), name, MsgNoSuchEnv))
				continue
			}
			tiers[name] = c.strictestTier(idx)
		}
		errs = append(errs, r.Validate(rp, tiers)...)
		errs = append(errs, r.ValidatePlatform(rp, pf)...)
	}
	return errs
}

// releasePlatform is what the platform section offers releases; it configures
// every cluster alike.
func (c *StackConfig) releasePlatform() release.Platform {
	return release.Platform{
		Rollouts:      platform.OnByDefault(c.Platform.Rollouts.Enabled),
		Ingress:       platform.OnByDefault(c.Platform.Ingress.Enabled),
		Edge:          c.Platform.Edge,
		GatewayPlugin: platform.OnByDefault(c.Platform.Rollouts.GatewayPlugin.Enabled),
		Prometheus:    platform.OnByDefault(c.Platform.Monitoring.Enabled),
		VPA:           platform.OnByDefault(c.Platform.VPA.Enabled),
		VPAUpdates:    platform.OnByDefault(c.Platform.VPA.Updates),
		NoSecretStore: c.environmentsWithoutSecretStore(),
		Tracing:       platform.OnByDefault(c.Platform.Tracing.Enabled),
		Chaos:         c.Platform.Chaos.On(),
	}
}

// environmentsWithoutSecretStore maps each environment name to the clusters holding it
// that get no external secret store.
func (c *StackConfig) environmentsWithoutSecretStore() map[string][]string {
	out := map[string][]string{}
	for _, e := range c.Environments {
		cl := c.Cluster(e.Cluster)
		if cl == nil {
			continue
		}
		if _, ok := c.Platform.SecretStore(*cl); !ok {
			out[e.Name] = append(out[e.Name], e.Cluster)
		}
	}
	return out
}

// strictestTier is the tier a release is checked against for an environment name
// that several clusters have: the first that pins images, else the first. The
// program builds the release on each of them, with that environment's tier.
func (c *StackConfig) strictestTier(idx []int) string {
	for _, i := range idx {
		if release.PinnedTier(c.Environments[i].Tier) {
			return c.Environments[i].Tier
		}
	}
	return c.Environments[idx[0]].Tier
}

// MsgNoMesh: an environment asks to join a mesh its platform does not run.
const MsgNoMesh = "the platform runs no mesh to join (platform.mesh.enabled, with platform.edge istio)"

// MsgMTLSOutsideMesh: mesh.mtls would be ignored, since the environment is in no mesh.
const MsgMTLSOutsideMesh = "has no effect: the environment is not in a mesh (platform.mesh.enabled, or its own mesh.enabled: false)"

// MsgSidecarAboveMax: the LimitRange would refuse every meshed pod, whose sidecar has
// this limit.
const MsgSidecarAboveMax = "is below the mesh sidecar's limit (platform.mesh.proxy), so every pod of the namespace would be refused"

// validateMesh checks environments against the platform's mesh: none to join, or a
// LimitRange that refuses the sidecar istiod injects into each pod.
func (c *StackConfig) validateMesh() field.ErrorList {
	var errs field.ErrorList
	m, on := c.Platform.Mesh, c.Platform.MeshOn()
	for i := range c.Environments {
		e := &c.Environments[i]
		ep := field.NewPath(KeyEnvironments).Index(i)
		if e.Mesh.Enabled != nil && *e.Mesh.Enabled && !on {
			errs = append(errs, field.Invalid(ep.Child("mesh", "enabled"), true, MsgNoMesh))
		}
		if !e.InMesh(on) {
			if e.Mesh.MTLS != "" {
				errs = append(errs, field.Invalid(ep.Child("mesh", "mtls"), e.Mesh.MTLS, MsgMTLSOutsideMesh))
			}
			continue
		}
		for _, l := range []struct{ path, max, sidecar string }{
			{"maxCpu", e.Limits.MaxCPU, m.Proxy.LimitsCPU},
			{"maxMemory", e.Limits.MaxMemory, m.Proxy.LimitsMemory},
		} {
			lim, err1 := resource.ParseQuantity(l.max)
			side, err2 := resource.ParseQuantity(l.sidecar)
			if err1 == nil && err2 == nil && lim.Cmp(side) < 0 {
				errs = append(errs, field.Invalid(ep.Child("limits", l.path), l.max, MsgSidecarAboveMax+" ("+l.sidecar+")"))
			}
		}
	}
	return errs
}
