package eks

import "github.com/fleetform/fleetform/components/cluster"

// AddonVersionTable pins the version of each EKS add-on the component installs, per
// Kubernetes minor. EKS installs an add-on's default version when none is given and never
// moves it when the control plane changes minor, so an unpinned kube-proxy or CoreDNS
// stays on the old minor's build after an upgrade with nothing in the plan. Pinned, an
// upgrade of kubernetesVersion changes every add-on's addonVersion in the same diff; EKS
// updates the add-ons after the control plane, since each takes the cluster's name from
// the cluster resource.
type AddonVersionTable struct {
	// Source says where the versions come from.
	Source string
	// Checked is the day the versions were read from the source.
	Checked string
	// Versions are the add-on versions by Kubernetes minor and add-on name.
	Versions map[string]map[string]string
	// Unpinned are add-ons the table leaves to EKS's default version, with why.
	Unpinned map[string]string
}

// AddonVersions is the add-on version table. Update it with the EKS version table
// (components/cluster/versions.go): a test fails when a minor that EKS still runs has no
// pinned version for an add-on.
var AddonVersions = AddonVersionTable{
	Source: "kube-proxy and coredns: AWS EKS user guide, \"Manage kube-proxy in Amazon EKS clusters\" and " +
		"\"Manage CoreDNS for DNS in Amazon EKS clusters\", the tables of the latest add-on version per " +
		"Kubernetes version (docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.md and managing-coredns.md, " +
		"the edition listing 1.36); vpc-cni and aws-ebs-csi-driver: one version for every minor, as AWS recommends " +
		"the latest VPC CNI for all Kubernetes versions: v1.23.0-eksbuild.1 (published as an EKS add-on 2026-07) and " +
		"v1.66.0-eksbuild.1 (the add-on's defaultVersion for 1.36 in 2026-09), read from public infrastructure " +
		"repositories that pin them, since `aws eks describe-addon-versions` needs an account; eks-pod-identity-agent and snapshot-controller: " +
		"one version for every minor, v1.3.10-eksbuild.3 (AWS made v1.3.10 the default in every region in 2025-11, " +
		"aws/containers-roadmap#2684; eksbuild.3 is what public infrastructure repositories pin with the 1.35 and 1.36 " +
		"add-ons above) and v8.5.0-eksbuild.3 (external-snapshotter v8.5, pinned beside the 1.35 add-ons in the same " +
		"repositories)",
	Checked: "2026-12-07",
	Versions: map[string]map[string]string{
		"1.32": {AddonKubeProxy: "v1.32.13-eksbuild.16", AddonCoreDNS: "v1.11.4-eksbuild.40", AddonVPCCNI: vpcCNIVersion, AddonEBSCSI: ebsCSIVersion, AddonPodIdentityAgent: podIdentityAgentVersion, AddonSnapshotController: snapshotControllerVersion},
		"1.33": {AddonKubeProxy: "v1.33.10-eksbuild.13", AddonCoreDNS: "v1.12.4-eksbuild.18", AddonVPCCNI: vpcCNIVersion, AddonEBSCSI: ebsCSIVersion, AddonPodIdentityAgent: podIdentityAgentVersion, AddonSnapshotController: snapshotControllerVersion},
		"1.34": {AddonKubeProxy: "v1.34.6-eksbuild.13", AddonCoreDNS: "v1.13.2-eksbuild.11", AddonVPCCNI: vpcCNIVersion, AddonEBSCSI: ebsCSIVersion, AddonPodIdentityAgent: podIdentityAgentVersion, AddonSnapshotController: snapshotControllerVersion},
		"1.35": {AddonKubeProxy: "v1.35.3-eksbuild.13", AddonCoreDNS: "v1.14.3-eksbuild.3", AddonVPCCNI: vpcCNIVersion, AddonEBSCSI: ebsCSIVersion, AddonPodIdentityAgent: podIdentityAgentVersion, AddonSnapshotController: snapshotControllerVersion},
		"1.36": {AddonKubeProxy: "v1.36.0-eksbuild.14", AddonCoreDNS: "v1.14.3-eksbuild.3", AddonVPCCNI: vpcCNIVersion, AddonEBSCSI: ebsCSIVersion, AddonPodIdentityAgent: podIdentityAgentVersion, AddonSnapshotController: snapshotControllerVersion},
	},
	Unpinned: map[string]string{},
}

// Versions of the add-ons that are the same on every minor.
const (
	vpcCNIVersion             = "v1.23.0-eksbuild.1"
	ebsCSIVersion             = "v1.66.0-eksbuild.1"
	podIdentityAgentVersion   = "v1.3.10-eksbuild.3"
	snapshotControllerVersion = "v8.5.0-eksbuild.3"
)

// AddonVersion is the pinned version of an add-on for a Kubernetes version (MAJOR.MINOR,
// or longer); "" when the table pins none, and EKS installs its default.
func AddonVersion(addon, kubernetesVersion string) string {
	return AddonVersions.Versions[cluster.MinorOf(kubernetesVersion)][addon]
}
