package program

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/addons/monitoring"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/platform"
)

// buildPlatform installs the platform addons on every cluster, each as one platform
// component under its cluster, and records their Outputs. Harbor's cluster goes
// first so every other cluster gets its registry; the hub gets every spoke of this
// stack directly and those of other stacks through stack references.
func (f *Fleet) buildPlatform(ctx *pulumi.Context) error {
	spec := f.Config.Platform
	reference := f.refs.get

	var registry *platform.Registry
	if spec.Harbor.StackReference != "" {
		r, err := reference(spec.Harbor.StackReference)
		if err != nil {
			return err
		}
		registry = platform.RegistryFromReference(r)
	} else if h := spec.Harbor; h.Cluster == "" && h.Host != "" {
		pw, err := f.Secrets.Output(h.PullPassword)
		if err != nil {
			return err
		}
		registry = &platform.Registry{
			Host: pulumi.String(h.Host).ToStringOutput(), Username: pulumi.String(h.PullUsername).ToStringOutput(),
			Password: pulumi.ToSecret(pw).(pulumi.StringOutput),
		}
	}

	targets, sources, err := f.federationTargets(spec, reference)
	if err != nil {
		return err
	}

	names := f.Config.ClusterNames()
	sort.SliceStable(names, func(i, j int) bool { return names[i] == spec.Harbor.Cluster && names[j] != spec.Harbor.Cluster })
	for _, name := range names {
		conn, ok := f.Clusters[name]
		if !ok {
			return fmt.Errorf("cluster %q was not built", name)
		}
		args := &platform.Args{
			Cluster: f.physicalName(name), Stack: f.Config.Stack, Cloud: conn.Cloud, StorageClass: conn.StorageClass, Federation: conn.Federation,
			Spec: spec, Secrets: f.Secrets, RunsHarbor: spec.Harbor.Cluster == name, Registry: registry,
			Workloads: conn.Workloads, Backups: conn.Backups, Karpenter: conn.Karpenter,
			ManagedControlPlane: conn.Cloud.ManagedControlPlane(),
		}
		// The platform knows clusters by their first name (physicalName), Harbor's too.
		args.Spec.Harbor.Cluster = f.physicalName(spec.Harbor.Cluster)
		for _, e := range f.Config.Environments {
			if e.Cluster == name {
				args.BackupNamespaces = append(args.BackupNamespaces, e.Name)
			}
		}
		if c := f.Config.Cluster(name); c != nil {
			args.Region = c.Region
			args.Production = c.IsProd()
			args.Hostnames = f.releaseHostnames(*c)
		}
		if conn.Federation == cluster.FederationHub {
			args.FederationTargets, args.FederationSources = targets, sources
		}
		opts := []pulumi.ResourceOption{pulumi.Providers(conn.Provider)}
		switch c := f.Config.Cluster(name); {
		case conn.Component == nil:
		case c != nil && c.Remote():
			opts = append(opts, cluster.AttachedChild(conn.Component)) // found again after a state move
		default:
			opts = append(opts, pulumi.Parent(conn.Component))
		}
		opts = append(opts, f.platformAliases(name)...)
		p, err := platform.New(ctx, name+"-platform", args, opts...)
		if err != nil {
			return err
		}
		f.Platforms[name] = p.Outputs
		if args.RunsHarbor {
			registry = p.Outputs.Registry
			f.Exports[platform.ExportHarborHost] = registry.Host
			f.Exports[platform.ExportHarborPullUsername] = registry.Username
			f.Exports[platform.ExportHarborPullPassword] = registry.Password
		}
		if conn.Federation == cluster.FederationSpoke {
			pw, err := f.Secrets.Output(spec.Monitoring.Federation.Password)
			if err != nil {
				return err
			}
			ek, uk, pk := monitoring.ExportKeys(name)
			f.Exports[ek] = p.FederationEndpoint
			f.Exports[uk] = pulumi.String(spec.Monitoring.Federation.Username).ToStringOutput()
			f.Exports[pk] = pulumi.ToSecret(pw)
		}
	}
	return nil
}

// federationTargets lists the spokes the hub scrapes: each spoke cluster of this
// stack, then every spoke each remote-spokes stack reference exports.
func (f *Fleet) federationTargets(spec platform.Spec, reference func(string) (*pulumi.StackReference, error)) ([]pulumi.Output, []string, error) {
	hub := false
	for _, c := range f.Config.Clusters {
		hub = hub || c.Federation == cluster.FederationHub
	}
	if !hub {
		return nil, nil, nil
	}
	fed := spec.Monitoring.Federation
	var targets []pulumi.Output
	var sources []string
	for _, c := range f.Config.Clusters {
		if c.Federation != cluster.FederationSpoke {
			continue
		}
		pw, err := f.Secrets.Output(fed.Password)
		if err != nil {
			return nil, nil, err
		}
		targets = append(targets, monitoring.InStackTarget(c.Identity(), monitoring.SpokeEndpoint(c.Identity(), fed.Domain), fed.Username, pw)) // a renamed spoke keeps its host
		sources = append(sources, c.Name)
	}
	for _, name := range fed.RemoteSpokes {
		r, err := reference(name)
		if err != nil {
			return nil, nil, err
		}
		targets = append(targets, monitoring.RemoteTargets(r))
		sources = append(sources, "stack:"+name)
	}
	return targets, sources, nil
}

// releaseHostnames are the hosts of the releases in the environments on cluster c,
// which a Gateway edge serves itself (a listener or an Istio server per host, with
// the certificate in the edge's namespace). ingress-nginx reads hosts and
// certificates from each release's Ingress instead, so it gets none.
func (f *Fleet) releaseHostnames(c cluster.Spec) []platform.Hostname {
	spec := f.Config.Platform
	if !spec.Edge.UsesGateway() || !platform.OnByDefault(spec.Ingress.Enabled) {
		return nil
	}
	_, issues := spec.Issuer(c)
	ns := platform.EdgeNamespace(spec.Edge)
	seen := map[string]bool{}
	var out []platform.Hostname
	add := func(host, secretName, owner string) {
		if seen[host] {
			return
		}
		seen[host] = true
		h := platform.Hostname{Host: host, Owner: owner, SecretName: secretName, SecretNamespace: ns, BringYourOwn: secretName != ""}
		if secretName == "" {
			h.SecretName, h.Plain = gateway.EdgeSecretName(host), !issues
		}
		out = append(out, h)
	}
	for i := range f.Config.Releases {
		base := &f.Config.Releases[i]
		for _, env := range base.EnvironmentNames() {
			if !f.environmentOn(env, c.Name) {
				continue
			}
			r := base.For(env)
			owner := fmt.Sprintf("releases[%s].environments[%s]", r.Name, env)
			tls := ""
			if r.Ingress != nil {
				tls = r.Ingress.TLSSecretName
				add(r.Ingress.Host, tls, owner+".ingress.host")
			}
			if bg := r.Strategy.BlueGreen; bg != nil && bg.PreviewHost != "" {
				add(bg.PreviewHost, tls, owner+".strategy.blueGreen.previewHost")
			}
		}
	}
	return out
}

// environmentOn says whether the environment named env has a namespace on the cluster.
func (f *Fleet) environmentOn(env, clusterName string) bool {
	for _, e := range f.Config.Environments {
		if e.Name == env && e.Cluster == clusterName {
			return true
		}
	}
	return false
}
