package release

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/internal/secret"
)

// validSpec is a release that passes validation, with qa and prod environments.
func validSpec() Spec {
	s := canarySpec("storefront")
	s.Environments = map[string]Override{"qa": {}, "prod": {}}
	return s
}

var testTiers = map[string]string{"qa": "qa", "prod": "prod"}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *Spec)
		path   string
		msg    string
	}{
		{"name not a label", func(s *Spec) { s.Name = "1shop" }, "r.name", MsgNotDNS1035Label},
		{"name too long", func(s *Spec) { s.Name = strings.Repeat("a", 56) }, "r.name", MsgNameTooLong},
		{"no strategy", func(s *Spec) { s.Strategy = Strategy{} }, "r.strategy", MsgOneStrategy},
		{"two strategies", func(s *Spec) { s.Strategy.BlueGreen = &BlueGreen{} }, "r.strategy", MsgOneStrategy},
		{"override with two strategies", func(s *Spec) {
			s.Environments["qa"] = Override{Strategy: &Strategy{Canary: &Canary{}, BlueGreen: &BlueGreen{}}}
		}, "r.environments[qa].strategy", MsgOneStrategy},
		{"weights decrease", func(s *Spec) {
			s.Strategy.Canary.Steps = []Step{{SetWeight: intp(50)}, {SetWeight: intp(20)}}
		}, "r.strategy.canary.steps[1].setWeight", MsgWeightIncreasing},
		{"weights repeat", func(s *Spec) {
			s.Strategy.Canary.Steps = []Step{{SetWeight: intp(50)}, {SetWeight: intp(50)}}
		}, "r.strategy.canary.steps[1].setWeight", MsgWeightIncreasing},
		{"weight over 100", func(s *Spec) { s.Strategy.Canary.Steps = []Step{{SetWeight: intp(101)}} }, "r.strategy.canary.steps[0].setWeight", MsgWeightRange},
		{"weight zero", func(s *Spec) { s.Strategy.Canary.Steps = []Step{{SetWeight: intp(0)}} }, "r.strategy.canary.steps[0].setWeight", MsgWeightRange},
		{"step with two actions", func(s *Spec) {
			s.Strategy.Canary.Steps = []Step{{SetWeight: intp(10), Analysis: true}}
		}, "r.strategy.canary.steps[0]", MsgStepOneAction},
		{"pause in days", func(s *Spec) { s.Strategy.Canary.Steps = []Step{{Pause: &Pause{Duration: "1d"}}} }, "r.strategy.canary.steps[0].pause.duration", MsgDuration},
		{"pause without unit", func(s *Spec) { s.Strategy.Canary.Steps = []Step{{Pause: &Pause{Duration: "30"}}} }, "r.strategy.canary.steps[0].pause.duration", MsgDuration},
		{"pause zero", func(s *Spec) { s.Strategy.Canary.Steps = []Step{{Pause: &Pause{Duration: "0s"}}} }, "r.strategy.canary.steps[0].pause.duration", MsgDuration},
		{"override pause", func(s *Spec) {
			s.Environments["qa"] = Override{Strategy: &Strategy{Canary: &Canary{Steps: []Step{{Pause: &Pause{Duration: "5 minutes"}}}}}}
		}, "r.environments[qa].strategy.canary.steps[0].pause.duration", MsgDuration},
		{"surge not a number", func(s *Spec) { s.Strategy.Canary.MaxSurge = "a lot" }, "r.strategy.canary.maxSurge", MsgIntOrPercent},
		{"surge over 100%", func(s *Spec) { s.Strategy.Canary.MaxSurge = "150%" }, "r.strategy.canary.maxSurge", MsgIntOrPercent},
		{"surge and unavailable zero", func(s *Spec) {
			s.Strategy.Canary.MaxSurge, s.Strategy.Canary.MaxUnavailable = "0%", "0"
		}, "r.strategy.canary.maxUnavailable", MsgSurgeUnavailableZero},
		{"replicas zero", func(s *Spec) { s.Replicas = intp(0) }, "r.replicas", MsgReplicasMin},
		{"override replicas negative", func(s *Spec) { s.Environments["qa"] = Override{Replicas: intp(-1)} }, "r.environments[qa].replicas", MsgReplicasMin},
		{"hpa min over max", func(s *Spec) { s.Autoscaling = &Autoscaling{MinReplicas: 5, MaxReplicas: 3, TargetCPUPercent: 80} }, "r.autoscaling.minReplicas", MsgMinOverMax},
		{"override hpa min zero", func(s *Spec) {
			s.Environments["qa"] = Override{Autoscaling: &Autoscaling{MinReplicas: 0, MaxReplicas: 3, TargetCPUPercent: 80}}
		}, "r.environments[qa].autoscaling.minReplicas", MsgReplicasMin},
		{"hpa target over 100", func(s *Spec) { s.Autoscaling.TargetCPUPercent = 120 }, "r.autoscaling.targetCpuPercent", MsgTargetCPU},
		{"hpa without cpu request", func(s *Spec) { s.Resources.RequestsCPU = "" }, "r.environments[prod].autoscaling", MsgAutoscalingNeedsCPU},
		{"image without tag", func(s *Spec) { s.Image = "harbor.example.com/shop/storefront" }, "r.image", MsgImageNoTag},
		{"image with registry port and no tag", func(s *Spec) { s.Image = "harbor.example.com:5000/shop/storefront" }, "r.image", MsgImageNoTag},
		{"image with bad digest", func(s *Spec) { s.Image = "harbor.example.com/shop/storefront@sha256:abc" }, "r.image", MsgImageFormat},
		{"image with spaces", func(s *Spec) { s.Image = "shop storefront:1" }, "r.image", MsgImageFormat},
		{"image with uppercase repository", func(s *Spec) { s.Image = "harbor.example.com/Shop/storefront:1" }, "r.image", MsgImageFormat},
		{"image with a sha512 digest", func(s *Spec) {
			s.Image = "harbor.example.com/shop/storefront@sha512:" + strings.Repeat("0f", 64)
		}, "r.image", MsgImageFormat},
		{"surge negative", func(s *Spec) { s.Strategy.Canary.MaxSurge = "-1" }, "r.strategy.canary.maxSurge", MsgIntOrPercent},
		{"surge beyond int32", func(s *Spec) { s.Strategy.Canary.MaxSurge = "2147483648" }, "r.strategy.canary.maxSurge", MsgIntOrPercent},
		{"surge negative percent", func(s *Spec) { s.Strategy.Canary.MaxSurge = "-5%" }, "r.strategy.canary.maxSurge", MsgIntOrPercent},
		{"override image without tag", func(s *Spec) { s.Environments["qa"] = Override{Image: "shop/storefront"} }, "r.environments[qa].image", MsgImageNoTag},
		{"latest reaches prod from the base", func(s *Spec) {
			s.Image = "harbor.example.com/shop/storefront:latest"
			s.Environments["prod"] = Override{}
		}, "r.environments[prod].image", MsgImageLatest},
		{"latest in a stage override", func(s *Spec) {
			s.Environments["stage"] = Override{Image: "shop/storefront:latest"}
		}, "r.environments[stage].image", MsgImageLatest},
		{"ingress without ports", func(s *Spec) { s.Ports, s.Probes, s.Metrics.Port = nil, Probes{}, "" }, "r.ports", MsgNeedsPorts},
		{"blue-green override without ports", func(s *Spec) {
			s.Ports, s.Probes, s.Metrics.Port, s.Ingress = nil, Probes{}, "", nil
			s.Strategy.Canary.Steps = nil
			s.Environments["qa"] = Override{Strategy: &Strategy{BlueGreen: &BlueGreen{}}}
		}, "r.ports", MsgNeedsPorts},
		{"port name too long", func(s *Spec) { s.Ports[0].Name = "http-frontend-port" }, "r.ports[0].name", MsgPortName},
		{"port name uppercase", func(s *Spec) { s.Ports[0].Name = "HTTP" }, "r.ports[0].name", MsgPortName},
		{"port number", func(s *Spec) { s.Ports[0].ContainerPort = 70000 }, "r.ports[0].containerPort", MsgPortNumber},
		{"probe names a missing port", func(s *Spec) { s.Probes.Readiness.Port = "web" }, "r.probes.readiness.port", MsgNoSuchPort},
		{"probe path relative", func(s *Spec) { s.Probes.Liveness.Path = "healthz" }, "r.probes.liveness.path", MsgPath},
		{"ingress names a missing port", func(s *Spec) { s.Ingress.Port = "web" }, "r.ingress.port", MsgNoSuchPort},
		{"metrics names a missing port", func(s *Spec) { s.Metrics.Port = "prom" }, "r.metrics.port", MsgNoSuchPort},
		{"success rate over 1", func(s *Spec) { s.Analysis.SuccessRate = 1.5 }, "r.analysis.successRate", MsgSuccessRate},
		{"success rate negative", func(s *Spec) { s.Analysis.SuccessRate = -0.5 }, "r.analysis.successRate", MsgSuccessRate},
		{"analysis interval", func(s *Spec) { s.Analysis.Interval = "often" }, "r.analysis.interval", MsgDuration},
		{"quantity", func(s *Spec) { s.Resources.LimitsMemory = "-1Gi" }, "r.resources.limitsMemory", MsgQuantity},
		{"quantity unit", func(s *Spec) { s.Resources.RequestsCPU = "2cores" }, "r.resources.requestsCpu", MsgQuantity},
		{"request over limit", func(s *Spec) { s.Resources.RequestsCPU = "2" }, "r.resources.requestsCpu", MsgRequestOverLimit},
		{"env name", func(s *Spec) { s.Env["1BAD"] = "x" }, "r.env[1BAD]", MsgEnvName},
		{"env in both", func(s *Spec) { s.Env["DB_PASSWORD"] = "x" }, "r.secretEnv[DB_PASSWORD]", MsgEnvInBoth},
		{"override env shadows a secret", func(s *Spec) {
			s.Environments["qa"] = Override{Env: map[string]string{"DB_PASSWORD": "x"}}
		}, "r.environments[qa].env[DB_PASSWORD]", MsgEnvInBoth},
		{"secret env without ref", func(s *Spec) { s.SecretEnv["API_KEY"] = SecretEnvVar{} }, "r.secretEnv[API_KEY]", MsgSecretRefEmpty},
		{"secret env from config and store", func(s *Spec) {
			s.SecretEnv["API_KEY"] = SecretEnvVar{Config: secret.Ref("k"), External: &ExternalRef{Key: "shop/api"}}
		}, "r.secretEnv[API_KEY]", MsgSecretEnvBoth},
		{"external secret without key", func(s *Spec) { s.SecretEnv["API_KEY"] = SecretEnvVar{External: &ExternalRef{Property: "p"}} }, "r.secretEnv[API_KEY].external.key", MsgExternalKey},
		{"external secret key with a space", func(s *Spec) { s.SecretEnv["API_KEY"] = SecretEnvVar{External: &ExternalRef{Key: "shop api"}} }, "r.secretEnv[API_KEY].external.key", MsgExternalKey},
		{"run as root", func(s *Spec) { var root int64; s.RunAsUser = &root }, "r.runAsUser", MsgRunAsRoot},
		{"canary analysis without ingress", func(s *Spec) { s.Ingress = nil }, "r.environments[qa].ingress", MsgAnalysisNeedsIngress},
		{"blue-green pre-promotion without preview host", func(s *Spec) {
			s.Strategy = Strategy{BlueGreen: &BlueGreen{PrePromotionAnalysis: true}}
		}, "r.environments[qa].strategy.blueGreen.previewHost", MsgPreviewNeedsHost},
		{"blue-green post-promotion without ingress", func(s *Spec) {
			s.Ingress = nil
			s.Strategy = Strategy{BlueGreen: &BlueGreen{PostPromotionAnalysis: true}}
		}, "r.environments[qa].ingress", MsgAnalysisNeedsIngress},
		{"ingress host", func(s *Spec) { s.Ingress.Host = "Shop_Example" }, "r.ingress.host", MsgHost},
		{"override ingress without host", func(s *Spec) { s.Environments["qa"] = Override{Ingress: &Ingress{Paths: []string{"/"}}} }, "r.environments[qa].ingress.host", ""},
		{"preview host", func(s *Spec) {
			s.Strategy = Strategy{BlueGreen: &BlueGreen{PreviewHost: "bad host"}}
		}, "r.strategy.blueGreen.previewHost", MsgHost},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := validSpec()
			tc.mutate(&s)
			tiers := map[string]string{"qa": "qa", "prod": "prod", "stage": "stage"}
			errs := s.Validate(field.NewPath("r"), tiers)
			for _, e := range errs {
				if e.Field == tc.path && (tc.msg == "" || e.Detail == tc.msg) {
					return
				}
			}
			t.Errorf("want %s: %q; got %v", tc.path, tc.msg, errs)
		})
	}
}

func TestValidateAccepts(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *Spec)
	}{
		{"the base example", func(s *Spec) {}},
		{"latest in qa", func(s *Spec) {
			s.Environments["qa"] = Override{Image: "harbor.example.com/shop/storefront:latest"}
		}},
		{"digest pinned latest in prod", func(s *Spec) {
			s.Image = "harbor.example.com/shop/storefront:latest@sha256:" + strings.Repeat("0f", 32)
		}},
		{"registry port with tag", func(s *Spec) { s.Image = "localhost:5000/storefront:1.0" }},
		{"Docker Hub short name with tag", func(s *Spec) { s.Image = "nginx:1.27" }},
		{"surge 100% and unavailable 0", func(s *Spec) { s.Strategy.Canary.MaxSurge, s.Strategy.Canary.MaxUnavailable = "100%", "0" }},
		{"compound pause", func(s *Spec) {
			s.Strategy.Canary.Steps = []Step{{SetWeight: intp(5)}, {Pause: &Pause{Duration: "1h30m"}}}
		}},
		{"canary without ingress or analysis", func(s *Spec) {
			s.Ingress = nil
			s.Strategy.Canary.Steps = []Step{{SetWeight: intp(50)}, {Pause: &Pause{Duration: "30s"}}}
		}},
		{"ingress only in an override", func(s *Spec) {
			s.Ingress = nil
			s.Environments["qa"] = Override{Ingress: &Ingress{Host: "qa.example.com", Paths: []string{"/"}, Port: "http"}}
			s.Environments["prod"] = Override{Ingress: &Ingress{Host: "example.com", Paths: []string{"/"}, Port: "http"}}
		}},
		{"success rate 1", func(s *Spec) { s.Analysis.SuccessRate = 1 }},
		{"worker without ports", func(s *Spec) {
			s.Ports, s.Probes, s.Metrics.Port, s.Ingress = nil, Probes{}, "", nil
			s.Strategy.Canary.Steps = []Step{{SetWeight: intp(50)}}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := validSpec()
			tc.mutate(&s)
			if errs := s.Validate(field.NewPath("r"), testTiers); len(errs) > 0 {
				t.Errorf("got %v, want no errors", errs)
			}
		})
	}
}

func TestFor(t *testing.T) {
	s := validSpec()
	s.Env = map[string]string{"LOG_LEVEL": "info", "REGION": "eu"}
	s.Environments["qa"] = Override{
		Image:    "harbor.example.com/shop/storefront:1.9.0-rc1",
		Replicas: intp(1),
		Env:      map[string]string{"LOG_LEVEL": "debug"},
		Ingress:  &Ingress{Host: "shop.qa.example.com"},
		Strategy: &Strategy{BlueGreen: &BlueGreen{}},
	}
	qa, prod := s.For("qa"), s.For("prod")
	if qa.Image != "harbor.example.com/shop/storefront:1.9.0-rc1" || *qa.Replicas != 1 || qa.Ingress.Host != "shop.qa.example.com" || qa.Strategy.Canary != nil {
		t.Errorf("qa = image %s, replicas %d, host %s, canary %v; want the override", qa.Image, *qa.Replicas, qa.Ingress.Host, qa.Strategy.Canary)
	}
	if qa.Env["LOG_LEVEL"] != "debug" || qa.Env["REGION"] != "eu" {
		t.Errorf("qa env = %v, want LOG_LEVEL=debug merged over REGION=eu", qa.Env)
	}
	if prod.Image != s.Image || prod.Env["LOG_LEVEL"] != "info" || prod.Ingress != s.Ingress || prod.Environments != nil {
		t.Errorf("prod = %s %v; want the base without environments", prod.Image, prod.Env)
	}
	if s.Env["LOG_LEVEL"] != "info" {
		t.Errorf("For changed the base env: %v", s.Env)
	}
}

func TestApplyDefaults(t *testing.T) {
	s := Spec{Name: "a", Ports: []Port{{Name: "web", ContainerPort: 80}}, Ingress: &Ingress{Host: "a.example.com"},
		Environments: map[string]Override{"qa": {Ingress: &Ingress{Host: "qa.example.com"}, Autoscaling: &Autoscaling{MinReplicas: 1, MaxReplicas: 2}}}}
	s.ApplyDefaults()
	qa := s.Environments["qa"]
	checks := []struct {
		name      string
		got, want any
	}{
		{"replicas", *s.Replicas, DefaultReplicas},
		{"successRate", s.Analysis.SuccessRate, DefaultSuccessRate},
		{"interval", s.Analysis.Interval, DefaultAnalysisInterval},
		{"count", s.Analysis.Count, DefaultAnalysisCount},
		{"monitoring", *s.Monitoring, DefaultMonitoring},
		{"metrics port", s.Metrics.Port, "web"},
		{"metrics path", s.Metrics.Path, DefaultMetricsPath},
		{"ingress path", s.Ingress.Paths[0], DefaultIngressPath},
		{"ingress port", s.Ingress.Port, "web"},
		{"override ingress port", qa.Ingress.Port, "web"},
		{"override target cpu", qa.Autoscaling.TargetCPUPercent, DefaultTargetCPUPercent},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}
