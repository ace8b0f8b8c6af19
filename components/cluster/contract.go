package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The contract between the cluster layer and the layers above it. A cluster stack
// exports, per cluster, three stack outputs:
//
//   - ExportConnection: a Contract, plain data the stack file decides (cloud, region,
//     tier, node pools, subjects, Karpenter's pools), known in every plan and readable
//     in review;
//   - ExportOutputs: the values the cloud assigns (the cluster's name and identifier,
//     its OIDC issuer, the running version, and what the cloud's attach path needs),
//     keyed by the Output* constants;
//   - ExportKubeconfig: the kubeconfig, a Pulumi secret.
//
// An in-cluster stack reads them through a StackReference, refuses a Contract whose
// Version it does not know, and rebuilds the kubernetes provider with the same
// clusterIdentifier, so a rotated kubeconfig replaces nothing.

// ContractVersion is the version of the Contract shape this program writes and reads.
// A change that an older reader would misread gets a new version.
const ContractVersion = "fleetform.io/connection/v1"

// Keys of the Outputs map every cloud fills; a cloud's attach path may add its own.
const (
	// OutputClusterName is the name the cloud knows the cluster by.
	OutputClusterName = "clusterName"
	// OutputClusterIdentifier is the kubernetes provider's clusterIdentifier (the EKS
	// ARN, the AKS resource ID, the ACK cluster ID, a hash for existing clusters).
	OutputClusterIdentifier = "clusterIdentifier"
	// OutputOIDCIssuer is the service-account token issuer URL ("" where none).
	OutputOIDCIssuer = "oidcIssuer"
	// OutputKubernetesVersion is the version the control plane runs.
	OutputKubernetesVersion = "kubernetesVersion"
)

// ExportPrefix is the prefix of a cluster's stack outputs: clusters.<name>.
func ExportPrefix(name string) string { return "clusters." + name + "." }

// Stack output names of the contract, under ExportPrefix.
const (
	// ExportConnection holds the Contract.
	ExportConnection = "connection"
	// ExportOutputs holds the cloud-assigned values (Output* keys).
	ExportOutputs = "outputs"
	// ExportKubeconfig holds the kubeconfig, a secret.
	ExportKubeconfig = "kubeconfig"
)

// Errors of ParseContract, for errors.Is.
var (
	// ErrContractMissing means the referenced stack exports no connection for the cluster.
	ErrContractMissing = errors.New("the cluster stack exports no connection for this cluster: is it deployed, and is the cluster's name the same in both stack files?")
	// ErrContractVersion means the connection was written by a program whose contract
	// this one does not know.
	ErrContractVersion = errors.New("unknown connection version")
	// ErrContractShape means the connection could not be decoded.
	ErrContractShape = errors.New("malformed connection")
)

// Contract is the plain part of a cluster's connection, as a cluster stack exports it.
type Contract struct {
	// Version is ContractVersion.
	Version string `json:"version"`
	// Name is the cluster's name in the stack files.
	Name string `json:"name"`
	// Cloud is the cloud the cluster runs on.
	Cloud Cloud `json:"cloud"`
	// Region is the cloud region ("" for existing clusters).
	Region string `json:"region,omitempty"`
	// Stack is the cluster stack's name, which cloud names derived per stack include
	// (an attach path names what it makes as the cluster stack would).
	Stack string `json:"stack"`
	// Environment is the tier the cluster serves (dev, prod, ...).
	Environment string `json:"environment"`
	// Federation is the cluster's Prometheus federation role.
	Federation FederationRole `json:"federation"`
	// KubernetesVersion is the version the stack file asks for.
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`
	// StorageClass is the default StorageClass addons put volumes on.
	StorageClass string `json:"storageClass"`
	// NodePools are the cluster's pools: names, labels, taints and the system flag,
	// which the layers above schedule by.
	NodePools []ContractNodePool `json:"nodePools,omitempty"`
	// Subjects are the RBAC subjects each identity group is bound as on this cluster.
	Subjects map[string]Subject `json:"subjects,omitempty"`
	// Admins are the subjects bound to cluster-admin inside the cluster, where the cloud
	// does not map admins itself (ACK); empty elsewhere.
	Admins []Subject `json:"admins,omitempty"`
	// PrivateEndpoint says the API server has no public endpoint: only a runner in the
	// management network or the cluster's own reaches it.
	PrivateEndpoint bool `json:"privateEndpoint,omitempty"`
	// ManagementCIDRs are the management network's ranges the API server admits.
	ManagementCIDRs []string `json:"managementCidrs,omitempty"`
	// Cloud-specific plain facts the cloud's attach path reads (resource group, ...).
	Facts map[string]string `json:"facts,omitempty"`
	// Karpenter is what the Karpenter chart and its NodePools need (EKS with Karpenter
	// pools); its controller's role is in the outputs (OutputKarpenterRole).
	Karpenter *ContractKarpenter `json:"karpenter,omitempty"`
	// VirtualNodes is how pods reach the cluster's virtual nodes and what the cloud
	// refuses there; absent when the cluster has none. Added within v1: a reader that
	// predates it ignores it, and a contract written before it has none.
	VirtualNodes *VirtualNodes `json:"virtualNodes,omitempty"`
}

// ContractNodePool is a node pool as the layers above see it.
type ContractNodePool struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels,omitempty"`
	Taints []Taint           `json:"taints,omitempty"`
	System bool              `json:"system,omitempty"`
}

// ContractKarpenter is the plain part of Karpenter.
type ContractKarpenter struct {
	ClusterName       string              `json:"clusterName"`
	InterruptionQueue string              `json:"interruptionQueue"`
	InstanceProfile   string              `json:"instanceProfile"`
	Pools             []KarpenterNodePool `json:"pools"`
}

// OutputKarpenterRole is the Outputs key of the Karpenter controller's role (EKS).
const OutputKarpenterRole = "karpenterRoleArn"

// ContractOf is the contract of a cluster that stack built, whose defaulted spec is s.
func ContractOf(s Spec, stack string, conn *Connection) Contract {
	c := Contract{
		Version: ContractVersion, Name: s.Name, Cloud: s.Cloud, Stack: stack, Environment: s.Environment, Admins: slices.Clone(conn.Admins),
		Federation: s.Federation, KubernetesVersion: s.KubernetesVersion, StorageClass: conn.StorageClass,
		Subjects: maps.Clone(conn.Subjects), ManagementCIDRs: slices.Clone(conn.ManagementCIDRs), Facts: maps.Clone(conn.Facts),
	}
	if s.Cloud != Existing {
		c.Region = s.Region
	}
	c.PrivateEndpoint = s.PrivateEndpoint()
	for _, np := range s.NodePools {
		c.NodePools = append(c.NodePools, ContractNodePool{Name: np.Name, Labels: maps.Clone(np.Labels), Taints: slices.Clone(np.Taints), System: np.System})
	}
	c.VirtualNodes = conn.VirtualNodes.Clone()
	if k := conn.Karpenter; k != nil {
		c.Karpenter = &ContractKarpenter{ClusterName: k.ClusterName, InterruptionQueue: k.InterruptionQueue, InstanceProfile: k.InstanceProfile, Pools: k.Pools}
	}
	return c
}

// Value is the contract as a stack output value (a map, readable in a plan).
func (c Contract) Value() (pulumi.Map, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encoding connection: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("encoding connection: %w", err)
	}
	return pulumi.ToMap(m), nil
}

// ParseContract decodes a connection read from a stack reference (nil: none) and
// checks its version and that it is the named cluster's.
func ParseContract(name string, v any) (Contract, error) {
	if v == nil {
		return Contract{}, ErrContractMissing
	}
	b, err := json.Marshal(v)
	if err != nil {
		return Contract{}, fmt.Errorf("%w: %v", ErrContractShape, err)
	}
	var head struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return Contract{}, fmt.Errorf("%w: %v", ErrContractShape, err)
	}
	if head.Version != ContractVersion {
		return Contract{}, fmt.Errorf("%w %q (this program reads %q): deploy the cluster stack with this program's version first", ErrContractVersion, head.Version, ContractVersion)
	}
	var c Contract
	if err := json.Unmarshal(b, &c); err != nil {
		return Contract{}, fmt.Errorf("%w: %v", ErrContractShape, err)
	}
	if c.Name != name {
		return Contract{}, fmt.Errorf("%w: it is cluster %q's, not %q's", ErrContractShape, c.Name, name)
	}
	if !slices.Contains(Clouds, c.Cloud) {
		return Contract{}, fmt.Errorf("%w: cloud %q", ErrContractShape, c.Cloud)
	}
	return c, nil
}

// Attached fills an in-cluster stack's entry for a cluster (name and stackReference
// only) from its cluster stack's contract, so the layers above validate and build as
// if the cluster were declared here. The cloud block stays unset: it belongs to the
// cluster stack.
func (s *Spec) Attached(c Contract) {
	s.Cloud, s.Region, s.Environment, s.Federation, s.KubernetesVersion = c.Cloud, c.Region, c.Environment, c.Federation, c.KubernetesVersion
	s.NodePools = nil
	for _, np := range c.NodePools {
		s.NodePools = append(s.NodePools, NodePool{Name: np.Name, Labels: maps.Clone(np.Labels), Taints: slices.Clone(np.Taints), System: np.System})
	}
	s.contract = &c
}

// Contract is the connection an in-cluster stack read for this cluster; nil for a
// cluster the stack builds itself.
func (s Spec) Contract() *Contract { return s.contract }

// Remote says the cluster is built by another stack (clusters[i].stackReference).
func (s Spec) Remote() bool { return s.StackReference != "" }

// FactTags is the Facts key of the cluster stack's resource tags (EncodeTags), which
// an attach path puts on the cloud resources it makes for the cluster.
const FactTags = "tags"

// EncodeTags writes tags as a Facts value (JSON).
func EncodeTags(tags map[string]string) string {
	b, _ := json.Marshal(tags) // a map of strings always encodes
	return string(b)
}

// DecodeTags reads a Facts value EncodeTags wrote; nil when absent or malformed.
func DecodeTags(v string) map[string]string {
	var out map[string]string
	if json.Unmarshal([]byte(v), &out) != nil {
		return nil
	}
	return out
}
