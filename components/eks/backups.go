package eks

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// AddonSnapshotController is the EKS add-on with the VolumeSnapshot CRDs and the
// snapshot controller, which Velero's CSI snapshots of EBS volumes need (EKS ships
// neither by default).
const AddonSnapshotController = "snapshot-controller"

// EBSCSIDriver is the CSI driver of the cluster's volumes (the gp3 StorageClass).
const EBSCSIDriver = "ebs.csi.aws.com"

// backups creates the cluster's backup bucket: kept when the stack is destroyed
// (RetainOnDelete, with its key), since backups exist to outlive their cluster; private (public access blocked, the
// bucket owner owns every object), encrypted with a KMS key of its own (rotated
// yearly), objects expiring after Backups.ExpireDays, and a role (Pod Identity, or IRSA) that lets
// Velero's service account use the bucket and the key and nothing else.
func (b *builder) backups() error {
	req := b.backupsReq
	if req == nil {
		return nil
	}
	key, err := kms.NewKey(b.ctx, b.name+"-backups", &kms.KeyArgs{
		Description:       pulumi.Sprintf("Velero backups of EKS cluster %s", b.clusterName),
		EnableKeyRotation: pulumi.Bool(true),
		// A deleted key makes every backup unreadable: wait the longest AWS allows.
		DeletionWindowInDays: pulumi.Int(30),
		Tags:                 b.tags("backups", nil),
	}, b.opts(pulumi.RetainOnDelete(true))...)
	if err != nil {
		return fmt.Errorf("backup key: %w", err)
	}
	bucket, err := s3.NewBucketV2(b.ctx, b.name+"-backups", &s3.BucketV2Args{
		BucketPrefix: pulumi.String(bucketPrefix(b.clusterName)),
		Tags:         b.tags("backups", nil),
	}, b.opts(pulumi.RetainOnDelete(true))...)
	if err != nil {
		return fmt.Errorf("backup bucket: %w", err)
	}
	if _, err := s3.NewBucketPublicAccessBlock(b.ctx, b.name+"-backups", &s3.BucketPublicAccessBlockArgs{
		Bucket: bucket.ID(), BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, b.opts()...); err != nil {
		return fmt.Errorf("backup bucket access block: %w", err)
	}
	if _, err := s3.NewBucketOwnershipControls(b.ctx, b.name+"-backups", &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(),
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, b.opts()...); err != nil {
		return fmt.Errorf("backup bucket ownership: %w", err)
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(b.ctx, b.name+"-backups", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: key.Arn,
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, b.opts()...); err != nil {
		return fmt.Errorf("backup bucket encryption: %w", err)
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(b.ctx, b.name+"-backups", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:         pulumi.String("expire-backups"),
			Status:     pulumi.String("Enabled"),
			Filter:     &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(req.ExpireDays)},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
				DaysAfterInitiation: pulumi.Int(1),
			},
		}},
	}, b.opts()...); err != nil {
		return fmt.Errorf("backup bucket lifecycle: %w", err)
	}
	role, _, err := b.serviceAccountRole("velero", req.Namespace, req.ServiceAccount)
	if err != nil {
		return err
	}
	policy := pulumi.All(bucket.Arn, key.Arn).ApplyT(func(v []any) string {
		return VeleroPolicy(v[0].(string), v[1].(string))
	}).(pulumi.StringOutput)
	rp, err := iam.NewRolePolicy(b.ctx, b.name+"-velero", &iam.RolePolicyArgs{Role: role.Name, Policy: policy}, b.opts()...)
	if err != nil {
		return fmt.Errorf("velero policy: %w", err)
	}
	identity, _, err := b.bind("velero", req.Namespace, req.ServiceAccount, role, rp)
	if err != nil {
		return err
	}
	if _, err := b.addon(AddonSnapshotController, b.c.ClusterName, nil, nil, b.groups); err != nil {
		return err
	}
	b.c.backups = &cluster.BackupLocation{
		Provider:       "aws",
		Bucket:         bucket.Bucket,
		Config:         pulumi.StringMap{"region": pulumi.String(b.spec.Region), "kmsKeyId": key.Arn}.ToStringMapOutput(),
		Identity:       identity,
		SnapshotDriver: b.snapshotDriver(),
	}
	return nil
}

// snapshotDriver is the CSI driver of the cluster's volumes, which snapshots them: EKS
// Auto Mode's provisioner under Auto Mode, the EBS CSI add-on's otherwise.
func (b *builder) snapshotDriver() string {
	if b.autoMode {
		return AutoModeEBSProvisioner
	}
	return EBSCSIDriver
}

// bucketPrefix is the backup bucket's name prefix (S3 adds a unique suffix): lower
// case, at most 37 characters so the suffix fits in S3's 63.
func bucketPrefix(clusterName string) string {
	p := strings.ToLower(clusterName)
	if len(p) > 28 {
		p = p[:28]
	}
	return strings.TrimRight(p, "-") + "-backups-"
}

// VeleroPolicy lets Velero read and write the objects of one bucket with one key.
// Volume snapshots go through the EBS CSI driver, whose role already has them.
func VeleroPolicy(bucketARN, keyARN string) string {
	doc := map[string]any{
		"Version": iamPolicyVersion,
		"Statement": []map[string]any{
			{"Sid": "Objects", "Effect": "Allow", "Action": []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"}, "Resource": bucketARN + "/*"},
			{"Sid": "Bucket", "Effect": "Allow", "Action": []string{"s3:ListBucket", "s3:GetBucketLocation"}, "Resource": bucketARN},
			{"Sid": "Key", "Effect": "Allow", "Action": []string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"}, "Resource": keyARN},
		},
	}
	out, _ := json.Marshal(doc) // plain maps and strings always marshal
	return string(out)
}
