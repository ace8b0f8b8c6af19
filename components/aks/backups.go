package aks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/storage/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// Backup storage names and roles.
const (
	// BackupContainer is the blob container Velero writes to.
	BackupContainer = "velero"
	// StorageBlobDataContributorRole lets Velero's identity read and write blobs, with
	// Entra ID auth (the account refuses shared keys).
	StorageBlobDataContributorRole = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
	// AzureDiskCSIDriver is the CSI driver of the managed-csi StorageClass.
	AzureDiskCSIDriver = "disk.csi.azure.com"
)

// BackupAccountName is the storage account's name: globally unique, 3-24 lower-case
// letters and digits, so it is derived from the cluster and stack names.
func BackupAccountName(cluster, stack string) string {
	sum := sha256.Sum256([]byte(cluster + "/" + stack))
	return "ffbk" + hex.EncodeToString(sum[:])[:20]
}

// backups creates the cluster's backup storage: a StorageV2 account in the cluster's
// resource group that refuses public blob access, shared keys and TLS below 1.2, a
// private container, a lifecycle rule deleting blobs after Backups.ExpireDays, and
// an Entra workload identity for Velero's service account with Storage Blob Data
// Contributor on the account. The account is kept when the stack is destroyed
// (RetainOnDelete): backups exist to outlive their cluster.
func (b *builder) backups() error {
	req := b.backupsReq
	if req == nil {
		return nil
	}
	name := BackupAccountName(b.name, b.stack)
	acct, err := storage.NewStorageAccount(b.ctx, b.name+"-backups", &storage.StorageAccountArgs{
		ResourceGroupName:      b.rgName,
		AccountName:            pulumi.String(name),
		Location:               b.location,
		Kind:                   pulumi.String("StorageV2"),
		Sku:                    &storage.SkuArgs{Name: pulumi.String("Standard_ZRS")},
		AllowBlobPublicAccess:  pulumi.Bool(false),
		AllowSharedKeyAccess:   pulumi.Bool(false),
		MinimumTlsVersion:      pulumi.String("TLS1_2"),
		EnableHttpsTrafficOnly: pulumi.Bool(true),
		Tags:                   b.tags,
	}, append(b.child, pulumi.RetainOnDelete(true))...)
	if err != nil {
		return fmt.Errorf("backup account: %w", err)
	}
	if _, err := storage.NewBlobContainer(b.ctx, b.name+"-backups", &storage.BlobContainerArgs{
		ResourceGroupName: b.rgName, AccountName: acct.Name, ContainerName: pulumi.String(BackupContainer),
		PublicAccess: storage.PublicAccessNone,
	}, b.child...); err != nil {
		return fmt.Errorf("backup container: %w", err)
	}
	if _, err := storage.NewManagementPolicy(b.ctx, b.name+"-backups", &storage.ManagementPolicyArgs{
		ResourceGroupName: b.rgName, AccountName: acct.Name, ManagementPolicyName: pulumi.String("default"),
		Policy: &storage.ManagementPolicySchemaArgs{Rules: storage.ManagementPolicyRuleArray{&storage.ManagementPolicyRuleArgs{
			Name: pulumi.String("expire-backups"), Enabled: pulumi.Bool(true), Type: pulumi.String("Lifecycle"),
			Definition: &storage.ManagementPolicyDefinitionArgs{
				Actions: &storage.ManagementPolicyActionArgs{BaseBlob: &storage.ManagementPolicyBaseBlobArgs{
					Delete: &storage.DateAfterModificationArgs{DaysAfterModificationGreaterThan: pulumi.Float64(float64(req.ExpireDays))},
				}},
				Filters: &storage.ManagementPolicyFilterArgs{BlobTypes: pulumi.StringArray{pulumi.String("blockBlob")}},
			},
		}}},
	}, b.child...); err != nil {
		return fmt.Errorf("backup lifecycle: %w", err)
	}
	id, fic, err := b.federatedIdentity("velero", req.Namespace, req.ServiceAccount)
	if err != nil {
		return err
	}
	if _, err := authorization.NewRoleAssignment(b.ctx, b.name+"-velero-blob", &authorization.RoleAssignmentArgs{
		PrincipalId:      id.PrincipalID,
		PrincipalType:    pulumi.String("ServicePrincipal"),
		RoleDefinitionId: b.roleID(StorageBlobDataContributorRole),
		Scope:            acct.ID().ToStringOutput(),
	}, b.child...); err != nil {
		return fmt.Errorf("velero role: %w", err)
	}
	sub := b.rgID.ApplyT(subscriptionOf).(pulumi.StringOutput)
	b.c.backups = &cluster.BackupLocation{
		Provider: "azure",
		Bucket:   pulumi.String(BackupContainer).ToStringOutput(),
		Config: pulumi.StringMap{
			"resourceGroup": b.rgName, "storageAccount": acct.Name, "subscriptionId": sub, "useAAD": pulumi.String("true"),
		}.ToStringMapOutput(),
		Identity:       workloadIdentityOf(id, fic),
		SnapshotDriver: AzureDiskCSIDriver,
	}
	return nil
}
