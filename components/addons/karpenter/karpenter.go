package karpenter

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/helmrelease"
)

// TypeToken is the Pulumi type of the Karpenter component.
const TypeToken = "platform:addons:Karpenter"

// Names and API versions others rely on.
const (
	// Namespace and ServiceAccount are where the controller runs, which the EKS
	// component's IRSA role trusts.
	Namespace      = cluster.KarpenterNamespace
	ServiceAccount = cluster.KarpenterServiceAccount
	// ReleaseName is the Helm release name; the chart names its Deployment and metrics
	// Service after it.
	ReleaseName = "karpenter"
	// NodePoolAPIVersion and NodeClassAPIVersion are the Karpenter v1 APIs the chart's
	// CRDs serve.
	NodePoolAPIVersion  = "karpenter.sh/v1"
	NodeClassAPIVersion = "karpenter.k8s.aws/v1"
	// NodeClassGroup is the EC2NodeClass API group a NodePool's nodeClassRef names.
	NodeClassGroup = "karpenter.k8s.aws"
	// MetricsPort is the chart's metrics Service port name.
	MetricsPort = "http-metrics"
)

// Node settings that are not in the spec, with why.
const (
	// RootVolumeType is gp3, as the managed node groups' and the gp3 StorageClass's.
	RootVolumeType = "gp3"
	// MetadataHopLimit 1 with IMDSv2 required keeps pods (one network hop further) from
	// the node role's credentials; they use their own IRSA roles.
	MetadataHopLimit = 1
)

// Args configure Karpenter on one EKS cluster.
type Args struct {
	// Namespace is the namespace to install into (the object's name, so installs wait for it).
	Namespace pulumi.StringInput
	// Karpenter is what the EKS component made for it.
	Karpenter *cluster.Karpenter
	// Replicas is the controller's replica count (one leads, the others stand by).
	Replicas int
	// CPU and Memory are the controller's requests, and its limits too (Guaranteed QoS:
	// the controller that adds nodes is the last pod to evict).
	CPU, Memory string
	// Monitoring has Prometheus scrape the controller; MonitoringReady is the install of
	// the ServiceMonitor CRD.
	Monitoring      bool
	MonitoringReady pulumi.Resource
	// Chart is the stack's chart override.
	Chart helmrelease.Override
}

// Karpenter is the controller install and its NodePools.
type Karpenter struct {
	pulumi.ResourceState

	// Release registers the NodePool and EC2NodeClass CRDs (the chart's crds/).
	Release pulumi.Resource
	// NodePools are the NodePool names, one per Karpenter pool.
	NodePools pulumi.StringArrayOutput `pulumi:"nodePools"`
}

// Messages of the errors New returns for incomplete Args.
const (
	// MsgClusterRequired is the error for Args without a namespace or the cluster's Karpenter resources.
	MsgClusterRequired = "a namespace and the cluster's Karpenter resources are required"
	// MsgSizeRequired is the error for Args without replicas, cpu or memory.
	MsgSizeRequired = "replicas, cpu and memory are required"
)

// New installs the controller and one EC2NodeClass and NodePool per pool. Both wait for
// the chart (their CRDs, and the controller whose finalizers drain the nodes on
// delete); the EC2NodeClass also for what nodes need to join, so on destroy those go
// only once its nodes are gone (its finalizer waits for them). A NodePool does not wait
// for its EC2NodeClass: Karpenter reconciles them in either order, and the graph stays
// a step shorter.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Karpenter, error) {
	if args == nil || args.Namespace == nil || args.Karpenter == nil {
		return nil, fmt.Errorf("karpenter %q: %s", name, MsgClusterRequired)
	}
	k := args.Karpenter
	if args.Replicas < 1 || args.CPU == "" || args.Memory == "" {
		return nil, fmt.Errorf("karpenter %q: %s", name, MsgSizeRequired)
	}
	c := &Karpenter{}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering component: %w", err)
	}
	annotations := pulumi.StringMapInput(pulumi.StringMap{})
	if k.Identity.Annotations != (pulumi.StringMapOutput{}) {
		annotations = k.Identity.Annotations
	}
	sa, err := corev1.NewServiceAccount(ctx, name+"-sa", &corev1.ServiceAccountArgs{
		Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(ServiceAccount), Namespace: args.Namespace, Annotations: annotations},
	}, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("service account: %w", err)
	}
	rel, err := helmrelease.New(ctx, name+"-release", &helmrelease.Args{
		Pin: helmrelease.Karpenter, Override: args.Chart, ReleaseName: ReleaseName, Namespace: args.Namespace,
		Values: Values(k, args.Replicas, args.CPU, args.Memory),
	}, pulumi.Parent(c), pulumi.DependsOn(append([]pulumi.Resource{sa}, k.ControllerReady...)))
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	c.Release = rel
	names := make([]string, 0, len(k.Pools))
	for _, p := range k.Pools {
		if _, err := apiextensions.NewCustomResource(ctx, name+"-nodeclass-"+p.Name, &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String(NodeClassAPIVersion),
			Kind:        pulumi.String("EC2NodeClass"),
			Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String(p.Name), Labels: managedBy()},
			OtherFields: kubernetes.UntypedArgs{"spec": NodeClassSpec(k, p)},
		}, pulumi.Parent(c), pulumi.DependsOn(append([]pulumi.Resource{rel}, k.NodesReady...))); err != nil {
			return nil, fmt.Errorf("nodeclass: %w", err)
		}
		if _, err := apiextensions.NewCustomResource(ctx, name+"-nodepool-"+p.Name, &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String(NodePoolAPIVersion),
			Kind:        pulumi.String("NodePool"),
			Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String(p.Name), Labels: managedBy()},
			OtherFields: kubernetes.UntypedArgs{"spec": NodePoolSpec(p)},
		}, pulumi.Parent(c), pulumi.DependsOn([]pulumi.Resource{rel})); err != nil {
			return nil, fmt.Errorf("nodepool: %w", err)
		}
		names = append(names, p.Name)
	}
	if args.Monitoring {
		if _, err := helmrelease.NewServiceMonitor(ctx, name+"-servicemonitor", helmrelease.ServiceMonitor{
			Name: ReleaseName, Namespace: args.Namespace, MonitoringReady: args.MonitoringReady, Port: MetricsPort,
			Selector: map[string]any{"app.kubernetes.io/name": ReleaseName, "app.kubernetes.io/instance": ReleaseName},
		}, pulumi.Parent(c)); err != nil {
			return nil, fmt.Errorf("servicemonitor: %w", err)
		}
	}
	c.NodePools = pulumi.ToStringArray(names).ToStringArrayOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"nodePools": c.NodePools}); err != nil {
		return nil, fmt.Errorf("registering outputs: %w", err)
	}
	return c, nil
}

func managedBy() pulumi.StringMap {
	return pulumi.StringMap{cluster.TagManagedBy: pulumi.String(cluster.ManagedByValue)}
}

// Values are the karpenter chart's typed values: the cluster and queue names, the
// program's service account (annotated with the IRSA role before the pods start), the
// replica count and the controller's resources. The chart's own scheduling is kept: a
// required affinity away from nodes Karpenter launched (karpenter.sh/nodepool
// DoesNotExist), so the controller runs on the managed node groups, and a toleration
// of CriticalAddonsOnly for a tainted system pool.
func Values(k *cluster.Karpenter, replicas int, cpu, memory string) map[string]any {
	res := map[string]any{"cpu": cpu, "memory": memory}
	return map[string]any{
		"serviceAccount": map[string]any{"create": false, "name": ServiceAccount},
		"settings": map[string]any{
			"clusterName":       k.ClusterName,
			"interruptionQueue": k.InterruptionQueue,
		},
		"replicas": replicas,
		"controller": map[string]any{
			"resources": map[string]any{"requests": res, "limits": res},
		},
	}
}

// NodeClassSpec is a pool's EC2NodeClass: the program's instance profile, the AL2023
// AMI alias, the subnets and security group carrying the cluster's discovery tag, an
// encrypted gp3 root volume of the pool's disk size, IMDSv2 with one hop, the pool's
// maxPods (with prefix delegation) and the cluster's tags.
func NodeClassSpec(k *cluster.Karpenter, p cluster.KarpenterNodePool) map[string]any {
	discovery := []any{map[string]any{"tags": map[string]any{cluster.TagKarpenterDiscovery: k.ClusterName}}}
	tags := map[string]any{}
	for key, v := range p.Tags {
		tags[key] = v
	}
	spec := map[string]any{
		"instanceProfile":            k.InstanceProfile,
		"amiSelectorTerms":           []any{map[string]any{"alias": p.AMIAlias}},
		"subnetSelectorTerms":        discovery,
		"securityGroupSelectorTerms": discovery,
		"blockDeviceMappings": []any{map[string]any{
			"deviceName": cluster.KarpenterRootDevice,
			"rootVolume": true,
			"ebs": map[string]any{
				"volumeSize":          fmt.Sprintf("%dGi", p.DiskSizeGB),
				"volumeType":          RootVolumeType,
				"encrypted":           true,
				"deleteOnTermination": true,
			},
		}},
		"metadataOptions": map[string]any{
			"httpEndpoint":            "enabled",
			"httpTokens":              "required",
			"httpPutResponseHopLimit": MetadataHopLimit,
		},
		"tags": tags,
	}
	if p.MaxPods > 0 {
		spec["kubelet"] = map[string]any{"maxPods": p.MaxPods}
	}
	return spec
}

// NodePoolSpec is a pool's NodePool: its requirements, labels and taints, its
// EC2NodeClass, the node limit from the pool's maxSize, expiry, and the consolidation
// policy with one disruption budget.
func NodePoolSpec(p cluster.KarpenterNodePool) map[string]any {
	reqs := make([]any, 0, len(p.Requirements))
	for _, r := range p.Requirements {
		values := make([]any, len(r.Values))
		for i, v := range r.Values {
			values[i] = v
		}
		reqs = append(reqs, map[string]any{"key": r.Key, "operator": r.Operator, "values": values})
	}
	tspec := map[string]any{
		"nodeClassRef": map[string]any{"group": NodeClassGroup, "kind": "EC2NodeClass", "name": p.Name},
		"requirements": reqs,
		"expireAfter":  p.ExpireAfter,
	}
	if len(p.Taints) > 0 {
		taints := make([]any, 0, len(p.Taints))
		for _, t := range p.Taints {
			taint := map[string]any{"key": t.Key, "effect": t.Effect}
			if t.Value != "" {
				taint["value"] = t.Value
			}
			taints = append(taints, taint)
		}
		tspec["taints"] = taints
	}
	template := map[string]any{"spec": tspec}
	if labels := helmrelease.StringValues(p.Labels); labels != nil {
		template["metadata"] = map[string]any{"labels": labels}
	}
	return map[string]any{
		"template": template,
		"limits":   map[string]any{"nodes": p.MaxNodes},
		"disruption": map[string]any{
			"consolidationPolicy": p.ConsolidationPolicy,
			"consolidateAfter":    p.ConsolidateAfter,
			"budgets":             []any{map[string]any{"nodes": p.DisruptionBudget}},
		},
	}
}
