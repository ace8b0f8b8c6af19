package harbor

import (
	"fmt"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/helmrelease"
)

// Release and object names.
const (
	ReleaseName = "harbor"
	// AdminSecret holds the admin password the chart reads (existingSecretAdminPassword).
	AdminSecret = "harbor-admin"
	// AdminPasswordKey is the key the chart expects in AdminSecret.
	AdminPasswordKey = "HARBOR_ADMIN_PASSWORD"
)

// Volume sizes of Harbor's smaller stores.
const (
	JobLogSize   = "1Gi"
	DatabaseSize = "5Gi"
	RedisSize    = "1Gi"
	TrivySize    = "5Gi"
)

// Args configure Harbor.
type Args struct {
	// Namespace is the namespace to install into.
	Namespace pulumi.StringInput
	// Host is Harbor's external host name.
	Host string
	// TLSSecretName is the TLS Secret of the Ingress.
	TLSSecretName string
	// IngressClass is the class of the ingress controller that serves Harbor.
	IngressClass string
	// StorageClass holds every Harbor volume.
	StorageClass string
	// RegistryStorageSize is the image store's volume size.
	RegistryStorageSize string
	// AdminPassword is the admin password; a secret.
	AdminPassword pulumi.StringInput
	// PullUsername and PullPassword are the robot account environments pull with.
	PullUsername string
	PullPassword pulumi.StringInput
	// Chart is the stack's chart override.
	Chart helmrelease.Override
}

// Harbor is a Harbor install.
type Harbor struct {
	pulumi.ResourceState

	// Release is the Helm release.
	Release pulumi.Resource
	// Host is the registry host.
	Host pulumi.StringOutput `pulumi:"host"`
	// PullUsername is the robot account environments pull with.
	PullUsername pulumi.StringOutput `pulumi:"pullUsername"`
	// PullPassword is its token; a secret.
	PullPassword pulumi.StringOutput `pulumi:"pullPassword"`
}

// New installs Harbor.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Harbor, error) {
	if args == nil || args.Host == "" || args.TLSSecretName == "" || args.AdminPassword == nil ||
		args.PullUsername == "" || args.PullPassword == nil || args.StorageClass == "" || args.IngressClass == "" {
		return nil, fmt.Errorf("harbor %q: host, TLS Secret, ingress class, storage class, admin password and pull credential are required", name)
	}
	c := &Harbor{}
	if err := ctx.RegisterComponentResource("platform:addons:Harbor", name, c, opts...); err != nil {
		return nil, err
	}
	admin, err := corev1.NewSecret(ctx, name+"-admin", &corev1.SecretArgs{
		Metadata:   metav1.ObjectMetaArgs{Name: pulumi.String(AdminSecret), Namespace: args.Namespace},
		StringData: pulumi.StringMap{AdminPasswordKey: args.AdminPassword},
	}, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}
	rel, err := helmrelease.New(ctx, name+"-release", &helmrelease.Args{
		Pin: helmrelease.Harbor, Override: args.Chart, ReleaseName: ReleaseName,
		Namespace: args.Namespace, Values: Values(args),
	}, pulumi.Parent(c), pulumi.DependsOn([]pulumi.Resource{admin}))
	if err != nil {
		return nil, err
	}
	c.Release = rel
	c.Host = pulumi.String(args.Host).ToStringOutput()
	c.PullUsername = pulumi.String(args.PullUsername).ToStringOutput()
	c.PullPassword = pulumi.ToSecret(args.PullPassword.ToStringOutput()).(pulumi.StringOutput)
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"host": c.Host, "pullUsername": c.PullUsername, "pullPassword": c.PullPassword,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// Values are the typed chart values for args, before the stack's raw values.
func Values(args *Args) map[string]any {
	pvc := func(size string) map[string]any {
		return map[string]any{"storageClass": args.StorageClass, "size": size}
	}
	return map[string]any{
		"externalURL": "https://" + args.Host,
		"expose": map[string]any{
			"type": "ingress",
			"tls": map[string]any{
				"enabled": true, "certSource": "secret",
				"secret": map[string]any{"secretName": args.TLSSecretName},
			},
			"ingress": map[string]any{
				"className": args.IngressClass,
				"hosts":     map[string]any{"core": args.Host},
				// Image layers are large: let them through the controller.
				"annotations": map[string]any{"nginx.ingress.kubernetes.io/proxy-body-size": "0"},
			},
		},
		"existingSecretAdminPassword":    AdminSecret,
		"existingSecretAdminPasswordKey": AdminPasswordKey,
		"persistence": map[string]any{
			"enabled": true,
			// Keep image data when the release is removed by mistake.
			"resourcePolicy": "keep",
			"persistentVolumeClaim": map[string]any{
				"registry":   pvc(args.RegistryStorageSize),
				"jobservice": map[string]any{"jobLog": pvc(JobLogSize)},
				"database":   pvc(DatabaseSize),
				"redis":      pvc(RedisSize),
				"trivy":      pvc(TrivySize),
			},
		},
	}
}
