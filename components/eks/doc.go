// Package eks builds an Amazon EKS cluster with the Amazon VPC CNI as one Pulumi component
// (platform:cluster:EKS): a VPC with public and private subnets per zone and NAT gateways,
// IAM roles, the cluster with KMS envelope encryption of Secrets and control-plane logs, the
// EKS Pod Identity Agent and one Pod Identity association per service-account role (IAM roles
// for service accounts through the cluster's OIDC provider where the partition has no Pod
// Identity), managed node groups in the private subnets, the vpc-cni, coredns, kube-proxy and
// aws-ebs-csi-driver add-ons at pinned versions, a default gp3
// StorageClass, and a kubeconfig with `aws eks get-token` exec auth. Every AWS resource goes
// through the cluster's own aws.Provider for the spec's region, so clusters in different
// regions live in one stack. With aws.autoMode the cluster runs EKS Auto Mode (automode.go):
// Auto Mode's capabilities and roles, and none of the add-ons, node groups and Karpenter
// parts Auto Mode runs itself.
package eks
