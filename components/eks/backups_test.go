package eks

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

func TestBackupBucketIsPrivateEncryptedAndExpires(t *testing.T) {
	var conn *cluster.Connection
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		c, err := New(ctx, "dev", &Args{Spec: *devSpec("dev"), Stack: testStack, Access: testAccess,
			Backups: &cluster.Backups{ExpireDays: 37, Namespace: "velero", ServiceAccount: "velero"}})
		if err != nil {
			return nil, err
		}
		conn = c.Connection()
		return nil, nil
	}, plan.Options{Project: "fleetform", Stack: testStack})
	if err != nil {
		t.Fatal(err)
	}
	bucket := one(t, p, "aws:s3/bucketV2:BucketV2", "dev-backups")
	if !strings.HasSuffix(bucket.Inputs["bucketPrefix"].(string), "-backups-") {
		t.Errorf("bucket prefix = %v", bucket.Inputs["bucketPrefix"])
	}
	pab := one(t, p, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "dev-backups")
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		if pab.Inputs[k] != true {
			t.Errorf("public access block %s = %v", k, pab.Inputs[k])
		}
	}
	enc := one(t, p, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "dev-backups")
	rule := enc.Inputs["rules"].([]any)[0].(map[string]any)["applyServerSideEncryptionByDefault"].(map[string]any)
	if rule["sseAlgorithm"] != "aws:kms" {
		t.Errorf("encryption = %v, want the bucket's KMS key", rule)
	}
	if key := one(t, p, "aws:kms/key:Key", "dev-backups"); key.Inputs["enableKeyRotation"] != true {
		t.Error("the backup key is not rotated")
	}
	lc := one(t, p, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "dev-backups")
	exp := lc.Inputs["rules"].([]any)[0].(map[string]any)["expiration"].(map[string]any)
	if exp["days"] != float64(37) {
		t.Errorf("expiration = %v, want 37 days", exp)
	}
	one(t, p, "aws:eks/addon:Addon", "dev-"+AddonSnapshotController)
	one(t, p, "aws:iam/rolePolicy:RolePolicy", "dev-velero")
	if conn.Backups == nil || conn.Backups.Provider != "aws" || conn.Backups.SnapshotDriver != EBSCSIDriver || conn.Backups.KeyUser != "" {
		t.Errorf("connection backups = %+v", conn.Backups)
	}
	var doc struct {
		Statement []struct {
			Action   []string
			Resource string
		}
	}
	if err := json.Unmarshal([]byte(VeleroPolicy("arn:aws:s3:::b", "arn:aws:kms:r:1:key/k")), &doc); err != nil {
		t.Fatal(err)
	}
	for _, st := range doc.Statement {
		if st.Resource != "arn:aws:s3:::b/*" && st.Resource != "arn:aws:s3:::b" && st.Resource != "arn:aws:kms:r:1:key/k" {
			t.Errorf("statement on %s: Velero may touch its bucket and key only", st.Resource)
		}
	}
}
