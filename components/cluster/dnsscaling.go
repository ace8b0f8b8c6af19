package cluster

// ScalesDNS says whether the cluster's cloud scales CoreDNS with the cluster's size by
// itself: EKS through the coredns add-on's autoScaling (which the EKS component turns
// on), AKS through the coredns-autoscaler it runs in kube-system on every cluster.
func (c Cloud) ScalesDNS() bool {
	return c == AWS || c == Azure
}

// NeedsDNSAutoscaler says whether clusters of the cloud get the platform's CoreDNS
// autoscaler by default: ACK, which sizes CoreDNS by hand. An existing cluster may
// already run one (several distributions ship a dns-autoscaler), so its operators opt in.
func (c Cloud) NeedsDNSAutoscaler() bool {
	return c == Alicloud
}
