package cluster

// ManagedControlPlane says whether the cloud runs the cluster's control plane out of
// the cluster's sight: EKS, AKS and ACK (managed Kubernetes) show no kube-scheduler,
// kube-controller-manager or etcd pods to scrape; an existing cluster (kubeadm, kind,
// k3s) runs them as pods or processes the cluster can reach.
func (c Cloud) ManagedControlPlane() bool {
	return c != Existing
}
