package platform

import "github.com/fleetform/fleetform/internal/secret"

// Spec configures the delivery and observability stack installed on every cluster
// (`fleetform:platform`). Per-cluster differences (federation role) live on the cluster.
type Spec struct {
	// Ingress configures ingress-nginx.
	Ingress IngressSpec `yaml:"ingress"`
	// Rollouts configures Argo Rollouts.
	Rollouts RolloutsSpec `yaml:"rollouts"`
	// Monitoring configures kube-prometheus-stack and federation.
	Monitoring MonitoringSpec `yaml:"monitoring"`
	// Logging configures Loki or ELK.
	Logging LoggingSpec `yaml:"logging"`
	// Harbor configures the Harbor registry.
	Harbor HarborSpec `yaml:"harbor"`
}

// Chart overrides where an addon's Helm chart comes from.
type Chart struct {
	// Repository replaces the upstream chart repository (an HTTPS Helm repo or an oci:// mirror, e.g. in Harbor).
	Repository string `yaml:"repository"`
	// Version replaces the pinned chart version.
	Version string `yaml:"version"`
	// Values are raw chart values merged last, over the typed settings.
	Values map[string]any `yaml:"values"`
}

// IngressSpec configures ingress-nginx.
type IngressSpec struct {
	// Enabled installs the controller. Defaults to true.
	Enabled *bool `yaml:"enabled"`
	// Internal makes the load balancer internal-only.
	Internal bool `yaml:"internal"`
	// Replicas is the controller replica count. Defaults to 2.
	Replicas int `yaml:"replicas"`
	// Chart overrides the chart source.
	Chart Chart `yaml:"chart"`
}

// RolloutsSpec configures Argo Rollouts.
type RolloutsSpec struct {
	// Enabled installs the controller and CRDs. Defaults to true.
	Enabled *bool `yaml:"enabled"`
	// Dashboard installs the Rollouts dashboard.
	Dashboard bool `yaml:"dashboard"`
	// Chart overrides the chart source.
	Chart Chart `yaml:"chart"`
}

// MonitoringSpec configures kube-prometheus-stack.
type MonitoringSpec struct {
	// Enabled installs kube-prometheus-stack. Defaults to true.
	Enabled *bool `yaml:"enabled"`
	// Retention is Prometheus's retention time (e.g. 15d). Defaults to 15d.
	Retention string `yaml:"retention"`
	// StorageSize is the Prometheus volume size (e.g. 50Gi). Defaults to 50Gi.
	StorageSize string `yaml:"storageSize"`
	// GrafanaAdminPassword names the secret config key with Grafana's admin password.
	GrafanaAdminPassword secret.Ref `yaml:"grafanaAdminPassword"`
	// Receivers are Alertmanager receivers.
	Receivers []Receiver `yaml:"receivers"`
	// Federation configures the hub/spoke wiring.
	Federation FederationSpec `yaml:"federation"`
	// Chart overrides the chart source.
	Chart Chart `yaml:"chart"`
}

// Receiver is one Alertmanager receiver; exactly one of Webhook, Email, Slack.
type Receiver struct {
	// Name is the receiver name.
	Name string `yaml:"name"`
	// Webhook posts alerts to a URL (e.g. a WeCom or DingTalk bridge).
	Webhook *WebhookReceiver `yaml:"webhook"`
	// Email sends alerts by mail.
	Email *EmailReceiver `yaml:"email"`
	// Slack posts alerts to a Slack channel.
	Slack *SlackReceiver `yaml:"slack"`
}

// WebhookReceiver posts alerts to a URL held in a secret.
type WebhookReceiver struct {
	// URL names the secret config key with the webhook URL.
	URL secret.Ref `yaml:"url"`
}

// EmailReceiver sends alerts by mail.
type EmailReceiver struct {
	To           string     `yaml:"to"`
	From         string     `yaml:"from"`
	Smarthost    string     `yaml:"smarthost"`
	AuthUsername string     `yaml:"authUsername"`
	AuthPassword secret.Ref `yaml:"authPassword"`
}

// SlackReceiver posts alerts to a Slack channel.
type SlackReceiver struct {
	// APIURL names the secret config key with the Slack incoming-webhook URL.
	APIURL  secret.Ref `yaml:"apiUrl"`
	Channel string     `yaml:"channel"`
}

// FederationSpec configures multi-cluster Prometheus federation.
type FederationSpec struct {
	// Domain is the DNS suffix for spoke federation endpoints: federate.<cluster>.<domain>.
	Domain string `yaml:"domain"`
	// Match are the `match[]` selectors the hub asks each spoke for. Defaults to all jobs.
	Match []string `yaml:"match"`
	// Username is the basic-auth user of spoke endpoints. Defaults to "federate".
	Username string `yaml:"username"`
	// Password names the secret config key with the basic-auth password of spoke endpoints.
	Password secret.Ref `yaml:"password"`
	// TLSSecretName is the TLS Secret of spoke federation Ingresses.
	TLSSecretName string `yaml:"tlsSecretName"`
	// RemoteSpokes are stack references (by name in stackReferences) whose spokes the hub scrapes.
	RemoteSpokes []string `yaml:"remoteSpokes"`
}

// LoggingSpec configures log collection.
type LoggingSpec struct {
	// Backend is loki or elk. Defaults to loki.
	Backend string `yaml:"backend"`
	// Retention is how long logs are kept (e.g. 7d). Defaults to 7d.
	Retention string `yaml:"retention"`
	// StorageSize is the log store's volume size. Defaults to 50Gi.
	StorageSize string `yaml:"storageSize"`
	// Chart overrides the backend's chart source.
	Chart Chart `yaml:"chart"`
	// CollectorChart overrides the node collector's chart source.
	CollectorChart Chart `yaml:"collectorChart"`
}

// HarborSpec configures Harbor.
type HarborSpec struct {
	// Cluster names the cluster that runs Harbor; empty means none in this stack.
	Cluster string `yaml:"cluster"`
	// Host is Harbor's external host name.
	Host string `yaml:"host"`
	// TLSSecretName is the TLS Secret of Harbor's Ingress.
	TLSSecretName string `yaml:"tlsSecretName"`
	// AdminPassword names the secret config key with Harbor's admin password.
	AdminPassword secret.Ref `yaml:"adminPassword"`
	// RegistryStorageSize is the registry volume size. Defaults to 200Gi.
	RegistryStorageSize string `yaml:"registryStorageSize"`
	// PullUsername is the robot account environments pull with.
	PullUsername string `yaml:"pullUsername"`
	// PullPassword names the secret config key with the robot account's token.
	PullPassword secret.Ref `yaml:"pullPassword"`
	// StackReference names an entry in stackReferences that provides Harbor, when Harbor runs in another stack.
	StackReference string `yaml:"stackReference"`
	// Chart overrides the chart source.
	Chart Chart `yaml:"chart"`
}
