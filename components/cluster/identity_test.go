package cluster

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// exampleIdentities is a valid map: an admin group on all three clouds and two teams.
func exampleIdentities() Identities {
	return Identities{
		Admins: []string{"platform-admins"},
		Groups: map[string]Principals{
			"platform-admins": {AWS: "arn:aws:iam::111122223333:role/platform-admins", Azure: "3c7e2b1a-5d4f-4e6a-9b8c-1f2e3d4c5b6a", Alicloud: "300000000000000001"},
			"shop-developers": {AWS: "arn:aws:iam::111122223333:role/shop-developers", Azure: "8a1f0c2e-7b3d-4c5a-8e9f-0a1b2c3d4e5f", Alicloud: "200000000000000002"},
			"aws-only":        {AWS: "arn:aws:iam::111122223333:role/aws-only"},
		},
	}
}

// problems renders an error list as "path: message" lines, for matching parts of them.
func problems(errs field.ErrorList) string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return strings.Join(out, "\n")
}

func TestIdentitiesValidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Identities)
		want []string // field paths, each with a part of its message: "path|part"
	}{
		{name: "valid", edit: func(*Identities) {}},
		{name: "bad principals on every cloud, all reported", edit: func(ids *Identities) {
			ids.Groups["shop-developers"] = Principals{AWS: "shop-developers", Azure: "shop", Alicloud: "acs:ram::1:role/x"}
		}, want: []string{
			"identities.groups[shop-developers].aws|" + MsgAWSPrincipal,
			"identities.groups[shop-developers].azure|" + MsgAzurePrincipal,
			"identities.groups[shop-developers].alicloud|" + MsgAliPrincipal,
		}},
		{name: "a system group name", edit: func(ids *Identities) {
			ids.Groups["system:masters"] = Principals{AWS: "arn:aws:iam::111122223333:role/x"}
		}, want: []string{"identities.groups[system:masters]|" + MsgGroupName}},
		{name: "one IAM role for two groups", edit: func(ids *Identities) {
			ids.Groups["aws-only"] = Principals{AWS: "arn:aws:iam::111122223333:role/shop-developers"}
		}, want: []string{"identities.groups[shop-developers].aws|" + MsgSharedPrincipal + " aws-only"}},
		{name: "admin that is no group, and a duplicate", edit: func(ids *Identities) {
			ids.Admins = []string{"platform-admins", "root", "platform-admins"}
		}, want: []string{"identities.admins[1]|" + MsgNoSuchGroup, "identities.admins[2]|Duplicate"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ids := exampleIdentities()
			tc.edit(&ids)
			errs := ids.Validate(field.NewPath("identities"))
			if len(errs) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(errs), len(tc.want), problems(errs))
			}
			for _, w := range tc.want {
				path, part, _ := strings.Cut(w, "|")
				found := false
				for _, e := range errs {
					found = found || (e.Field == path && strings.Contains(e.Error(), part))
				}
				if !found {
					t.Errorf("want a problem at %s containing %q; got:\n%s", path, part, problems(errs))
				}
			}
		})
	}
}

func TestIdentitiesValidateUse(t *testing.T) {
	aks := azureSpec()
	aks.ApplyDefaults("prod")
	eks := *awsSpec()
	eks.ApplyDefaults("dev")
	ali := aliSpec()
	ali.ApplyDefaults("prod")
	clusters := []Spec{eks, aks, ali, {Name: "local", Cloud: Existing}}
	use := func(i int, group, cluster string, cloud Cloud) GroupUse {
		return GroupUse{Path: field.NewPath("environments").Index(i).Child("access").Index(0).Child("group"), Group: group, Cluster: cluster, Cloud: cloud}
	}
	cases := []struct {
		name string
		edit func(*Identities)
		uses []GroupUse
		want []string // "path|part"
	}{
		{name: "every group mapped on its cloud", uses: []GroupUse{
			use(0, "shop-developers", "dev-aws", AWS), use(1, "shop-developers", "prod-azure", Azure),
			use(2, "shop-developers", "prod-ali", Alicloud), use(3, "anyone", "local", Existing),
		}},
		{name: "a group without a principal on the cluster's cloud", uses: []GroupUse{
			use(0, "aws-only", "dev-aws", AWS), use(1, "aws-only", "prod-azure", Azure), use(2, "aws-only", "prod-ali", Alicloud),
		}, want: []string{
			"environments[1].access[0].group|" + MsgNoPrincipal + " azure (cluster prod-azure)",
			"environments[2].access[0].group|" + MsgNoPrincipal + " alicloud (cluster prod-ali)",
		}},
		{name: "a group that is not in the map", uses: []GroupUse{use(0, "ghosts", "dev-aws", AWS)},
			want: []string{"environments[0].access[0].group|" + MsgNoSuchGroup}},
		{name: "an admin on one cloud only is no admin elsewhere", edit: func(ids *Identities) { ids.Admins = []string{"aws-only"} }},
		{name: "no admins: EKS unreachable, AKS still has its admin groups", edit: func(ids *Identities) { ids.Admins = nil },
			want: []string{"identities.admins|cluster dev-aws: " + MsgNoAdmin}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ids := exampleIdentities()
			if tc.edit != nil {
				tc.edit(&ids)
			}
			errs := ids.ValidateUse(field.NewPath("identities"), clusters, tc.uses)
			if len(errs) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(errs), len(tc.want), problems(errs))
			}
			for _, w := range tc.want {
				path, part, _ := strings.Cut(w, "|")
				found := false
				for _, e := range errs {
					found = found || (e.Field == path && strings.Contains(e.Error(), part))
				}
				if !found {
					t.Errorf("want a problem at %s containing %q; got:\n%s", path, part, problems(errs))
				}
			}
		})
	}
}

func TestAKSNeedsSomeAdmin(t *testing.T) {
	aks := azureSpec()
	aks.Azure.AdminGroupObjectIDs = nil
	aks.ApplyDefaults("prod")
	ids := exampleIdentities()
	if errs := ids.ValidateUse(field.NewPath("identities"), []Spec{aks}, nil); len(errs) != 0 {
		t.Fatalf("an identities admin with an object ID is a way in: got %v", errs)
	}
	ids.Admins = nil
	errs := ids.ValidateUse(field.NewPath("identities"), []Spec{aks}, nil)
	if len(errs) != 1 || errs[0].Field != "clusters[0].azure.adminGroupObjectIds" || !strings.Contains(errs[0].Error(), MsgAzureAdminGroups) {
		t.Fatalf("got %v, want one problem at clusters[0].azure.adminGroupObjectIds", errs)
	}
}

func TestAccessAndSubjects(t *testing.T) {
	ids := exampleIdentities()
	cases := []struct {
		cloud        Cloud
		groups       []string
		wantAdmins   []Member
		wantSubjects map[string]Subject
	}{
		{AWS, []string{"shop-developers", "aws-only", "shop-developers"},
			[]Member{{"platform-admins", "arn:aws:iam::111122223333:role/platform-admins"}},
			map[string]Subject{
				"platform-admins": {SubjectGroup, "platform-admins"},
				"shop-developers": {SubjectGroup, "shop-developers"},
				"aws-only":        {SubjectGroup, "aws-only"},
			}},
		{Azure, []string{"shop-developers", "aws-only"},
			[]Member{{"platform-admins", "3c7e2b1a-5d4f-4e6a-9b8c-1f2e3d4c5b6a"}},
			map[string]Subject{
				"platform-admins": {SubjectGroup, "3c7e2b1a-5d4f-4e6a-9b8c-1f2e3d4c5b6a"},
				"shop-developers": {SubjectGroup, "8a1f0c2e-7b3d-4c5a-8e9f-0a1b2c3d4e5f"},
			}},
		{Existing, []string{"developers"}, nil,
			map[string]Subject{"developers": {SubjectGroup, "developers"}}},
		{Alicloud, []string{"shop-developers"},
			[]Member{{"platform-admins", "300000000000000001"}},
			map[string]Subject{
				"platform-admins": {SubjectUser, "300000000000000001"},
				"shop-developers": {SubjectUser, "200000000000000002"},
			}},
	}
	for _, tc := range cases {
		t.Run(string(tc.cloud), func(t *testing.T) {
			a := ids.AccessFor(tc.cloud, tc.groups)
			if !reflect.DeepEqual(a.Admins, tc.wantAdmins) {
				t.Errorf("admins: got %v, want %v", a.Admins, tc.wantAdmins)
			}
			var names []string
			for _, g := range a.Groups {
				names = append(names, g.Group)
			}
			if !sort.StringsAreSorted(names) {
				t.Errorf("groups %v: want them in name order, once each", names)
			}
			if got := a.Subjects(tc.cloud); !reflect.DeepEqual(got, tc.wantSubjects) {
				t.Errorf("subjects: got %v, want %v", got, tc.wantSubjects)
			}
		})
	}
}
