package platform

import (
	"fmt"

	"maps"
	"slices"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/robfig/cron/v3"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/catalog"
	"github.com/fleetform/fleetform/components/addons/velero"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/secret"
)

// AddonBackups is Velero's LabelAddon value.
const AddonBackups = catalog.Backups

// Defaults of BackupsSpec.
const (
	// DefaultBackupSchedule runs at 02:00 UTC every day.
	DefaultBackupSchedule = "0 2 * * *"
	// DefaultBackupRetention keeps thirty days of backups.
	DefaultBackupRetention = "30d"
	// BackupExpiryMarginDays is how much longer than the retention the bucket's
	// lifecycle rule keeps objects, so Velero always expires a backup itself first.
	BackupExpiryMarginDays = 7
)

// BackupsSpec configures Velero. Clusters this program builds (EKS, AKS, ACK) get a
// backup bucket in their own cloud and region from their cluster component, Velero,
// and one schedule per environment namespace; existing clusters get none.
type BackupsSpec struct {
	// Enabled backs up every cluster this program builds. Defaults to true.
	Enabled *bool `yaml:"enabled"`
	// Schedule is the cron schedule of every environment's backup (UTC). Defaults to
	// DefaultBackupSchedule.
	Schedule string `yaml:"schedule"`
	// Retention is how long each backup is kept, in whole days, in the form of every
	// retention here (30d, 4w, 720h). Defaults to DefaultBackupRetention.
	Retention string `yaml:"retention"`
	// PluginImages replace the object-store plugin image per provider (aws, azure,
	// alibabacloud), for mirrors in closed networks.
	PluginImages map[string]string `yaml:"pluginImages"`
	// Alicloud is the access key of each ACK cluster's Velero RAM user
	// (<cluster>-<stack>-velero, made with a policy on that cluster's bucket alone); required
	// when the stack has an alicloud cluster.
	Alicloud BackupsAlicloud `yaml:"alicloud"`
	// Chart overrides the chart source.
	Chart Chart `yaml:"chart"`
}

// BackupsAlicloud names the secret config keys of a RAM access key. Create it with
// `aliyun ram CreateAccessKey --UserName <cluster>-<stack>-velero` after the first deploy.
type BackupsAlicloud struct {
	AccessKeyID     secret.Ref `yaml:"accessKeyId"`
	AccessKeySecret secret.Ref `yaml:"accessKeySecret"`
}

// Messages of the backup checks.
const (
	MsgBackupRetention = "must be whole days: a number and d, w or y, or a multiple of 24h (30d, 4w, 720h)"
	MsgBackupSchedule  = "must be a cron schedule Velero accepts: five fields (0 2 * * *) or a descriptor (@daily, @every 6h)"
	MsgPluginProvider  = "is not a Velero provider of these clusters (aws, azure, alibabacloud)"
)

func (s *BackupsSpec) applyDefaults() {
	if s.Enabled == nil {
		on := true
		s.Enabled = &on
	}
	if s.Schedule == "" {
		s.Schedule = DefaultBackupSchedule
	}
	if s.Retention == "" {
		s.Retention = DefaultBackupRetention
	}
}

func (s *BackupsSpec) validate(p *field.Path) field.ErrorList {
	errs := validateChart(p.Child("chart"), s.Chart)
	if !OnByDefault(s.Enabled) {
		return errs
	}
	if _, ok := retentionDays(s.Retention); !ok {
		errs = append(errs, field.Invalid(p.Child("retention"), s.Retention, MsgBackupRetention))
	}
	if _, err := cron.ParseStandard(s.Schedule); err != nil {
		errs = append(errs, field.Invalid(p.Child("schedule"), s.Schedule, MsgBackupSchedule))
	}
	for _, k := range slices.Sorted(maps.Keys(s.PluginImages)) {
		if _, ok := velero.DefaultPluginImages[k]; !ok {
			errs = append(errs, field.Invalid(p.Child("pluginImages").Key(k), k, MsgPluginProvider))
		}
		errs = append(errs, validateImage(p.Child("pluginImages").Key(k), s.PluginImages[k])...)
	}
	return errs
}

// retentionDays is a retention in whole days.
func retentionDays(v string) (int, bool) {
	d, err := ParseRetention(v)
	if err != nil || d < 24*time.Hour || d%(24*time.Hour) != 0 {
		return 0, false
	}
	return int(d / (24 * time.Hour)), true
}

// BackupsFor is what a cluster's component is asked to make for Velero, or nil.
func (s *Spec) BackupsFor(c cluster.Spec) *cluster.Backups {
	if !OnByDefault(s.Backups.Enabled) || c.Cloud == cluster.Existing {
		return nil
	}
	days, ok := retentionDays(s.Backups.Retention)
	if !ok {
		return nil
	}
	return &cluster.Backups{ExpireDays: days + BackupExpiryMarginDays, Namespace: velero.Namespace, ServiceAccount: velero.ServiceAccount}
}

// backups installs Velero where the cluster component made backup storage.
func (b *builder) backups() error {
	a, s := b.args, b.spec.Backups
	if a.Backups == nil || !OnByDefault(s.Enabled) {
		return nil
	}
	ns, err := b.namespace(AddonBackups)
	if err != nil {
		return fmt.Errorf("namespace: %w", err)
	}
	var schedules []velero.Schedule
	for _, env := range a.BackupNamespaces {
		schedules = append(schedules, velero.Schedule{Namespace: env, Cron: s.Schedule, TTL: hours(s.Retention)})
	}
	ready, err := b.monitoringReady()
	if err != nil {
		return fmt.Errorf("monitors: %w", err)
	}
	vargs := &velero.Args{
		Namespace: ns, Location: a.Backups, PluginImage: s.PluginImages[a.Backups.Provider],
		Schedules: schedules, Chart: s.Chart.Override(), Production: a.Production,
		Monitoring: ready != nil, MonitoringReady: ready,
	}
	if a.Backups.KeyUser != "" {
		id, err := b.secret(s.Alicloud.AccessKeyID)
		if err != nil {
			return fmt.Errorf("secret accessKeyID: %w", err)
		}
		key, err := b.secret(s.Alicloud.AccessKeySecret)
		if err != nil {
			return fmt.Errorf("secret accessKeySecret: %w", err)
		}
		vargs.Credentials = pulumi.Sprintf("ALIBABA_CLOUD_ACCESS_KEY_ID=%s\nALIBABA_CLOUD_ACCESS_KEY_SECRET=%s\n", id, key)
	}
	_, err = velero.New(b.ctx, b.name+"-velero", vargs, pulumi.Parent(b.c))
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	return nil
}

// validateBackupClusters requires the RAM access key when an ACK cluster is backed up.
func (s *Spec) validateBackupClusters(p *field.Path, clusters []cluster.Spec) field.ErrorList {
	var errs field.ErrorList
	for _, c := range clusters {
		if c.Cloud == cluster.Alicloud && s.BackupsFor(c) != nil {
			ap := p.Child("backups", "alicloud")
			errs = append(errs, requireSecret(ap.Child("accessKeyId"), s.Backups.Alicloud.AccessKeyID)...)
			errs = append(errs, requireSecret(ap.Child("accessKeySecret"), s.Backups.Alicloud.AccessKeySecret)...)
			break
		}
	}
	return errs
}
