// Package karpenter installs Karpenter, EKS's node provisioner, from its chart with
// the AWS side the EKS component made (the controller's IRSA role, the interruption
// queue, the node instance profile), and one NodePool with its EC2NodeClass per
// Karpenter pool of the stack.
package karpenter
