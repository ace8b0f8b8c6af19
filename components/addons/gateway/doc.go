// Package gateway installs the Gateway API CRDs and a maintained Gateway API
// implementation (Envoy Gateway, Istio or Kong), and the cluster's one shared Gateway,
// whose load-balancer Service keeps the cloud's settings (an AWS NLB, an Azure
// Standard LB, an Alibaba Cloud CLB billed by capacity units; public or internal).
// Platform endpoints and apps attach HTTPRoutes to it.
package gateway
