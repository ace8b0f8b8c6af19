package plan

import "strings"

// ReplaceFact is one cloud property whose change the cloud cannot apply in place: the
// provider replaces the resource (delete, then create) or the cloud refuses the update.
type ReplaceFact struct {
	// Type is the resource's type token; Path is the input path (a prefix matches
	// every path under it).
	Type, Path string
	// Effect says what a change does.
	Effect string
	// Source is where the fact comes from.
	Source string
}

// Effects of a ReplaceFact.
const (
	// EffectReplace: the provider deletes the resource and creates it anew.
	EffectReplace = "forces a replacement"
	// EffectRefused: the cloud refuses the update; the deploy fails half-way.
	EffectRefused = "cannot be changed after creation (the cloud refuses the update)"
)

// ReplaceFacts are the replace-forcing properties of the resources the program makes,
// each checked against the source it names (2026-12-07). An EKS cluster's subnets are
// not among them: since the AWS provider 5.25.0 (under pulumi-aws v6) they update in
// place (hashicorp/terraform-provider-aws CHANGELOG 5.25.0, "Allow
// vpc_config.security_group_ids and vpc_config.subnet_ids to be updated in-place").
var ReplaceFacts = []ReplaceFact{
	{Type: "aws:eks/cluster:Cluster", Path: "kubernetesNetworkConfig.serviceIpv4Cidr", Effect: EffectReplace,
		Source: "AWS CloudFormation, AWS::EKS::Cluster KubernetesNetworkConfig: ServiceIpv4Cidr, Update requires: Replacement (docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-eks-cluster-kubernetesnetworkconfig.html)"},
	{Type: "aws:eks/cluster:Cluster", Path: "kubernetesNetworkConfig.ipFamily", Effect: EffectReplace,
		Source: "AWS CloudFormation, AWS::EKS::Cluster KubernetesNetworkConfig: IpFamily, \"can't change this value once the cluster is created\", Update requires: Replacement"},
	{Type: "azure-native:containerservice:ManagedCluster", Path: "dnsPrefix", Effect: EffectRefused,
		Source: "AKS API (azure-native v2.92.3, ManagedCluster.dnsPrefix): \"This cannot be updated once the Managed Cluster has been created.\""},
	{Type: "alicloud:cs/managedKubernetes:ManagedKubernetes", Path: "serviceCidr", Effect: EffectRefused,
		Source: "pulumi-alicloud v3.10.0, cs.ManagedKubernetes.serviceCidr: \"cannot be modified after creation\""},
	{Type: "alicloud:vpc/switch:Switch", Path: "zoneId", Effect: EffectReplace,
		Source: "terraform-provider-alicloud, alicloud_vswitch: the zone \"Forces new resource\" (aliyun/terraform-provider-alicloud, website/docs/r/vswitch)"},
}

// replaceFacts returns the facts that a change of path on a resource of type typ meets.
func replaceFacts(typ, path string) []ReplaceFact {
	var out []ReplaceFact
	for _, f := range ReplaceFacts {
		if f.Type == typ && (path == f.Path || strings.HasPrefix(path, f.Path+".") || strings.HasPrefix(path, f.Path+"[")) {
			out = append(out, f)
		}
	}
	return out
}
