package cluster

import (
	"fmt"
	"regexp"
	"slices"
	"sort"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Identities is the stack's identity map (`fleetform:identities`): each group or team
// name that environments bind, and each admin, mapped to its principal on every cloud.
// Environments keep naming groups; the cluster components turn the map into what each
// cloud needs (EKS access entries, Entra ID object IDs as RBAC subjects, RAM IDs).
type Identities struct {
	// Admins name groups (keys of Groups) that get cluster admin on every cluster whose
	// cloud they have a principal for: the break-glass team and the CI deploy role. Nobody
	// else reaches a new EKS cluster, so list the role `pulumi up` runs as here. On AKS their Entra ID object IDs
	// join azure.adminGroupObjectIds; on ACK their RAM IDs are bound to cluster-admin.
	Admins []string `yaml:"admins"`
	// Groups map a group name to its principal on each cloud.
	Groups map[string]Principals `yaml:"groups"`
}

// Principals is one group's identity on each cloud. A group needs a principal on every
// cloud it is used on; a cloud it is not used on may be left out.
type Principals struct {
	// AWS is the IAM role (or user) ARN people of the group assume, e.g.
	// arn:aws:iam::111122223333:role/shop-developers. EKS maps it to the Kubernetes group
	// of the same name with an access entry.
	AWS string `yaml:"aws"`
	// Azure is the Entra ID group's object ID (a GUID). AKS puts it in tokens as the group.
	Azure string `yaml:"azure"`
	// Alicloud is the RAM user's or RAM role's ID (digits), the user name ACK gives its
	// kubeconfig, as its Authorizations page shows it.
	Alicloud string `yaml:"alicloud"`
}

// For returns the principal on a cloud; "" where there is none (and for existing clusters).
func (p Principals) For(c Cloud) string {
	switch c {
	case AWS:
		return p.AWS
	case Azure:
		return p.Azure
	case Alicloud:
		return p.Alicloud
	}
	return ""
}

// Subject kinds of RBAC bindings.
const (
	SubjectGroup = "Group"
	SubjectUser  = "User"
)

// Subject is who a RoleBinding names for a group on one cluster.
type Subject struct {
	// Kind is Group or User.
	Kind string
	// Name is the group name (EKS, existing clusters), the Entra ID object ID (AKS) or
	// the RAM ID (ACK).
	Name string
}

// Member is one group with its principal on a cluster's cloud.
type Member struct {
	// Group is the group's name in the identity map.
	Group string
	// Principal is its identity on the cloud.
	Principal string
}

// Access is who reaches one cluster, resolved from Identities for its cloud: what a
// cluster component needs to let people in.
type Access struct {
	// Admins get cluster admin.
	Admins []Member
	// Groups are the groups environments bind on the cluster, in name order.
	Groups []Member
}

// Subjects are the RBAC subjects of Groups and Admins on a cloud, by group name.
func (a Access) Subjects(c Cloud) map[string]Subject {
	out := map[string]Subject{}
	for _, m := range append(slices.Clone(a.Admins), a.Groups...) {
		out[m.Group] = SubjectOf(c, m)
	}
	return out
}

// SubjectOf is how RBAC names a member on a cloud: a Group of the same name on EKS (the
// access entry's kubernetesGroups), a Group of the object ID on AKS, a User of the RAM
// ID on ACK, and a Group of the name on existing clusters (their own identity setup).
func SubjectOf(c Cloud, m Member) Subject {
	switch c {
	case Azure:
		return Subject{Kind: SubjectGroup, Name: m.Principal}
	case Alicloud:
		return Subject{Kind: SubjectUser, Name: m.Principal}
	}
	return Subject{Kind: SubjectGroup, Name: m.Group}
}

// AccessFor resolves the admins and the named groups for a cloud. Groups without a
// principal on the cloud are left out (ValidateUse reports them), except on existing
// clusters, which bind every group by its name.
func (ids *Identities) AccessFor(c Cloud, groups []string) Access {
	var a Access
	for _, g := range ids.Admins {
		if p := ids.Groups[g].For(c); p != "" {
			a.Admins = append(a.Admins, Member{Group: g, Principal: p})
		}
	}
	seen := map[string]bool{}
	sorted := slices.Clone(groups)
	sort.Strings(sorted)
	for _, g := range sorted {
		if seen[g] {
			continue
		}
		seen[g] = true
		switch p := ids.Groups[g].For(c); {
		case c == Existing:
			// Existing clusters bind group names as they are: no principal needed.
			a.Groups = append(a.Groups, Member{Group: g})
		case p != "":
			a.Groups = append(a.Groups, Member{Group: g, Principal: p})
		}
	}
	return a
}

// Identity validation messages, exported so tests can assert on them.
const (
	MsgGroupName       = "must be a group name: letters, digits, '.', '_', '@' and '-', at most 63, starting and ending with a letter or digit (so never system: or eks:)"
	MsgAWSPrincipal    = "must be an IAM role or user ARN such as arn:aws:iam::111122223333:role/shop-developers"
	MsgAzurePrincipal  = "must be an Entra ID group object ID (a GUID)"
	MsgAliPrincipal    = "must be a RAM user or RAM role ID (digits)"
	MsgNoSuchGroup     = "names no group in identities.groups"
	MsgNoPrincipal     = "has no principal for cloud"
	MsgSharedPrincipal = "is also the principal of group"
	MsgNoAdmin         = "no admin reaches this cluster: list a group with a principal for this cloud in identities.admins (the role pulumi up runs as, and break-glass)"
)

var (
	groupNameRe    = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9._@-]{0,61}[A-Za-z0-9])?$`)
	awsPrincipalRe = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$`)
	aliPrincipalRe = regexp.MustCompile(`^[0-9]{6,32}$`)
)

// Validate checks the map on its own; p is identities. ValidateUse checks it against
// the clusters and environments that use it.
func (ids *Identities) Validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	gp := p.Child("groups")
	names := make([]string, 0, len(ids.Groups))
	for g := range ids.Groups {
		names = append(names, g)
	}
	sort.Strings(names)
	owner := map[Cloud]map[string]string{AWS: {}, Azure: {}, Alicloud: {}}
	for _, g := range names {
		kp := gp.Key(g)
		if !groupNameRe.MatchString(g) {
			errs = append(errs, field.Invalid(kp, g, MsgGroupName))
		}
		pr := ids.Groups[g]
		for _, c := range []struct {
			cloud Cloud
			key   string
			ok    func(string) bool
			msg   string
		}{
			{AWS, "aws", awsPrincipalRe.MatchString, MsgAWSPrincipal},
			{Azure, "azure", azureGUIDRe.MatchString, MsgAzurePrincipal},
			{Alicloud, "alicloud", aliPrincipalRe.MatchString, MsgAliPrincipal},
		} {
			v := pr.For(c.cloud)
			if v == "" {
				continue
			}
			if !c.ok(v) {
				errs = append(errs, field.Invalid(kp.Child(c.key), v, c.msg))
				continue
			}
			// One principal is one access entry on EKS and one RBAC user on ACK: it
			// cannot stand for two groups. Entra ID groups are groups already.
			if other, dup := owner[c.cloud][v]; dup && c.cloud != Azure {
				errs = append(errs, field.Invalid(kp.Child(c.key), v, fmt.Sprintf("%s %s", MsgSharedPrincipal, other)))
			}
			owner[c.cloud][v] = g
		}
	}
	seen := map[string]bool{}
	for i, a := range ids.Admins {
		ap := p.Child("admins").Index(i)
		switch _, ok := ids.Groups[a]; {
		case !ok:
			errs = append(errs, field.Invalid(ap, a, MsgNoSuchGroup))
		case seen[a]:
			errs = append(errs, field.Duplicate(ap, a))
		}
		seen[a] = true
	}
	return errs
}

// GroupUse is one place an environment binds a group: its path, the group and the cloud
// of the environment's cluster.
type GroupUse struct {
	// Path is environments[i].access[j].group.
	Path *field.Path
	// Group is the group's name.
	Group string
	// Cluster and Cloud are the environment's cluster.
	Cluster string
	Cloud   Cloud
}

// ValidateUse checks that every group an environment binds has a principal on its
// cluster's cloud, and that every EKS cluster, and every AKS cluster with aadRbac, has
// an admin; p is identities. An admin without a principal on a cloud is simply no admin
// there. Existing clusters bind group names as they are and need nothing here.
func (ids *Identities) ValidateUse(p *field.Path, clusters []Spec, uses []GroupUse) field.ErrorList {
	var errs field.ErrorList
	for _, u := range uses {
		if u.Cloud == Existing || u.Cloud == "" {
			continue
		}
		pr, ok := ids.Groups[u.Group]
		switch {
		case !ok:
			errs = append(errs, field.Invalid(u.Path, u.Group, fmt.Sprintf("%s, so cluster %s (cloud %s) cannot map it to anyone", MsgNoSuchGroup, u.Cluster, u.Cloud)))
		case pr.For(u.Cloud) == "":
			errs = append(errs, field.Invalid(u.Path, u.Group, fmt.Sprintf("%s %s (cluster %s): set identities.groups[%s].%s", MsgNoPrincipal, u.Cloud, u.Cluster, u.Group, u.Cloud)))
		}
	}
	for i, c := range clusters {
		switch {
		case c.Cloud == AWS && len(ids.AccessFor(AWS, nil).Admins) == 0:
			errs = append(errs, field.Required(p.Child("admins"), fmt.Sprintf("cluster %s: %s", c.Name, MsgNoAdmin)))
		case c.Cloud == Azure && c.Azure != nil && c.Azure.AADRBAC != nil && *c.Azure.AADRBAC &&
			len(c.Azure.AdminGroupObjectIDs) == 0 && len(ids.AccessFor(Azure, nil).Admins) == 0:
			errs = append(errs, field.Required(field.NewPath("clusters").Index(i).Child("azure", "adminGroupObjectIds"),
				MsgAzureAdminGroups+" (or an admin in identities.admins with an azure object ID)"))
		}
	}
	return errs
}
