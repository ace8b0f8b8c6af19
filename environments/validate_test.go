package environments

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestDefaultsAreValid(t *testing.T) {
	for _, name := range []string{"qa", "e2e", "stage", "prod", "team-a"} {
		t.Run(name, func(t *testing.T) {
			s := Spec{Name: name, Cluster: "c1"}
			s.ApplyDefaults()
			if errs := s.Validate(field.NewPath("environments").Index(0)); len(errs) > 0 {
				t.Errorf("defaults of tier %q are invalid: %v", name, errs)
			}
			again := s
			again.ApplyDefaults()
			if again.Quota != s.Quota || again.Limits != s.Limits || again.PodSecurity != s.PodSecurity {
				t.Errorf("ApplyDefaults is not idempotent: %+v then %+v", s, again)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	valid := func() Spec {
		return Spec{
			Name: "qa", Cluster: "c1", Team: "shop",
			Quota:  Quota{RequestsCPU: "4", RequestsMemory: "8Gi", LimitsCPU: "8", LimitsMemory: "16Gi"},
			Limits: Limits{DefaultRequestCPU: "100m", DefaultRequestMemory: "128Mi", DefaultCPU: "500m", DefaultMemory: "512Mi", MaxCPU: "2", MaxMemory: "4Gi"},
			Access: []Access{{Group: "shop-developers", Role: RoleEdit}},
			Egress: Egress{Namespaces: []string{"shared"}, CIDRs: []string{"10.0.8.0/24", "fd00::/64"}},
		}
	}
	type want struct{ path, msg string }
	cases := []struct {
		name   string
		mutate func(*Spec)
		want   []want
	}{
		{"valid", func(*Spec) {}, nil},
		{"name not a DNS label", func(s *Spec) { s.Name = "QA_1" }, []want{{"environments[1].name", MsgNotDNSLabel}}},
		{"cpu with a unit Kubernetes does not know", func(s *Spec) { s.Quota.RequestsCPU = "2cores" },
			[]want{{"environments[1].quota.requestsCpu", MsgBadQuantity}}},
		{"negative memory", func(s *Spec) { s.Quota.LimitsMemory = "-1Gi" },
			[]want{{"environments[1].quota.limitsMemory", MsgNegative}}},
		{"negative count", func(s *Spec) { s.Quota.LoadBalancers = -1 },
			[]want{{"environments[1].quota.loadBalancers", MsgNegative}}},
		{"bad storage", func(s *Spec) { s.Quota.Storage = "lots" },
			[]want{{"environments[1].quota.requestsStorage", MsgBadQuantity}}},
		{"zero default limit", func(s *Spec) { s.Limits.DefaultMemory = "0" },
			[]want{{"environments[1].limits.defaultMemory", MsgNotPositive}}},
		{"default request above default limit", func(s *Spec) { s.Limits.DefaultRequestCPU = "600m" },
			[]want{{"environments[1].limits.defaultRequestCpu", MsgDefaultRequestAboveDef}}},
		{"default limit above max", func(s *Spec) { s.Limits.DefaultMemory = "8Gi"; s.Limits.MaxMemory = "4Gi" },
			[]want{{"environments[1].limits.defaultMemory", MsgDefaultAboveMax}}},
		{"default limit above the quota", func(s *Spec) {
			s.Quota.LimitsCPU = "400m"
			s.Quota.RequestsCPU = "400m"
		}, []want{
			{"environments[1].limits.defaultCpu", MsgAboveQuota},
			{"environments[1].limits.maxCpu", MsgAboveQuota},
		}},
		{"default request above the quota", func(s *Spec) { s.Quota.RequestsMemory = "64Mi" },
			[]want{{"environments[1].limits.defaultRequestMemory", MsgAboveQuota}}},
		{"unknown role", func(s *Spec) { s.Access[0].Role = "owner" },
			[]want{{"environments[1].access[0].role", MsgBadRole}}},
		{"empty group", func(s *Spec) { s.Access = append(s.Access, Access{Role: RoleView}) },
			[]want{{"environments[1].access[1].group", MsgEmptyGroup}}},
		{"group with spaces", func(s *Spec) { s.Access[0].Group = " shop-developers" },
			[]want{{"environments[1].access[0].group", MsgGroupSpaces}}},
		{"duplicate binding", func(s *Spec) { s.Access = append(s.Access, s.Access[0]) },
			[]want{{"environments[1].access[1]", "Duplicate value"}}},
		{"unknown Pod Security level", func(s *Spec) { s.PodSecurity.Enforce = "strict" },
			[]want{{"environments[1].podSecurity.enforce", MsgBadLevel}}},
		{"egress CIDR does not parse", func(s *Spec) { s.Egress.CIDRs = []string{"10.0.0.0/33"} },
			[]want{{"environments[1].egress.cidrs[0]", MsgBadCIDR}}},
		{"egress CIDR with host bits", func(s *Spec) { s.Egress.CIDRs = []string{"10.0.8.1/24"} },
			[]want{{"environments[1].egress.cidrs[0]", MsgCIDRNotCanonical}}},
		{"egress namespace not a label", func(s *Spec) { s.Egress.Namespaces = []string{"Prod"} },
			[]want{{"environments[1].egress.namespaces[0]", MsgNotDNSLabel}}},
		{"allowFrom itself", func(s *Spec) { s.AllowFrom = []string{"qa"} },
			[]want{{"environments[1].allowFrom[0]", MsgAllowFromSelf}}},
		{"tier not a label value", func(s *Spec) { s.Tier = "prod tier" },
			[]want{{"environments[1].tier", MsgNotLabelValue}}},
		{"team not a label value", func(s *Spec) { s.Team = "shop/web" },
			[]want{{"environments[1].team", MsgNotLabelValue}}},
		{"deployer name", func(s *Spec) { s.Deployer.Name = "CI Deployer" },
			[]want{{"environments[1].deployer.name", MsgNotDNSSubdomain}}},
		{"every problem at once", func(s *Spec) {
			s.Quota.RequestsCPU = "2cores"
			s.Quota.LimitsMemory = "-1Gi"
			s.Access[0].Role = "root"
		}, []want{
			{"environments[1].quota.requestsCpu", MsgBadQuantity},
			{"environments[1].quota.limitsMemory", MsgNegative},
			{"environments[1].access[0].role", MsgBadRole},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := valid()
			tc.mutate(&s)
			s.ApplyDefaults()
			errs := s.Validate(field.NewPath("environments").Index(1))
			if len(errs) != len(tc.want) {
				t.Fatalf("got %d errors, want %d:\n%v", len(errs), len(tc.want), errs)
			}
			for i, w := range tc.want {
				if errs[i].Field != w.path {
					t.Errorf("error %d at %q, want %q", i, errs[i].Field, w.path)
				}
				if !strings.Contains(errs[i].Error(), w.msg) {
					t.Errorf("error %d is %q, want it to say %q", i, errs[i].Error(), w.msg)
				}
			}
		})
	}
}
