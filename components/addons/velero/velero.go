package velero

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/sizing"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/helmrelease"
)

// Names other layers and the docs' restore commands rely on.
const (
	// Namespace is where Velero runs; ServiceAccount its server's account, which the
	// cluster component's identity (IRSA, workload identity) is bound to.
	Namespace      = "velero"
	ServiceAccount = "velero"
	// ReleaseName is the Helm release name.
	ReleaseName = "velero"
	// StorageLocation is the BackupStorageLocation every schedule writes to.
	StorageLocation = "default"
	// CredentialsSecret holds the plugin's credentials file under CredentialsKey.
	CredentialsSecret = "velero-cloud-credentials"
	CredentialsKey    = "cloud"
	// SnapshotClass is the VolumeSnapshotClass Velero's CSI snapshots use; the label
	// makes Velero pick it for its driver.
	SnapshotClass      = "velero"
	LabelSnapshotClass = "velero.io/csi-volumesnapshot-class"
	// SchedulePrefix starts each environment's schedule name: env-<namespace>.
	SchedulePrefix = "env-"
)

// DefaultPluginImages are the object-store plugins by provider, matched to Velero 1.18
// (plugin v1.14 for AWS and Azure; Alibaba Cloud's own v2.0 build).
var DefaultPluginImages = map[string]string{
	"aws":          "velero/velero-plugin-for-aws:v1.14.2",
	"azure":        "velero/velero-plugin-for-microsoft-azure:v1.14.0",
	"alibabacloud": "registry-cn-hangzhou.ack.aliyuncs.com/acs/velero-plugin-alibabacloud:v2.0.0-eaad098",
}

// Schedule backs up one namespace.
type Schedule struct {
	// Namespace is the environment's namespace.
	Namespace string
	// Cron is the schedule (five fields, the cluster's time zone: UTC).
	Cron string
	// TTL is how long each backup is kept (a Go duration, 720h).
	TTL string
}

// Args configure Velero on one cluster.
type Args struct {
	// Namespace is the namespace to install into (the object's name, so installs wait for it).
	Namespace pulumi.StringInput
	// Location is the storage the cluster component made.
	Location *cluster.BackupLocation
	// Credentials is the plugin's credentials file (a Pulumi secret) where the location
	// has a KeyUser (Alibaba Cloud); nil elsewhere: IRSA and workload identity need none.
	Credentials pulumi.StringInput
	// PluginImage is the object-store plugin image; empty takes DefaultPluginImages.
	PluginImage string
	// Schedules are one per environment namespace on the cluster.
	Schedules []Schedule
	// Monitoring has Prometheus scrape Velero and alert on failed or missing backups;
	// MonitoringReady is the install of the CRDs those objects need.
	Monitoring      bool
	MonitoringReady pulumi.Resource
	// Production sizes the server for a production cluster (Containers).
	Production bool
	// Chart is the stack's chart override.
	Chart helmrelease.Override
}

// Alerts on backups, as Velero's metrics (velero_backup_*) give them per schedule.
const (
	// AlertBackupFailed fires when a scheduled backup failed or partially failed.
	AlertBackupFailed = "VeleroBackupFailed"
	// AlertBackupMissing fires when a schedule has had no successful backup for
	// longer than a day and an hour (a daily schedule that stopped).
	AlertBackupMissing = "VeleroBackupMissing"
	// MetricsPort is the chart's metrics Service port.
	MetricsPort = "http-monitoring"
)

// Velero is the install, its credentials and the snapshot class.
type Velero struct {
	pulumi.ResourceState

	// Bucket is where the backups go.
	Bucket pulumi.StringOutput `pulumi:"bucket"`
	// Schedules are the schedule names, one per environment.
	Schedules pulumi.StringArrayOutput `pulumi:"schedules"`
}

// New installs Velero.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Velero, error) {
	if args == nil || args.Namespace == nil || args.Location == nil {
		return nil, fmt.Errorf("velero %q: a namespace and the cluster's backup location are required", name)
	}
	image := args.PluginImage
	if image == "" {
		image = DefaultPluginImages[args.Location.Provider]
	}
	if image == "" {
		return nil, fmt.Errorf("velero %q: no plugin for provider %q", name, args.Location.Provider)
	}
	loc := args.Location
	if loc.KeyUser != "" && args.Credentials == nil {
		return nil, fmt.Errorf("velero %q: the %s location needs the access key of RAM user %s", name, loc.Provider, loc.KeyUser)
	}
	c := &Velero{}
	if err := ctx.RegisterComponentResource("platform:addons:Velero", name, c, opts...); err != nil {
		return nil, fmt.Errorf("velero %q: registering: %w", name, err)
	}
	sa, err := corev1.NewServiceAccount(ctx, name+"-sa", &corev1.ServiceAccountArgs{
		Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(ServiceAccount), Namespace: args.Namespace, Annotations: annotations(loc)},
	}, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("velero %q: service account: %w", name, err)
	}
	deps := []pulumi.Resource{sa}
	withCredentials := args.Credentials != nil
	if withCredentials {
		sec, err := corev1.NewSecret(ctx, name+"-credentials", &corev1.SecretArgs{
			Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(CredentialsSecret), Namespace: args.Namespace},
			Type:     pulumi.String("Opaque"),
			// secret.Mark: the file is unknown until the cloud assigns the key (or the
			// node resource group), and an unknown secret breaks the offline plan.
			StringData: pulumi.StringMap{CredentialsKey: pulumi.ToSecret(args.Credentials).(pulumi.StringOutput)},
		}, pulumi.Parent(c))
		if err != nil {
			return nil, fmt.Errorf("velero %q: credentials: %w", name, err)
		}
		deps = append(deps, sec)
	}
	values := pulumi.All(loc.Bucket, loc.Config).ApplyT(func(v []any) map[string]any {
		return helmrelease.Merge(sizing.Values(Containers, args.Production),
			Values(loc.Provider, v[0].(string), v[1].(map[string]string), image, withCredentials, loc.Identity.PodLabels, args.Schedules))
	}).(pulumi.MapOutput)
	rel, err := helmrelease.NewWithValuesOutput(ctx, name+"-release", &helmrelease.Args{
		Pin: helmrelease.Velero, Override: args.Chart, ReleaseName: ReleaseName, Namespace: args.Namespace,
	}, values, pulumi.Parent(c), pulumi.DependsOn(deps))
	if err != nil {
		return nil, fmt.Errorf("velero %q: release: %w", name, err)
	}
	if _, err := apiextensions.NewCustomResource(ctx, name+"-snapshotclass", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("snapshot.storage.k8s.io/v1"),
		Kind:       pulumi.String("VolumeSnapshotClass"),
		Metadata:   metav1.ObjectMetaArgs{Name: pulumi.String(SnapshotClass), Labels: pulumi.StringMap{LabelSnapshotClass: pulumi.String("true")}},
		OtherFields: map[string]any{
			"driver":         loc.SnapshotDriver,
			"deletionPolicy": "Retain",
		},
	}, pulumi.Parent(c), pulumi.DependsOn([]pulumi.Resource{rel})); err != nil {
		return nil, fmt.Errorf("velero %q: snapshot class: %w", name, err)
	}
	if args.Monitoring {
		if err := monitor(ctx, name, args, c); err != nil {
			return nil, fmt.Errorf("velero %q: monitoring: %w", name, err)
		}
	}
	names := make([]string, 0, len(args.Schedules))
	for _, s := range args.Schedules {
		names = append(names, SchedulePrefix+s.Namespace)
	}
	c.Bucket = loc.Bucket
	c.Schedules = pulumi.ToStringArray(names).ToStringArrayOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"bucket": c.Bucket, "schedules": c.Schedules}); err != nil {
		return nil, fmt.Errorf("velero %q: outputs: %w", name, err)
	}
	return c, nil
}

// annotations are the identity's service account annotations, or none.
func annotations(loc *cluster.BackupLocation) pulumi.StringMapInput {
	if loc.Identity.Annotations == (pulumi.StringMapOutput{}) {
		return pulumi.StringMap{}
	}
	return loc.Identity.Annotations
}

// Values are the velero chart's typed values: the cluster's bucket as the one default
// location, CSI snapshots (no native snapshot location, no node agent), a schedule per
// environment namespace, our service account, and the credentials Secret where the
// plugin needs a file.
func Values(provider, bucket string, config map[string]string, pluginImage string, withCredentials bool, podLabels map[string]string, schedules []Schedule) map[string]any {
	cfg := map[string]any{}
	keys := make([]string, 0, len(config))
	for k := range config {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		cfg[k] = config[k]
	}
	scheds := map[string]any{}
	for _, s := range schedules {
		scheds[SchedulePrefix+s.Namespace] = map[string]any{
			"disabled": false,
			"schedule": s.Cron,
			"template": map[string]any{
				"ttl":                s.TTL,
				"storageLocation":    StorageLocation,
				"includedNamespaces": []any{s.Namespace},
				"snapshotVolumes":    true,
			},
		}
	}
	creds := map[string]any{"useSecret": withCredentials}
	if withCredentials {
		creds["existingSecret"] = CredentialsSecret
	}
	v := map[string]any{
		"initContainers": []any{map[string]any{
			"name":         "velero-plugin-for-" + provider,
			"image":        pluginImage,
			"volumeMounts": []any{map[string]any{"mountPath": "/target", "name": "plugins"}},
			"resources":    PluginSize.Resources(),
		}},
		"configuration": map[string]any{
			"backupStorageLocation": []any{map[string]any{
				"name": StorageLocation, "provider": provider, "bucket": bucket, "default": true, "config": cfg,
			}},
			"volumeSnapshotLocation": []any{},
			"features":               "EnableCSI",
		},
		"snapshotsEnabled": true,
		"deployNodeAgent":  false,
		"credentials":      creds,
		"serviceAccount":   map[string]any{"server": map[string]any{"create": false, "name": ServiceAccount}},
		"schedules":        scheds,
	}
	if labels := helmrelease.StringValues(podLabels); labels != nil {
		v["podLabels"] = labels
	}
	return v
}

// Containers are the server's container and the chart's CRD upgrade Job (a hook,
// sized by upgradeJobResources) with their sizes. Velero's chart (12.1.0,
// values.yaml) leaves both empty, with requests 500m/128Mi and limits 1000m/512Mi as
// the server's example and 50m/128Mi the Job's; the memory limit follows that
// example, and prod gets more headroom for backups of large namespaces.
var Containers = []sizing.Container{
	{Name: "velero", Path: "resources",
		Other: sizing.Size{CPU: "100m", Memory: "128Mi", MemoryLimit: "512Mi"},
		Prod:  sizing.Size{CPU: "500m", Memory: "256Mi", MemoryLimit: "1Gi"}},
	{Name: "upgrade-crds (hook Job)", Path: "upgradeJobResources", Other: sizing.Size{CPU: "50m", Memory: "128Mi"}, Prod: sizing.Size{CPU: "50m", Memory: "128Mi"}},
}

// PluginSize is the plugin init container's size: it copies one binary and exits.
var PluginSize = sizing.Size{CPU: "10m", Memory: "32Mi"}

// monitor makes the ServiceMonitor (beside the chart, so the install waits for no
// other release) and the backup alerts.
func monitor(ctx *pulumi.Context, name string, args *Args, parent pulumi.Resource) error {
	if _, err := helmrelease.NewServiceMonitor(ctx, name+"-servicemonitor", helmrelease.ServiceMonitor{
		Name: ReleaseName, Namespace: args.Namespace, MonitoringReady: args.MonitoringReady, Port: MetricsPort,
		Selector: map[string]any{"app.kubernetes.io/name": ReleaseName, "app.kubernetes.io/instance": ReleaseName},
	}, pulumi.Parent(parent)); err != nil {
		return fmt.Errorf("servicemonitor: %w", err)
	}
	dep, err := helmrelease.MonitorDependsOn(args.MonitoringReady)
	if err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	_, err = apiextensions.NewCustomResource(ctx, name+"-alerts", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("monitoring.coreos.com/v1"),
		Kind:       pulumi.String("PrometheusRule"),
		Metadata:   metav1.ObjectMetaArgs{Name: pulumi.String("velero-backups"), Namespace: args.Namespace},
		OtherFields: map[string]any{"spec": map[string]any{"groups": []any{map[string]any{
			"name":  "velero",
			"rules": AlertRules(),
		}}}},
	}, pulumi.Parent(parent), dep)
	if err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	return nil
}

// AlertRules are the backup alerts: a failed (or partially failed) scheduled backup,
// and a schedule with no success in 25 hours.
func AlertRules() []any {
	return []any{
		map[string]any{
			"alert":  AlertBackupFailed,
			"expr":   `sum by (schedule) (increase(velero_backup_failure_total{schedule!=""}[1h]) + increase(velero_backup_partial_failure_total{schedule!=""}[1h])) > 0`,
			"labels": map[string]any{"severity": "warning"},
			"annotations": map[string]any{
				"summary":     "Velero backup of schedule {{ $labels.schedule }} failed",
				"description": "Run `velero backup describe --details` on the newest backup of {{ $labels.schedule }} (docs/platform.md, Backups).",
			},
		},
		map[string]any{
			"alert":  AlertBackupMissing,
			"expr":   `time() - max by (schedule) (velero_backup_last_successful_timestamp{schedule!=""}) > 90000`,
			"for":    "15m",
			"labels": map[string]any{"severity": "critical"},
			"annotations": map[string]any{
				"summary":     "No successful Velero backup of schedule {{ $labels.schedule }} in 25 hours",
				"description": "The environment has no recent restore point; check `velero schedule get` and the Velero pod.",
			},
		},
	}
}
