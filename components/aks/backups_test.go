package aks

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

func TestBackupAccountIsPrivateAndExpires(t *testing.T) {
	var conn *cluster.Connection
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		c, err := New(ctx, "prod", &Args{Spec: prodSpec("prod"), Stack: "test", Access: testAccess,
			Backups: &cluster.Backups{ExpireDays: 37, Namespace: "velero", ServiceAccount: "velero"}})
		if err != nil {
			return nil, err
		}
		conn = c.Connection()
		return nil, nil
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	acct := one(t, p, "azure-native:storage:StorageAccount", "prod-backups")
	if acct.Inputs["allowBlobPublicAccess"] != false || acct.Inputs["allowSharedKeyAccess"] != false ||
		acct.Inputs["minimumTlsVersion"] != "TLS1_2" || acct.Inputs["accountName"] != BackupAccountName("prod", "test") {
		t.Errorf("storage account = %v", acct.Inputs)
	}
	if n := BackupAccountName("prod", "test"); len(n) > 24 || n != BackupAccountName("prod", "test") {
		t.Errorf("account name %q: want at most 24 characters, stable", n)
	}
	if c := one(t, p, "azure-native:storage:BlobContainer", "prod-backups"); c.Inputs["publicAccess"] != "None" {
		t.Errorf("container = %v", c.Inputs)
	}
	mp := one(t, p, "azure-native:storage:ManagementPolicy", "prod-backups")
	if d := at(mp.Inputs, "policy", "rules", 0, "definition", "actions", "baseBlob", "delete", "daysAfterModificationGreaterThan"); d != float64(37) {
		t.Errorf("lifecycle delete after %v days, want 37", d)
	}
	fic := one(t, p, TypeFederatedIdentityCredential, "prod-velero")
	if fic.Inputs["subject"] != "system:serviceaccount:velero:velero" {
		t.Errorf("federated credential = %v", fic.Inputs)
	}
	if ra := one(t, p, "azure-native:authorization:RoleAssignment", "prod-velero-blob"); ra.Inputs["principalType"] != "ServicePrincipal" {
		t.Errorf("role assignment = %v", ra.Inputs)
	}
	if conn.Backups == nil || conn.Backups.Provider != "azure" || conn.Backups.SnapshotDriver != AzureDiskCSIDriver ||
		conn.Backups.Identity.PodLabels[cluster.LabelAzureUse] != "true" {
		t.Errorf("connection backups = %+v", conn.Backups)
	}
}
