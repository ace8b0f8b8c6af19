package rules

import (
	"strings"
)

// Rule IDs of the managed cluster rules.
const (
	IDEKSEndpoint           = "EKS001"
	IDEKSEncryption         = "EKS002"
	IDEKSLogs               = "EKS003"
	IDEKSPrivateNodes       = "EKS004"
	IDAKSNetwork            = "AKS001"
	IDAKSRBAC               = "AKS002"
	IDAKSLocalAccounts      = "AKS003"
	IDAKSPublicAPI          = "AKS004"
	IDACKTerway             = "ACK001"
	IDACKDeletionProtection = "ACK002"
	IDACKPublicAPI          = "ACK003"
)

// TagPublicELB marks subnets for internet-facing load balancers; node groups must not use them.
const TagPublicELB = "kubernetes.io/role/elb"

// AKSNetworkPolicies are the network policy engines AKS enforces NetworkPolicy with.
var AKSNetworkPolicies = []string{"azure", "calico", "cilium"}

func init() {
	register(
		&Rule{
			ID:          IDEKSEndpoint,
			Description: "In prod, the EKS API endpoint is private, or public only to a CIDR allow-list.",
			Level:       Mandatory,
			Remediation: "Set aws.endpointAccess: private, or publicWithAllowList with aws.publicAccessCidrs (never 0.0.0.0/0), in the cluster's stack config.",
			Types:       []string{TypeEKSCluster},
			Resource:    checkEKSEndpoint,
		},
		&Rule{
			ID:          IDEKSEncryption,
			Description: "EKS clusters encrypt Kubernetes secrets with a KMS key.",
			Level:       Mandatory,
			Remediation: "Set encryptionConfig with resources [secrets] and a KMS key ARN on the EKS cluster.",
			Types:       []string{TypeEKSCluster},
			Resource:    checkEKSEncryption,
		},
		&Rule{
			ID:          IDEKSLogs,
			Description: "EKS clusters send the required control-plane logs (settings.eksRequiredLogTypes).",
			Level:       Mandatory,
			Remediation: "Add the missing types to the cluster's enabledClusterLogTypes (api, audit, authenticator at least).",
			Types:       []string{TypeEKSCluster},
			Resource:    checkEKSLogs,
		},
		&Rule{
			ID:          IDEKSPrivateNodes,
			Description: "EKS node groups run in private subnets of the stack.",
			Level:       Mandatory,
			Remediation: "Give node groups the private subnets (mapPublicIpOnLaunch false, tagged kubernetes.io/role/internal-elb), never the public ones.",
			Stack:       checkEKSPrivateNodes,
		},
		&Rule{
			ID:          IDAKSNetwork,
			Description: "AKS clusters use the azure network plugin with a network policy engine.",
			Level:       Mandatory,
			Remediation: "Set networkProfile.networkPlugin: azure and networkProfile.networkPolicy: azure, calico or cilium (azure.networkPolicy in the stack config).",
			Types:       []string{TypeAKSCluster},
			Resource:    checkAKSNetwork,
		},
		&Rule{
			ID:          IDAKSRBAC,
			Description: "AKS clusters enable Kubernetes RBAC explicitly.",
			Level:       Mandatory,
			Remediation: "Set enableRBAC: true on the managed cluster.",
			Types:       []string{TypeAKSCluster},
			Resource:    checkAKSRBAC,
		},
		&Rule{
			ID:          IDAKSLocalAccounts,
			Description: "In prod, AKS clusters disable local accounts (Entra ID only).",
			Level:       Mandatory,
			Remediation: "Set disableLocalAccounts: true with an aadProfile (azure.aadRbac and adminGroupObjectIds in the stack config).",
			Types:       []string{TypeAKSCluster},
			Resource:    checkAKSLocalAccounts,
		},
		&Rule{
			ID:          IDAKSPublicAPI,
			Description: "In prod, the AKS API server is private, or public only to authorized IP ranges.",
			Level:       Mandatory,
			Remediation: "Set azure.endpointAccess: private (a private cluster), or publicWithAllowList with azure.publicAccessCidrs (never 0.0.0.0/0), in the cluster's stack config.",
			Types:       []string{TypeAKSCluster},
			Resource:    checkAKSPublicAPI,
		},
		&Rule{
			ID:          IDACKTerway,
			Description: "ACK clusters run the Terway CNI add-on (VPC-native pod networking).",
			Level:       Mandatory,
			Remediation: "Add the terway-eniip add-on to the managed cluster's addons (and pod vSwitches).",
			Types:       []string{TypeACKCluster},
			Resource:    checkACKTerway,
		},
		&Rule{
			ID:          IDACKDeletionProtection,
			Description: "In prod, ACK clusters have deletion protection on.",
			Level:       Mandatory,
			Remediation: "Set alicloud.deletionProtection: true (deletionProtection on the managed cluster).",
			Types:       []string{TypeACKCluster},
			Resource:    checkACKDeletionProtection,
		},
		&Rule{
			ID:          IDACKPublicAPI,
			Description: "In prod, the ACK API server has no internet load balancer (the managed cluster takes no allow-list at provider v3.105.0, registered by type token).",
			Level:       Mandatory,
			Remediation: "Set alicloud.publicApiServer: false (slbInternetEnabled false on the managed cluster) and deploy from a runner inside the VPC.",
			Types:       []string{TypeACKCluster},
			Resource:    checkACKPublicAPI,
		},
	)
}

func checkEKSEndpoint(env *Env, r Resource) []Violation {
	if !env.isProdResource(r) {
		return nil
	}
	vpc := getMap(r.Inputs, "vpcConfig")
	// EKS defaults the public endpoint to on, open to 0.0.0.0/0.
	public, set := getBool(vpc, "endpointPublicAccess")
	if set && !public {
		return nil
	}
	if hidden(get(vpc, "publicAccessCidrs")) {
		return nil
	}
	cidrs := stringList(get(vpc, "publicAccessCidrs"))
	if len(cidrs) == 0 {
		return []Violation{violation(r, "vpcConfig.publicAccessCidrs", "prod cluster has a public API endpoint with no CIDR allow-list (EKS opens it to 0.0.0.0/0)")}
	}
	for _, c := range cidrs {
		if c == "0.0.0.0/0" || c == "::/0" {
			return []Violation{violation(r, "vpcConfig.publicAccessCidrs", "prod cluster's public API endpoint is open to %s", c)}
		}
	}
	return nil
}

func checkEKSEncryption(env *Env, r Resource) []Violation {
	enc := r.Inputs["encryptionConfig"]
	if hidden(enc) {
		return nil
	}
	em, _ := enc.(map[string]any)
	if !hasString(stringList(em["resources"]), "secrets") {
		return []Violation{violation(r, "encryptionConfig.resources", "secrets are not envelope-encrypted (encryptionConfig.resources lacks secrets)")}
	}
	// The key's ARN is unknown before deploy and the offline plan drops unknown
	// fields nested in objects, so a KMS key among the dependencies counts too.
	if key := get(em, "provider", "keyArn"); (key == nil || key == "") && !dependsOnType(r, TypeKMSKey) {
		return []Violation{violation(r, "encryptionConfig.provider.keyArn", "secrets encryption names no KMS key")}
	}
	return nil
}

// dependsOnType reports whether a resource depends on a resource of the type,
// judged from the type token its dependency URNs carry.
func dependsOnType(r Resource, typ string) bool {
	for _, d := range r.Dependencies {
		if TypeOfURN(d) == typ {
			return true
		}
	}
	return false
}

// TypeOfURN returns the type token a URN carries, without its parents' types.
func TypeOfURN(urn string) string {
	parts := strings.Split(urn, "::")
	if len(parts) < 4 {
		return ""
	}
	t := parts[len(parts)-2]
	if i := strings.LastIndex(t, "$"); i >= 0 {
		t = t[i+1:]
	}
	return t
}

func checkEKSLogs(env *Env, r Resource) []Violation {
	if hidden(r.Inputs["enabledClusterLogTypes"]) {
		return nil
	}
	have := stringList(r.Inputs["enabledClusterLogTypes"])
	var missing []string
	for _, t := range env.Settings.EKSRequiredLogTypes {
		if !hasString(have, t) {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return []Violation{violation(r, "enabledClusterLogTypes", "control-plane logs %s are off", strings.Join(missing, ", "))}
	}
	return nil
}

// subnetsOf returns the Subnet resources a node group's subnetIds come from. Under
// the offline plan subnet IDs are unknown, so the subnets are found through the
// node group's dependencies: its property dependencies on subnetIds where known,
// else all its dependencies.
func subnetsOf(ng Resource, byURN map[string]Resource) []Resource {
	deps := ng.PropertyDependencies["subnetIds"]
	if len(deps) == 0 {
		deps = ng.Dependencies
	}
	var out []Resource
	for _, d := range deps {
		if s, ok := byURN[d]; ok && s.Type == TypeSubnet {
			out = append(out, s)
		}
	}
	return out
}

// indexByURN maps each resource of a stack by its URN.
func indexByURN(rs []Resource) map[string]Resource {
	out := make(map[string]Resource, len(rs))
	for _, r := range rs {
		out[r.URN] = r
	}
	return out
}

func checkEKSPrivateNodes(env *Env, rs []Resource) []Violation {
	byURN := indexByURN(rs)
	var out []Violation
	for _, ng := range rs {
		if ng.Type != TypeEKSNodeGroup {
			continue
		}
		subnets := subnetsOf(ng, byURN)
		if len(subnets) == 0 {
			out = append(out, violation(ng, "subnetIds", "node group's subnets are not subnets of this stack, so they cannot be shown to be private"))
			continue
		}
		for _, s := range subnets {
			tags := stringMap(s.Inputs["tags"])
			switch {
			case isTrue(s.Inputs, "mapPublicIpOnLaunch"):
				out = append(out, violation(ng, "subnetIds", "node group uses subnet %s, which gives instances public IPs (mapPublicIpOnLaunch)", s.Name))
			case tags[TagPublicELB] != "":
				out = append(out, violation(ng, "subnetIds", "node group uses subnet %s, which is tagged %s (a public subnet)", s.Name, TagPublicELB))
			}
		}
	}
	return out
}

func checkAKSNetwork(env *Env, r Resource) []Violation {
	np := r.Inputs["networkProfile"]
	if hidden(np) {
		return nil
	}
	npm, _ := np.(map[string]any)
	var out []Violation
	if plugin := getString(npm, "networkPlugin"); plugin != "azure" {
		out = append(out, violation(r, "networkProfile.networkPlugin", "network plugin is %q, want azure (Azure CNI)", plugin))
	}
	if policy := getString(npm, "networkPolicy"); !hasString(AKSNetworkPolicies, policy) {
		out = append(out, violation(r, "networkProfile.networkPolicy", "network policy engine is %q, want one of %s", policy, strings.Join(AKSNetworkPolicies, ", ")))
	}
	return out
}

func checkAKSRBAC(env *Env, r Resource) []Violation {
	if hidden(r.Inputs["enableRBAC"]) || isTrue(r.Inputs, "enableRBAC") {
		return nil
	}
	return []Violation{violation(r, "enableRBAC", "Kubernetes RBAC is not enabled explicitly")}
}

func checkAKSLocalAccounts(env *Env, r Resource) []Violation {
	if !env.isProdResource(r) || hidden(r.Inputs["disableLocalAccounts"]) || isTrue(r.Inputs, "disableLocalAccounts") {
		return nil
	}
	return []Violation{violation(r, "disableLocalAccounts", "prod cluster keeps local accounts (a static admin credential)")}
}

func checkACKTerway(env *Env, r Resource) []Violation {
	addons := r.Inputs["addons"]
	if hidden(addons) {
		return nil
	}
	for _, a := range getList(r.Inputs, "addons") {
		am, _ := a.(map[string]any)
		if strings.HasPrefix(getString(am, "name"), "terway-eni") && !isTrue(am, "disabled") {
			return nil
		}
	}
	return []Violation{violation(r, "addons", "no enabled Terway add-on (terway-eniip or terway-eni)")}
}

func checkACKDeletionProtection(env *Env, r Resource) []Violation {
	if !env.isProdResource(r) || hidden(r.Inputs["deletionProtection"]) || isTrue(r.Inputs, "deletionProtection") {
		return nil
	}
	return []Violation{violation(r, "deletionProtection", "prod cluster can be deleted (deletionProtection is off)")}
}

// openToAll reports whether an allow-list lets the whole internet in.
func openToAll(cidrs []string) bool {
	for _, c := range cidrs {
		if c == "0.0.0.0/0" || c == "::/0" {
			return true
		}
	}
	return false
}

func checkAKSPublicAPI(env *Env, r Resource) []Violation {
	if !env.isProdResource(r) {
		return nil
	}
	profile := r.Inputs["apiServerAccessProfile"]
	if hidden(profile) {
		return nil
	}
	pm, _ := profile.(map[string]any)
	if isTrue(pm, "enablePrivateCluster") {
		return nil
	}
	ranges := get(pm, "authorizedIPRanges")
	if hidden(ranges) {
		return nil
	}
	switch cidrs := stringList(ranges); {
	case len(cidrs) == 0:
		return []Violation{violation(r, "apiServerAccessProfile.authorizedIPRanges", "prod cluster has a public API server with no authorized IP ranges (AKS opens it to the internet)")}
	case openToAll(cidrs):
		return []Violation{violation(r, "apiServerAccessProfile.authorizedIPRanges", "prod cluster's authorized IP ranges include the whole internet")}
	}
	return nil
}

func checkACKPublicAPI(env *Env, r Resource) []Violation {
	if !env.isProdResource(r) || hidden(r.Inputs["slbInternetEnabled"]) {
		return nil
	}
	// The provider creates the internet SLB when the field is unset.
	if public, set := getBool(r.Inputs, "slbInternetEnabled"); set && !public {
		return nil
	}
	return []Violation{violation(r, "slbInternetEnabled", "prod cluster's API server has an internet load balancer with no allow-list")}
}
