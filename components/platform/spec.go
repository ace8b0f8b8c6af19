package platform

import (
	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/internal/secret"
)

// Spec configures the delivery and observability stack installed on every cluster
// (`fleetform:platform`). Per-cluster differences (federation role) live on the cluster.
type Spec struct {
	// Edge is what serves traffic into each cluster: envoy-gateway, istio, kong, or
	// the retired ingress-nginx (legacy; it warns). Defaults to edges.Default.
	Edge edges.Edge `yaml:"edge"`
	// Ingress configures the edge (whichever platform.edge is).
	Ingress IngressSpec `yaml:"ingress"`
	// Rollouts configures Argo Rollouts.
	Rollouts RolloutsSpec `yaml:"rollouts"`
	// Monitoring configures kube-prometheus-stack and federation.
	Monitoring MonitoringSpec `yaml:"monitoring"`
	// Logging configures Loki or ELK.
	Logging LoggingSpec `yaml:"logging"`
	// Harbor configures the Harbor registry.
	Harbor HarborSpec `yaml:"harbor"`
	// VPA configures the Vertical Pod Autoscaler.
	VPA VPASpec `yaml:"vpa"`
	// ExternalSecrets configures External Secrets Operator and each cluster's secret store.
	ExternalSecrets ExternalSecretsSpec `yaml:"externalSecrets"`
	// Tracing configures the OpenTelemetry Collectors and Tempo.
	Tracing TracingSpec `yaml:"tracing"`
	// Backups configures Velero and each cluster's backup storage.
	Backups BackupsSpec `yaml:"backups"`
	// DNS configures certificates (cert-manager) and DNS records (external-dns) for
	// the hostnames the stack serves.
	DNS DNSSpec `yaml:"dns"`
	// Karpenter configures the Karpenter controller on EKS clusters with Karpenter pools.
	Karpenter KarpenterSpec `yaml:"karpenter"`
	// Mesh makes the Istio edge a sidecar mesh that environments join, with mTLS
	// between their pods (docs/platform.md, "Mesh").
	Mesh MeshSpec `yaml:"mesh"`
	// RuntimeSecurity configures Falco, runtime threat detection on every node, off by
	// default (docs/platform.md, "Runtime security").
	RuntimeSecurity RuntimeSecuritySpec `yaml:"runtimeSecurity"`
	// DNSAutoscaler scales CoreDNS with the cluster's size where the cloud does not
	// (docs/platform.md, "DNS scaling").
	DNSAutoscaler DNSAutoscalerSpec `yaml:"dnsAutoscaler"`
	// Chaos configures Chaos Mesh, which runs releases' chaos experiments, off by
	// default (docs/platform.md, "Chaos experiments").
	Chaos ChaosSpec `yaml:"chaos"`
}

// VPASpec configures the Vertical Pod Autoscaler. With it on, every release gets a
// VerticalPodAutoscaler for its Rollout, in recommendation mode (Off) unless the
// release opts into applying them.
type VPASpec struct {
	// Enabled installs the VPA. Defaults to true, except in a stack whose clusters are
	// all of cloud existing (clusters this program did not build, which may run their own).
	Enabled *bool `yaml:"enabled"`
	// Updates runs the updater and admission controller, which apply recommendations to
	// releases whose verticalAutoscaling.updateMode is Initial or Auto. False runs the
	// recommender alone (recommendations only). Defaults to true.
	Updates *bool `yaml:"updates"`
	// Chart overrides the chart source.
	Chart Chart `yaml:"chart"`
}

// Chart overrides where an addon's Helm chart comes from. Every field is optional:
// the defaults are the pins in components/helmrelease.
type Chart struct {
	// Repository replaces the upstream chart repository (an https:// Helm repo or an
	// oci:// registry path such as oci://harbor.example.com/charts). Defaults to the pin.
	Repository string `yaml:"repository"`
	// Version replaces the pinned chart version (semver). Defaults to the pin.
	Version string `yaml:"version"`
	// Values are raw chart values deep-merged last, over the typed settings.
	Values map[string]any `yaml:"values"`
}

// IngressSpec configures the edge.
type IngressSpec struct {
	// Enabled installs the edge (controller, and the shared Gateway). Defaults to true.
	Enabled *bool `yaml:"enabled"`
	// Internal makes the load balancer internal-only (an internal NLB, Azure internal LB
	// or intranet SLB; a NodePort Service on existing clusters). Defaults to false.
	Internal bool `yaml:"internal"`
	// Replicas is the replica count of the proxy serving traffic (ingress-nginx's
	// controller, or the shared Gateway's Envoy or Istio gateway). Defaults to DefaultIngressReplicas.
	Replicas int `yaml:"replicas"`
	// Chart overrides the edge's chart source: ingress-nginx, gateway-helm, istiod or
	// Kong's ingress.
	Chart Chart `yaml:"chart"`
}

// RolloutsSpec configures Argo Rollouts.
type RolloutsSpec struct {
	// Enabled installs the controller and CRDs. Defaults to true.
	Enabled *bool `yaml:"enabled"`
	// Dashboard installs the Rollouts dashboard (a ClusterIP Service; no Ingress). Defaults to false.
	Dashboard bool `yaml:"dashboard"`
	// DashboardAccess puts the dashboard on the edge, behind basic auth; unset keeps it
	// in-cluster.
	DashboardAccess DashboardAccessSpec `yaml:"dashboardAccess"`
	// GatewayPlugin is the Gateway API traffic-router plugin, which shifts canary
	// traffic on an envoy-gateway or kong edge.
	GatewayPlugin GatewayPluginSpec `yaml:"gatewayPlugin"`
	// Chart overrides the chart source.
	Chart Chart `yaml:"chart"`
}

// GatewayPluginSpec configures the Rollouts Gateway API plugin, a binary the
// controller downloads when it starts.
type GatewayPluginSpec struct {
	// Enabled loads the plugin. Defaults to true on edges envoy-gateway and kong (their
	// canaries need it) and false elsewhere.
	Enabled *bool `yaml:"enabled"`
	// Location is where the controller downloads the plugin from: an https:// URL (a
	// mirror in a closed network) or file:// (a binary baked into a custom controller
	// image). Defaults to the pinned GitHub release (rollouts.GatewayPluginLocation).
	Location string `yaml:"location"`
	// SHA256 is the binary's checksum, which the controller verifies; set it with a
	// mirror. Empty: not verified.
	SHA256 string `yaml:"sha256"`
}

// GrafanaSpec puts Grafana on the edge at grafana.<cluster>.<domain>, behind
// Grafana's own login (the admin from grafanaAdminPassword).
type GrafanaSpec struct {
	// Domain is the DNS domain under which each cluster's Grafana is served; empty
	// exposes none.
	Domain string `yaml:"domain"`
	// TLSSecretName is a certificate the stack brings (in the monitoring namespace).
	// Unset: grafana-tls, which cert-manager issues.
	TLSSecretName string `yaml:"tlsSecretName"`
}

// MonitoringSpec configures kube-prometheus-stack.
type MonitoringSpec struct {
	// Enabled installs kube-prometheus-stack. Defaults to true.
	Enabled *bool `yaml:"enabled"`
	// Retention is Prometheus's retention time: a number and h, d, w or y (e.g. 15d).
	// Defaults to DefaultMetricsRetention.
	Retention string `yaml:"retention"`
	// StorageSize is the Prometheus volume size, a Kubernetes quantity (e.g. 50Gi), on
	// the cluster's default StorageClass. Defaults to DefaultMetricsStorageSize.
	StorageSize string `yaml:"storageSize"`
	// GrafanaAdminPassword names the secret config key with Grafana's admin password;
	// required when monitoring is enabled.
	GrafanaAdminPassword secret.Ref `yaml:"grafanaAdminPassword"`
	// Receivers are Alertmanager receivers; every alert goes to each of them. None keeps the chart's default (no notifications).
	Receivers []Receiver `yaml:"receivers"`
	// Federation configures the hub/spoke wiring.
	Federation FederationSpec `yaml:"federation"`
	// Grafana exposes each cluster's Grafana on the edge; unset keeps it in-cluster
	// (kubectl port-forward).
	Grafana GrafanaSpec `yaml:"grafana"`
	// ControlPlane scrapes kube-controller-manager, kube-scheduler and etcd, with their
	// dashboards and alerts (KubeSchedulerDown, KubeControllerManagerDown, etcd rules).
	// Unset, each cluster decides: on where the control plane runs in the cluster's
	// sight (cloud existing), off where the cloud runs it out of sight (EKS, AKS, ACK),
	// whose absent targets would page from the first day. kube-proxy and the API server
	// are scraped either way.
	ControlPlane *bool `yaml:"controlPlane"`
	// DingTalkImage is the image of the DingTalk adapter (prometheus-webhook-dingtalk)
	// that runs when a receiver is a DingTalk robot; override it for a mirror. Defaults
	// to the pin in components/addons/monitoring.
	DingTalkImage string `yaml:"dingtalkImage"`
	// Chart overrides the chart source.
	Chart Chart `yaml:"chart"`
}

// Receiver is one Alertmanager receiver; exactly one of Webhook, Email, Slack, WeCom
// and DingTalk. Every receiver gets every alert except Watchdog, after the chart's
// inhibit rules (info alerts are held back while a warning or critical one fires).
type Receiver struct {
	// Name is the receiver name; unique, and not "null" (the receiver Watchdog alerts go to).
	Name string `yaml:"name"`
	// Webhook posts alerts to a URL (e.g. a WeCom or DingTalk bridge).
	Webhook *WebhookReceiver `yaml:"webhook"`
	// Email sends alerts by mail.
	Email *EmailReceiver `yaml:"email"`
	// Slack posts alerts to a Slack channel.
	Slack *SlackReceiver `yaml:"slack"`
	// WeCom sends alerts as a WeCom (企业微信) application message, with
	// Alertmanager's native wechat_configs.
	WeCom *WeComReceiver `yaml:"wecom"`
	// DingTalk posts alerts to a DingTalk (钉钉) group robot through the DingTalk adapter
	// the monitoring addon runs next to Alertmanager.
	DingTalk *DingTalkReceiver `yaml:"dingtalk"`
}

// WebhookReceiver posts alerts to a URL held in a secret.
type WebhookReceiver struct {
	// URL names the secret config key with the webhook URL.
	URL secret.Ref `yaml:"url"`
}

// EmailReceiver sends alerts by mail.
type EmailReceiver struct {
	// To is the recipient address; required.
	To string `yaml:"to"`
	// From is the sender address; required.
	From string `yaml:"from"`
	// Smarthost is the SMTP server as host:port; required.
	Smarthost string `yaml:"smarthost"`
	// AuthUsername is the SMTP user; empty means no SMTP authentication.
	AuthUsername string `yaml:"authUsername"`
	// AuthPassword names the secret config key with the SMTP password; required with AuthUsername.
	AuthPassword secret.Ref `yaml:"authPassword"`
}

// SlackReceiver posts alerts to a Slack channel.
type SlackReceiver struct {
	// APIURL names the secret config key with the Slack incoming-webhook URL.
	APIURL secret.Ref `yaml:"apiUrl"`
	// Channel overrides the webhook's default channel (e.g. #alerts); optional.
	Channel string `yaml:"channel"`
}

// WeComReceiver sends alerts through a WeCom self-built application (corp ID, agent
// ID and the application's secret) to users, departments or tags.
type WeComReceiver struct {
	// CorpID is the WeCom organisation's corp ID (ww...); required.
	CorpID string `yaml:"corpId"`
	// AgentID is the application's agent ID (a number); required.
	AgentID string `yaml:"agentId"`
	// APISecret names the secret config key with the application's secret; required.
	APISecret secret.Ref `yaml:"apiSecret"`
	// ToUser are user IDs separated by '|' (or @all); at least one of ToUser, ToParty, ToTag.
	ToUser string `yaml:"toUser"`
	// ToParty are department IDs separated by '|'.
	ToParty string `yaml:"toParty"`
	// ToTag are tag IDs separated by '|'.
	ToTag string `yaml:"toTag"`
	// MessageType is text or markdown. Defaults to DefaultWeComMessageType.
	MessageType string `yaml:"messageType"`
	// APIURL replaces the WeCom API base URL (https://qyapi.weixin.qq.com/cgi-bin/),
	// e.g. for an egress proxy in a closed network; optional.
	APIURL string `yaml:"apiUrl"`
}

// DingTalkReceiver posts alerts to a DingTalk group robot.
type DingTalkReceiver struct {
	// URL names the secret config key with the robot's webhook URL
	// (https://oapi.dingtalk.com/robot/send?access_token=...); required.
	URL secret.Ref `yaml:"url"`
	// Secret names the secret config key with the robot's signing secret (SEC...),
	// when the robot's security setting is 加签 (signature); optional.
	Secret secret.Ref `yaml:"secret"`
	// MentionAll @-mentions everyone in the group.
	MentionAll bool `yaml:"mentionAll"`
	// MentionMobiles @-mention these members by mobile number.
	MentionMobiles []string `yaml:"mentionMobiles"`
}

// FederationSpec configures multi-cluster Prometheus federation. A cluster's role
// (hub, spoke or none) is set on the cluster (`clusters[i].federation`).
type FederationSpec struct {
	// Domain is the DNS suffix for spoke federation endpoints: federate.<cluster>.<domain>;
	// required when a cluster is a spoke.
	Domain string `yaml:"domain"`
	// Match are the `match[]` selectors the hub asks each spoke for. Defaults to
	// DefaultFederationMatch (every series that has a job label).
	Match []string `yaml:"match"`
	// Username is the basic-auth user of spoke endpoints. Defaults to DefaultFederationUsername.
	Username string `yaml:"username"`
	// Password names the secret config key with the basic-auth password of spoke
	// endpoints; required when a cluster is a hub or a spoke.
	Password secret.Ref `yaml:"password"`
	// TLSSecretName is the TLS Secret (in the monitoring namespace) of spoke federation
	// Ingresses. Defaults to DefaultFederationTLSSecret, which cert-manager issues; set,
	// it is a Secret the stack brings (no Certificate is made).
	TLSSecretName string `yaml:"tlsSecretName"`
	// RemoteSpokes are stack references (by name in stackReferences) whose spokes the
	// hub scrapes; each such stack exports platform.<cluster>.federation.{endpoint,username,password}.
	RemoteSpokes []string `yaml:"remoteSpokes"`
}

// LoggingSpec configures log collection.
type LoggingSpec struct {
	// Enabled installs the log store and a collector on every node. Defaults to true.
	Enabled *bool `yaml:"enabled"`
	// Backend is loki (Loki with Grafana Alloy) or elk (ECK Elasticsearch and Kibana
	// with Fluent Bit). Defaults to DefaultLoggingBackend.
	Backend string `yaml:"backend"`
	// Retention is how long logs are kept: a number and h, d, w or y (e.g. 7d).
	// Defaults to DefaultLogRetention.
	Retention string `yaml:"retention"`
	// StorageSize is the log store's volume size, a Kubernetes quantity, on the
	// cluster's default StorageClass. Defaults to DefaultLogStorageSize.
	StorageSize string `yaml:"storageSize"`
	// VolumePolicy is what happens to the log store's volumes when the store is
	// uninstalled or deleted: Retain keeps them (and the logs), Delete removes them.
	// Defaults to DefaultLogVolumePolicy (Retain).
	VolumePolicy string `yaml:"volumePolicy"`
	// Chart overrides the backend's chart source (loki, or eck-stack for elk).
	Chart Chart `yaml:"chart"`
	// OperatorChart overrides the eck-operator chart source (elk only).
	OperatorChart Chart `yaml:"operatorChart"`
	// CollectorChart overrides the node collector's chart source (alloy, or fluent-bit for elk).
	CollectorChart Chart `yaml:"collectorChart"`
	// WriterPassword names the secret config key with the password of the
	// Elasticsearch user Fluent Bit writes with (elk only; required there): a user of
	// ECK's file realm whose one role creates the log indices and adds documents,
	// instead of the elastic superuser.
	WriterPassword secret.Ref `yaml:"writerPassword"`
	// RetentionJobImage is the curl image of the Job that installs the Elasticsearch
	// index lifecycle policy (elk only); override it for a mirror. Defaults to the pin
	// in components/addons/logging.
	RetentionJobImage string `yaml:"retentionJobImage"`
}

// HarborSpec configures Harbor.
type HarborSpec struct {
	// Cluster names the cluster that runs Harbor; empty means none in this stack. Every
	// cluster of the stack gets this Harbor as its registry.
	Cluster string `yaml:"cluster"`
	// Host is Harbor's external host name; required with Cluster. Without Cluster and
	// StackReference, it names a Harbor another stack runs, which environments pull
	// from with PullUsername and PullPassword (both required then): what a stack uses
	// when a stack reference would close a cycle (the hub's in-cluster stack runs
	// Harbor and reads its spokes).
	Host string `yaml:"host"`
	// TLSSecretName is the TLS Secret (in the harbor namespace) of Harbor's host.
	// Defaults to DefaultHarborTLSSecret, which cert-manager issues; set, it is a
	// Secret the stack brings (no Certificate is made).
	TLSSecretName string `yaml:"tlsSecretName"`
	// AdminPassword names the secret config key with Harbor's admin password; required with Cluster.
	AdminPassword secret.Ref `yaml:"adminPassword"`
	// SecretKey names the secret config key with the 16-character key Harbor encrypts
	// stored credentials (replication endpoints, scanners) with; required with Cluster.
	// Changing it later makes those stored credentials unreadable.
	SecretKey secret.Ref `yaml:"secretKey"`
	// Database is Harbor's PostgreSQL: the chart's bundled one, or an external one.
	Database HarborDatabaseSpec `yaml:"database"`
	// Trivy configures the Trivy vulnerability scanner.
	Trivy HarborTrivySpec `yaml:"trivy"`
	// RegistryStorageSize is the registry volume size, a Kubernetes quantity. Defaults to DefaultRegistryStorageSize.
	RegistryStorageSize string `yaml:"registryStorageSize"`
	// PullUsername is the robot account environments pull with (created in Harbor by
	// its administrators); required with Cluster.
	PullUsername string `yaml:"pullUsername"`
	// PullPassword names the secret config key with the robot account's token; required with Cluster.
	PullPassword secret.Ref `yaml:"pullPassword"`
	// StackReference names an entry in stackReferences whose stack runs Harbor and
	// exports platform.harbor.{host,pullUsername,pullPassword}; excludes Cluster.
	StackReference string `yaml:"stackReference"`
	// Chart overrides the chart source.
	Chart Chart `yaml:"chart"`
}

// HarborDatabaseSpec is Harbor's PostgreSQL database.
type HarborDatabaseSpec struct {
	// Password names the secret config key with the database password: the bundled
	// PostgreSQL's superuser password, or External.Username's password; required with
	// harbor.cluster. The bundled database takes it only when it is first created.
	Password secret.Ref `yaml:"password"`
	// External points Harbor at a PostgreSQL run elsewhere (RDS, Azure Database,
	// ApsaraDB); nil runs the chart's bundled single-pod PostgreSQL.
	External *HarborExternalDatabase `yaml:"external"`
}

// HarborExternalDatabase is a PostgreSQL server Harbor uses instead of its bundled one.
type HarborExternalDatabase struct {
	// Host is the server's host name or IP address; required.
	Host string `yaml:"host"`
	// Port is the server's port. Defaults to DefaultDatabasePort.
	Port int `yaml:"port"`
	// Username is the database user; required.
	Username string `yaml:"username"`
	// Database is the database Harbor's core uses. Defaults to DefaultHarborDatabase.
	Database string `yaml:"database"`
	// SSLMode is disable, require, verify-ca or verify-full (verify-* need the server's
	// CA in Harbor's trust store: chart value caBundleSecretName). Defaults to
	// DefaultDatabaseSSLMode.
	SSLMode string `yaml:"sslMode"`
}

// HarborTrivySpec configures Harbor's Trivy scanner.
type HarborTrivySpec struct {
	// Enabled installs the scanner. Defaults to true.
	Enabled *bool `yaml:"enabled"`
	// DBRepositories are the OCI repositories the vulnerability database is pulled
	// from, in order (e.g. a Harbor proxy-cache project in a closed network).
	// Defaults to DefaultTrivyDBRepositories, the chart's.
	DBRepositories []string `yaml:"dbRepositories"`
	// JavaDBRepositories are the OCI repositories of the Java vulnerability database.
	// Defaults to DefaultTrivyJavaDBRepositories, the chart's.
	JavaDBRepositories []string `yaml:"javaDbRepositories"`
	// OfflineScan stops Trivy from asking the Internet about dependencies while scanning.
	OfflineScan bool `yaml:"offlineScan"`
}
