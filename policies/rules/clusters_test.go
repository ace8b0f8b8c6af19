package rules

import "testing"

func eks(name, inputs string) Resource { return res(TypeEKSCluster, name, inputs) }

const eksGood = `{"tags": {"fleetform:environment": "prod"},
  "vpcConfig": {"endpointPrivateAccess": true, "endpointPublicAccess": false, "subnetIds": ["[unknown]"]},
  "encryptionConfig": {"resources": ["secrets"], "provider": {"keyArn": "[unknown]"}},
  "enabledClusterLogTypes": ["api", "audit", "authenticator", "controllerManager", "scheduler"]}`

func subnet(name string, public bool, tag string) Resource {
	pub := "false"
	if public {
		pub = "true"
	}
	return res(TypeSubnet, name, `{"mapPublicIpOnLaunch": `+pub+`, "tags": {"`+tag+`": "1"}}`)
}

func nodeGroup(name string, deps ...Resource) Resource {
	r := res(TypeEKSNodeGroup, name, `{"subnetIds": ["[unknown]", "[unknown]"]}`)
	for _, d := range deps {
		r.Dependencies = append(r.Dependencies, d.URN)
	}
	return r
}

func aks(inputs string) Resource { return res(TypeAKSCluster, "aks", inputs) }
func ack(inputs string) Resource { return res(TypeACKCluster, "ack", inputs) }

var clusterCases = record([]ruleCase{
	// EKS001
	{name: "private endpoint", rule: IDEKSEndpoint, resources: []Resource{eks("c", eksGood)}},
	{name: "public with allow-list", rule: IDEKSEndpoint, resources: []Resource{eks("c",
		`{"tags": {"fleetform:environment": "prod"}, "vpcConfig": {"endpointPublicAccess": true, "publicAccessCidrs": ["203.0.113.0/24"]}}`)}},
	{name: "prod public endpoint without allow-list", rule: IDEKSEndpoint, resources: []Resource{eks("c",
		`{"tags": {"fleetform:environment": "prod"}, "vpcConfig": {"endpointPrivateAccess": true, "endpointPublicAccess": true}}`)},
		want: []string{at(eks("c", ""), "vpcConfig.publicAccessCidrs")}},
	{name: "public access unset means public", rule: IDEKSEndpoint, resources: []Resource{eks("c", `{"tags": {"fleetform:environment": "prod"}}`)},
		want: []string{at(eks("c", ""), "vpcConfig.publicAccessCidrs")}},
	{name: "allow-list of the world", rule: IDEKSEndpoint, resources: []Resource{eks("c",
		`{"tags": {"fleetform:environment": "prod"}, "vpcConfig": {"publicAccessCidrs": ["0.0.0.0/0"]}}`)},
		want: []string{at(eks("c", ""), "vpcConfig.publicAccessCidrs")}},
	{name: "dev-tagged cluster in a prod stack", rule: IDEKSEndpoint, resources: []Resource{eks("c", `{"tags": {"fleetform:environment": "dev"}}`)}},
	{name: "untagged cluster in a dev stack", rule: IDEKSEndpoint, stack: "dev", resources: []Resource{eks("c", `{}`)}},
	// EKS002
	{name: "secrets encrypted", rule: IDEKSEncryption, resources: []Resource{eks("c", eksGood)}},
	{name: "no encryption config", rule: IDEKSEncryption, resources: []Resource{eks("c", `{}`)},
		want: []string{at(eks("c", ""), "encryptionConfig.resources")}},
	{name: "key ARN unknown offline, KMS key among dependencies", rule: IDEKSEncryption, resources: []Resource{func() Resource {
		r := eks("c", `{"encryptionConfig": {"resources": ["secrets"], "provider": {}}}`)
		r.Dependencies = []string{"urn:pulumi:prod::fleetform::platform:cluster:EKS$aws:kms/key:Key::c-secrets"}
		return r
	}()}},
	{name: "encryption without key", rule: IDEKSEncryption, resources: []Resource{eks("c", `{"encryptionConfig": {"resources": ["secrets"], "provider": {}}}`)},
		want: []string{at(eks("c", ""), "encryptionConfig.provider.keyArn")}},
	// EKS003
	{name: "all log types", rule: IDEKSLogs, resources: []Resource{eks("c", eksGood)}},
	{name: "audit log off", rule: IDEKSLogs, resources: []Resource{eks("c", `{"enabledClusterLogTypes": ["api", "authenticator"]}`)},
		want: []string{at(eks("c", ""), "enabledClusterLogTypes")}},
	// EKS004
	{name: "node group in private subnets", rule: IDEKSPrivateNodes, resources: []Resource{
		subnet("private-a", false, "kubernetes.io/role/internal-elb"), subnet("private-b", false, "kubernetes.io/role/internal-elb"),
		nodeGroup("apps", subnet("private-a", false, ""), subnet("private-b", false, ""))}},
	{name: "property dependencies win over dependencies", rule: IDEKSPrivateNodes, resources: func() []Resource {
		ng := nodeGroup("apps", subnet("public-a", true, TagPublicELB))
		ng.PropertyDependencies = map[string][]string{"subnetIds": {subnet("private-a", false, "").URN}}
		return []Resource{subnet("private-a", false, "kubernetes.io/role/internal-elb"), subnet("public-a", true, TagPublicELB), ng}
	}()},
	{name: "node group in a public subnet", rule: IDEKSPrivateNodes, resources: []Resource{
		subnet("private-a", false, "kubernetes.io/role/internal-elb"), subnet("public-a", true, TagPublicELB),
		nodeGroup("apps", subnet("private-a", false, ""), subnet("public-a", true, ""))},
		want: []string{at(nodeGroup("apps"), "subnetIds")}},
	{name: "subnet tagged for public load balancers", rule: IDEKSPrivateNodes, resources: []Resource{
		subnet("edge", false, TagPublicELB), nodeGroup("apps", subnet("edge", false, ""))},
		want: []string{at(nodeGroup("apps"), "subnetIds")}},
	{name: "subnets not in the stack", rule: IDEKSPrivateNodes, resources: []Resource{nodeGroup("apps")},
		want: []string{at(nodeGroup("apps"), "subnetIds")}},
	// AKS001
	{name: "azure CNI with cilium", rule: IDAKSNetwork, resources: []Resource{aks(`{"networkProfile": {"networkPlugin": "azure", "networkPolicy": "cilium", "networkDataplane": "cilium"}}`)}},
	{name: "kubenet without policy", rule: IDAKSNetwork, resources: []Resource{aks(`{"networkProfile": {"networkPlugin": "kubenet"}}`)},
		want: []string{at(aks(""), "networkProfile.networkPlugin"), at(aks(""), "networkProfile.networkPolicy")}},
	// AKS002
	{name: "RBAC on", rule: IDAKSRBAC, resources: []Resource{aks(`{"enableRBAC": true}`)}},
	{name: "RBAC unset", rule: IDAKSRBAC, resources: []Resource{aks(`{}`)}, want: []string{at(aks(""), "enableRBAC")}},
	// AKS003
	{name: "prod without local accounts", rule: IDAKSLocalAccounts, resources: []Resource{aks(`{"tags": {"fleetform:environment": "prod"}, "disableLocalAccounts": true}`)}},
	{name: "dev keeps local accounts", rule: IDAKSLocalAccounts, resources: []Resource{aks(`{"tags": {"fleetform:environment": "dev"}}`)}},
	{name: "prod keeps local accounts", rule: IDAKSLocalAccounts, resources: []Resource{aks(`{"tags": {"fleetform:environment": "prod"}, "disableLocalAccounts": false}`)},
		want: []string{at(aks(""), "disableLocalAccounts")}},
	// AKS004
	{name: "prod private cluster", rule: IDAKSPublicAPI, resources: []Resource{aks(`{"tags": {"fleetform:environment": "prod"}, "apiServerAccessProfile": {"enablePrivateCluster": true}}`)}},
	{name: "prod authorized ranges", rule: IDAKSPublicAPI, resources: []Resource{aks(`{"tags": {"fleetform:environment": "prod"}, "apiServerAccessProfile": {"authorizedIPRanges": ["198.51.100.0/24"]}}`)}},
	{name: "prod public API server with no profile", rule: IDAKSPublicAPI, resources: []Resource{aks(`{"tags": {"fleetform:environment": "prod"}}`)},
		want: []string{at(aks(""), "apiServerAccessProfile.authorizedIPRanges")}},
	{name: "prod authorized ranges of the world", rule: IDAKSPublicAPI, resources: []Resource{aks(`{"tags": {"fleetform:environment": "prod"}, "apiServerAccessProfile": {"authorizedIPRanges": ["10.0.0.0/8", "0.0.0.0/0"]}}`)},
		want: []string{at(aks(""), "apiServerAccessProfile.authorizedIPRanges")}},
	{name: "dev public API server", rule: IDAKSPublicAPI, resources: []Resource{aks(`{"tags": {"fleetform:environment": "dev"}}`)}},
	// ACK001
	{name: "terway add-on", rule: IDACKTerway, resources: []Resource{ack(`{"addons": [{"name": "terway-eniip", "config": ""}, {"name": "csi-plugin"}]}`)}},
	{name: "flannel, no terway", rule: IDACKTerway, resources: []Resource{ack(`{"addons": [{"name": "flannel"}]}`)}, want: []string{at(ack(""), "addons")}},
	{name: "terway disabled", rule: IDACKTerway, resources: []Resource{ack(`{"addons": [{"name": "terway-eniip", "disabled": true}]}`)}, want: []string{at(ack(""), "addons")}},
	// ACK002
	{name: "prod protected", rule: IDACKDeletionProtection, resources: []Resource{ack(`{"tags": {"fleetform:environment": "prod"}, "deletionProtection": true}`)}},
	{name: "prod unprotected", rule: IDACKDeletionProtection, resources: []Resource{ack(`{"tags": {"fleetform:environment": "prod"}}`)}, want: []string{at(ack(""), "deletionProtection")}},
	{name: "dev unprotected", rule: IDACKDeletionProtection, stack: "dev", resources: []Resource{ack(`{}`)}},
	// ACK003
	{name: "prod intranet API server", rule: IDACKPublicAPI, resources: []Resource{ack(`{"tags": {"fleetform:environment": "prod"}, "slbInternetEnabled": false}`)}},
	{name: "prod internet API server", rule: IDACKPublicAPI, resources: []Resource{ack(`{"tags": {"fleetform:environment": "prod"}, "slbInternetEnabled": true}`)},
		want: []string{at(ack(""), "slbInternetEnabled")}},
	{name: "prod API server unset means internet", rule: IDACKPublicAPI, resources: []Resource{ack(`{"tags": {"fleetform:environment": "prod"}}`)},
		want: []string{at(ack(""), "slbInternetEnabled")}},
	{name: "dev internet API server", rule: IDACKPublicAPI, stack: "dev", resources: []Resource{ack(`{"slbInternetEnabled": true}`)}},
})

func TestClusterRules(t *testing.T) { runCases(t, clusterCases) }
