package platform

import (
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/edges"
)

// MeshSpec configures the sidecar mesh of an Istio edge (`platform.mesh`). Each
// environment then joins it (environments[i].mesh) with strict mTLS unless it says
// otherwise.
type MeshSpec struct {
	// Enabled installs Istio's CNI node agent and turns on sidecar injection in the
	// environments that join. Needs platform.edge istio. Defaults to false.
	Enabled bool `yaml:"enabled"`
	// Proxy sizes every sidecar. Unset fields take the Default* proxy values.
	Proxy MeshProxySpec `yaml:"proxy"`
}

// MeshProxySpec are the requests and limits of each injected sidecar (istio-proxy,
// and its istio-validation init container). Every meshed environment's LimitRange
// must admit the limits, and its quota pays for them once per pod.
type MeshProxySpec struct {
	RequestsCPU    string `yaml:"requestsCpu"`
	RequestsMemory string `yaml:"requestsMemory"`
	LimitsCPU      string `yaml:"limitsCpu"`
	LimitsMemory   string `yaml:"limitsMemory"`
}

// Sidecar defaults: Istio's own requests (100m, 128Mi), and limits that fit the
// environments' default LimitRange (at most 2 CPU and 4Gi per container) and quota,
// instead of Istio's 2 CPU and 1Gi, which would take a whole container's maximum.
const (
	DefaultMeshProxyRequestsCPU    = "100m"
	DefaultMeshProxyRequestsMemory = "128Mi"
	DefaultMeshProxyLimitsCPU      = "500m"
	DefaultMeshProxyLimitsMemory   = "256Mi"
)

// MsgMeshNeedsIstio says the mesh is Istio's: the other edges have none.
const MsgMeshNeedsIstio = "the mesh is Istio's sidecar mesh: it needs platform.edge istio (and the edge enabled)"

func (m *MeshSpec) applyDefaults() {
	p := &m.Proxy
	for _, f := range []struct {
		v   *string
		def string
	}{{&p.RequestsCPU, DefaultMeshProxyRequestsCPU}, {&p.RequestsMemory, DefaultMeshProxyRequestsMemory},
		{&p.LimitsCPU, DefaultMeshProxyLimitsCPU}, {&p.LimitsMemory, DefaultMeshProxyLimitsMemory}} {
		if *f.v == "" {
			*f.v = f.def
		}
	}
}

// MeshOn says the stack's clusters run the mesh: asked for, on an Istio edge that is on.
func (s *Spec) MeshOn() bool {
	return s.Mesh.Enabled && s.Edge == edges.Istio && OnByDefault(s.Ingress.Enabled)
}

func (s *Spec) validateMesh(p *field.Path) field.ErrorList {
	m := s.Mesh
	if !m.Enabled {
		return nil
	}
	var errs field.ErrorList
	if !s.MeshOn() {
		errs = append(errs, field.Invalid(p.Child("enabled"), true, MsgMeshNeedsIstio))
	}
	pp := p.Child("proxy")
	errs = append(errs, validateQuantity(pp.Child("requestsCpu"), m.Proxy.RequestsCPU)...)
	errs = append(errs, validateQuantity(pp.Child("requestsMemory"), m.Proxy.RequestsMemory)...)
	errs = append(errs, validateQuantity(pp.Child("limitsCpu"), m.Proxy.LimitsCPU)...)
	errs = append(errs, validateQuantity(pp.Child("limitsMemory"), m.Proxy.LimitsMemory)...)
	errs = append(errs, notAbove(pp.Child("requestsCpu"), m.Proxy.RequestsCPU, m.Proxy.LimitsCPU)...)
	errs = append(errs, notAbove(pp.Child("requestsMemory"), m.Proxy.RequestsMemory, m.Proxy.LimitsMemory)...)
	return errs
}

// gatewayMesh is the gateway addon's mesh for the spec; nil without one.
func (s *Spec) gatewayMesh() *gateway.Mesh {
	if !s.MeshOn() {
		return nil
	}
	p := s.Mesh.Proxy
	return &gateway.Mesh{
		ProxyRequestsCPU: p.RequestsCPU, ProxyRequestsMemory: p.RequestsMemory,
		ProxyLimitsCPU: p.LimitsCPU, ProxyLimitsMemory: p.LimitsMemory,
	}
}

// MsgRequestAboveLimit: a sidecar request above its limit is refused by the API server.
const MsgRequestAboveLimit = "must not exceed the matching limit"

// notAbove checks that the quantity request is at most limit; a value that does not
// parse is validateQuantity's to report.
func notAbove(p *field.Path, request, limit string) field.ErrorList {
	r, err1 := resource.ParseQuantity(request)
	l, err2 := resource.ParseQuantity(limit)
	if err1 == nil && err2 == nil && r.Cmp(l) > 0 {
		return field.ErrorList{field.Invalid(p, request, MsgRequestAboveLimit+" ("+limit+")")}
	}
	return nil
}
