package stacks

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/certmanager"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/components/platform"
)

// releaseHost is one host a release serves in one environment, at the field path that
// declares it (an environment's override, or the release's own block when the
// environment keeps it), with the certificate Secret the release brings ("": none).
type releaseHost struct {
	path          *field.Path
	host, env     string
	tlsSecretName string
}

// releaseHosts walks every release host of every environment, once per declaring path
// and environment: the one walk the hostname checks below share.
func (c *StackConfig) releaseHosts() []releaseHost {
	var out []releaseHost
	rp := field.NewPath(KeyReleases)
	for i := range c.Releases {
		r := &c.Releases[i]
		base := rp.Index(i)
		for _, env := range r.EnvironmentNames() {
			o, merged := r.Environments[env], r.For(env)
			ep := base.Child("environments").Key(env)
			tls := ""
			if merged.Ingress != nil {
				tls = merged.Ingress.TLSSecretName
			}
			add := func(host string, p *field.Path) {
				if host != "" {
					out = append(out, releaseHost{path: p, host: host, env: env, tlsSecretName: tls})
				}
			}
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

// releaseHostnames are the release hosts once per declaring path, for the check that
// platform.dns.domains cover every hostname.
func (c *StackConfig) releaseHostnames() []platform.Hostname {
	var out []platform.Hostname
	seen := map[string]bool{}
	for _, h := range c.releaseHosts() {
		if !seen[h.path.String()] {
			seen[h.path.String()] = true
			out = append(out, platform.Hostname{Host: h.host, Owner: h.path.String()})
		}
	}
	return out
}

// MsgIstioHTTP01 says why a release host cannot be certified on an Istio edge whose
// cluster answers ACME over HTTP-01: the releases Gateway redirects the host's port
// 80 to HTTPS (istiod then requires TLS for every path of the host, the ACME
// challenge's included), and HTTPS has no certificate until the challenge passes.
const MsgIstioHTTP01 = "on edge istio the releases Gateway redirects this host to HTTPS, so cert-manager's HTTP-01 challenge can never pass; bring the certificate (ingress.tlsSecretName, in istio-system) or give the cluster DNS-01 (platform.dns zones of its cloud)"

// managedReleaseHost is a release host that cert-manager certifies on one cluster
// (no tlsSecretName), at the field path that declares it.
type managedReleaseHost struct {
	releaseHost
	cluster *cluster.Spec
}

// managedReleaseHosts lists each release host without a certificate of the stack's
// own once per cluster that serves it (an environment of that name on the cluster).
func (c *StackConfig) managedReleaseHosts() []managedReleaseHost {
	var out []managedReleaseHost
	seen := map[string]bool{}
	for _, h := range c.releaseHosts() {
		if h.tlsSecretName != "" {
			continue
		}
		for _, e := range c.Environments {
			cl := c.Cluster(e.Cluster)
			key := h.path.String() + " " + e.Cluster
			if e.Name != h.env || cl == nil || seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, managedReleaseHost{releaseHost: h, cluster: cl})
		}
	}
	return out
}

// validateIssuerZones refuses release hosts outside the DNS-01 zones of a cluster
// that would certify them (the platform's own hosts are checked by the platform).
func (c *StackConfig) validateIssuerZones() field.ErrorList {
	var errs field.ErrorList
	for _, h := range c.managedReleaseHosts() {
		if zones, miss := c.Platform.IssuerZonesMiss(*h.cluster, h.host); miss {
			errs = append(errs, field.Invalid(h.path, h.host, platform.MsgOutsideIssuerZones+" (cluster "+h.cluster.Name+": "+strings.Join(zones, ", ")+")"))
		}
	}
	return errs
}

// validateIstioHTTP01 refuses release hosts on an Istio edge that cert-manager would
// try to certify over HTTP-01, at the path that declares each, naming the cluster.
func (c *StackConfig) validateIstioHTTP01() field.ErrorList {
	p := &c.Platform
	if p.Edge != edges.Istio || !platform.OnByDefault(p.Ingress.Enabled) {
		return nil
	}
	var errs field.ErrorList
	for _, h := range c.managedReleaseHosts() {
		if iss, ok := p.Issuer(*h.cluster); !ok || iss.Solver != certmanager.SolverHTTP01 {
			continue
		}
		errs = append(errs, field.Invalid(h.path, h.host, MsgIstioHTTP01+" (cluster "+h.cluster.Name+")"))
	}
	return errs
}
