package ack

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/oss"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/ram"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// AlibabaDiskCSIDriver is the CSI driver of the cluster's cloud disks.
const AlibabaDiskCSIDriver = "diskplugin.csi.alibabacloud.com"

// BackupBucketName is the OSS bucket's name: globally unique, 3-63 lower-case letters,
// digits and '-', so it is derived from the cluster and stack names.
func BackupBucketName(cluster, stack string) string {
	sum := sha256.Sum256([]byte(cluster + "/" + stack))
	return "fleetform-backups-" + hex.EncodeToString(sum[:])[:20]
}

// backups creates the cluster's backup bucket: a private OSS bucket with server-side
// KMS encryption and a lifecycle rule expiring objects after Backups.ExpireDays, kept
// when the stack is destroyed (RetainOnDelete: backups exist to outlive the cluster).
// Velero's Alibaba Cloud plugin (velero-plugin-alibabacloud v2.0.0) takes an AccessKey
// or the ECS instance's RAM role and reads no RRSA token, although the cluster has RRSA
// (docs/clusters.md, "RRSA"), so a RAM user "<cluster>-<stack>-velero" with a policy on
// this bucket alone is made, and its access key comes from secret config
// (platform.backups.alicloud): a key created here would sit in the state and could not
// be planned offline (an unknown secret).
func (b *builder) backups() error {
	req := b.backupsReq
	if req == nil {
		return nil
	}
	bucket, err := oss.NewBucket(b.ctx, b.name+"-backups", &oss.BucketArgs{
		Bucket:                   pulumi.String(BackupBucketName(b.name, b.stack)),
		Acl:                      pulumi.String("private"),
		RedundancyType:           pulumi.String("ZRS"),
		ServerSideEncryptionRule: &oss.BucketServerSideEncryptionRuleArgs{SseAlgorithm: pulumi.String("KMS")},
		LifecycleRules: oss.BucketLifecycleRuleArray{&oss.BucketLifecycleRuleArgs{
			Id: pulumi.String("expire-backups"), Enabled: pulumi.Bool(true), Prefix: pulumi.String(""),
			Expirations: oss.BucketLifecycleRuleExpirationArray{&oss.BucketLifecycleRuleExpirationArgs{Days: pulumi.Int(req.ExpireDays)}},
		}},
		Tags: b.tags,
	}, b.opts(pulumi.RetainOnDelete(true))...)
	if err != nil {
		return fmt.Errorf("backup bucket: %w", err)
	}
	// RAM names are account-wide: the stack's name keeps two stacks' users apart.
	ramName := VeleroRAMName(b.name, b.stack)
	user, err := ram.NewUser(b.ctx, b.name+"-velero", &ram.UserArgs{
		Name:     pulumi.String(ramName),
		Comments: pulumi.Sprintf("Velero backups of ACK cluster %s (stack %s)", b.name, b.stack),
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("velero user: %w", err)
	}
	pol, err := ram.NewPolicy(b.ctx, b.name+"-velero", &ram.PolicyArgs{
		PolicyName:     pulumi.String(ramName),
		PolicyDocument: bucket.Bucket.ApplyT(func(n *string) string { return VeleroPolicy(deref(n)) }).(pulumi.StringOutput),
		Description:    pulumi.String("Velero: the cluster's backup bucket only"),
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("velero policy: %w", err)
	}
	if _, err := ram.NewUserPolicyAttachment(b.ctx, b.name+"-velero", &ram.UserPolicyAttachmentArgs{
		UserName: user.Name, PolicyName: pol.PolicyName, PolicyType: pol.Type,
	}, b.opts()...); err != nil {
		return fmt.Errorf("velero policy attachment: %w", err)
	}
	b.c.backups = &cluster.BackupLocation{
		Provider:       "alibabacloud",
		Bucket:         bucket.Bucket.Elem(),
		Config:         pulumi.StringMap{"region": pulumi.String(b.spec.Region), "network": pulumi.String("internal")}.ToStringMapOutput(),
		KeyUser:        ramName,
		SnapshotDriver: AlibabaDiskCSIDriver,
	}
	return nil
}

// VeleroRAMName is the Velero RAM user's (and its policy's) name: <cluster>-<stack>-velero,
// cut to RAM's 64 characters.
func VeleroRAMName(cluster, stack string) string {
	n := cluster + "-" + stack
	if len(n) > 57 {
		n = n[:57]
	}
	return n + "-velero"
}

// VeleroPolicy lets Velero's RAM user read and write one bucket's objects.
func VeleroPolicy(bucket string) string {
	doc := map[string]any{
		"Version": "1",
		"Statement": []map[string]any{
			{"Effect": "Allow", "Action": []string{"oss:GetObject", "oss:PutObject", "oss:DeleteObject", "oss:AbortMultipartUpload", "oss:ListParts"}, "Resource": []string{"acs:oss:*:*:" + bucket + "/*"}},
			{"Effect": "Allow", "Action": []string{"oss:ListObjects", "oss:GetBucketInfo"}, "Resource": []string{"acs:oss:*:*:" + bucket}},
		},
	}
	out, _ := json.Marshal(doc) // plain maps and strings always marshal
	return string(out)
}
