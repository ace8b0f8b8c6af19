package rules

import (
	"maps"
	"slices"
	"strings"

	"github.com/fleetform/fleetform/components/cluster"
)

// Rule IDs of the cloud identity rules.
const (
	IDStaticCloudKey    = "SEC005"
	IDEKSAddonVersion   = "EKS005"
	IDIRSAWherePodIdent = "EKS006"
)

// Messages of the cloud identity rules (printf formats), exported so tests assert on them.
const (
	// MsgStaticCloudKey is a static key of a cloud that offers workload identity,
	// for a prod cluster of that cloud: the key's cloud, the cloud again, and its
	// workload identity.
	MsgStaticCloudKey = "a static %s access key for a prod cluster, where %s offers workload identity (%s)"
	// MsgEKSAddonUnpinned is an EKS add-on without addonVersion: its name.
	MsgEKSAddonUnpinned = "EKS add-on %s has no addonVersion: EKS installs its default and never moves it when the control plane changes minor"
	// MsgIRSAWherePodIdentity is an IRSA role in a partition with EKS Pod Identity: the partition.
	MsgIRSAWherePodIdentity = "role is trusted through an EKS OIDC provider (IRSA), but EKS Pod Identity is available in partition %s"
)

// Type tokens of the identity rules (pulumi-aws v6.83.4).
const (
	TypeEKSAddon     = "aws:eks/addon:Addon"
	TypeIAMRole      = "aws:iam/role:Role"
	TypeOIDCProvider = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
	TypeAWSProvider  = "pulumi:providers:aws"
)

// WorkloadIdentities names each cloud's workload identity, by the cloud's name in the
// stack files: every cloud the program builds clusters on offers one (EKS Pod Identity
// or IRSA, Entra workload identity, ACK's RRSA).
var WorkloadIdentities = map[string]string{
	"aws":      "EKS Pod Identity, or IRSA",
	"azure":    "Microsoft Entra Workload ID",
	"alicloud": "RRSA",
}

// cloudOfComponent maps the cluster component types to their cloud.
var cloudOfComponent = map[string]string{
	"platform:cluster:EKS": "aws",
	"platform:cluster:AKS": "azure",
	"platform:cluster:ACK": "alicloud",
}

// cloudResourcePrefix is the type prefix of each cloud's resources, whose tags say
// whether that cloud's cluster is prod.
var cloudResourcePrefix = map[string]string{
	"aws":      "aws:",
	"azure":    "azure-native:",
	"alicloud": "alicloud:",
}

// staticKeyNames are Secret data keys and configuration fields that hold a cloud's
// access key, by lower-cased name; configuration fields count under a block named for
// the cloud (platform.backups.alicloud.accessKeyId).
var staticKeyNames = map[string]string{
	"aws_access_key_id": "aws", "aws_secret_access_key": "aws",
	"azure_client_secret":         "azure",
	"alibaba_cloud_access_key_id": "alicloud", "alibaba_cloud_access_key_secret": "alicloud",
	"alicloud_access_key": "alicloud", "alicloud_secret_key": "alicloud",
}

// configKeyFields are configuration fields that name an access key.
var configKeyFields = []string{"accesskeyid", "accesskeysecret", "secretaccesskey", "accesskey", "secretkey", "clientsecret"}

// PodIdentityPartitions are the AWS partitions with EKS Pod Identity, as
// components/eks.PodIdentityPartitions (a test keeps the two equal).
var PodIdentityPartitions = []string{"aws"}

func init() {
	register(
		&Rule{
			ID:          IDStaticCloudKey,
			Description: "In prod, addons reach their cloud with no static access key where the cloud offers workload identity.",
			Level:       Mandatory,
			Remediation: "Give the addon a cloud.Workload (EKS Pod Identity, Entra workload identity, RRSA) and remove the key from the stack configuration and the cluster's Secrets; where the addon cannot use the identity yet, the finding stays open until it can.",
			Stack:       checkStaticCloudKeys,
		},
		&Rule{
			ID:          IDEKSAddonVersion,
			Description: "EKS add-ons run a pinned addonVersion.",
			Level:       Mandatory,
			Remediation: "Set addonVersion (components/eks AddonVersions pins one per Kubernetes minor), so an upgrade of the control plane moves the add-ons in the same plan.",
			Types:       []string{TypeEKSAddon},
			Resource:    checkEKSAddonVersion,
		},
		&Rule{
			ID:          IDIRSAWherePodIdent,
			Description: "Service-account roles use EKS Pod Identity, not IRSA, where the partition offers it.",
			Level:       Advisory,
			Remediation: "Trust pods.eks.amazonaws.com (sts:AssumeRole, sts:TagSession) and bind the role with an aws:eks/podIdentityAssociation; keep IRSA only in partitions without Pod Identity (aws-cn).",
			Stack:       checkIRSAWherePodIdentity,
		},
	)
}

func checkEKSAddonVersion(env *Env, r Resource) []Violation {
	v := r.Inputs["addonVersion"]
	if hidden(v) {
		return nil
	}
	if s, _ := v.(string); s != "" {
		return nil
	}
	return []Violation{violation(r, "addonVersion", MsgEKSAddonUnpinned, getString(r.Inputs, "addonName"))}
}

// prodClouds are the clouds whose clusters in the stack are prod: a cluster component of
// the cloud, and the stack's environment prod or a resource of the cloud tagged prod.
func prodClouds(env *Env, rs []Resource) map[string]bool {
	present := map[string]bool{}
	for _, r := range rs {
		if c, ok := cloudOfComponent[r.Type]; ok {
			present[c] = true
		}
	}
	out := map[string]bool{}
	for c := range present {
		if env.IsProd(env.Environment) {
			out[c] = true
			continue
		}
		for _, r := range rs {
			if strings.HasPrefix(r.Type, cloudResourcePrefix[c]) && env.IsProd(env.ownEnvironment(r)) {
				out[c] = true
				break
			}
		}
	}
	return out
}

// clusterCloudOf is the cloud of the cluster a Kubernetes object goes to, from the
// component type its provider's URN carries; "" for other clusters.
func clusterCloudOf(r Resource) string {
	for t, c := range cloudOfComponent {
		if strings.Contains(r.Provider, t+"$") {
			return c
		}
	}
	return ""
}

// configKeyCloud is the cloud a configuration path's block is named for ("" for none).
func configKeyCloud(path string) string {
	for _, seg := range strings.Split(path, ".") {
		if _, ok := WorkloadIdentities[seg]; ok {
			return seg
		}
	}
	return ""
}

func checkStaticCloudKeys(env *Env, rs []Resource) []Violation {
	prod := prodClouds(env, rs)
	var out []Violation
	for _, r := range rs {
		switch r.Type {
		case TypeStackConfig:
			seen := map[string]bool{}
			for _, k := range slices.Sorted(maps.Keys(r.Inputs)) {
				walkValues(r.Inputs[k], k, func(path, key string, val any, _ map[string]any) {
					block := path[:max(0, len(path)-len(key)-1)]
					cloud := configKeyCloud(block)
					if cloud == "" || !prod[cloud] || !hasString(configKeyFields, lower(key)) || seen[block] {
						return
					}
					if s, _ := val.(string); s == "" {
						return
					}
					seen[block] = true
					out = append(out, violation(r, block, MsgStaticCloudKey, cloud, cloud, WorkloadIdentities[cloud]))
				})
			}
		case TypeSecret:
			cloud := clusterCloudOf(r)
			if cloud == "" || !env.isProdResource(r) && !prod[cloud] {
				continue
			}
			for _, field := range []string{"data", "stringData"} {
				for _, k := range slices.Sorted(maps.Keys(getMap(r.Inputs, field))) {
					if staticKeyNames[lower(k)] == cloud {
						out = append(out, violation(r, field+"."+k, MsgStaticCloudKey, cloud, cloud, WorkloadIdentities[cloud]))
					}
				}
			}
		}
	}
	return out
}

// isIRSATrust reports whether a role is trusted through an OIDC provider: by its trust
// policy when known, else (an offline plan, where the provider's ARN is unknown) by
// depending on an OIDC provider.
func isIRSATrust(r Resource) bool {
	trust := r.Inputs["assumeRolePolicy"]
	if s, ok := trust.(string); ok && !hidden(s) {
		return strings.Contains(s, "sts:AssumeRoleWithWebIdentity") && strings.Contains(s, "oidc.eks.")
	}
	return dependsOnType(r, TypeOIDCProvider)
}

func checkIRSAWherePodIdentity(env *Env, rs []Resource) []Violation {
	byURN := indexByURN(rs)
	var out []Violation
	for _, r := range rs {
		if r.Type != TypeIAMRole || !isIRSATrust(r) {
			continue
		}
		partition := "aws"
		if p, ok := byURN[r.Provider]; ok && p.Type == TypeAWSProvider {
			if region := getString(p.Inputs, "region"); region != "" && !hidden(region) {
				partition = cluster.AWSPartition(region)
			}
		}
		if hasString(PodIdentityPartitions, partition) {
			out = append(out, violation(r, "assumeRolePolicy", MsgIRSAWherePodIdentity, partition))
		}
	}
	return out
}
