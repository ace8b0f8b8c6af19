package release

import (
	"github.com/fleetform/fleetform/components/addons/chaos"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/internal/dnsname"
	"github.com/fleetform/fleetform/internal/image"
)

// MaxNameLength keeps the longest derived object name (`<name>-preview`, a Service
// name, itself a 63-character DNS-1035 label) valid.
const MaxNameLength = 63 - len("-preview")

// Tiers whose images must be pinned to a version: `latest` is refused there.
var pinnedTiers = map[string]bool{"stage": true, "prod": true}

// PinnedTier reports whether releases in an environment of this tier must pin their
// image (stage and prod refuse `latest`). The stack validation uses it to check a
// release against the strictest tier an environment name has on any cluster.
func PinnedTier(tier string) bool { return pinnedTiers[tier] }

// Validation messages, exported so tests can assert on them.
const (
	// MsgNotDNSLabel: the namespace a release goes to is not a DNS-1123 label.
	MsgNotDNSLabel = dnsname.MsgNotDNSLabel
	// MsgNotDNS1035Label: the release name, which also names its Services, is not a DNS-1035 label.
	MsgNotDNS1035Label      = dnsname.MsgNotDNS1035Label
	MsgNameTooLong          = "must be at most 55 characters, so that derived object names stay within 63"
	MsgOneStrategy          = "exactly one of canary or blueGreen must be set"
	MsgImageFormat          = "must be a container image reference: [registry/]repository with an explicit :tag or @sha256:digest"
	MsgImageNoTag           = "needs an explicit tag or digest"
	MsgImageLatest          = "`latest` is refused for stage and prod tiers; pin a version or a digest"
	MsgReplicasMin          = "must be at least 1"
	MsgNeedsPorts           = "blueGreen and an ingress route traffic through Services, which need at least one port"
	MsgPortName             = "must be an IANA_SVC_NAME: at most 15 lowercase letters, digits and '-', with a letter"
	MsgPortNumber           = "must be between 1 and 65535"
	MsgNoSuchPort           = "names no port in ports"
	MsgEnvName              = "must be a C identifier-like env var name (letters, digits, '_', '-', '.', not starting with a digit)"
	MsgEnvInBoth            = "is set in both env and secretEnv"
	MsgSecretEnvBoth        = "takes either a secret config key (config) or an external secret (external), not both"
	MsgExternalKey          = "must name the secret in the store (no spaces)"
	MsgSecretRefEmpty       = "must name a secret config key"
	MsgQuantity             = "must be a positive Kubernetes quantity (e.g. 250m, 1, 512Mi)"
	MsgRequestOverLimit     = "request must not exceed the limit"
	MsgPath                 = "must be an absolute HTTP path starting with '/'"
	MsgNegative             = "must not be negative"
	MsgRunAsRoot            = "must not be 0: containers run as non-root"
	MsgStepOneAction        = "exactly one of setWeight, pause or analysis must be set"
	MsgWeightRange          = "must be between 1 and 100"
	MsgWeightIncreasing     = "must be greater than the previous setWeight"
	MsgDuration             = "must be whole numbers with a unit s, m or h, like 30s, 5m, 1h"
	MsgIntOrPercent         = "must be a count (\"1\") or a percentage between 0% and 100% (\"25%\")"
	MsgSurgeUnavailableZero = "maxSurge and maxUnavailable must not both be zero"
	MsgSuccessRate          = "must be greater than 0 and at most 1"
	MsgCountMin             = "must be at least 1"
	MsgHost                 = "must be a DNS name (lowercase letters, digits, '-' and '.')"
	MsgSecretName           = "must be a DNS-1123 subdomain"
	MsgMinOverMax           = "minReplicas must not exceed maxReplicas"
	MsgTargetCPU            = "must be between 1 and 100"
	MsgAutoscalingNeedsCPU  = "autoscaling on CPU needs resources.requestsCpu"
	MsgAnalysisNeedsIngress = "analysis measures requests through the ingress controller: this environment needs an ingress"
	MsgPreviewNeedsHost     = "prePromotionAnalysis measures requests to the preview through the ingress controller: set previewHost"
)

var durationRE = regexp.MustCompile(`^([0-9]+[smh])+$`)

// imageDigestAlgorithm is the one digest algorithm MsgImageFormat allows.
const imageDigestAlgorithm = "sha256:"

// Validate checks a defaulted release at path p; tiers maps each environment the release
// goes to onto that environment's tier (qa, stage, prod, ...). It checks the base block,
// each override, and each environment's resolved release, and returns every problem.
func (s *Spec) Validate(p *field.Path, tiers map[string]string) field.ErrorList {
	var errs field.ErrorList
	switch {
	case s.Name == "":
		errs = append(errs, field.Required(p.Child("name"), ""))
	case len(validation.IsDNS1035Label(s.Name)) > 0:
		errs = append(errs, field.Invalid(p.Child("name"), s.Name, MsgNotDNS1035Label))
	case len(s.Name) > MaxNameLength:
		errs = append(errs, field.Invalid(p.Child("name"), s.Name, MsgNameTooLong))
	}
	errs = append(errs, validateImage(p.Child("image"), s.Image)...)
	errs = append(errs, validateReplicas(p.Child("replicas"), s.Replicas)...)
	errs = append(errs, chaos.Validate(p.Child("chaos"), s.Chaos, s.EnvironmentNames())...)

	ports := map[string]bool{}
	if len(s.Ports) == 0 && s.needsPorts() {
		errs = append(errs, field.Required(p.Child("ports"), MsgNeedsPorts))
	}
	numbers := map[int]bool{}
	for i, port := range s.Ports {
		pp := p.Child("ports").Index(i)
		if len(validation.IsValidPortName(port.Name)) > 0 {
			errs = append(errs, field.Invalid(pp.Child("name"), port.Name, MsgPortName))
		} else if ports[port.Name] {
			errs = append(errs, field.Duplicate(pp.Child("name"), port.Name))
		}
		ports[port.Name] = true
		if len(validation.IsValidPortNum(port.ContainerPort)) > 0 {
			errs = append(errs, field.Invalid(pp.Child("containerPort"), port.ContainerPort, MsgPortNumber))
		} else if numbers[port.ContainerPort] {
			errs = append(errs, field.Duplicate(pp.Child("containerPort"), port.ContainerPort))
		}
		numbers[port.ContainerPort] = true
	}

	errs = append(errs, validateEnv(p.Child("env"), s.Env)...)
	for _, k := range slices.Sorted(maps.Keys(s.SecretEnv)) {
		kp := p.Child("secretEnv").Key(k)
		if len(validation.IsEnvVarName(k)) > 0 {
			errs = append(errs, field.Invalid(kp, k, MsgEnvName))
		}
		switch v := s.SecretEnv[k]; {
		case v.External != nil && v.Config != "":
			errs = append(errs, field.Invalid(kp, k, MsgSecretEnvBoth))
		case v.External != nil:
			if v.External.Key == "" {
				errs = append(errs, field.Required(kp.Child("external", "key"), MsgExternalKey))
			} else if strings.ContainsAny(v.External.Key, " \t\n") {
				errs = append(errs, field.Invalid(kp.Child("external", "key"), v.External.Key, MsgExternalKey))
			}
		case v.Config == "":
			errs = append(errs, field.Required(kp, MsgSecretRefEmpty))
		}
		if _, both := s.Env[k]; both {
			errs = append(errs, field.Invalid(kp, k, MsgEnvInBoth))
		}
	}
	errs = append(errs, s.Resources.validate(p.Child("resources"))...)
	errs = append(errs, validateProbe(p.Child("probes", "liveness"), s.Probes.Liveness, ports)...)
	errs = append(errs, validateProbe(p.Child("probes", "readiness"), s.Probes.Readiness, ports)...)
	if s.RunAsUser != nil && *s.RunAsUser <= 0 {
		errs = append(errs, field.Invalid(p.Child("runAsUser"), *s.RunAsUser, MsgRunAsRoot))
	}
	errs = append(errs, s.Strategy.validate(p.Child("strategy"))...)
	errs = append(errs, s.Analysis.validate(p.Child("analysis"))...)
	errs = append(errs, validateIngress(p.Child("ingress"), s.Ingress, ports)...)
	errs = append(errs, validateAutoscaling(p.Child("autoscaling"), s.Autoscaling)...)
	errs = append(errs, validateVerticalAutoscaling(p.Child("verticalAutoscaling"), s.VerticalAutoscaling)...)
	if s.Metrics.Port != "" && len(s.Ports) > 0 && !ports[s.Metrics.Port] {
		errs = append(errs, field.Invalid(p.Child("metrics", "port"), s.Metrics.Port, MsgNoSuchPort))
	}
	if !strings.HasPrefix(s.Metrics.Path, "/") {
		errs = append(errs, field.Invalid(p.Child("metrics", "path"), s.Metrics.Path, MsgPath))
	}

	for _, env := range s.EnvironmentNames() {
		o := s.Environments[env]
		ep := p.Child("environments").Key(env)
		if o.Image != "" {
			errs = append(errs, validateImage(ep.Child("image"), o.Image)...)
		}
		if o.Replicas != nil {
			errs = append(errs, validateReplicas(ep.Child("replicas"), o.Replicas)...)
		}
		if o.Strategy != nil {
			errs = append(errs, o.Strategy.validate(ep.Child("strategy"))...)
		}
		errs = append(errs, validateIngress(ep.Child("ingress"), o.Ingress, ports)...)
		errs = append(errs, validateAutoscaling(ep.Child("autoscaling"), o.Autoscaling)...)
		errs = append(errs, validateVerticalAutoscaling(ep.Child("verticalAutoscaling"), o.VerticalAutoscaling)...)
		errs = append(errs, validateEnv(ep.Child("env"), o.Env)...)
		for _, k := range slices.Sorted(maps.Keys(o.Env)) {
			if _, both := s.SecretEnv[k]; both {
				errs = append(errs, field.Invalid(ep.Child("env").Key(k), k, MsgEnvInBoth))
			}
		}
		r := s.For(env)
		errs = append(errs, r.validateResolved(ep, tiers[env])...)
		if r.vpaFightsHPA() {
			at := s.vpaPath(p, ep, o)
			errs = append(errs, field.Invalid(at, r.VerticalAutoscaling.UpdateMode, MsgVPAWithCPUHPA))
		}
	}
	return errs
}

// needsPorts reports whether the release, in any environment, routes traffic through
// Services: blue-green switches Services, and an Ingress sends traffic to one. A canary
// without an Ingress (a queue worker, say) runs without Services.
func (s *Spec) needsPorts() bool {
	if s.Ingress != nil || s.Strategy.BlueGreen != nil {
		return true
	}
	for _, o := range s.Environments {
		if o.Ingress != nil || (o.Strategy != nil && o.Strategy.BlueGreen != nil) {
			return true
		}
	}
	return false
}

// validateResolved checks what only the combination of base and override decides, for
// one environment of the given tier, reporting at that environment's path ep.
func (r *Spec) validateResolved(ep *field.Path, tier string) field.ErrorList {
	var errs field.ErrorList
	if PinnedTier(tier) && imageIsLatest(r.Image) {
		errs = append(errs, field.Invalid(ep.Child("image"), r.Image, MsgImageLatest))
	}
	if c := r.Strategy.Canary; c != nil && r.Ingress == nil && r.Strategy.usesAnalysis() {
		errs = append(errs, field.Required(ep.Child("ingress"), MsgAnalysisNeedsIngress))
	}
	if bg := r.Strategy.BlueGreen; bg != nil {
		if bg.PrePromotionAnalysis && bg.PreviewHost == "" {
			errs = append(errs, field.Required(ep.Child("strategy", "blueGreen", "previewHost"), MsgPreviewNeedsHost))
		}
		if bg.PostPromotionAnalysis && r.Ingress == nil {
			errs = append(errs, field.Required(ep.Child("ingress"), MsgAnalysisNeedsIngress))
		}
	}
	if r.Autoscaling != nil && r.Resources.RequestsCPU == "" {
		errs = append(errs, field.Required(ep.Child("autoscaling"), MsgAutoscalingNeedsCPU))
	}
	return errs
}

func validateReplicas(p *field.Path, n *int) field.ErrorList {
	if n != nil && *n < 1 {
		return field.ErrorList{field.Invalid(p, *n, MsgReplicasMin)}
	}
	return nil
}

func validateEnv(p *field.Path, env map[string]string) field.ErrorList {
	var errs field.ErrorList
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if len(validation.IsEnvVarName(k)) > 0 {
			errs = append(errs, field.Invalid(p.Key(k), k, MsgEnvName))
		}
	}
	return errs
}

// parseImage returns an image reference's tag and digest, either of which may be empty.
func parseImage(s string) (tag, digest string, err error) {
	ref, err := image.Parse(s)
	return ref.Tag, ref.Digest, err
}

// imageIsLatest reports whether a valid image reference runs the latest tag with no
// digest; an invalid one is reported by validateImage instead.
func imageIsLatest(image string) bool {
	tag, digest, err := parseImage(image)
	return err == nil && digest == "" && tag == "latest"
}

func validateImage(p *field.Path, image string) field.ErrorList {
	if image == "" {
		return field.ErrorList{field.Required(p, MsgImageNoTag)}
	}
	tag, digest, err := parseImage(image)
	switch {
	case err != nil, digest != "" && !strings.HasPrefix(digest, imageDigestAlgorithm):
		return field.ErrorList{field.Invalid(p, image, MsgImageFormat)}
	case tag == "" && digest == "":
		return field.ErrorList{field.Invalid(p, image, MsgImageNoTag)}
	}
	return nil
}

func (r *Resources) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	parse := func(name, v string) *resource.Quantity {
		if v == "" {
			return nil
		}
		q, err := resource.ParseQuantity(v)
		if err != nil || q.Sign() <= 0 {
			errs = append(errs, field.Invalid(p.Child(name), v, MsgQuantity))
			return nil
		}
		return &q
	}
	rc, rm := parse("requestsCpu", r.RequestsCPU), parse("requestsMemory", r.RequestsMemory)
	lc, lm := parse("limitsCpu", r.LimitsCPU), parse("limitsMemory", r.LimitsMemory)
	if rc != nil && lc != nil && rc.Cmp(*lc) > 0 {
		errs = append(errs, field.Invalid(p.Child("requestsCpu"), r.RequestsCPU, MsgRequestOverLimit))
	}
	if rm != nil && lm != nil && rm.Cmp(*lm) > 0 {
		errs = append(errs, field.Invalid(p.Child("requestsMemory"), r.RequestsMemory, MsgRequestOverLimit))
	}
	return errs
}

func validateProbe(p *field.Path, pr *Probe, ports map[string]bool) field.ErrorList {
	if pr == nil {
		return nil
	}
	var errs field.ErrorList
	if !strings.HasPrefix(pr.Path, "/") {
		errs = append(errs, field.Invalid(p.Child("path"), pr.Path, MsgPath))
	}
	if pr.Port == "" {
		errs = append(errs, field.Required(p.Child("port"), ""))
	} else if !ports[pr.Port] {
		errs = append(errs, field.Invalid(p.Child("port"), pr.Port, MsgNoSuchPort))
	}
	if pr.InitialDelaySeconds < 0 {
		errs = append(errs, field.Invalid(p.Child("initialDelaySeconds"), pr.InitialDelaySeconds, MsgNegative))
	}
	if pr.PeriodSeconds < 0 {
		errs = append(errs, field.Invalid(p.Child("periodSeconds"), pr.PeriodSeconds, MsgNegative))
	}
	return errs
}

func (st *Strategy) validate(p *field.Path) field.ErrorList {
	if (st.Canary == nil) == (st.BlueGreen == nil) {
		return field.ErrorList{field.Invalid(p, describeStrategy(st), MsgOneStrategy)}
	}
	if st.Canary != nil {
		return st.Canary.validate(p.Child("canary"))
	}
	return st.BlueGreen.validate(p.Child("blueGreen"))
}

func describeStrategy(st *Strategy) string {
	switch {
	case st.Canary != nil && st.BlueGreen != nil:
		return "canary and blueGreen"
	default:
		return "none"
	}
}

func (c *Canary) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	last := 0
	for i, step := range c.Steps {
		sp := p.Child("steps").Index(i)
		n := 0
		if step.SetWeight != nil {
			n++
		}
		if step.Pause != nil {
			n++
		}
		if step.Analysis {
			n++
		}
		if n != 1 {
			errs = append(errs, field.Invalid(sp, n, MsgStepOneAction))
			continue
		}
		switch {
		case step.SetWeight != nil:
			w := *step.SetWeight
			if w < 1 || w > 100 {
				errs = append(errs, field.Invalid(sp.Child("setWeight"), w, MsgWeightRange))
			} else if w <= last {
				errs = append(errs, field.Invalid(sp.Child("setWeight"), w, MsgWeightIncreasing))
			}
			if w > last {
				last = w
			}
		case step.Pause != nil && step.Pause.Duration != "":
			if !validDuration(step.Pause.Duration) {
				errs = append(errs, field.Invalid(sp.Child("pause", "duration"), step.Pause.Duration, MsgDuration))
			}
		}
	}
	surge, surgeOK := intOrPercent(c.MaxSurge)
	if !surgeOK {
		errs = append(errs, field.Invalid(p.Child("maxSurge"), c.MaxSurge, MsgIntOrPercent))
	}
	unavail, unavailOK := intOrPercent(c.MaxUnavailable)
	if !unavailOK {
		errs = append(errs, field.Invalid(p.Child("maxUnavailable"), c.MaxUnavailable, MsgIntOrPercent))
	}
	if surgeOK && unavailOK && isZero(surge) && isZero(unavail) {
		errs = append(errs, field.Invalid(p.Child("maxUnavailable"), c.MaxUnavailable, MsgSurgeUnavailableZero))
	}
	return errs
}

// intOrPercent parses a maxSurge/maxUnavailable value with apimachinery's intstr into
// what the Rollout takes: an int, a percentage string, or nil when unset. It accepts
// what Kubernetes accepts for a Deployment's maxSurge: a non-negative int32, or a
// percentage of digits up to 100%.
func intOrPercent(v string) (any, bool) {
	if v == "" {
		return nil, true
	}
	iv := intstr.Parse(v)
	if iv.Type == intstr.Int {
		return int(iv.IntVal), iv.IntVal >= 0
	}
	if len(validation.IsValidPercent(iv.StrVal)) > 0 {
		return nil, false
	}
	if n, err := intstr.GetScaledValueFromIntOrPercent(&iv, 100, false); err != nil || n > 100 {
		return nil, false
	}
	return iv.StrVal, true
}

func isZero(v any) bool { return v == 0 || v == "0%" }

func validDuration(d string) bool {
	if !durationRE.MatchString(d) {
		return false
	}
	t, err := time.ParseDuration(d)
	return err == nil && t > 0
}

func (b *BlueGreen) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if b.ScaleDownDelaySeconds < 0 {
		errs = append(errs, field.Invalid(p.Child("scaleDownDelaySeconds"), b.ScaleDownDelaySeconds, MsgNegative))
	}
	if b.PreviewHost != "" && len(validation.IsDNS1123Subdomain(b.PreviewHost)) > 0 {
		errs = append(errs, field.Invalid(p.Child("previewHost"), b.PreviewHost, MsgHost))
	}
	return errs
}

func (a *Analysis) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if a.SuccessRate <= 0 || a.SuccessRate > 1 {
		errs = append(errs, field.Invalid(p.Child("successRate"), a.SuccessRate, MsgSuccessRate))
	}
	if !validDuration(a.Interval) {
		errs = append(errs, field.Invalid(p.Child("interval"), a.Interval, MsgDuration))
	}
	if a.Count < 1 {
		errs = append(errs, field.Invalid(p.Child("count"), a.Count, MsgCountMin))
	}
	return errs
}

func validateIngress(p *field.Path, in *Ingress, ports map[string]bool) field.ErrorList {
	if in == nil {
		return nil
	}
	var errs field.ErrorList
	if in.Host == "" {
		errs = append(errs, field.Required(p.Child("host"), ""))
	} else if len(validation.IsDNS1123Subdomain(in.Host)) > 0 {
		errs = append(errs, field.Invalid(p.Child("host"), in.Host, MsgHost))
	}
	for i, path := range in.Paths {
		if !strings.HasPrefix(path, "/") {
			errs = append(errs, field.Invalid(p.Child("paths").Index(i), path, MsgPath))
		}
	}
	if in.TLSSecretName != "" && len(validation.IsDNS1123Subdomain(in.TLSSecretName)) > 0 {
		errs = append(errs, field.Invalid(p.Child("tlsSecretName"), in.TLSSecretName, MsgSecretName))
	}
	if in.Port != "" && len(ports) > 0 && !ports[in.Port] {
		errs = append(errs, field.Invalid(p.Child("port"), in.Port, MsgNoSuchPort))
	}
	return errs
}

func validateAutoscaling(p *field.Path, a *Autoscaling) field.ErrorList {
	if a == nil {
		return nil
	}
	var errs field.ErrorList
	if a.MinReplicas < 1 {
		errs = append(errs, field.Invalid(p.Child("minReplicas"), a.MinReplicas, MsgReplicasMin))
	}
	if a.MaxReplicas < 1 {
		errs = append(errs, field.Invalid(p.Child("maxReplicas"), a.MaxReplicas, MsgReplicasMin))
	} else if a.MinReplicas > a.MaxReplicas {
		errs = append(errs, field.Invalid(p.Child("minReplicas"), a.MinReplicas, MsgMinOverMax))
	}
	if a.TargetCPUPercent < 1 || a.TargetCPUPercent > 100 {
		errs = append(errs, field.Invalid(p.Child("targetCpuPercent"), a.TargetCPUPercent, MsgTargetCPU))
	}
	return errs
}
