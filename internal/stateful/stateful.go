package stateful

import "strings"

// TypeHelmRelease is a helm/v3.Release: stateful only when its chart owns volumes.
const TypeHelmRelease = "kubernetes:helm.sh/v3:Release"

// TypeDestroyGuard is the stack's destroy guard (program/protect.go): a component
// with no object that depends on every resource of its stack, so that a `pulumi
// destroy` must delete it first and, protected, deletes nothing.
const TypeDestroyGuard = "platform:stack:DestroyGuard"

// DestroyGuardName is the destroy guard's resource name, one per stack.
const DestroyGuardName = "destroy-guard"

// Types maps each stateful or foundational type token the program makes to what is
// lost with it. Tokens checked against the pinned SDKs (pulumi-aws v6.83.4,
// pulumi-azure-native v2.92.3, pulumi-alicloud v3.10.0, whose tokens the alicloud
// plugin v3.105.0 that ACK runs on keeps). Node pools are not listed:
// replacing one moves its pods to the new nodes and loses no data (the AKS system
// pool is part of its ManagedCluster and protected with it).
var Types = map[string]string{
	"aws:eks/cluster:Cluster":                         "the EKS control plane and everything stored in its etcd",
	"aws:ec2/vpc:Vpc":                                 "the cluster's network, and with it every node and load balancer in it",
	"aws:ec2/subnet:Subnet":                           "a subnet the nodes, load balancers and volumes stand on",
	"aws:kms/key:Key":                                 "a KMS key: what it encrypted cannot be read once the key is deleted (deletion is scheduled, 7 to 30 days)",
	"aws:s3/bucketV2:BucketV2":                        "the backup bucket and the Velero backups in it",
	"azure-native:resources:ResourceGroup":            "the resource group: deleting it deletes every resource in it",
	"azure-native:containerservice:ManagedCluster":    "the AKS control plane, its system node pool and everything stored in its etcd",
	"azure-native:network:VirtualNetwork":             "the cluster's network, and with it every node and load balancer in it",
	"azure-native:storage:StorageAccount":             "the backup storage account and the Velero backups in it",
	"azure-native:storage:BlobContainer":              "the Velero backups",
	"alicloud:cs/managedKubernetes:ManagedKubernetes": "the ACK control plane and everything stored in its etcd",
	"alicloud:vpc/network:Network":                    "the cluster's network, and with it every node and load balancer in it",
	"alicloud:vpc/switch:Switch":                      "a vSwitch the nodes and pods stand on",
	"alicloud:kms/key:Key":                            "a KMS key: what it encrypted cannot be read once the key is deleted (deletion is scheduled)",
	"alicloud:oss/bucket:Bucket":                      "the backup bucket and the Velero backups in it",
	TypeDestroyGuard:                                  "the stack's destroy guard: unprotected, a `pulumi destroy` deletes every resource of the stack that is not protected itself",
}

// VolumeCharts maps the charts whose releases own persistent volumes to what those
// volumes hold. Uninstalling such a release deletes the claims the chart made.
var VolumeCharts = map[string]string{
	"kube-prometheus-stack": "Prometheus' metrics and Grafana's volume",
	"loki":                  "the logs stored in Loki",
	"harbor":                "the registry's images, its database and its job logs",
	"eck-stack":             "Elasticsearch's indices (the logs)",
	"tempo":                 "the traces stored in Tempo",
}

// Holds says what a resource of type typ holds, and whether it is stateful or
// foundational. chart is a Helm release's chart (a name, or an oci:// reference),
// read only for TypeHelmRelease.
func Holds(typ, chart string) (string, bool) {
	if typ == TypeHelmRelease {
		h, ok := VolumeCharts[ChartName(chart)]
		return h, ok
	}
	h, ok := Types[typ]
	return h, ok
}

// ChartName is the chart's name in a chart input: the last path element of an
// oci:// reference, else the input itself.
func ChartName(chart string) string {
	if i := strings.LastIndex(chart, "/"); i >= 0 {
		return chart[i+1:]
	}
	return chart
}
