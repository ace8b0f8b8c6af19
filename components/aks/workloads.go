package aks

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// Workload identity resources. The azure-native provider serves managedidentity, but
// the Go module proxy here has no managedidentity SDK package at the pinned version, so
// the two resources are registered by type token through the same provider; their
// inputs and outputs are the provider's (API 2023-01-31).
const (
	// TypeUserAssignedIdentity is azure-native's user-assigned managed identity.
	TypeUserAssignedIdentity = "azure-native:managedidentity:UserAssignedIdentity"
	// TypeFederatedIdentityCredential trusts one Kubernetes service account's tokens.
	TypeFederatedIdentityCredential = "azure-native:managedidentity:FederatedIdentityCredential"
	// TokenExchangeAudience is the audience Entra ID accepts federated tokens for.
	TokenExchangeAudience = "api://AzureADTokenExchange"
)

// userAssignedIdentity is the registered identity and the outputs the cluster uses.
type userAssignedIdentity struct {
	pulumi.CustomResourceState

	Name        pulumi.StringOutput `pulumi:"name"`
	ClientID    pulumi.StringOutput `pulumi:"clientId"`
	PrincipalID pulumi.StringOutput `pulumi:"principalId"`
	TenantID    pulumi.StringOutput `pulumi:"tenantId"`
}

// federatedIdentityCredential is the registered credential.
type federatedIdentityCredential struct {
	pulumi.CustomResourceState

	Subject pulumi.StringOutput `pulumi:"subject"`
}

// workloadIdentities gives each workload with Azure roles a user-assigned identity in
// the cluster's resource group, federated with its service account through the
// cluster's OIDC issuer, and the roles at their scopes. The service account then
// carries the identity's client ID and its pods the workload identity label.
func (b *builder) workloadIdentities() error {
	for _, w := range b.workloads {
		if len(w.AzureRoles) == 0 {
			continue
		}
		part := "wl-" + w.Name
		id, fic, err := b.federatedIdentity(part, w.Namespace, w.ServiceAccount)
		if err != nil {
			return fmt.Errorf("identity %s: %w", w.Name, err)
		}
		for i, r := range w.AzureRoles {
			if _, err := authorization.NewRoleAssignment(b.ctx, fmt.Sprintf("%s-%s-role-%d", b.name, part, i), &authorization.RoleAssignmentArgs{
				PrincipalId:      id.PrincipalID,
				PrincipalType:    pulumi.String("ServicePrincipal"),
				RoleDefinitionId: b.roleID(r.RoleDefinitionID),
				Scope:            pulumi.String(r.Scope),
			}, b.child...); err != nil {
				return fmt.Errorf("identity %s: role %s: %w", w.Name, r.RoleDefinitionID, err)
			}
		}
		b.c.workloads[w.Name] = workloadIdentityOf(id, fic)
	}
	return nil
}

// federatedIdentity creates a user-assigned identity "<cluster>-<part minus wl->" in
// the cluster's resource group, federated with one service account through the
// cluster's OIDC issuer.
func (b *builder) federatedIdentity(part, namespace, serviceAccount string) (*userAssignedIdentity, *federatedIdentityCredential, error) {
	short := strings.TrimPrefix(part, "wl-")
	id := &userAssignedIdentity{}
	if err := b.ctx.RegisterResource(TypeUserAssignedIdentity, b.name+"-"+part, pulumi.Map{
		"resourceGroupName": b.rgName,
		"resourceName":      pulumi.String(b.name + "-" + short),
		"location":          b.location,
		"tags":              b.tags,
	}, id, b.child...); err != nil {
		return nil, nil, err
	}
	fic := &federatedIdentityCredential{}
	if err := b.ctx.RegisterResource(TypeFederatedIdentityCredential, b.name+"-"+part, pulumi.Map{
		"resourceGroupName": b.rgName,
		"resourceName":      id.Name,
		"federatedIdentityCredentialResourceName": pulumi.String(short),
		"issuer":    b.c.OIDCIssuer,
		"subject":   pulumi.String(cluster.ServiceAccountSubject(namespace, serviceAccount)),
		"audiences": pulumi.StringArray{pulumi.String(TokenExchangeAudience)},
	}, fic, b.child...); err != nil {
		return nil, nil, fmt.Errorf("federated credential: %w", err)
	}
	return id, fic, nil
}

// workloadIdentityOf is what a federated identity's service account and pods carry.
// The annotations wait for the credential, so the service account (and the pods that
// ask for a token through it) come after it.
func workloadIdentityOf(id *userAssignedIdentity, fic *federatedIdentityCredential) cluster.WorkloadIdentity {
	annotations := pulumi.All(id.ClientID, id.TenantID, fic.Subject).ApplyT(func(v []any) map[string]string {
		return map[string]string{
			cluster.AnnotationAzureClientID: v[0].(string),
			cluster.AnnotationAzureTenantID: v[1].(string),
		}
	}).(pulumi.StringMapOutput)
	return cluster.WorkloadIdentity{Annotations: annotations, PodLabels: map[string]string{cluster.LabelAzureUse: "true"}}
}
