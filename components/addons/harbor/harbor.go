package harbor

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/go-crypt/x/bcrypt"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/sizing"
	"github.com/fleetform/fleetform/components/helmrelease"
	"github.com/fleetform/fleetform/internal/secret"
)

// Release and object names. Our Secrets never take a name the chart renders itself
// (harbor-core, harbor-database, ...), or Helm would refuse to install over them.
const (
	ReleaseName = "harbor"
	// AdminSecret holds the admin password the chart reads (existingSecretAdminPassword).
	AdminSecret = "harbor-admin"
	// AdminPasswordKey is the key the chart expects in AdminSecret.
	AdminPasswordKey = "HARBOR_ADMIN_PASSWORD"
	// SecretKeySecret holds the key Harbor encrypts stored credentials with (existingSecretSecretKey).
	SecretKeySecret = "harbor-secret-key"
	// SecretKeyKey is the key the chart reads in SecretKeySecret; the chart fixes it.
	SecretKeyKey = "secretKey"
	// DatabaseSecret holds the database password (database.external.existingSecret).
	DatabaseSecret = "harbor-database-password"
	// DatabasePasswordKey is the key the chart reads in DatabaseSecret; the chart fixes it.
	DatabasePasswordKey = "password"
	// PostgresPasswordEnv is the bundled PostgreSQL's superuser password variable.
	PostgresPasswordEnv = "POSTGRES_PASSWORD"
	// RegistrySecret holds the credential core and jobservice use with the internal
	// registry, and the registry's htpasswd file (registry.credentials.existingSecret).
	RegistrySecret = "harbor-registry-credentials"
	// RegistryPasswordKey and RegistryHtpasswdKey are the keys the chart reads in
	// RegistrySecret; the chart fixes them.
	RegistryPasswordKey = "REGISTRY_PASSWD"
	RegistryHtpasswdKey = "REGISTRY_HTPASSWD"
	// RegistryUser is the internal registry's user, not the chart's published default
	// (harbor_registry_user).
	RegistryUser = "fleetform-registry"
)

// registryPasswordLabel separates the registry password derived from the secret key
// from any other use of that key.
const registryPasswordLabel = "fleetform/harbor/registry-password"

// SecretKeyLength is the length Harbor requires of its secret key (the chart says
// "Must be a string of 16 chars"; core fails to start otherwise).
const SecretKeyLength = 16

// MsgSecretKeyLength is the error when the configured secret key is not SecretKeyLength long.
const MsgSecretKeyLength = "the Harbor secret key must be exactly 16 characters"

// Volume sizes of Harbor's smaller stores.
const (
	JobLogSize   = "1Gi"
	DatabaseSize = "5Gi"
	RedisSize    = "1Gi"
	TrivySize    = "5Gi"
)

// RecreateStrategy is the update strategy of registry and jobservice: both mount
// ReadWriteOnce volumes, and a rolling update would start the new pod before the old
// one lets go of the volume and hang on a multi-attach error (the chart's own advice:
// "Set it as Recreate when RWM for volumes isn't supported").
const RecreateStrategy = "Recreate"

// DefaultTrivyDBRepositories and DefaultTrivyJavaDBRepositories are the chart's
// (harbor 1.18.4 values.yaml trivy.dbRepository / trivy.javaDBRepository).
var (
	DefaultTrivyDBRepositories     = []string{"mirror.gcr.io/aquasec/trivy-db", "ghcr.io/aquasecurity/trivy-db"}
	DefaultTrivyJavaDBRepositories = []string{"mirror.gcr.io/aquasec/trivy-java-db", "ghcr.io/aquasecurity/trivy-java-db"}
)

// ExternalDatabase is a PostgreSQL server run outside the chart.
type ExternalDatabase struct {
	Host     string
	Port     int
	Username string
	// Database is the database Harbor's core uses.
	Database string
	// SSLMode is disable, require, verify-ca or verify-full.
	SSLMode string
}

// Trivy configures the scanner.
type Trivy struct {
	Enabled bool
	// DBRepositories and JavaDBRepositories are where the vulnerability databases are pulled from.
	DBRepositories, JavaDBRepositories []string
	// OfflineScan stops Trivy from asking the Internet about dependencies.
	OfflineScan bool
}

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
	// SecretKey is the 16-character encryption key of stored credentials; a secret.
	SecretKey pulumi.StringInput
	// DatabasePassword is the database password (bundled superuser or external user); a secret.
	DatabasePassword pulumi.StringInput
	// ExternalDatabase replaces the bundled PostgreSQL; nil keeps it.
	ExternalDatabase *ExternalDatabase
	// Trivy configures the scanner.
	Trivy Trivy
	// PullUsername and PullPassword are the robot account environments pull with.
	PullUsername string
	PullPassword pulumi.StringInput
	// Production sizes the pods for a production cluster (Sizing).
	Production bool
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

// Messages of the errors New returns for incomplete Args.
const (
	// MsgNoArgs is the error for nil Args.
	MsgNoArgs = "no args"
	// MsgEdgeRequired is the error for a missing host, TLS Secret, ingress class or storage class.
	MsgEdgeRequired = "host, TLS Secret, ingress class and storage class are required"
	// MsgSecretsRequired is the error for a missing password, secret key or pull credential.
	MsgSecretsRequired = "admin password, secret key, database password and pull credential are required"
	// MsgExternalDatabase is the error for an external database with a field missing.
	MsgExternalDatabase = "an external database needs host, port, username, database and sslmode"
)

func (a *Args) check() error {
	switch {
	case a == nil:
		return errors.New(MsgNoArgs)
	case a.Host == "" || a.TLSSecretName == "" || a.StorageClass == "" || a.IngressClass == "":
		return errors.New(MsgEdgeRequired)
	case a.AdminPassword == nil || a.SecretKey == nil || a.DatabasePassword == nil || a.PullUsername == "" || a.PullPassword == nil:
		return errors.New(MsgSecretsRequired)
	case a.ExternalDatabase != nil && (a.ExternalDatabase.Host == "" || a.ExternalDatabase.Port < 1 ||
		a.ExternalDatabase.Username == "" || a.ExternalDatabase.Database == "" || a.ExternalDatabase.SSLMode == ""):
		return errors.New(MsgExternalDatabase)
	}
	return nil
}

// New installs Harbor. Its admin password, secret key, database password and
// internal registry credential go into Secrets of their own that the chart reads by
// name, so no secret is in the values and none is the chart's published default.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Harbor, error) {
	if err := args.check(); err != nil {
		return nil, fmt.Errorf("harbor %q: %w", name, err)
	}
	c := &Harbor{}
	if err := ctx.RegisterComponentResource("platform:addons:Harbor", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering component: %w", err)
	}
	newSecret := func(suffix, objName, key string, value pulumi.StringInput) (pulumi.Resource, error) {
		return corev1.NewSecret(ctx, name+"-"+suffix, &corev1.SecretArgs{
			Metadata:   metav1.ObjectMetaArgs{Name: pulumi.String(objName), Namespace: args.Namespace},
			StringData: pulumi.StringMap{key: value},
		}, pulumi.Parent(c))
	}
	admin, err := newSecret("admin", AdminSecret, AdminPasswordKey, args.AdminPassword)
	if err != nil {
		return nil, fmt.Errorf("secret admin: %w", err)
	}
	key, err := newSecret("secret-key", SecretKeySecret, SecretKeyKey, CheckSecretKey(args.SecretKey))
	if err != nil {
		return nil, fmt.Errorf("secret secret-key: %w", err)
	}
	db, err := newSecret("database", DatabaseSecret, DatabasePasswordKey, args.DatabasePassword)
	if err != nil {
		return nil, fmt.Errorf("secret database: %w", err)
	}
	registryPassword := RegistryPassword(args.SecretKey)
	registry, err := corev1.NewSecret(ctx, name+"-registry", &corev1.SecretArgs{
		Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(RegistrySecret), Namespace: args.Namespace},
		StringData: pulumi.StringMap{
			RegistryPasswordKey: registryPassword,
			RegistryHtpasswdKey: registryPassword.ApplyT(func(pw string) (string, error) {
				return RegistryHtpasswd(RegistryUser, pw)
			}).(pulumi.StringOutput),
		},
	}, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("secret registry: %w", err)
	}
	rel, err := helmrelease.New(ctx, name+"-release", &helmrelease.Args{
		Pin: helmrelease.Harbor, Override: args.Chart, ReleaseName: ReleaseName,
		Namespace: args.Namespace, Values: helmrelease.Merge(Sizing(args.Production, args.ExternalDatabase == nil), Values(args)),
	}, pulumi.Parent(c), pulumi.DependsOn([]pulumi.Resource{admin, key, db, registry}))
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	c.Release = rel
	c.Host = pulumi.String(args.Host).ToStringOutput()
	c.PullUsername = pulumi.String(args.PullUsername).ToStringOutput()
	c.PullPassword = pulumi.ToSecret(args.PullPassword.ToStringOutput()).(pulumi.StringOutput)
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"host": c.Host, "pullUsername": c.PullUsername, "pullPassword": c.PullPassword,
	}); err != nil {
		return nil, fmt.Errorf("registering outputs: %w", err)
	}
	return c, nil
}

// CheckSecretKey passes the secret key through once it is known to be
// SecretKeyLength characters, and fails the deployment otherwise. The offline plan's
// placeholder for an unset secret passes.
func CheckSecretKey(key pulumi.StringInput) pulumi.StringOutput {
	return key.ToStringOutput().ApplyT(func(s string) (string, error) {
		if s != secret.Placeholder && len(s) != SecretKeyLength {
			return "", fmt.Errorf("%s, got %d", MsgSecretKeyLength, len(s))
		}
		return s, nil
	}).(pulumi.StringOutput)
}

// RegistryPassword is the internal registry's password, derived from Harbor's secret
// key (HMAC-SHA256 under its own label, hex): no setting to manage, the same on every
// run, a secret wherever the key is one, and never the chart's default.
func RegistryPassword(secretKey pulumi.StringInput) pulumi.StringOutput {
	return pulumi.ToSecret(secretKey.ToStringOutput().ApplyT(func(key string) string {
		mac := hmac.New(sha256.New, []byte(key))
		mac.Write([]byte(registryPasswordLabel))
		return hex.EncodeToString(mac.Sum(nil))
	})).(pulumi.StringOutput)
}

// RegistryHtpasswd is user's htpasswd line for the registry, which accepts bcrypt
// only. The salt comes from the password and user (HMAC), so the line is the same on
// every run (no perpetual diff) and changes when the password does.
func RegistryHtpasswd(user, password string) (string, error) {
	mac := hmac.New(sha256.New, []byte(password))
	mac.Write([]byte("fleetform/harbor/registry-htpasswd/" + user))
	hash, err := bcrypt.GenerateFromPasswordSalt([]byte(password), mac.Sum(nil)[:16], bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("registry htpasswd: %w", err)
	}
	return user + ":" + string(hash), nil
}

// Values are the typed chart values for args, before the stack's raw values.
func Values(args *Args) map[string]any {
	pvc := func(size string) map[string]any {
		return map[string]any{"storageClass": args.StorageClass, "size": size}
	}
	claims := map[string]any{
		"registry":   pvc(args.RegistryStorageSize),
		"jobservice": map[string]any{"jobLog": pvc(JobLogSize)},
		"redis":      pvc(RedisSize),
	}
	if args.ExternalDatabase == nil {
		claims["database"] = pvc(DatabaseSize)
	}
	if args.Trivy.Enabled {
		claims["trivy"] = pvc(TrivySize)
	}
	return map[string]any{
		"externalURL": "https://" + args.Host,
		// The chart's own ingress annotations stay (ssl-redirect, and proxy-body-size 0
		// so image layers of any size pass the controller).
		"expose": map[string]any{
			"type": "ingress",
			"tls": map[string]any{
				"enabled": true, "certSource": "secret",
				"secret": map[string]any{"secretName": args.TLSSecretName},
			},
			"ingress": map[string]any{
				"className": args.IngressClass,
				"hosts":     map[string]any{"core": args.Host},
			},
		},
		"existingSecretAdminPassword":    AdminSecret,
		"existingSecretAdminPasswordKey": AdminPasswordKey,
		"existingSecretSecretKey":        SecretKeySecret,
		"registry": map[string]any{"credentials": map[string]any{
			"username": RegistryUser, "existingSecret": RegistrySecret,
		}},
		"updateStrategy": map[string]any{"type": RecreateStrategy},
		"database":       DatabaseValues(args.ExternalDatabase),
		"trivy":          TrivyValues(args.Trivy),
		"persistence": map[string]any{
			"enabled": true,
			// Keep image data when the release is removed by mistake.
			"resourcePolicy":        "keep",
			"persistentVolumeClaim": claims,
		},
	}
}

// Containers are Harbor's containers and their sizes (harbor chart 1.18.4's
// values.yaml: every resources value commented out, with 100m/256Mi as its
// example; no limit advised). Trivy keeps the chart's own requests and limits
// (200m/512Mi, 1 CPU/1Gi), the one component the chart sizes itself. nginx runs
// on a Gateway edge (expose.type clusterIP), where it is Harbor's front door.
var Containers = []sizing.Container{
	{Name: "nginx", Path: "nginx.resources", Other: sizing.Size{CPU: "10m", Memory: "32Mi"}, Prod: sizing.Size{CPU: "50m", Memory: "64Mi"}},
	{Name: "portal", Path: "portal.resources", Other: sizing.Size{CPU: "10m", Memory: "32Mi"}, Prod: sizing.Size{CPU: "10m", Memory: "64Mi"}},
	{Name: "core", Path: "core.resources", Other: sizing.Size{CPU: "50m", Memory: "128Mi"}, Prod: sizing.Size{CPU: "100m", Memory: "256Mi"}},
	{Name: "jobservice", Path: "jobservice.resources", Other: sizing.Size{CPU: "20m", Memory: "64Mi"}, Prod: sizing.Size{CPU: "50m", Memory: "256Mi"}},
	{Name: "registry", Path: "registry.registry.resources", Other: sizing.Size{CPU: "50m", Memory: "128Mi"}, Prod: sizing.Size{CPU: "100m", Memory: "512Mi"}},
	{Name: "registryctl", Path: "registry.controller.resources", Other: sizing.Size{CPU: "10m", Memory: "32Mi"}, Prod: sizing.Size{CPU: "10m", Memory: "64Mi"}},
	{Name: "redis", Path: "redis.internal.resources", Other: sizing.Size{CPU: "20m", Memory: "32Mi"}, Prod: sizing.Size{CPU: "50m", Memory: "128Mi"}},
}

// DatabaseContainers are the bundled PostgreSQL's containers and their sizes, set
// only when it runs (no external database).
var DatabaseContainers = []sizing.Container{
	{Name: "database", Path: "database.internal.resources", Other: sizing.Size{CPU: "50m", Memory: "256Mi"}, Prod: sizing.Size{CPU: "100m", Memory: "512Mi"}},
	{Name: "database init (permissions)", Path: "database.internal.initContainer.permissions.resources", Other: sizing.Size{CPU: "10m", Memory: "16Mi"}, Prod: sizing.Size{CPU: "10m", Memory: "16Mi"}},
}

// Sizing are the values that size Harbor's pods for the cluster's environment;
// bundledDatabase adds the bundled PostgreSQL's.
func Sizing(prod, bundledDatabase bool) map[string]any {
	cs := Containers
	if bundledDatabase {
		cs = append(slices.Clone(cs), DatabaseContainers...)
	}
	return sizing.Values(cs, prod)
}

// DatabaseValues point the chart at DatabaseSecret for the password, whichever
// database runs. harbor 1.18.4 has no existingSecret for its bundled PostgreSQL, so:
//   - core, exporter and the migration job read database.external.existingSecret
//     whatever database.type is (templates/core/core-dpl.yaml, exporter-dpl.yaml,
//     core-pre-upgrade-job.yaml), and the chart then leaves the password out of its
//     own core Secret;
//   - the bundled PostgreSQL gets POSTGRES_PASSWORD from DatabaseSecret through
//     database.internal.extraEnvVars, which outranks the chart's envFrom Secret (env
//     wins over envFrom), and database.internal.password is emptied so that Secret
//     holds no default password either.
func DatabaseValues(ext *ExternalDatabase) map[string]any {
	if ext != nil {
		return map[string]any{
			"type": "external",
			"external": map[string]any{
				"host": ext.Host, "port": strconv.Itoa(ext.Port), "username": ext.Username,
				"coreDatabase": ext.Database, "sslmode": ext.SSLMode, "existingSecret": DatabaseSecret,
			},
		}
	}
	return map[string]any{
		"type": "internal",
		"internal": map[string]any{
			"password": "",
			"extraEnvVars": []any{map[string]any{
				"name": PostgresPasswordEnv,
				"valueFrom": map[string]any{"secretKeyRef": map[string]any{
					"name": DatabaseSecret, "key": DatabasePasswordKey,
				}},
			}},
		},
		"external": map[string]any{"existingSecret": DatabaseSecret},
	}
}

// TrivyValues are the scanner's values; the repositories are always written out, so a
// plan shows where the vulnerability database comes from.
func TrivyValues(t Trivy) map[string]any {
	if !t.Enabled {
		return map[string]any{"enabled": false}
	}
	db, java := t.DBRepositories, t.JavaDBRepositories
	if len(db) == 0 {
		db = DefaultTrivyDBRepositories
	}
	if len(java) == 0 {
		java = DefaultTrivyJavaDBRepositories
	}
	return map[string]any{
		"enabled":          true,
		"dbRepository":     toList(db),
		"javaDBRepository": toList(java),
		"offlineScan":      t.OfflineScan,
	}
}

func toList(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
