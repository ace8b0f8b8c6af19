package aks

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

func TestWorkloadGetsAFederatedIdentity(t *testing.T) {
	vault := "/subscriptions/0000/resourceGroups/shop/providers/Microsoft.KeyVault/vaults/shop-prod"
	ws := []cluster.Workload{{Name: "external-secrets", Namespace: "external-secrets", ServiceAccount: "external-secrets",
		AzureRoles: []cluster.AzureRoleAssignment{{RoleDefinitionID: "4633458b-17de-408a-b874-0445c86b69e6", Scope: vault}}}}
	var conn *cluster.Connection
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		c, err := New(ctx, "prod", &Args{Spec: prodSpec("prod"), Stack: "test", Access: testAccess, Workloads: ws})
		if err != nil {
			return nil, err
		}
		conn = c.Connection()
		return nil, nil
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	mc := one(t, p, "azure-native:containerservice:ManagedCluster", "prod-aks")
	if at(mc.Inputs, "securityProfile", "workloadIdentity", "enabled") != true {
		t.Error("workload identity is off on the cluster")
	}
	id := one(t, p, TypeUserAssignedIdentity, "prod-wl-external-secrets")
	if id.Inputs["resourceName"] != "prod-external-secrets" {
		t.Errorf("identity name = %v", id.Inputs["resourceName"])
	}
	fic := one(t, p, TypeFederatedIdentityCredential, "prod-wl-external-secrets")
	if fic.Inputs["subject"] != "system:serviceaccount:external-secrets:external-secrets" ||
		at(fic.Inputs, "audiences", 0) != TokenExchangeAudience || fic.Inputs["federatedIdentityCredentialResourceName"] != "external-secrets" {
		t.Errorf("federated credential = %v", fic.Inputs)
	}
	ra := one(t, p, "azure-native:authorization:RoleAssignment", "prod-wl-external-secrets-role-0")
	if ra.Inputs["scope"] != vault || ra.Inputs["principalType"] != "ServicePrincipal" {
		t.Errorf("role assignment = %v", ra.Inputs)
	}
	w, ok := conn.Workloads["external-secrets"]
	if !ok || w.PodLabels[cluster.LabelAzureUse] != "true" {
		t.Errorf("connection workload = %+v", w)
	}
}
