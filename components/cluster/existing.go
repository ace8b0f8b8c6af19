package cluster

import (
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Existing-cluster validation messages, exported so tests can assert on them.
const (
	// MsgExistingNetwork refuses an address plan for a cluster whose network was set up
	// elsewhere: it would have no effect, and a reader of the stack file would believe it did.
	MsgExistingNetwork = "an existing cluster's network is not managed here; remove it"
	// MsgExistingStorageClass asks for a StorageClass name Kubernetes accepts.
	MsgExistingStorageClass = "must be a StorageClass name (a DNS-1123 subdomain)"
)

func init() {
	cloudValidators[Existing] = append(cloudValidators[Existing], validateExisting)
}

// validateExisting checks a defaulted existing cluster; p is clusters[i]. Region,
// kubernetesVersion and tags are ignored (nothing is created in a cloud); node pools
// are refused by Spec.Validate, and a network block here.
func validateExisting(s *Spec, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if s.Network != (Network{}) {
		errs = append(errs, field.Forbidden(p.Child("network"), MsgExistingNetwork))
	}
	if s.Kubeconfig == nil {
		return append(errs, field.Required(p.Child("kubeconfig"), "apply defaults first"))
	}
	if sc := s.Kubeconfig.StorageClass; len(validation.IsDNS1123Subdomain(sc)) > 0 {
		errs = append(errs, field.Invalid(p.Child("kubeconfig", "storageClass"), sc, MsgExistingStorageClass))
	}
	return errs
}
