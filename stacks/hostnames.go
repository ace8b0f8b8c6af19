package stacks

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/platform"
)

// releaseHostnames are the hosts the releases serve in their environments, each at
// the field path that declares it (an environment's override, or the release's own
// block when the environment keeps it), for the check that platform.dns.domains
// cover every hostname.
func (c *StackConfig) releaseHostnames() []platform.Hostname {
	var out []platform.Hostname
	seen := map[string]bool{}
	add := func(host string, p *field.Path) {
		if host == "" || seen[p.String()] {
			return
		}
		seen[p.String()] = true
		out = append(out, platform.Hostname{Host: host, Owner: p.String()})
	}
	rp := field.NewPath(KeyReleases)
	for i := range c.Releases {
		r := &c.Releases[i]
		base := rp.Index(i)
		for _, env := range r.EnvironmentNames() {
			o := r.Environments[env]
			ep := base.Child("environments").Key(env)
			switch {
			case o.Ingress != nil:
				add(o.Ingress.Host, ep.Child("ingress", "host"))
			case r.Ingress != nil:
				add(r.Ingress.Host, base.Child("ingress", "host"))
			}
			switch {
			case o.Strategy != nil:
				if bg := o.Strategy.BlueGreen; bg != nil {
					add(bg.PreviewHost, ep.Child("strategy", "blueGreen", "previewHost"))
				}
			case r.Strategy.BlueGreen != nil:
				add(r.Strategy.BlueGreen.PreviewHost, base.Child("strategy", "blueGreen", "previewHost"))
			}
		}
	}
	return out
}
