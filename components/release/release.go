package release

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	autoscalingv2 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/autoscaling/v2"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/chaos"
	"github.com/fleetform/fleetform/components/addons/externalsecrets"
	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/labels"
	"github.com/fleetform/fleetform/stacks/configkeys"
)

// TypeToken is the component's Pulumi type.
const TypeToken = "platform:release:Release"

// API versions and kinds of the custom resources a release creates.
const (
	RolloutsAPIVersion   = "argoproj.io/v1alpha1"
	KindRollout          = "Rollout"
	KindAnalysisTemplate = "AnalysisTemplate"
	MonitoringAPIVersion = "monitoring.coreos.com/v1"
	KindServiceMonitor   = "ServiceMonitor"
)

// Label keys and values every object of a release carries; selectors use LabelName only,
// so they never change when the release is upgraded.
const (
	LabelName = "app.kubernetes.io/name"
	LabelRole = "fleetform.io/service-role"
	// AnnotationEnvChecksum on the pod template changes when plain env changes, so an env
	// change rolls out through the strategy like an image change does.
	AnnotationEnvChecksum = "fleetform.io/env-checksum"
	// AnnotationSkipAwait is labels.AnnotationSkipAwait, on every release Ingress.
	AnnotationSkipAwait = labels.AnnotationSkipAwait
	// AnnotationPatchForce on the Rollout makes the stack's server-side apply win
	// field conflicts. The Rollouts controller writes the Rollout's spec back (it
	// becomes a co-owner of .spec.strategy.canary.steps), so without it the next
	// promotion fails with "Server-Side Apply field conflict" on the real engine.
	// The stack file is the desired state; the controller keeps only status.
	AnnotationPatchForce = labels.AnnotationPatchForce
)

// Service roles: which traffic a release's Service carries.
const (
	RoleStable  = "stable"
	RoleCanary  = "canary"
	RoleActive  = "active"
	RolePreview = "preview"
	RoleMetrics = "metrics"
)

// Errors New returns for Args that cannot make a release.
var (
	// ErrNoPrometheus: the strategy runs analysis but the cluster has no Prometheus to query.
	ErrNoPrometheus = errors.New("the strategy runs analysis but the cluster has no Prometheus (platform monitoring is off)")
	// ErrNoTracing: the release turns tracing on and the cluster runs no collector.
	ErrNoTracing = errors.New("tracing is on, and the cluster runs no OpenTelemetry Collector (platform.tracing)")
	// ErrNoSecretStore: a secretEnv entry is external and the cluster has no store.
	ErrNoSecretStore = errors.New("secretEnv names external secrets, and the cluster has no secret store (platform.externalSecrets)")
	// ErrCannotRoute: the cluster's edge cannot shift this release's canary traffic.
	ErrCannotRoute = errors.New(MsgCanaryNeedsPlugin)
	// ErrNoChaos: the release declares chaos experiments and the cluster runs no Chaos Mesh.
	ErrNoChaos = errors.New("chaos experiments " + chaos.MsgNoChaos)
	// ErrSecretEnv: a secretEnv entry has no resolved value, or a value has no secretEnv entry.
	ErrSecretEnv = errors.New("secret env values do not match spec.secretEnv")
)

// Release is one app in one namespace: an Argo Rollout with its Services, Ingress,
// analysis, autoscaler, disruption budget and ServiceMonitor.
type Release struct {
	pulumi.ResourceState

	// RolloutName is the Rollout's name in the namespace (the app name).
	RolloutName pulumi.StringOutput `pulumi:"rolloutName"`
	// Namespace the release lives in.
	Namespace pulumi.StringOutput `pulumi:"namespace"`
	// Image is the image the pods run, so a stack output shows each environment's version.
	Image pulumi.StringOutput `pulumi:"image"`
	// URL is where the app is served (https:// when TLS is set); empty without an Ingress.
	URL pulumi.StringOutput `pulumi:"url"`
}

// Path is the field path of the release at index i of the stack file's releases.
func Path(i int) *field.Path { return field.NewPath(configkeys.Releases).Index(i) }

// Args configure one release in one namespace. Spec is plain: it decides which objects exist.
type Args struct {
	// Spec is the release as resolved for this environment (Spec.For) and defaulted.
	Spec Spec
	// Path is where the release is in the stack file (Path(i): releases[i]), so New's
	// errors name the field the user wrote. Nil: "spec".
	Path *field.Path
	// Namespace is the namespace the objects go in.
	Namespace string
	// Tier is the environment's tier; `latest` images are refused for stage and prod.
	Tier string
	// SecretEnv are the values of Spec.SecretEnv, keyed by env var name (ResolveSecretEnv).
	// They are wrapped as secrets again, so a plain input cannot leak.
	SecretEnv map[string]pulumi.StringInput
	// PrometheusURL is the in-cluster Prometheus analysis queries. Empty: a strategy that
	// runs analysis is an error (ErrNoPrometheus).
	PrometheusURL string
	// IngressClass is the ingressClassName of the Ingresses. Empty: the cluster's default class.
	IngressClass string
	// ServiceMonitor says the cluster runs the Prometheus operator; with Spec.Monitoring it
	// adds a metrics Service and a ServiceMonitor.
	ServiceMonitor bool
	// Mesh says the namespace is in the cluster's sidecar mesh: under strict mTLS
	// Prometheus (outside the mesh) cannot reach the app's port, so the ServiceMonitor
	// scrapes the sidecar agent's merged endpoint, which serves the app's metrics too.
	Mesh bool
	// NamespaceReady is what every object waits for: the Namespace. Optional.
	NamespaceReady pulumi.Resource
	// PodsReady is what the Rollout, which creates pods, also waits for: the
	// environment's quota, LimitRange and pull secret. Optional.
	PodsReady []pulumi.Resource
	// RolloutsReady is what the Rollout and AnalysisTemplate wait for (the CRDs). Optional.
	RolloutsReady pulumi.Resource
	// ChaosReady is the cluster's Chaos Mesh install, which the chaos Schedules wait
	// for (its chart serves their CRD). Nil with experiments: ErrNoChaos.
	ChaosReady pulumi.Resource
	// MonitoringReady is what the ServiceMonitor waits for (the CRD). Optional.
	MonitoringReady pulumi.Resource
	// VPAReady is the cluster's VPA install (the CRD): with it the release gets a
	// VerticalPodAutoscaler, which waits for it. Nil: the cluster runs no VPA.
	VPAReady pulumi.Resource
	// VPAUpdates says the cluster's VPA applies recommendations (updater and admission
	// controller); without it an updateMode other than Off is an error.
	VPAUpdates bool
	// SecretStore is the cluster's ClusterSecretStore; with external secretEnv entries
	// the release gets an ExternalSecret reading it. Empty: external entries are an
	// error (ErrNoSecretStore).
	SecretStore string
	// SecretStoreReady is the store object (and so the CRD) the ExternalSecret waits for.
	SecretStoreReady pulumi.Resource
	// SecretRefresh is the ExternalSecret's refreshInterval (platform.externalSecrets).
	SecretRefresh string
	// OTLPEndpoint is the cluster collector a release with Spec.Tracing exports to.
	// Empty: tracing is an error (ErrNoTracing).
	OTLPEndpoint string
	// Environment is the environment's name, a resource attribute of traced releases.
	Environment string
	// Routing is how the cluster's edge serves the release's hosts. The zero value is
	// ingress-nginx with IngressClass and no certificate issuer.
	Routing Routing
	// VirtualNodes puts the pods on the cluster's virtual nodes: the Rollout's pod
	// template gets their nodeSelector, tolerations and labels (the program sets it
	// where the release or its environment opts in, OnVirtualNodes). Nil: the node pools.
	VirtualNodes *cluster.VirtualNodes
}

// names are the Kubernetes names of a release's objects, all derived from the app name
// so two releases in one namespace never collide.
type names struct {
	app, env, secretEnv, externalEnv, analysis, previewIngress string
}

func namesFor(app string) names {
	return names{
		app:            app,
		env:            app + "-env",
		secretEnv:      app + "-secret-env",
		externalEnv:    app + "-external-env",
		analysis:       app + "-success-rate",
		previewIngress: app + "-" + RolePreview,
	}
}

func (n names) service(role string) string { return n.app + "-" + role }

// canaryIngress is the Ingress Argo Rollouts makes from the stable one for nginx canaries.
func (n names) canaryIngress() string { return n.app + "-" + n.app + "-canary" }

// New validates args and creates the release. Nothing is registered when args are invalid.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Release, error) {
	if args == nil {
		return nil, fmt.Errorf("release %q: args are required", name)
	}
	a := *args
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("release %q: %w", name, err)
	}
	r := &Release{}
	if err := ctx.RegisterComponentResource(TypeToken, name, r, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, name: name, a: &a, s: &a.Spec, n: namesFor(a.Spec.Name), parent: r}
	if err := b.build(); err != nil {
		return nil, fmt.Errorf("release %q: %w", name, err)
	}
	r.RolloutName = b.rollout.Metadata.Name().Elem()
	r.Namespace = pulumi.String(a.Namespace).ToStringOutput()
	r.Image = pulumi.String(a.Spec.Image).ToStringOutput()
	r.URL = pulumi.String(b.url()).ToStringOutput()
	if err := ctx.RegisterResourceOutputs(r, pulumi.Map{
		"rolloutName": r.RolloutName,
		"namespace":   r.Namespace,
		"image":       r.Image,
		"url":         r.URL,
	}); err != nil {
		return nil, err
	}
	return r, nil
}

// validate checks the resolved spec and what the cluster offers, all at once.
func (a *Args) validate() error {
	p := a.Path
	if p == nil {
		p = field.NewPath("spec")
	}
	errs := a.Spec.Validate(p, nil)
	errs = append(errs, a.Spec.validateResolved(p, a.Tier)...)
	if a.VirtualNodes != nil {
		errs = append(errs, a.Spec.validateVirtualNodeSize(p.Child("resources"), a.VirtualNodes)...)
	}
	if a.Namespace == "" {
		errs = append(errs, field.Required(field.NewPath("namespace"), ""))
	} else if len(validation.IsDNS1123Label(a.Namespace)) > 0 {
		errs = append(errs, field.Invalid(field.NewPath("namespace"), a.Namespace, MsgNotDNSLabel))
	}
	var all []error
	if err := errs.ToAggregate(); err != nil {
		all = append(all, err)
	}
	if a.Spec.Strategy.usesAnalysis() && a.PrometheusURL == "" {
		all = append(all, ErrNoPrometheus)
	}
	if a.Spec.vpaFightsHPA() {
		all = append(all, field.Invalid(p.Child("verticalAutoscaling", "updateMode"), a.Spec.VerticalAutoscaling.UpdateMode, MsgVPAWithCPUHPA))
	}
	if a.Spec.appliesVPA() && (a.VPAReady == nil || !a.VPAUpdates) {
		all = append(all, field.Invalid(p.Child("verticalAutoscaling", "updateMode"), a.Spec.VerticalAutoscaling.UpdateMode, MsgNeedsVPAUpdates))
	}
	fromConfig := a.Spec.ConfigSecretEnv()
	for k := range fromConfig {
		if a.SecretEnv[k] == nil {
			all = append(all, fmt.Errorf("%w: %s has no value", ErrSecretEnv, k))
		}
	}
	for k := range a.SecretEnv {
		if _, ok := fromConfig[k]; !ok {
			all = append(all, fmt.Errorf("%w: %s is not a secret config entry of spec.secretEnv", ErrSecretEnv, k))
		}
	}
	if len(a.Spec.Chaos) > 0 && a.ChaosReady == nil {
		all = append(all, ErrNoChaos)
	}
	if a.Spec.Tracing && a.OTLPEndpoint == "" {
		all = append(all, ErrNoTracing)
	}
	if len(a.Spec.ExternalSecretEnv()) > 0 && (a.SecretStore == "" || a.SecretStoreReady == nil) {
		all = append(all, ErrNoSecretStore)
	}
	if err := a.Routing.validate(&a.Spec); err != nil {
		all = append(all, err)
	}
	return errors.Join(all...)
}

// url is where the app is served, or "" without an Ingress.
func (b *builder) url() string {
	in := b.s.Ingress
	if in == nil {
		return ""
	}
	scheme := "http"
	if tls, _ := b.hostTLS(in.Host, in.TLSSecretName); tls {
		scheme = "https"
	}
	return scheme + "://" + in.Host + in.Paths[0]
}

// builder creates the children of one release.
type builder struct {
	ctx    *pulumi.Context
	name   string
	a      *Args
	s      *Spec
	n      names
	parent pulumi.Resource

	services map[string]*corev1.Service
	ingress  *networkingv1.Ingress
	preview  *networkingv1.Ingress
	route    *apiextensions.CustomResource
	envCM    *corev1.ConfigMap
	envSec   *corev1.Secret
	external *apiextensions.CustomResource
	template *apiextensions.CustomResource
	rollout  *apiextensions.CustomResource
}

// opts are the options of a child: parented to the release, waiting for the namespace
// and whatever extra readiness it needs.
func (b *builder) opts(extra ...pulumi.Resource) []pulumi.ResourceOption {
	var deps []pulumi.Resource
	for _, d := range append([]pulumi.Resource{b.a.NamespaceReady}, extra...) {
		if d != nil {
			deps = append(deps, d)
		}
	}
	o := []pulumi.ResourceOption{pulumi.Parent(b.parent)}
	if len(deps) > 0 {
		o = append(o, pulumi.DependsOn(deps))
	}
	return o
}

func (b *builder) meta(name string, extra map[string]string) *metav1.ObjectMetaArgs {
	labels := pulumi.StringMap{
		LabelName:        pulumi.String(b.n.app),
		labels.ManagedBy: pulumi.String(labels.ManagedByFleetform),
	}
	for k, v := range extra {
		labels[k] = pulumi.String(v)
	}
	return &metav1.ObjectMetaArgs{
		Name:      pulumi.String(name),
		Namespace: pulumi.String(b.a.Namespace),
		Labels:    labels,
	}
}

// selector is the pod selector of every Service, the PDB and the Rollout.
func (b *builder) selector() map[string]string { return map[string]string{LabelName: b.n.app} }

func (b *builder) build() error {
	steps := []func() error{b.buildEnv, b.buildServices, b.buildRoutes, b.buildAnalysis, b.buildRollout, b.buildAutoscaler, b.buildVerticalAutoscaler, b.buildDisruptionBudget, b.buildServiceMonitor, b.buildChaos}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) buildEnv() error {
	var err error
	if len(b.s.Env) > 0 {
		data := pulumi.StringMap{}
		for k, v := range b.s.Env {
			data[k] = pulumi.String(v)
		}
		b.envCM, err = corev1.NewConfigMap(b.ctx, b.name+"-env", &corev1.ConfigMapArgs{
			Metadata: b.meta(b.n.env, nil),
			Data:     data,
		}, b.opts()...)
		if err != nil {
			return fmt.Errorf("env configmap: %w", err)
		}
	}
	if len(b.a.SecretEnv) > 0 {
		data := pulumi.StringMap{}
		for k, v := range b.a.SecretEnv {
			data[k] = pulumi.ToSecret(v).(pulumi.StringOutput)
		}
		b.envSec, err = corev1.NewSecret(b.ctx, b.name+"-secret-env", &corev1.SecretArgs{
			Metadata:   b.meta(b.n.secretEnv, nil),
			Type:       pulumi.String("Opaque"),
			StringData: data,
		}, b.opts()...)
		if err != nil {
			return fmt.Errorf("env secret: %w", err)
		}
	}
	if ext := b.s.ExternalSecretEnv(); len(ext) > 0 {
		b.external, err = apiextensions.NewCustomResource(b.ctx, b.name+"-external-env", &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String(externalsecrets.APIVersion),
			Kind:       pulumi.String(externalsecrets.ExternalSecretKind),
			Metadata:   b.meta(b.n.externalEnv, nil),
			OtherFields: map[string]any{
				"spec": ExternalSecretSpec(ext, b.n.externalEnv, b.a.SecretStore, b.a.SecretRefresh),
			},
		}, b.opts(b.a.SecretStoreReady)...)
		if err != nil {
			return fmt.Errorf("external env secret: %w", err)
		}
	}
	return nil
}

// ExternalSecretSpec is the spec of a release's ExternalSecret: each env entry read from
// the cluster store into one Secret the operator owns (deleted with the ExternalSecret).
func ExternalSecretSpec(env map[string]ExternalRef, target, store, refresh string) map[string]any {
	data := make([]any, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		ref := map[string]any{"key": env[k].Key}
		if env[k].Property != "" {
			ref["property"] = env[k].Property
		}
		if env[k].Version != "" {
			ref["version"] = env[k].Version
		}
		data = append(data, map[string]any{"secretKey": k, "remoteRef": ref})
	}
	return map[string]any{
		"refreshInterval": refresh,
		"secretStoreRef":  map[string]any{"name": store, "kind": externalsecrets.StoreKind},
		"target":          map[string]any{"name": target, "creationPolicy": "Owner"},
		"data":            data,
	}
}

// serviceRoles are the Services the strategy switches traffic between, plus the
// headless metrics Service the ServiceMonitor scrapes every pod through.
func (b *builder) serviceRoles() []string {
	if len(b.s.Ports) == 0 {
		return nil
	}
	roles := []string{RoleStable, RoleCanary}
	if b.s.Strategy.BlueGreen != nil {
		roles = []string{RoleActive, RolePreview}
	}
	if b.monitored() {
		roles = append(roles, RoleMetrics)
	}
	return roles
}

func (b *builder) monitored() bool {
	return b.a.ServiceMonitor && b.s.Monitoring != nil && *b.s.Monitoring && len(b.s.Ports) > 0
}

func (b *builder) buildServices() error {
	b.services = map[string]*corev1.Service{}
	for _, role := range b.serviceRoles() {
		ports := corev1.ServicePortArray{}
		for _, p := range b.s.Ports {
			ports = append(ports, corev1.ServicePortArgs{
				Name:       pulumi.String(p.Name),
				Port:       pulumi.Int(p.ContainerPort),
				TargetPort: pulumi.String(p.Name),
				Protocol:   pulumi.String("TCP"),
			})
		}
		if role == RoleMetrics && b.a.Mesh {
			ports = corev1.ServicePortArray{corev1.ServicePortArgs{
				Name:       pulumi.String(MeshMetricsPortName),
				Port:       pulumi.Int(gateway.MergedMetricsPort),
				TargetPort: pulumi.Int(gateway.MergedMetricsPort),
				Protocol:   pulumi.String("TCP"),
			}}
		}
		spec := &corev1.ServiceSpecArgs{
			Type:     pulumi.String("ClusterIP"),
			Selector: pulumi.ToStringMap(b.selector()),
			Ports:    ports,
		}
		if role == RoleMetrics {
			spec.ClusterIP = pulumi.String("None")
		}
		svc, err := corev1.NewService(b.ctx, b.name+"-"+role, &corev1.ServiceArgs{
			Metadata: b.meta(b.n.service(role), map[string]string{LabelRole: role}),
			Spec:     spec,
		}, b.opts()...)
		if err != nil {
			return fmt.Errorf("%s service: %w", role, err)
		}
		b.services[role] = svc
	}
	return nil
}

// mainRole is the Service the Ingress sends users to.
func (b *builder) mainRole() string {
	if b.s.Strategy.BlueGreen != nil {
		return RoleActive
	}
	return RoleStable
}

func (b *builder) buildIngresses() error {
	in := b.s.Ingress
	var err error
	if in != nil {
		b.ingress, err = b.newIngress(b.name+"-ingress", b.n.app, in.Host, in.Paths, in.TLSSecretName, in.Port, b.services[b.mainRole()])
		if err != nil {
			return fmt.Errorf("ingress: %w", err)
		}
	}
	if bg := b.s.Strategy.BlueGreen; bg != nil && bg.PreviewHost != "" {
		paths, tls, port := []string{DefaultIngressPath}, "", b.s.Ports[0].Name
		if in != nil {
			paths, tls, port = in.Paths, in.TLSSecretName, in.Port
		}
		b.preview, err = b.newIngress(b.name+"-preview-ingress", b.n.previewIngress, bg.PreviewHost, paths, tls, port, b.services[RolePreview])
		if err != nil {
			return fmt.Errorf("preview ingress: %w", err)
		}
	}
	return nil
}

func (b *builder) newIngress(resName, name, host string, paths []string, tls, port string, svc *corev1.Service) (*networkingv1.Ingress, error) {
	var httpPaths networkingv1.HTTPIngressPathArray
	for _, p := range paths {
		httpPaths = append(httpPaths, networkingv1.HTTPIngressPathArgs{
			Path:     pulumi.String(p),
			PathType: pulumi.String("Prefix"),
			Backend: networkingv1.IngressBackendArgs{
				Service: &networkingv1.IngressServiceBackendArgs{
					Name: svc.Metadata.Name().Elem(),
					Port: &networkingv1.ServiceBackendPortArgs{Name: pulumi.String(port)},
				},
			},
		})
	}
	spec := &networkingv1.IngressSpecArgs{
		Rules: networkingv1.IngressRuleArray{networkingv1.IngressRuleArgs{
			Host: pulumi.String(host),
			Http: &networkingv1.HTTPIngressRuleValueArgs{Paths: httpPaths},
		}},
	}
	if b.a.IngressClass != "" {
		spec.IngressClassName = pulumi.String(b.a.IngressClass)
	}
	meta := b.meta(name, nil)
	annotations := pulumi.StringMap{AnnotationSkipAwait: pulumi.String("true")}
	meta.Annotations = annotations
	if on, secret := b.hostTLS(host, tls); on {
		spec.Tls = networkingv1.IngressTLSArray{networkingv1.IngressTLSArgs{
			Hosts:      pulumi.StringArray{pulumi.String(host)},
			SecretName: pulumi.String(secret),
		}}
		if tls == "" {
			// cert-manager's ingress-shim issues the Secret from the cluster's issuer.
			annotations[AnnotationIssuer] = pulumi.String(b.a.Routing.Issuer)
		}
	}
	return networkingv1.NewIngress(b.ctx, resName, &networkingv1.IngressArgs{
		Metadata: meta,
		Spec:     spec,
	}, b.opts()...)
}

func (b *builder) buildAnalysis() error {
	if !b.s.Strategy.usesAnalysis() {
		return nil
	}
	var err error
	b.template, err = apiextensions.NewCustomResource(b.ctx, b.name+"-analysis", &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(RolloutsAPIVersion),
		Kind:        pulumi.String(KindAnalysisTemplate),
		Metadata:    b.meta(b.n.analysis, nil),
		OtherFields: kubernetes.UntypedArgs{"spec": analysisTemplateSpec(&b.s.Analysis, b.a.PrometheusURL, b.a.Routing.edge())},
	}, b.opts(b.a.RolloutsReady)...)
	if err != nil {
		return fmt.Errorf("analysis template: %w", err)
	}
	return nil
}

func (b *builder) buildRollout() error {
	spec := map[string]any{
		"selector":             map[string]any{"matchLabels": b.selector()},
		"template":             b.podTemplate(),
		"revisionHistoryLimit": RevisionHistoryLimit,
		"strategy":             b.strategy(),
	}
	if b.s.Autoscaling == nil {
		spec["replicas"] = *b.s.Replicas
	}
	meta := b.meta(b.n.app, nil)
	meta.Annotations = pulumi.StringMap{AnnotationPatchForce: pulumi.String("true")}
	var err error
	b.rollout, err = apiextensions.NewCustomResource(b.ctx, b.name+"-rollout", &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(RolloutsAPIVersion),
		Kind:        pulumi.String(KindRollout),
		Metadata:    meta,
		OtherFields: kubernetes.UntypedArgs{"spec": spec},
	}, b.opts(append([]pulumi.Resource{b.a.RolloutsReady}, b.a.PodsReady...)...)...)
	if err != nil {
		return fmt.Errorf("rollout: %w", err)
	}
	return nil
}

func (b *builder) buildAutoscaler() error {
	as := b.s.Autoscaling
	if as == nil {
		return nil
	}
	_, err := autoscalingv2.NewHorizontalPodAutoscaler(b.ctx, b.name+"-hpa", &autoscalingv2.HorizontalPodAutoscalerArgs{
		Metadata: b.meta(b.n.app, nil),
		Spec: &autoscalingv2.HorizontalPodAutoscalerSpecArgs{
			ScaleTargetRef: &autoscalingv2.CrossVersionObjectReferenceArgs{
				ApiVersion: pulumi.String(RolloutsAPIVersion),
				Kind:       pulumi.String(KindRollout),
				// By name, not as an output of the Rollout: the HPA need not wait for it.
				Name: pulumi.String(b.n.app),
			},
			MinReplicas: pulumi.Int(as.MinReplicas),
			MaxReplicas: pulumi.Int(as.MaxReplicas),
			Metrics: autoscalingv2.MetricSpecArray{autoscalingv2.MetricSpecArgs{
				Type: pulumi.String("Resource"),
				Resource: &autoscalingv2.ResourceMetricSourceArgs{
					Name: pulumi.String("cpu"),
					Target: &autoscalingv2.MetricTargetArgs{
						Type:               pulumi.String("Utilization"),
						AverageUtilization: pulumi.Int(as.TargetCPUPercent),
					},
				},
			}},
		},
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("autoscaler: %w", err)
	}
	return nil
}

func (b *builder) buildDisruptionBudget() error {
	_, err := policyv1.NewPodDisruptionBudget(b.ctx, b.name+"-pdb", &policyv1.PodDisruptionBudgetArgs{
		Metadata: b.meta(b.n.app, nil),
		Spec: &policyv1.PodDisruptionBudgetSpecArgs{
			MaxUnavailable: pulumi.Int(PodDisruptionMaxUnavailable),
			Selector:       &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(b.selector())},
		},
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("disruption budget: %w", err)
	}
	return nil
}

func (b *builder) buildServiceMonitor() error {
	if !b.monitored() {
		return nil
	}
	metrics := b.services[RoleMetrics]
	port, path := b.s.Metrics.Port, b.s.Metrics.Path
	if b.a.Mesh {
		port, path = MeshMetricsPortName, gateway.MergedMetricsPath
	}
	_, err := apiextensions.NewCustomResource(b.ctx, b.name+"-servicemonitor", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(MonitoringAPIVersion),
		Kind:       pulumi.String(KindServiceMonitor),
		Metadata:   b.meta(b.n.app, nil),
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"selector": map[string]any{"matchLabels": map[string]any{
				LabelName: b.n.app,
				LabelRole: metrics.Metadata.Labels().MapIndex(pulumi.String(LabelRole)),
			}},
			"endpoints": []any{map[string]any{
				"port":     port,
				"path":     path,
				"interval": ScrapeInterval,
			}},
		}},
	}, b.opts(b.a.MonitoringReady)...)
	if err != nil {
		return fmt.Errorf("service monitor: %w", err)
	}
	return nil
}

// Fixed settings of the objects, named so the reasons are visible.
const (
	// RevisionHistoryLimit keeps three old ReplicaSets for `kubectl argo rollouts undo`.
	RevisionHistoryLimit = 3
	// ScrapeInterval matches kube-prometheus-stack's default, so rate windows of 1m hold two samples.
	ScrapeInterval = "30s"
	// TmpVolume is the writable emptyDir mounted at /tmp, because the root filesystem is read-only.
	TmpVolume = "tmp"
	// MeshMetricsPortName is the metrics Service's port in a meshed namespace: the
	// sidecar agent's merged endpoint (gateway.MergedMetricsPort).
	MeshMetricsPortName = "mesh-metrics"
)
