package cluster

import (
	"encoding/json"
	"slices"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Workload is a Kubernetes service account of an addon that reaches its cloud's APIs
// (a secret manager, a bucket, DNS). The cluster component gives it a cloud identity
// of its own, with no long-lived key: an IRSA role on EKS, an Entra workload identity
// (a user-assigned identity federated with the service account) on AKS, an RRSA RAM
// role (trusted through the cluster's OIDC provider) on ACK. The addon
// says what the identity may do; the cluster component knows how its cloud binds it.
type Workload struct {
	// Name is short and stable (external-secrets): it names the cloud resources and
	// keys Connection.Workloads.
	Name string
	// Namespace and ServiceAccount are the service account the identity is bound to.
	Namespace      string
	ServiceAccount string
	// AWSPolicy is the IAM policy document (JSON) of the IRSA role on EKS; empty gives
	// the workload no identity there.
	AWSPolicy string
	// AzureRoles are the role assignments of the workload identity on AKS; none gives
	// the workload no identity there.
	AzureRoles []AzureRoleAssignment
	// AlicloudPolicy is the RAM policy document (JSON) of the RRSA role on ACK; empty
	// gives the workload no identity there.
	AlicloudPolicy string
}

// AzureRoleAssignment grants one built-in or custom role at one scope (a resource ID).
type AzureRoleAssignment struct {
	// RoleDefinitionID is the role's GUID (for example Key Vault Secrets User,
	// 4633458b-17de-408a-b874-0445c86b69e6).
	RoleDefinitionID string
	// Scope is the ARM resource ID the role applies to.
	Scope string
}

// WorkloadIdentity is what a workload's service account and pods carry to use the
// identity the cluster component made for it.
type WorkloadIdentity struct {
	// Annotations go on the service account (eks.amazonaws.com/role-arn,
	// azure.workload.identity/client-id).
	Annotations pulumi.StringMapOutput
	// PodLabels go on the workload's pods (azure.workload.identity/use on AKS).
	PodLabels map[string]string
}

// Workload identity annotations and labels, as each cloud's webhook reads them.
const (
	// AnnotationIRSARole is the EKS pod identity webhook's service account annotation.
	AnnotationIRSARole = "eks.amazonaws.com/role-arn"
	// AnnotationAzureClientID is Azure workload identity's service account annotation.
	AnnotationAzureClientID = "azure.workload.identity/client-id"
	// AnnotationAzureTenantID names the identity's tenant, when it is not the cluster's.
	AnnotationAzureTenantID = "azure.workload.identity/tenant-id"
	// LabelAzureUse opts a pod into Azure workload identity's token projection.
	LabelAzureUse = "azure.workload.identity/use"
	// AnnotationRRSARoleName names the RAM role ACK's ack-pod-identity-webhook sets up
	// a service account's pods to assume.
	AnnotationRRSARoleName = "pod-identity.alibabacloud.com/role-name"
	// LabelRRSAInjection ("on") opts a pod (or a namespace) into the webhook's RRSA
	// token volume and environment.
	LabelRRSAInjection = "pod-identity.alibabacloud.com/injection"
)

// ServiceAccountSubject is the subject a service account's projected token carries,
// which federated credentials and IRSA trust policies match.
func ServiceAccountSubject(namespace, serviceAccount string) string {
	return "system:serviceaccount:" + namespace + ":" + serviceAccount
}

// Messages of ValidateWorkloads.
const (
	MsgWorkloadName   = "must be a DNS label (lower-case letters, digits and '-')"
	MsgWorkloadPolicy = "must be a JSON IAM policy document"
	// MsgWorkloadRAMPolicy is a workload's RAM policy that is not JSON.
	MsgWorkloadRAMPolicy = "must be a JSON RAM policy document"
	MsgWorkloadRole      = "needs a role definition ID and a scope"
	MsgWorkloadMissing   = "is required"
)

// ValidateWorkloads checks the workloads a program asks a cluster component for; the
// components call it before they register anything. A bad request is a programming
// error (the addons build these), so the paths are under workloads, not the stack file.
func ValidateWorkloads(p *field.Path, ws []Workload) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, w := range ws {
		wp := p.Index(i)
		if len(validation.IsDNS1123Label(w.Name)) > 0 {
			errs = append(errs, field.Invalid(wp.Child("name"), w.Name, MsgWorkloadName))
		} else if seen[w.Name] {
			errs = append(errs, field.Duplicate(wp.Child("name"), w.Name))
		}
		seen[w.Name] = true
		if w.Namespace == "" {
			errs = append(errs, field.Required(wp.Child("namespace"), MsgWorkloadMissing))
		}
		if w.ServiceAccount == "" {
			errs = append(errs, field.Required(wp.Child("serviceAccount"), MsgWorkloadMissing))
		}
		if w.AWSPolicy != "" && !json.Valid([]byte(w.AWSPolicy)) {
			errs = append(errs, field.Invalid(wp.Child("awsPolicy"), "<policy>", MsgWorkloadPolicy))
		}
		if w.AlicloudPolicy != "" && !json.Valid([]byte(w.AlicloudPolicy)) {
			errs = append(errs, field.Invalid(wp.Child("alicloudPolicy"), "<policy>", MsgWorkloadRAMPolicy))
		}
		for j, r := range w.AzureRoles {
			if r.RoleDefinitionID == "" || r.Scope == "" {
				errs = append(errs, field.Invalid(wp.Child("azureRoles").Index(j), r, MsgWorkloadRole))
			}
		}
	}
	return errs
}

// CloneWorkloads copies a workload list, so a component never shares the caller's.
func CloneWorkloads(ws []Workload) []Workload {
	out := slices.Clone(ws)
	for i := range out {
		out[i].AzureRoles = slices.Clone(out[i].AzureRoles)
	}
	return out
}

// NewServiceAccount makes an addon's service account, annotated for its workload
// identity (not at all without one), and returns the labels the identity needs on
// the addon's pods. Every addon with a cloud identity makes its account this way, so
// the chart only names it.
func NewServiceAccount(ctx *pulumi.Context, name, account string, namespace pulumi.StringInput, id *WorkloadIdentity, opts ...pulumi.ResourceOption) (*corev1.ServiceAccount, map[string]string, error) {
	annotations := pulumi.StringMap{}.ToStringMapOutput()
	var podLabels map[string]string
	if id != nil {
		annotations, podLabels = id.Annotations, id.PodLabels
	}
	sa, err := corev1.NewServiceAccount(ctx, name, &corev1.ServiceAccountArgs{
		Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(account), Namespace: namespace, Annotations: annotations},
	}, opts...)
	return sa, podLabels, err
}
