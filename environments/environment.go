package environments

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/internal/labels"
	"github.com/fleetform/fleetform/internal/secret"
)

// TypeToken is the Pulumi type of the Environment component.
const TypeToken = "platform:environments:Environment"

// ErrNoProvider is returned when Args carries no Kubernetes provider: falling back to
// the ambient kubeconfig could deploy an environment into the wrong cluster.
var ErrNoProvider = errors.New("a kubernetes provider for the environment's cluster is required")

// DeployerVerbs are what the CI deployer may do to the kinds it deploys: read them
// and apply changes, but not delete them (removals go through a reviewed config change).
var DeployerVerbs = []string{"get", "list", "watch", "create", "update", "patch"}

// DeployerRule is one rule of the CI deployer's Role: an API group and its kinds.
type DeployerRule struct {
	// APIGroup is the API group ("" is the core group).
	APIGroup string
	// Resources are the plural resource names in the group.
	Resources []string
}

// DeployerRules are the kinds a release consists of; the deployer gets exactly these,
// in its own namespace only.
var DeployerRules = []DeployerRule{
	{APIGroup: "argoproj.io", Resources: []string{"rollouts"}},
	{APIGroup: "apps", Resources: []string{"deployments"}},
	{APIGroup: "", Resources: []string{"services", "configmaps", "secrets"}},
	{APIGroup: "networking.k8s.io", Resources: []string{"ingresses"}},
}

// rbacGroup is the API group of Roles, ClusterRoles and Group subjects.
const rbacGroup = "rbac.authorization.k8s.io"

// Args configure one Environment.
type Args struct {
	// Spec is the environment; New applies its defaults to a copy and validates it.
	Spec Spec
	// Stack is the Pulumi stack name, set as the LabelStack label.
	Stack string
	// Provider deploys into the environment's cluster. Required.
	Provider pulumi.ProviderResource
	// Registry is the Harbor registry pods pull from; nil creates no pull secret.
	Registry *platform.Registry
	// IngressNamespace is the ingress controller's namespace, allowed in by
	// NetworkPolicy; empty when the cluster has no ingress controller.
	IngressNamespace string
	// MonitoringNamespace is Prometheus's namespace, allowed in to scrape; empty when
	// the cluster has no monitoring.
	MonitoringNamespace string
	// Subjects are the RBAC subjects of the access groups on the environment's cluster
	// (cluster.Connection.Subjects): the group name on EKS, the Entra ID object ID on AKS,
	// the RAM ID as a user on ACK. Nil binds every group as a Group of its own name
	// (existing clusters); otherwise every access group must have one.
	Subjects map[string]cluster.Subject
	// Mesh joins the namespace to the cluster's sidecar mesh (Spec.InMesh of the
	// platform's mesh): sidecar injection, the PeerAuthentication of Spec.Mesh.MTLS and
	// egress to istiod in MeshNamespace.
	Mesh bool
	// MeshNamespace is istiod's namespace; required with Mesh.
	MeshNamespace string
	// MeshReady is what a meshed pod waits for (platform.Outputs.MeshReady): a pod made
	// before istiod's webhook runs gets no sidecar and, under strict mTLS, no traffic.
	MeshReady []pulumi.Resource
	// Annotations are the platform's annotations on the Namespace, such as Chaos Mesh's
	// namespace filter for an environment that releases run experiments in.
	Annotations map[string]string
}

// MsgNoSubject says an access group has no subject on the environment's cluster: the
// identity map has no principal for it on the cluster's cloud.
const MsgNoSubject = "has no principal on this cluster's cloud in fleetform:identities"

// Environment is one namespace made safe by default: labels and Pod Security, quota
// and limits, RBAC, NetworkPolicies and registry access.
type Environment struct {
	pulumi.ResourceState

	// Namespace is the namespace's name; it resolves once the Namespace exists.
	Namespace pulumi.StringOutput `pulumi:"namespace"`
	// Tier is the environment's tier.
	Tier pulumi.StringOutput `pulumi:"tier"`
	// DeployerServiceAccount is the CI ServiceAccount's name; empty when disabled.
	DeployerServiceAccount pulumi.StringOutput `pulumi:"deployerServiceAccount"`
	// PullSecret is the registry pull Secret's name; empty without a registry.
	PullSecret pulumi.StringOutput `pulumi:"pullSecret"`

	// NamespaceObject is the Namespace itself: what objects in it wait for.
	NamespaceObject pulumi.Resource
	// PodsReady is what a pod needs before it is created: the ResourceQuota and the
	// LimitRange (a pod created before the LimitRange gets no defaults and is refused
	// by the quota), and the pull secret attached to the default ServiceAccount.
	// Workloads wait for these; Services, Ingresses and ConfigMaps need only the Namespace.
	PodsReady []pulumi.Resource
}

// New creates an environment's namespace and everything in it. The spec is
// defaulted and validated before any resource is registered.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Environment, error) {
	if args == nil {
		return nil, fmt.Errorf("environment %q: args are required", name)
	}
	if args.Provider == nil {
		return nil, fmt.Errorf("environment %q: %w", name, ErrNoProvider)
	}
	spec := args.Spec
	spec.Access = append([]Access(nil), spec.Access...)
	spec.ApplyDefaults()
	errs := spec.Validate(field.NewPath("environment"))
	if args.Stack != "" {
		if len(validation.IsValidLabelValue(args.Stack)) > 0 {
			errs = append(errs, field.Invalid(field.NewPath("stack"), args.Stack, MsgNotLabelValue))
		}
	}
	if args.Subjects != nil {
		for i, a := range spec.Access {
			if _, ok := args.Subjects[a.Group]; !ok {
				errs = append(errs, field.Invalid(field.NewPath("environment", "access").Index(i).Child("group"), a.Group, MsgNoSubject))
			}
		}
	}
	if args.Mesh && args.MeshNamespace == "" {
		errs = append(errs, field.Required(field.NewPath("meshNamespace"), "a meshed environment lets its sidecars reach istiod there"))
	}
	for _, ns := range []struct{ path, value string }{{"ingressNamespace", args.IngressNamespace}, {"monitoringNamespace", args.MonitoringNamespace}, {"meshNamespace", args.MeshNamespace}} {
		if ns.value != "" && len(validation.IsDNS1123Label(ns.value)) > 0 {
			errs = append(errs, field.Invalid(field.NewPath(ns.path), ns.value, MsgNotDNSLabel))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("environment %q: %w", name, errs.ToAggregate())
	}

	env := &Environment{}
	if err := ctx.RegisterComponentResource(TypeToken, name, env, opts...); err != nil {
		return nil, fmt.Errorf("environment %q: %w", name, err)
	}
	b := &builder{ctx: ctx, name: name, spec: &spec, args: args,
		opts: []pulumi.ResourceOption{pulumi.Parent(env), pulumi.Provider(args.Provider)}}
	if err := b.build(env); err != nil {
		return nil, fmt.Errorf("environment %q: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(env, pulumi.Map{
		"namespace":              env.Namespace,
		"tier":                   env.Tier,
		"deployerServiceAccount": env.DeployerServiceAccount,
		"pullSecret":             env.PullSecret,
	}); err != nil {
		return nil, fmt.Errorf("environment %q: registering outputs: %w", name, err)
	}
	return env, nil
}

// builder creates the children of one Environment.
type builder struct {
	ctx  *pulumi.Context
	name string
	spec *Spec
	args *Args
	opts []pulumi.ResourceOption
	// ns is the namespace name as an output of the Namespace, so every namespaced
	// child depends on the Namespace it lives in.
	ns pulumi.StringOutput
}

func (b *builder) build(env *Environment) error {
	nsObj, err := b.namespace()
	if err != nil {
		return fmt.Errorf("namespace: %w", err)
	}
	b.ns = nsObj.Metadata.Name().Elem()
	env.Namespace = b.ns
	env.NamespaceObject = nsObj
	env.Tier = pulumi.String(b.spec.Tier).ToStringOutput()

	quota, err := b.quota()
	if err != nil {
		return fmt.Errorf("resource quota: %w", err)
	}
	limits, err := b.limitRange()
	if err != nil {
		return fmt.Errorf("limit range: %w", err)
	}
	env.PodsReady = []pulumi.Resource{quota, limits}
	if err := b.access(); err != nil {
		return fmt.Errorf("access: %w", err)
	}
	if err := b.networkPolicies(); err != nil {
		return fmt.Errorf("network policies: %w", err)
	}
	if b.args.Mesh {
		if err := b.mesh(); err != nil {
			return fmt.Errorf("mesh: %w", err)
		}
		env.PodsReady = append(env.PodsReady, b.args.MeshReady...)
	}

	// ServiceAccounts name the pull secret by its fixed name, so they need not wait
	// for it: Kubernetes resolves the reference when a pod pulls, and pods wait for
	// both through PodsReady.
	var pullSecret pulumi.StringPtrInput
	env.PullSecret = pulumi.String("").ToStringOutput()
	if b.args.Registry != nil {
		secret, err := b.pullSecret(b.args.Registry)
		if err != nil {
			return fmt.Errorf("pull secret: %w", err)
		}
		pullSecret = pulumi.String(PullSecretName)
		env.PullSecret = secret.Metadata.Name().Elem()
		patch, err := b.defaultServiceAccount(pullSecret)
		if err != nil {
			return fmt.Errorf("default service account: %w", err)
		}
		env.PodsReady = append(env.PodsReady, secret, patch)
	}

	env.DeployerServiceAccount = pulumi.String("").ToStringOutput()
	if b.spec.Deployer.IsEnabled() {
		sa, err := b.deployer(pullSecret)
		if err != nil {
			return fmt.Errorf("deployer: %w", err)
		}
		env.DeployerServiceAccount = sa
	}
	return nil
}

// meta is the metadata of a namespaced child named objName.
func (b *builder) meta(objName string) *metav1.ObjectMetaArgs {
	return &metav1.ObjectMetaArgs{
		Name:      pulumi.String(objName),
		Namespace: b.ns,
		Labels:    pulumi.StringMap{labels.ManagedBy: pulumi.String(labels.ManagedByFleetform)},
	}
}

// NamespaceLabels returns the labels of a defaulted environment's Namespace: who owns
// it, what tier it is, and its Pod Security levels.
func NamespaceLabels(spec *Spec, stack string) map[string]string {
	labels := map[string]string{
		labels.ManagedBy:        labels.ManagedByFleetform,
		LabelTier:               spec.Tier,
		LabelPodSecurityEnforce: spec.PodSecurity.Enforce,
		LabelPodSecurityAudit:   spec.PodSecurity.Audit,
		LabelPodSecurityWarn:    spec.PodSecurity.Warn,
	}
	if spec.Team != "" {
		labels[LabelTeam] = spec.Team
	}
	if stack != "" {
		labels[LabelStack] = stack
	}
	return labels
}

func (b *builder) namespace() (*corev1.Namespace, error) {
	labels := NamespaceLabels(b.spec, b.args.Stack)
	if b.args.Mesh {
		labels[gateway.LabelInjection] = gateway.InjectionEnabled
	}
	return corev1.NewNamespace(b.ctx, b.name+"-namespace", &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:        pulumi.String(b.spec.Name),
			Labels:      pulumi.ToStringMap(labels),
			Annotations: annotations(b.args.Annotations),
		},
	}, b.opts...)
}

// annotations are the Namespace's annotations; none is no map, so a Namespace without
// any plans as before.
func annotations(a map[string]string) pulumi.StringMapInput {
	if len(a) == 0 {
		return nil
	}
	return pulumi.ToStringMap(a)
}

// canonical writes a validated quantity the way the API server stores it, so the
// object does not drift from what was applied (e.g. 1000m becomes 1).
func canonical(v string) pulumi.String {
	q, err := resource.ParseQuantity(v)
	if err != nil {
		return pulumi.String(v)
	}
	return pulumi.String(q.String())
}

func (b *builder) quota() (*corev1.ResourceQuota, error) {
	q := b.spec.Quota
	return corev1.NewResourceQuota(b.ctx, b.name+"-quota", &corev1.ResourceQuotaArgs{
		Metadata: b.meta(QuotaName),
		Spec: &corev1.ResourceQuotaSpecArgs{
			Hard: pulumi.StringMap{
				"requests.cpu":           canonical(q.RequestsCPU),
				"requests.memory":        canonical(q.RequestsMemory),
				"limits.cpu":             canonical(q.LimitsCPU),
				"limits.memory":          canonical(q.LimitsMemory),
				"pods":                   pulumi.Sprintf("%d", q.Pods),
				"services":               pulumi.Sprintf("%d", q.Services),
				"services.loadbalancers": pulumi.Sprintf("%d", q.LoadBalancers),
				"persistentvolumeclaims": pulumi.Sprintf("%d", q.PVCs),
				"requests.storage":       canonical(q.Storage),
			},
		},
	}, b.opts...)
}

func (b *builder) limitRange() (*corev1.LimitRange, error) {
	l := b.spec.Limits
	return corev1.NewLimitRange(b.ctx, b.name+"-limits", &corev1.LimitRangeArgs{
		Metadata: b.meta(LimitRangeName),
		Spec: &corev1.LimitRangeSpecArgs{
			Limits: corev1.LimitRangeItemArray{
				corev1.LimitRangeItemArgs{
					Type:           pulumi.String("Container"),
					DefaultRequest: pulumi.StringMap{"cpu": canonical(l.DefaultRequestCPU), "memory": canonical(l.DefaultRequestMemory)},
					Default:        pulumi.StringMap{"cpu": canonical(l.DefaultCPU), "memory": canonical(l.DefaultMemory)},
					Max:            pulumi.StringMap{"cpu": canonical(l.MaxCPU), "memory": canonical(l.MaxMemory)},
				},
			},
		},
	}, b.opts...)
}

// Subject is how a group is bound on the environment's cluster: its subject in
// Args.Subjects, or a Group of its own name when there are none.
func (b *builder) subject(group string) cluster.Subject {
	if s, ok := b.args.Subjects[group]; ok {
		return s
	}
	return cluster.Subject{Kind: cluster.SubjectGroup, Name: group}
}

// access binds the groups of each role with one RoleBinding per role, so the
// binding names never depend on group names (which may hold any characters). Each
// group is bound as its subject on the cluster's cloud (Args.Subjects).
func (b *builder) access() error {
	for _, role := range Roles {
		var subjects rbacv1.SubjectArray
		for _, a := range b.spec.Access {
			if a.Role == role {
				s := b.subject(a.Group)
				subjects = append(subjects, rbacv1.SubjectArgs{
					Kind:     pulumi.String(s.Kind),
					ApiGroup: pulumi.String(rbacGroup),
					Name:     pulumi.String(s.Name),
				})
			}
		}
		if len(subjects) == 0 {
			continue
		}
		_, err := rbacv1.NewRoleBinding(b.ctx, b.name+"-access-"+role, &rbacv1.RoleBindingArgs{
			Metadata: b.meta(AccessBindingPrefix + role),
			RoleRef: rbacv1.RoleRefArgs{
				ApiGroup: pulumi.String(rbacGroup),
				Kind:     pulumi.String("ClusterRole"),
				Name:     pulumi.String(role),
			},
			Subjects: subjects,
		}, b.opts...)
		if err != nil {
			return fmt.Errorf("%s: %w", role, err)
		}
	}
	return nil
}

// deployer creates the CI ServiceAccount, its Role and the binding between them,
// and returns the ServiceAccount's name.
func (b *builder) deployer(pullSecret pulumi.StringPtrInput) (pulumi.StringOutput, error) {
	name := b.spec.Deployer.Name
	saArgs := &corev1.ServiceAccountArgs{
		Metadata: b.meta(name),
		// CI authenticates with short-lived tokens (TokenRequest); no pod runs as the
		// deployer, so none gets its token mounted.
		AutomountServiceAccountToken: pulumi.Bool(false),
	}
	if pullSecret != nil {
		saArgs.ImagePullSecrets = corev1.LocalObjectReferenceArray{corev1.LocalObjectReferenceArgs{Name: pullSecret}}
	}
	sa, err := corev1.NewServiceAccount(b.ctx, b.name+"-deployer", saArgs, b.opts...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	rules := make(rbacv1.PolicyRuleArray, 0, len(DeployerRules))
	for _, r := range DeployerRules {
		rules = append(rules, rbacv1.PolicyRuleArgs{
			ApiGroups: pulumi.ToStringArray([]string{r.APIGroup}),
			Resources: pulumi.ToStringArray(r.Resources),
			Verbs:     pulumi.ToStringArray(DeployerVerbs),
		})
	}
	_, err = rbacv1.NewRole(b.ctx, b.name+"-deployer-role", &rbacv1.RoleArgs{
		Metadata: b.meta(name),
		Rules:    rules,
	}, b.opts...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	// The binding names the Role and the ServiceAccount by their fixed names: RBAC
	// resolves them when a request comes, so the binding need not wait for either.
	_, err = rbacv1.NewRoleBinding(b.ctx, b.name+"-deployer-binding", &rbacv1.RoleBindingArgs{
		Metadata: b.meta(name),
		RoleRef: rbacv1.RoleRefArgs{
			ApiGroup: pulumi.String(rbacGroup),
			Kind:     pulumi.String("Role"),
			Name:     pulumi.String(name),
		},
		Subjects: rbacv1.SubjectArray{rbacv1.SubjectArgs{
			Kind:      pulumi.String("ServiceAccount"),
			Name:      pulumi.String(name),
			Namespace: b.ns,
		}},
	}, b.opts...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return sa.Metadata.Name().Elem(), nil
}

// DockerConfigJSON returns the `.dockerconfigjson` document of a pull secret for
// one registry, in the format the kubelet reads.
func DockerConfigJSON(host, username, password string) (string, error) {
	type auth struct {
		Username string `json:"username"`
		Password string `json:"password"`
		Auth     string `json:"auth"`
	}
	doc := map[string]map[string]auth{"auths": {host: {
		Username: username,
		Password: password,
		Auth:     base64.StdEncoding.EncodeToString([]byte(username + ":" + password)),
	}}}
	out, err := json.Marshal(doc)
	if err != nil {
		return "", err
	}
	return string(out), nil
}

func (b *builder) pullSecret(r *platform.Registry) (*corev1.Secret, error) {
	doc := pulumi.All(r.Host, r.Username, r.Password).ApplyT(func(v []any) (string, error) {
		return DockerConfigJSON(v[0].(string), v[1].(string), v[2].(string))
	}).(pulumi.StringOutput)
	return corev1.NewSecret(b.ctx, b.name+"-pull-secret", &corev1.SecretArgs{
		Metadata: b.meta(PullSecretName),
		Type:     pulumi.String("kubernetes.io/dockerconfigjson"),
		// The document holds the password: it stays a Pulumi secret in state and plans.
		StringData: pulumi.StringMap{".dockerconfigjson": secret.Mark(doc)},
	}, b.opts...)
}

// defaultServiceAccount attaches the pull secret to the namespace's `default`
// ServiceAccount. The account belongs to kube-controller-manager, which creates it
// as soon as the namespace exists, so creating it as a ServiceAccount would fail
// with AlreadyExists (pulumi-kubernetes creates client-side since v4.29). A
// ServiceAccountPatch is a server-side apply that owns only imagePullSecrets:
// it creates the account if the controller has not yet, leaves it to the controller
// on delete, and reports a conflict rather than overwriting another manager's list.
func (b *builder) defaultServiceAccount(pullSecret pulumi.StringPtrInput) (*corev1.ServiceAccountPatch, error) {
	return corev1.NewServiceAccountPatch(b.ctx, b.name+"-default-sa", &corev1.ServiceAccountPatchArgs{
		Metadata: &metav1.ObjectMetaPatchArgs{
			Name:      pulumi.String(DefaultServiceAccountName),
			Namespace: b.ns,
		},
		ImagePullSecrets: corev1.LocalObjectReferencePatchArray{corev1.LocalObjectReferencePatchArgs{Name: pullSecret}},
	}, b.opts...)
}
