// Package ingress installs ingress-nginx from its upstream chart, with a
// load-balancer Service shaped for the cluster's cloud: an AWS NLB, an Azure
// Standard LB with the health probe path the controller answers on, or an Alibaba
// Cloud SLB; each public or internal-only.
package ingress
