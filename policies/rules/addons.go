package rules

// IDEKSAddonVersion is the rule that EKS add-ons pin their version.
const IDEKSAddonVersion = "EKS005"

// TypeEKSAddon is the type token of an EKS add-on.
const TypeEKSAddon = "aws:eks/addon:Addon"

func init() {
	register(&Rule{
		ID:          IDEKSAddonVersion,
		Description: "EKS add-ons pin their addonVersion, so a Kubernetes upgrade moves them in the same reviewed diff.",
		Level:       Advisory,
		Remediation: "Pin the add-on in eks.AddonVersions (components/eks/addonversions.go) for every Kubernetes minor the clusters run; EKS never updates an unpinned add-on when the control plane changes minor.",
		Types:       []string{TypeEKSAddon},
		Resource:    checkEKSAddonVersion,
	})
}

// checkEKSAddonVersion flags an add-on without addonVersion: EKS installs its default
// for the cluster's version once and leaves it there across upgrades.
func checkEKSAddonVersion(_ *Env, r Resource) []Violation {
	v := r.Inputs["addonVersion"]
	if hidden(v) {
		return nil
	}
	if s, _ := v.(string); s == "" {
		return []Violation{violation(r, "addonVersion", "add-on %s has no addonVersion: EKS leaves it on the default of the version it was created with", getString(r.Inputs, "addonName"))}
	}
	return nil
}
