package platform_test

import (
	"errors"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/stacks"
)

func TestValidate(t *testing.T) {
	off := false
	for _, tc := range []struct {
		name   string
		mutate func(*platform.Spec)
		roles  []cluster.FederationRole
		path   string
		msg    string
	}{
		{"valid", func(*platform.Spec) {}, nil, "", ""},
		{"retention unit", func(s *platform.Spec) { s.Monitoring.Retention = "15days" }, nil, "platform.monitoring.retention", platform.MsgRetention},
		{"log retention zero", func(s *platform.Spec) { s.Logging.Retention = "0d" }, nil, "platform.logging.retention", platform.MsgRetention},
		{"storage quantity", func(s *platform.Spec) { s.Monitoring.StorageSize = "-1Gi" }, nil, "platform.monitoring.storageSize", platform.MsgQuantity},
		{"harbor storage quantity", func(s *platform.Spec) { s.Harbor.RegistryStorageSize = "lots" }, nil, "platform.harbor.registryStorageSize", platform.MsgQuantity},
		{"backend enum", func(s *platform.Spec) { s.Logging.Backend = "splunk" }, nil, "platform.logging.backend", "Unsupported value"},
		{"falco priority", func(s *platform.Spec) { s.RuntimeSecurity.MinimumPriority = "severe" }, nil, "platform.runtimeSecurity.minimumPriority", platform.MsgPriority},
		{"dns autoscaler max below min", func(s *platform.Spec) { s.DNSAutoscaler.Max = 1 }, nil, "platform.dnsAutoscaler.max", platform.MsgDNSMax},
		{"dns autoscaler negative", func(s *platform.Spec) { s.DNSAutoscaler.NodesPerReplica = -1 }, nil, "platform.dnsAutoscaler.nodesPerReplica", platform.MsgAtLeastOneReplica},
		{"falco chart version", func(s *platform.Spec) { s.RuntimeSecurity.Chart.Version = "latest" }, nil, "platform.runtimeSecurity.chart.version", platform.MsgVersion},
		{"two receiver kinds", func(s *platform.Spec) {
			s.Monitoring.Receivers[0].Slack = &platform.SlackReceiver{APIURL: "slackUrl"}
		}, nil, "platform.monitoring.receivers[0]", platform.MsgOneReceiverKind},
		{"no receiver kind", func(s *platform.Spec) { s.Monitoring.Receivers[0].Webhook = nil }, nil, "platform.monitoring.receivers[0]", platform.MsgOneReceiverKind},
		{"null receiver", func(s *platform.Spec) { s.Monitoring.Receivers[0].Name = "null" }, nil, "platform.monitoring.receivers[0].name", platform.MsgReservedReceiver},
		{"duplicate receiver", func(s *platform.Spec) { s.Monitoring.Receivers[1].Name = s.Monitoring.Receivers[0].Name }, nil, "platform.monitoring.receivers[1].name", "Duplicate value"},
		{"smtp password", func(s *platform.Spec) { s.Monitoring.Receivers[1].Email.AuthPassword = "" }, nil, "platform.monitoring.receivers[1].email.authPassword", platform.MsgSecretRequired},
		{"smarthost", func(s *platform.Spec) { s.Monitoring.Receivers[1].Email.Smarthost = "smtp.example.com" }, nil, "platform.monitoring.receivers[1].email.smarthost", platform.MsgHostPort},
		{"grafana password", func(s *platform.Spec) { s.Monitoring.GrafanaAdminPassword = "" }, nil, "platform.monitoring.grafanaAdminPassword", platform.MsgSecretRequired},
		{"grafana password not needed when off", func(s *platform.Spec) {
			s.Monitoring.GrafanaAdminPassword, s.Monitoring.Enabled = "", &off
		}, nil, "", ""},
		{"federation password", func(s *platform.Spec) { s.Monitoring.Federation.Password = "" }, []cluster.FederationRole{cluster.FederationHub}, "platform.monitoring.federation.password", platform.MsgSecretRequired},
		{"spoke domain", func(s *platform.Spec) { s.Monitoring.Federation.Domain = "" }, []cluster.FederationRole{cluster.FederationSpoke}, "platform.monitoring.federation.domain", "Required value"},
		{"spoke needs ingress", func(s *platform.Spec) { s.Ingress.Enabled = &off; s.Harbor.Cluster = "" }, []cluster.FederationRole{cluster.FederationSpoke}, "platform.ingress.enabled", platform.MsgNeedsIngress},
		{"federation needs monitoring", func(s *platform.Spec) { s.Monitoring.Enabled = &off }, []cluster.FederationRole{cluster.FederationHub}, "platform.monitoring.enabled", platform.MsgNeedsMonitoring},
		{"harbor admin password", func(s *platform.Spec) { s.Harbor.AdminPassword = "" }, nil, "platform.harbor.adminPassword", platform.MsgSecretRequired},
		{"harbor exclusive", func(s *platform.Spec) { s.Harbor.StackReference = "shared" }, nil, "platform.harbor.stackReference", platform.MsgHarborExclusive},
		{"harbor host", func(s *platform.Spec) { s.Harbor.Host = "Harbor_Example" }, nil, "platform.harbor.host", platform.MsgHostname},
		{"repository scheme", func(s *platform.Spec) { s.Ingress.Chart.Repository = "ftp://mirror/charts" }, nil, "platform.ingress.chart.repository", platform.MsgRepository},
		{"repository http", func(s *platform.Spec) { s.Logging.CollectorChart.Repository = "http://mirror/charts" }, nil, "platform.logging.collectorChart.repository", platform.MsgRepository},
		{"chart version", func(s *platform.Spec) { s.Harbor.Chart.Version = "latest" }, nil, "platform.harbor.chart.version", platform.MsgVersion},
		{"match selector", func(s *platform.Spec) { s.Monitoring.Federation.Match = []string{"job=node"} }, nil, "platform.monitoring.federation.match[0]", "series selector"},
		{"wecom recipient", func(s *platform.Spec) { s.Monitoring.Receivers[3].WeCom.ToParty = "" }, nil, "platform.monitoring.receivers[3].wecom.toUser", platform.MsgWeComRecipient},
		{"wecom agent id", func(s *platform.Spec) { s.Monitoring.Receivers[3].WeCom.AgentID = "app" }, nil, "platform.monitoring.receivers[3].wecom.agentId", platform.MsgAgentID},
		{"wecom secret", func(s *platform.Spec) { s.Monitoring.Receivers[3].WeCom.APISecret = "" }, nil, "platform.monitoring.receivers[3].wecom.apiSecret", platform.MsgSecretRequired},
		{"wecom corp id", func(s *platform.Spec) { s.Monitoring.Receivers[3].WeCom.CorpID = "" }, nil, "platform.monitoring.receivers[3].wecom.corpId", "Required value"},
		{"wecom message type", func(s *platform.Spec) { s.Monitoring.Receivers[3].WeCom.MessageType = "news" }, nil, "platform.monitoring.receivers[3].wecom.messageType", "Unsupported value"},
		{"wecom api url", func(s *platform.Spec) { s.Monitoring.Receivers[3].WeCom.APIURL = "http://proxy/cgi-bin/" }, nil, "platform.monitoring.receivers[3].wecom.apiUrl", platform.MsgHTTPSURL},
		{"wecom and slack", func(s *platform.Spec) {
			s.Monitoring.Receivers[3].Slack = &platform.SlackReceiver{APIURL: "slackUrl"}
		}, nil, "platform.monitoring.receivers[3]", platform.MsgOneReceiverKind},
		{"dingtalk url", func(s *platform.Spec) { s.Monitoring.Receivers[4].DingTalk.URL = "" }, nil, "platform.monitoring.receivers[4].dingtalk.url", platform.MsgSecretRequired},
		{"dingtalk name", func(s *platform.Spec) { s.Monitoring.Receivers[4].Name = "ops team" }, nil, "platform.monitoring.receivers[4].name", platform.MsgReceiverPathName},
		{"dingtalk name starts with a letter", func(s *platform.Spec) { s.Monitoring.Receivers[4].Name = "1st-line" }, nil, "platform.monitoring.receivers[4].name", platform.MsgReceiverPathName},
		{"dingtalk image", func(s *platform.Spec) { s.Monitoring.DingTalkImage = "https://docker.io/x:1" }, nil, "platform.monitoring.dingtalkImage", platform.MsgImage},
		{"dingtalk image not a reference", func(s *platform.Spec) { s.Monitoring.DingTalkImage = "Nginx:" }, nil, "platform.monitoring.dingtalkImage", platform.MsgImage},
		{"chart version of two parts", func(s *platform.Spec) { s.Harbor.Chart.Version = "1.2" }, nil, "platform.harbor.chart.version", platform.MsgVersion},
		{"mail address without a domain", func(s *platform.Spec) { s.Monitoring.Receivers[1].Email.To = "ops@" }, nil, "platform.monitoring.receivers[1].email.to", platform.MsgEmail},
		{"mail address of two", func(s *platform.Spec) { s.Monitoring.Receivers[1].Email.From = "a@example.com b@example.com" }, nil, "platform.monitoring.receivers[1].email.from", platform.MsgEmail},
		{"log volume policy", func(s *platform.Spec) { s.Logging.VolumePolicy = "Keep" }, nil, "platform.logging.volumePolicy", "Unsupported value"},
		{"elk writer password", func(s *platform.Spec) { s.Logging.Backend, s.Logging.WriterPassword = platform.LoggingELK, "" }, nil, "platform.logging.writerPassword", platform.MsgSecretRequired},
		{"loki needs no writer password", func(s *platform.Spec) { s.Logging.Backend, s.Logging.WriterPassword = platform.LoggingLoki, "" }, nil, "", ""},
		{"harbor secret key", func(s *platform.Spec) { s.Harbor.SecretKey = "" }, nil, "platform.harbor.secretKey", platform.MsgSecretRequired},
		{"harbor database password", func(s *platform.Spec) { s.Harbor.Database.Password = "" }, nil, "platform.harbor.database.password", platform.MsgSecretRequired},
		{"harbor secrets not needed elsewhere", func(s *platform.Spec) {
			s.Harbor.Cluster, s.Harbor.StackReference, s.Harbor.SecretKey, s.Harbor.Database.Password = "", "shared", "", ""
		}, nil, "", ""},
		{"external database host", func(s *platform.Spec) {
			s.Harbor.Database.External = &platform.HarborExternalDatabase{Username: "harbor", Port: 5432, Database: "registry", SSLMode: "require"}
		}, nil, "platform.harbor.database.external.host", "Required value"},
		{"external database ip host", func(s *platform.Spec) {
			s.Harbor.Database.External = &platform.HarborExternalDatabase{Host: "10.0.3.4", Username: "harbor", Port: 5432, Database: "registry", SSLMode: "require"}
		}, nil, "", ""},
		{"external database sslmode", func(s *platform.Spec) {
			s.Harbor.Database.External = &platform.HarborExternalDatabase{Host: "db.example.com", Username: "harbor", Port: 5432, Database: "registry", SSLMode: "prefer"}
		}, nil, "platform.harbor.database.external.sslMode", "Unsupported value"},
		{"external database port", func(s *platform.Spec) {
			s.Harbor.Database.External = &platform.HarborExternalDatabase{Host: "db.example.com", Username: "harbor", Port: 70000, Database: "registry", SSLMode: "require"}
		}, nil, "platform.harbor.database.external.port", platform.MsgPort},
		{"external database user", func(s *platform.Spec) {
			s.Harbor.Database.External = &platform.HarborExternalDatabase{Host: "db.example.com", Port: 5432, Database: "registry", SSLMode: "require"}
		}, nil, "platform.harbor.database.external.username", "Required value"},
		{"trivy repository scheme", func(s *platform.Spec) {
			s.Harbor.Trivy.DBRepositories = []string{"https://harbor.example.com/ghcr/aquasecurity/trivy-db"}
		}, nil, "platform.harbor.trivy.dbRepositories[0]", platform.MsgOCIRepository},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fullSpec(platform.LoggingLoki)
			tc.mutate(&s)
			p := field.NewPath("platform")
			errs := s.Validate(p)
			var clusters []cluster.Spec
			for i, r := range tc.roles {
				clusters = append(clusters, cluster.Spec{Name: string(rune('a' + i)), Federation: r})
			}
			errs = append(errs, s.ValidateClusters(p, clusters)...)
			if tc.path == "" {
				if len(errs) > 0 {
					t.Fatalf("got %v, want no problems", errs)
				}
				return
			}
			for _, e := range errs {
				if e.Field == tc.path && strings.Contains(e.Error(), tc.msg) {
					return
				}
			}
			t.Errorf("got %v, want a problem at %s saying %q", errs, tc.path, tc.msg)
		})
	}
}

func TestParseRetention(t *testing.T) {
	for in, want := range map[string]float64{"12h": 12, "7d": 168, "2w": 336, "1y": 8760} {
		d, err := platform.ParseRetention(in)
		if err != nil || d.Hours() != want {
			t.Errorf("ParseRetention(%q) = %v, %v; want %vh", in, d, err, want)
		}
	}
	if _, err := platform.ParseRetention("7"); err == nil || !strings.Contains(err.Error(), platform.MsgRetention) {
		t.Errorf(`ParseRetention("7") = %v, want %q for a number without a unit`, err, platform.MsgRetention)
	}
}

// TestUnknownAddonKeyRejected proves strict decoding refuses keys the platform spec does not have.
func TestUnknownAddonKeyRejected(t *testing.T) {
	for _, tc := range []struct{ name, platform, path string }{
		{"unknown addon", "    grafana:\n      enabled: true\n", "platform.grafana"},
		{"unknown ingress key", "    ingress:\n      foo: bar\n", "platform.ingress.foo"},
		{"unknown chart key", "    harbor:\n      chart:\n        repo: https://x\n", "platform.harbor.chart.repo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := "config:\n  fleetform:clusters:\n    - name: one\n      cloud: existing\n  fleetform:platform:\n" + tc.platform
			_, err := stacks.Parse([]byte(body), "Pulumi.test.yaml", "test")
			var se *stacks.Error
			if !errors.As(err, &se) {
				t.Fatalf("Parse = %v, want a *stacks.Error", err)
			}
			for _, p := range se.Problems {
				if p.Field == tc.path && strings.Contains(p.Error(), "unknown field") {
					return
				}
			}
			t.Errorf("problems = %v, want unknown field at %s", se.Problems, tc.path)
		})
	}
}

func TestApplyDefaults(t *testing.T) {
	s := platform.Spec{
		Monitoring: platform.MonitoringSpec{Receivers: []platform.Receiver{{Name: "w", WeCom: &platform.WeComReceiver{}}}},
		Harbor:     platform.HarborSpec{Database: platform.HarborDatabaseSpec{External: &platform.HarborExternalDatabase{Host: "db"}}},
	}
	s.ApplyDefaults()
	e := s.Harbor.Database.External
	if e.Port != platform.DefaultDatabasePort || e.Database != platform.DefaultHarborDatabase || e.SSLMode != platform.DefaultDatabaseSSLMode {
		t.Errorf("external database defaults = %+v, want port %d, database %s, sslmode %s", e,
			platform.DefaultDatabasePort, platform.DefaultHarborDatabase, platform.DefaultDatabaseSSLMode)
	}
	if got := s.Logging.VolumePolicy; got != "Retain" {
		t.Errorf("logging.volumePolicy default = %q, want Retain", got)
	}
	if got := s.Monitoring.Receivers[0].WeCom.MessageType; got != platform.DefaultWeComMessageType {
		t.Errorf("wecom messageType default = %q, want %s", got, platform.DefaultWeComMessageType)
	}
	if len(s.Harbor.Trivy.DBRepositories) != 2 || len(s.Harbor.Trivy.JavaDBRepositories) != 2 {
		t.Errorf("trivy repositories = %v / %v, want the chart's two each", s.Harbor.Trivy.DBRepositories, s.Harbor.Trivy.JavaDBRepositories)
	}
}
