package ack

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

func TestBackupBucketAndVeleroUser(t *testing.T) {
	spec := prodSpec()
	var conn *cluster.Connection
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		c, err := New(ctx, spec.Name, &Args{Spec: spec, Stack: "prod", Access: testAccess,
			Backups: &cluster.Backups{ExpireDays: 37, Namespace: "velero", ServiceAccount: "velero"}})
		if err != nil {
			return nil, err
		}
		conn = c.Connection()
		return nil, nil
	}, plan.Options{Project: "fleetform", Stack: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	var bucket, user *plan.Resource
	for _, r := range p.ByType("alicloud:oss/bucket:Bucket") {
		bucket = r
	}
	for _, r := range p.ByType("alicloud:ram/user:User") {
		user = r
	}
	if bucket == nil || user == nil {
		t.Fatalf("bucket %v, RAM user %v", bucket, user)
	}
	if bucket.Inputs["acl"] != "private" || bucket.Inputs["bucket"] != BackupBucketName(spec.Name, "prod") {
		t.Errorf("bucket = %v", bucket.Inputs)
	}
	if sse := bucket.Inputs["serverSideEncryptionRule"].(map[string]any); sse["sseAlgorithm"] != "KMS" {
		t.Errorf("encryption = %v", sse)
	}
	rule := bucket.Inputs["lifecycleRules"].([]any)[0].(map[string]any)
	if rule["enabled"] != true || rule["expirations"].([]any)[0].(map[string]any)["days"] != float64(37) {
		t.Errorf("lifecycle = %v", rule)
	}
	if len(p.ByType("alicloud:ram/accessKey:AccessKey")) != 0 {
		t.Error("an access key is created: it would sit in the state; it comes from secret config")
	}
	if conn.Backups == nil || conn.Backups.KeyUser != spec.Name+"-prod-velero" || user.Inputs["name"] != spec.Name+"-prod-velero" || conn.Backups.Provider != "alibabacloud" {
		t.Errorf("connection backups = %+v", conn.Backups)
	}
	if pol := VeleroPolicy("b"); !strings.Contains(pol, `"acs:oss:*:*:b/*"`) || strings.Contains(pol, `"*"]`) {
		t.Errorf("policy %s: want the one bucket only", pol)
	}
}
