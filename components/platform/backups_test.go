package platform_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/velero"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/internal/plan"
)

// s3Location is the backup storage an EKS cluster component hands the platform.
func s3Location() *cluster.BackupLocation {
	return &cluster.BackupLocation{
		Provider: "aws", Bucket: pulumi.String("c1-backups-abc").ToStringOutput(),
		Config:         pulumi.StringMap{"region": pulumi.String("us-east-1"), "kmsKeyId": pulumi.String("arn:aws:kms:us-east-1:1:key/k")}.ToStringMapOutput(),
		Identity:       cluster.WorkloadIdentity{Annotations: pulumi.StringMap{cluster.AnnotationIRSARole: pulumi.String("arn:aws:iam::1:role/velero")}.ToStringMapOutput()},
		SnapshotDriver: "ebs.csi.aws.com",
	}
}

func TestVeleroBacksUpEachEnvironment(t *testing.T) {
	p, _ := build(t, func(a *platform.Args) {
		a.Backups, a.BackupNamespaces = s3Location(), []string{"qa", "e2e"}
	})
	r := release(t, p, "velero")
	v := r.Inputs["values"]
	if r.Inputs["version"] != "12.1.0" || r.Inputs["namespace"] != velero.Namespace {
		t.Errorf("release %v in %v", r.Inputs["version"], r.Inputs["namespace"])
	}
	bsl := dig(v, "configuration", "backupStorageLocation").([]any)[0]
	if dig(bsl, "provider") != "aws" || dig(bsl, "bucket") != "c1-backups-abc" || dig(bsl, "config", "kmsKeyId") == nil || dig(bsl, "default") != true {
		t.Errorf("storage location = %v", bsl)
	}
	if dig(v, "configuration", "features") != "EnableCSI" || dig(v, "deployNodeAgent") != false || dig(v, "credentials", "useSecret") != false {
		t.Errorf("values %v: want CSI snapshots, no node agent, and no key on AWS (IRSA)", v)
	}
	if img := dig(v, "initContainers").([]any)[0].(map[string]any)["image"]; img != velero.DefaultPluginImages["aws"] {
		t.Errorf("plugin image = %v", img)
	}
	for _, env := range []string{"qa", "e2e"} {
		s := dig(v, "schedules", velero.SchedulePrefix+env)
		if dig(s, "schedule") != platform.DefaultBackupSchedule || dig(s, "template", "ttl") != "720h" ||
			dig(s, "template", "includedNamespaces").([]any)[0] != env {
			t.Errorf("schedule of %s = %v", env, s)
		}
	}
	classes := p.ByType("kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshotClass")
	if len(classes) != 1 || classes[0].Inputs["driver"] != "ebs.csi.aws.com" ||
		dig(classes[0].Inputs, "metadata", "labels", velero.LabelSnapshotClass) != "true" || classes[0].Inputs["deletionPolicy"] != "Retain" {
		t.Errorf("snapshot classes = %+v", classes)
	}
	rules := p.ByType("kubernetes:monitoring.coreos.com/v1:PrometheusRule")
	found := map[string]bool{}
	for _, r := range rules {
		for _, g := range dig(r.Inputs, "spec", "groups").([]any) {
			for _, rule := range g.(map[string]any)["rules"].([]any) {
				found[rule.(map[string]any)["alert"].(string)] = true
			}
		}
	}
	if !found[velero.AlertBackupFailed] || !found[velero.AlertBackupMissing] {
		t.Errorf("backup alerts = %v, want failed and missing backups", found)
	}
	for _, sa := range p.ByType("kubernetes:core/v1:ServiceAccount") {
		if dig(sa.Inputs, "metadata", "name") == velero.ServiceAccount &&
			dig(sa.Inputs, "metadata", "annotations", cluster.AnnotationIRSARole) != "arn:aws:iam::1:role/velero" {
			t.Errorf("velero service account = %v", sa.Inputs)
		}
	}
}

func TestVeleroOnACKTakesTheKeyFromConfig(t *testing.T) {
	oss := &cluster.BackupLocation{
		Provider: "alibabacloud", Bucket: pulumi.String("fleetform-backups-1").ToStringOutput(),
		Config:  pulumi.StringMap{"region": pulumi.String("cn-hangzhou")}.ToStringMapOutput(),
		KeyUser: "c1-velero", SnapshotDriver: "diskplugin.csi.alibabacloud.com",
	}
	_, _, err := runPlatform(func(a *platform.Args) { a.Cloud, a.Backups = cluster.Alicloud, oss })
	if err == nil || !strings.Contains(err.Error(), "secret") {
		t.Fatalf("err = %v, want the missing key named", err)
	}
	p, _ := build(t, func(a *platform.Args) {
		a.Cloud, a.Backups = cluster.Alicloud, oss
		a.Spec.Backups.Alicloud = platform.BackupsAlicloud{AccessKeyID: "harborPullToken", AccessKeySecret: "harborAdminPassword"}
	})
	v := release(t, p, "velero").Inputs["values"]
	if dig(v, "credentials", "useSecret") != true || dig(v, "credentials", "existingSecret") != velero.CredentialsSecret {
		t.Errorf("credentials = %v", dig(v, "credentials"))
	}
	var sec *plan.Resource
	for _, s := range p.ByType("kubernetes:core/v1:Secret") {
		if dig(s.Inputs, "metadata", "name") == velero.CredentialsSecret {
			sec = s
		}
	}
	if sec == nil || sec.Inputs["stringData"] != plan.Secret {
		t.Fatalf("credentials Secret = %+v, want its data a secret", sec)
	}
	b, _ := p.Marshal()
	if bytes.Contains(b, []byte(secretValues["harborAdminPassword"])) {
		t.Error("the access key secret appears in the plan")
	}
}

func TestBackupsValidation(t *testing.T) {
	ali := []cluster.Spec{{Name: "cn", Cloud: cluster.Alicloud}}
	cases := []struct {
		name     string
		mutate   func(*platform.BackupsSpec)
		clusters []cluster.Spec
		want     string
	}{
		{"retention in hours", func(b *platform.BackupsSpec) { b.Retention = "36h" }, nil, "platform.backups.retention"},
		{"retention not a duration", func(b *platform.BackupsSpec) { b.Retention = "a month" }, nil, "platform.backups.retention"},
		{"schedule", func(b *platform.BackupsSpec) { b.Schedule = "daily" }, nil, "platform.backups.schedule"},
		{"schedule with seconds", func(b *platform.BackupsSpec) { b.Schedule = "0 0 2 * * *" }, nil, "platform.backups.schedule"},
		{"schedule out of range", func(b *platform.BackupsSpec) { b.Schedule = "0 25 * * *" }, nil, "platform.backups.schedule"},
		{"plugin provider", func(b *platform.BackupsSpec) { b.PluginImages = map[string]string{"gcp": "x/y:1"} }, nil, "platform.backups.pluginImages[gcp]"},
		{"ACK without a key", func(b *platform.BackupsSpec) {}, ali, "platform.backups.alicloud.accessKeyId"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := fullSpec(platform.LoggingLoki)
			tc.mutate(&s.Backups)
			p := field.NewPath("platform")
			errs := append(s.Validate(p), s.ValidateClusters(p, tc.clusters)...)
			found := false
			for _, e := range errs {
				found = found || e.Field == tc.want
			}
			if !found {
				t.Errorf("errors %v, want one at %s", errs, tc.want)
			}
		})
	}
	for _, sched := range []string{"@daily", "@every 6h", "30 1 * * 1-5"} {
		s := fullSpec(platform.LoggingLoki)
		s.Backups.Schedule = sched
		for _, e := range s.Validate(field.NewPath("platform")) {
			if e.Field == "platform.backups.schedule" {
				t.Errorf("schedule %q refused: %v", sched, e)
			}
		}
	}
	s := fullSpec(platform.LoggingLoki)
	if b := s.BackupsFor(cluster.Spec{Cloud: cluster.AWS}); b == nil || b.ExpireDays != 30+platform.BackupExpiryMarginDays {
		t.Errorf("BackupsFor(aws) = %+v, want the bucket to keep objects 37 days", b)
	}
	s.Backups.Retention = "4w"
	if b := s.BackupsFor(cluster.Spec{Cloud: cluster.AWS}); b == nil || b.ExpireDays != 28+platform.BackupExpiryMarginDays {
		t.Errorf("BackupsFor(aws) with 4w = %+v, want 35 days", b)
	}
	if b := s.BackupsFor(cluster.Spec{Cloud: cluster.Existing}); b != nil {
		t.Errorf("an existing cluster was asked for backup storage: %+v", b)
	}
}
