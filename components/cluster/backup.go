package cluster

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Backups asks a cluster component for the storage Velero backs the cluster up to: a
// private, encrypted bucket in the cluster's own cloud and region (S3 with a KMS key,
// Azure Blob in a storage account, OSS), with a lifecycle rule, and the identity of
// Velero's service account to write it.
type Backups struct {
	// ExpireDays deletes objects this long after they were written: the longest
	// backup retention plus a margin, so Velero expires backups itself first.
	ExpireDays int
	// Namespace and ServiceAccount are Velero's, which the identity is bound to.
	Namespace, ServiceAccount string
}

// BackupLocation is where and how Velero writes a cluster's backups.
type BackupLocation struct {
	// Provider is the Velero object-store plugin's provider name (aws, azure, alibabacloud).
	Provider string
	// Bucket is the bucket (Azure: the blob container).
	Bucket pulumi.StringOutput
	// Config is the BackupStorageLocation's config (region; resourceGroup, storageAccount,
	// subscriptionId and useAAD on Azure; region on Alibaba Cloud).
	Config pulumi.StringMapOutput
	// Identity is what Velero's service account and pods carry (IRSA, Entra workload
	// identity); empty where a key is used instead.
	Identity WorkloadIdentity
	// KeyUser names the RAM user whose access key Velero needs where its object-store
	// plugin takes no workload identity (ACK: the Alibaba Cloud plugin reads no RRSA
	// token); the key itself comes from secret config. Empty elsewhere.
	KeyUser string
	// SnapshotDriver is the CSI driver of the cluster's disks, whose VolumeSnapshotClass
	// Velero's CSI snapshots use.
	SnapshotDriver string
}

// Messages of ValidateBackups.
const (
	MsgBackupExpire = "must be at least one day"
)

// ValidateBackups checks a backups request (nil asks for none).
func ValidateBackups(p *field.Path, b *Backups) field.ErrorList {
	if b == nil {
		return nil
	}
	var errs field.ErrorList
	if b.ExpireDays < 1 {
		errs = append(errs, field.Invalid(p.Child("expireDays"), b.ExpireDays, MsgBackupExpire))
	}
	if b.Namespace == "" {
		errs = append(errs, field.Required(p.Child("namespace"), MsgWorkloadMissing))
	}
	if b.ServiceAccount == "" {
		errs = append(errs, field.Required(p.Child("serviceAccount"), MsgWorkloadMissing))
	}
	return errs
}
