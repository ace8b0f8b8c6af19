package environments

import (
	"fmt"
	"net"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/internal/dnsname"
)

// Validation messages, exported so tests can assert on them.
const (
	MsgNotDNSLabel            = dnsname.MsgNotDNSLabel
	MsgNotDNSSubdomain        = "must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters)"
	MsgNotLabelValue          = "must be a label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)"
	MsgBadQuantity            = "must be a Kubernetes quantity such as 500m, 2, 512Mi or 8Gi"
	MsgNegative               = "must not be negative"
	MsgNotPositive            = "must be greater than zero"
	MsgDefaultRequestAboveDef = "must not exceed the default limit"
	MsgDefaultAboveMax        = "must not exceed the maximum"
	MsgAboveQuota             = "must not exceed the namespace quota"
	MsgBadLevel               = "must be privileged, baseline or restricted"
	MsgBadRole                = "must be view, edit or admin"
	MsgEmptyGroup             = "must name a group"
	MsgGroupSpaces            = "must not begin or end with white space"
	MsgBadCIDR                = "must be a CIDR such as 10.0.8.0/24"
	MsgCIDRNotCanonical       = "must be in canonical form, with no address bits set beyond the prefix"
	MsgAllowFromSelf          = "an environment always reaches itself; name other environments here"
)

// Roles that Access may bind; each is the built-in ClusterRole of the same name.
const (
	// RoleView reads most objects in the namespace, but not Secrets.
	RoleView = "view"
	// RoleEdit changes workloads and Secrets, but not Roles or RoleBindings.
	RoleEdit = "edit"
	// RoleAdmin also manages Roles and RoleBindings inside the namespace.
	RoleAdmin = "admin"
)

// Roles lists the roles Access may bind, in order of power.
var Roles = []string{RoleView, RoleEdit, RoleAdmin}

// Levels lists the Pod Security Admission levels, in order of strictness.
var Levels = []string{LevelPrivileged, LevelBaseline, LevelRestricted}

// Validate checks a defaulted environment at path p and returns every problem.
// References to other environments and clusters are checked by the stack config.
func (s *Spec) Validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if s.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	} else if len(validation.IsDNS1123Label(s.Name)) > 0 {
		errs = append(errs, field.Invalid(p.Child("name"), s.Name, MsgNotDNSLabel))
	}
	errs = append(errs, labelValue(p.Child("tier"), s.Tier)...)
	errs = append(errs, labelValue(p.Child("team"), s.Team)...)

	ps := p.Child("podSecurity")
	errs = append(errs, level(ps.Child("enforce"), s.PodSecurity.Enforce)...)
	errs = append(errs, level(ps.Child("audit"), s.PodSecurity.Audit)...)
	errs = append(errs, level(ps.Child("warn"), s.PodSecurity.Warn)...)

	errs = append(errs, s.validateResources(p)...)
	errs = append(errs, s.Mesh.validate(p.Child("mesh"))...)

	seen := map[Access]int{}
	for i, a := range s.Access {
		ap := p.Child("access").Index(i)
		switch {
		case a.Group == "":
			errs = append(errs, field.Required(ap.Child("group"), MsgEmptyGroup))
		case strings.TrimSpace(a.Group) != a.Group:
			errs = append(errs, field.Invalid(ap.Child("group"), a.Group, MsgGroupSpaces))
		}
		if !slices.Contains(Roles, a.Role) {
			errs = append(errs, field.Invalid(ap.Child("role"), a.Role, MsgBadRole))
		}
		if j, dup := seen[a]; dup {
			errs = append(errs, field.Duplicate(ap, fmt.Sprintf("%s as %s (also access[%d])", a.Group, a.Role, j)))
		}
		seen[a] = i
	}

	if s.Deployer.IsEnabled() && len(validation.IsDNS1123Subdomain(s.Deployer.Name)) > 0 {
		errs = append(errs, field.Invalid(p.Child("deployer", "name"), s.Deployer.Name, MsgNotDNSSubdomain))
	}

	ep := p.Child("egress")
	for i, ns := range s.Egress.Namespaces {
		if len(validation.IsDNS1123Label(ns)) > 0 {
			errs = append(errs, field.Invalid(ep.Child("namespaces").Index(i), ns, MsgNotDNSLabel))
		}
	}
	for i, c := range s.Egress.CIDRs {
		cp := ep.Child("cidrs").Index(i)
		ip, n, err := net.ParseCIDR(c)
		switch {
		case err != nil:
			errs = append(errs, field.Invalid(cp, c, MsgBadCIDR))
		case !ip.Equal(n.IP) || n.String() != c:
			errs = append(errs, field.Invalid(cp, c, MsgCIDRNotCanonical+" (use "+n.String()+")"))
		}
	}
	for i, from := range s.AllowFrom {
		fp := p.Child("allowFrom").Index(i)
		switch {
		case len(validation.IsDNS1123Label(from)) > 0:
			errs = append(errs, field.Invalid(fp, from, MsgNotDNSLabel))
		case from == s.Name:
			errs = append(errs, field.Invalid(fp, from, MsgAllowFromSelf))
		}
	}
	return errs
}

// validateResources checks the quota and the LimitRange, each on its own and
// against each other: a default or maximum the quota cannot hold would make pods
// without resources unschedulable by admission.
func (s *Spec) validateResources(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	qp, lp := p.Child("quota"), p.Child("limits")
	q, l := s.Quota, s.Limits

	// Quota quantities may be zero (nothing of that kind allowed), never negative.
	quota := map[string]*resource.Quantity{}
	for _, f := range []struct {
		name, value string
	}{
		{"requestsCpu", q.RequestsCPU}, {"requestsMemory", q.RequestsMemory},
		{"limitsCpu", q.LimitsCPU}, {"limitsMemory", q.LimitsMemory}, {"requestsStorage", q.Storage},
	} {
		v, err := quantity(qp.Child(f.name), f.value, false)
		errs = append(errs, err...)
		quota[f.name] = v
	}
	for _, f := range []struct {
		name  string
		value int
	}{
		{"pods", q.Pods}, {"services", q.Services}, {"loadBalancers", q.LoadBalancers}, {"persistentVolumeClaims", q.PVCs},
	} {
		if f.value < 0 {
			errs = append(errs, field.Invalid(qp.Child(f.name), f.value, MsgNegative))
		}
	}

	// LimitRange quantities must be positive: a zero default limit admits nothing.
	lim := map[string]*resource.Quantity{}
	for _, f := range []struct {
		name, value string
	}{
		{"defaultRequestCpu", l.DefaultRequestCPU}, {"defaultRequestMemory", l.DefaultRequestMemory},
		{"defaultCpu", l.DefaultCPU}, {"defaultMemory", l.DefaultMemory},
		{"maxCpu", l.MaxCPU}, {"maxMemory", l.MaxMemory},
	} {
		v, err := quantity(lp.Child(f.name), f.value, true)
		errs = append(errs, err...)
		lim[f.name] = v
	}

	// Each comparison runs only when both sides parsed, so one bad value is reported once.
	above := func(path *field.Path, v *resource.Quantity, raw string, limit *resource.Quantity, msg, what string) {
		if v != nil && limit != nil && v.Cmp(*limit) > 0 {
			errs = append(errs, field.Invalid(path, raw, fmt.Sprintf("%s (%s is %s)", msg, what, limit.String())))
		}
	}
	for _, r := range []struct{ res, req, def, max, quotaReq, quotaLim, rawReq, rawDef, rawMax string }{
		{"Cpu", "defaultRequestCpu", "defaultCpu", "maxCpu", "requestsCpu", "limitsCpu", l.DefaultRequestCPU, l.DefaultCPU, l.MaxCPU},
		{"Memory", "defaultRequestMemory", "defaultMemory", "maxMemory", "requestsMemory", "limitsMemory", l.DefaultRequestMemory, l.DefaultMemory, l.MaxMemory},
	} {
		above(lp.Child(r.req), lim[r.req], r.rawReq, lim[r.def], MsgDefaultRequestAboveDef, "limits."+r.def)
		above(lp.Child(r.def), lim[r.def], r.rawDef, lim[r.max], MsgDefaultAboveMax, "limits."+r.max)
		above(lp.Child(r.req), lim[r.req], r.rawReq, quota[r.quotaReq], MsgAboveQuota, "quota."+r.quotaReq)
		above(lp.Child(r.def), lim[r.def], r.rawDef, quota[r.quotaLim], MsgAboveQuota, "quota."+r.quotaLim)
		above(lp.Child(r.max), lim[r.max], r.rawMax, quota[r.quotaLim], MsgAboveQuota, "quota."+r.quotaLim)
	}
	return errs
}

// quantity parses a Kubernetes quantity the way the API server does; it returns
// nil and the problem when the value is not one, negative, or zero where positive
// is required.
func quantity(p *field.Path, v string, positive bool) (*resource.Quantity, field.ErrorList) {
	q, err := resource.ParseQuantity(v)
	switch {
	case err != nil:
		return nil, field.ErrorList{field.Invalid(p, v, MsgBadQuantity)}
	case q.Sign() < 0:
		return nil, field.ErrorList{field.Invalid(p, v, MsgNegative)}
	case positive && q.Sign() == 0:
		return nil, field.ErrorList{field.Invalid(p, v, MsgNotPositive)}
	}
	return &q, nil
}

func labelValue(p *field.Path, v string) field.ErrorList {
	if len(validation.IsValidLabelValue(v)) > 0 {
		return field.ErrorList{field.Invalid(p, v, MsgNotLabelValue)}
	}
	return nil
}

func level(p *field.Path, v string) field.ErrorList {
	if !slices.Contains(Levels, v) {
		return field.ErrorList{field.Invalid(p, v, MsgBadLevel)}
	}
	return nil
}
