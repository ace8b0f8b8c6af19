package cluster

// ScalesDNS says whether the cluster's cloud scales CoreDNS with the cluster's size by
// itself: EKS through the coredns add-on's autoScaling (which the EKS component turns
// on), AKS through the coredns-autoscaler it runs in kube-system on every cluster. ACK
// runs a fixed number of CoreDNS pods, and an existing cluster whatever its operators
// set up; on those the platform runs the cluster-proportional-autoscaler.
func (c Cloud) ScalesDNS() bool {
	return c == AWS || c == Azure
}
