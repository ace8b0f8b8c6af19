package ack

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/ram"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// RRSA facts, from Alibaba Cloud's "Use RRSA to authorize different pods to access
// different cloud services" and the ack-pod-identity-webhook page.
const (
	// RRSAAudience is the audience of RRSA service-account tokens, which STS checks.
	RRSAAudience = "sts.aliyuncs.com"
	// RRSAInjectionOn is LabelRRSAInjection's value that turns injection on.
	RRSAInjectionOn = "on"
	// RRSASessionSeconds is how long STS credentials of a workload role last (one hour,
	// RAM's default and minimum); the SDKs refresh them from the token file.
	RRSASessionSeconds = 3600
)

// RAMRoleName is a workload's RAM role name: <cluster>-<stack>-<workload>, cut to RAM's
// 64 characters. RAM names are account-wide, so the stack keeps two stacks' roles apart.
func RAMRoleName(clusterName, stack, workload string) string {
	suffix := "-" + workload
	n := clusterName + "-" + stack
	if len(n)+len(suffix) > 64 {
		n = n[:max(0, 64-len(suffix))]
	}
	return n + suffix
}

// RRSATrustPolicy lets one service account's RRSA tokens, issued by the cluster's
// issuer for STS, assume a role through the cluster's RAM OIDC provider.
func RRSATrustPolicy(issuer, providerARN, namespace, serviceAccount string) string {
	doc := map[string]any{
		"Version": "1",
		"Statement": []map[string]any{{
			"Action":    "sts:AssumeRole",
			"Effect":    "Allow",
			"Principal": map[string]any{"Federated": []string{providerARN}},
			"Condition": map[string]any{"StringEquals": map[string]string{
				"oidc:aud": RRSAAudience,
				"oidc:iss": issuer,
				"oidc:sub": cluster.ServiceAccountSubject(namespace, serviceAccount),
			}},
		}},
	}
	out, _ := json.Marshal(doc) // plain maps and strings always marshal
	return string(out)
}

// workloadIdentities gives each workload with an AlicloudPolicy a RAM role that its
// service account alone may assume through RRSA, with that policy attached. The
// service account then carries the role's name and its pods the injection label, and
// ack-pod-identity-webhook mounts the token and sets the variables Alibaba Cloud's SDKs
// read; no AccessKey exists.
func (b *builder) workloadIdentities() error {
	for _, w := range b.workloads {
		if w.AlicloudPolicy == "" {
			continue
		}
		part := b.name + "-wl-" + w.Name
		roleName := RAMRoleName(b.name, b.stack, w.Name)
		ns, sa := w.Namespace, w.ServiceAccount
		trust := pulumi.All(b.c.OIDCIssuer, b.c.OIDCProviderARN).ApplyT(func(v []any) string {
			return RRSATrustPolicy(v[0].(string), v[1].(string), ns, sa)
		}).(pulumi.StringOutput)
		role := &ramRole{}
		if err := b.ctx.RegisterResource(TypeRAMRole, part, pulumi.Map{
			"roleName":                 pulumi.String(roleName),
			"assumeRolePolicyDocument": trust,
			"description":              pulumi.String(fmt.Sprintf("RRSA role of %s/%s on ACK cluster %s (stack %s)", ns, sa, b.name, b.stack)),
			"maxSessionDuration":       pulumi.Int(RRSASessionSeconds),
		}, role, b.opts()...); err != nil {
			return fmt.Errorf("identity %s: role: %w", w.Name, err)
		}
		pol, err := ram.NewPolicy(b.ctx, part, &ram.PolicyArgs{
			PolicyName:     pulumi.String(roleName),
			PolicyDocument: pulumi.String(w.AlicloudPolicy),
			Description:    pulumi.String(fmt.Sprintf("%s on ACK cluster %s (stack %s)", w.Name, b.name, b.stack)),
		}, b.opts()...)
		if err != nil {
			return fmt.Errorf("identity %s: policy: %w", w.Name, err)
		}
		att, err := ram.NewRolePolicyAttachment(b.ctx, part, &ram.RolePolicyAttachmentArgs{
			RoleName: role.RoleName, PolicyName: pol.PolicyName, PolicyType: pol.Type,
		}, b.opts()...)
		if err != nil {
			return fmt.Errorf("identity %s: policy attachment: %w", w.Name, err)
		}
		b.c.workloads[w.Name] = rrsaIdentity(role, att)
	}
	return nil
}

// rrsaIdentity is what a workload's service account and pods carry. The annotation
// waits for the policy attachment, so the service account (and the pods that assume
// the role through it) come after the role may do its work.
func rrsaIdentity(role *ramRole, att *ram.RolePolicyAttachment) cluster.WorkloadIdentity {
	annotations := pulumi.All(role.RoleName, att.ID()).ApplyT(func(v []any) map[string]string {
		return map[string]string{cluster.AnnotationRRSARoleName: v[0].(string)}
	}).(pulumi.StringMapOutput)
	return cluster.WorkloadIdentity{
		Annotations: annotations,
		PodLabels:   map[string]string{cluster.LabelRRSAInjection: RRSAInjectionOn},
	}
}
