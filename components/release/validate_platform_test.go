package release

import (
	"github.com/fleetform/fleetform/components/addons/chaos"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/edges"
)

func TestValidatePlatform(t *testing.T) {
	all := Platform{Rollouts: true, Ingress: true, Prometheus: true}
	noAnalysis := &Strategy{Canary: &Canary{Steps: []Step{{SetWeight: intp(50)}}}}
	type problem struct{ path, detail string }
	cases := []struct {
		name string
		spec func() Spec
		pf   Platform
		want []problem
	}{
		{"everything on", validSpec, all, nil},
		{"chaos experiments without Chaos Mesh", func() Spec {
			s := validSpec()
			s.Chaos = chaosSpec().Chaos[:1]
			return s
		}, all, []problem{{"r.chaos", chaos.MsgNoChaos}}},
		{"chaos experiments with Chaos Mesh", func() Spec {
			s := validSpec()
			s.Chaos = chaosSpec().Chaos[:1]
			return s
		}, Platform{Rollouts: true, Ingress: true, Prometheus: true, Chaos: true}, nil},
		{"rollouts off", validSpec, Platform{Ingress: true, Prometheus: true},
			[]problem{{"r", MsgNeedsRollouts}}},
		{"ingress off: the base ingress, once for both environments", validSpec, Platform{Rollouts: true, Prometheus: true},
			[]problem{{"r.ingress", MsgNeedsIngressController}}},
		{"ingress off: an override's ingress where the base has none", func() Spec {
			s := validSpec()
			s.Ingress = nil
			s.Strategy, s.Environments["prod"] = *noAnalysis, Override{Ingress: &Ingress{Host: "shop.example.com"}}
			return s
		}, Platform{Rollouts: true, Prometheus: true}, []problem{{"r.environments[prod].ingress", MsgNeedsIngressController}}},
		{"monitoring off: the base strategy's analysis step", validSpec, Platform{Rollouts: true, Ingress: true},
			[]problem{{"r.strategy", MsgNeedsPrometheus}}},
		{"monitoring off: an override without analysis is fine, the other is not", func() Spec {
			s := validSpec()
			s.Environments["qa"] = Override{Strategy: noAnalysis}
			return s
		}, Platform{Rollouts: true, Ingress: true}, []problem{{"r.strategy", MsgNeedsPrometheus}}},
		{"monitoring off: blue-green promotion analysis", func() Spec {
			s := blueGreenSpec("ledger")
			s.Environments = map[string]Override{"prod": {}}
			return s
		}, Platform{Rollouts: true, Ingress: true}, []problem{{"r.strategy", MsgNeedsPrometheus}}},
		{"monitoring off: no analysis anywhere", func() Spec {
			s := validSpec()
			s.Strategy = *noAnalysis
			return s
		}, Platform{Rollouts: true, Ingress: true}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.spec()
			var got []problem
			for _, e := range s.ValidatePlatform(field.NewPath("r"), tc.pf) {
				got = append(got, problem{e.Field, e.Detail})
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestGatewayEdgeCanaryNeedsPlugin: on a Gateway API edge a canary with an ingress
// shifts traffic through the Rollouts plugin, so without it the strategy is refused
// where it is set; with it, or on Istio or ingress-nginx, nothing is.
func TestGatewayEdgeCanaryNeedsPlugin(t *testing.T) {
	s := validSpec()
	if s.Strategy.Canary == nil || s.Ingress == nil {
		t.Fatal("validSpec must be a canary with an ingress")
	}
	base := Platform{Rollouts: true, Ingress: true, Prometheus: true}
	for _, tc := range []struct {
		edge   edges.Edge
		plugin bool
		want   int
	}{{edges.EnvoyGateway, false, 1}, {edges.EnvoyGateway, true, 0}, {edges.Kong, false, 1}, {edges.Kong, true, 0}, {edges.Istio, false, 0}, {edges.IngressNginx, false, 0}} {
		pf := base
		pf.Edge, pf.GatewayPlugin = tc.edge, tc.plugin
		errs := s.ValidatePlatform(field.NewPath("r"), pf)
		if len(errs) != tc.want {
			t.Errorf("edge %s plugin %v: got %v, want %d errors", tc.edge, tc.plugin, errs, tc.want)
			continue
		}
		if tc.want == 1 && (errs[0].Field != "r.strategy" || errs[0].Detail != MsgCanaryNeedsPlugin) {
			t.Errorf("edge %s: got %v, want %q at r.strategy", tc.edge, errs, MsgCanaryNeedsPlugin)
		}
	}
}
