package monitoring

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"
)

// NullReceiver drops alerts; the always-firing Watchdog alert goes there.
const NullReceiver = "null"

// The chart's alert routing, as kube-prometheus-stack 88.5.3 sets it in values.yaml
// (alertmanager.config). Our configuration replaces the chart's, so it starts from
// these and only adds receivers and their routes.
const (
	ResolveTimeout = "5m"
	GroupWait      = "30s"
	GroupInterval  = "5m"
	RepeatInterval = "12h"
	// TemplatesGlob loads the chart's template files (alertmanager.templateFiles).
	TemplatesGlob = "/etc/alertmanager/config/*.tmpl"
)

// GroupBy is the chart's route grouping: one notification per namespace.
var GroupBy = []string{"namespace"}

// WatchdogMatcher sends the always-firing Watchdog alert to NullReceiver.
const WatchdogMatcher = `alertname = "Watchdog"`

// InhibitRule is one Alertmanager inhibit rule.
type InhibitRule struct {
	SourceMatchers []string `yaml:"source_matchers,omitempty"`
	TargetMatchers []string `yaml:"target_matchers,omitempty"`
	Equal          []string `yaml:"equal,omitempty"`
}

// ChartInhibitRules are kube-prometheus-stack 88.5.3's inhibit rules: a critical
// alert holds back the same alert's warning and info, a warning its info, and the
// InfoInhibitor alert (from the chart's rules) holds back info alerts in its
// namespace while never notifying itself. Without them on-call gets every info alert.
var ChartInhibitRules = []InhibitRule{
	{SourceMatchers: []string{"severity = critical"}, TargetMatchers: []string{"severity =~ warning|info"}, Equal: []string{"namespace", "alertname"}},
	{SourceMatchers: []string{"severity = warning"}, TargetMatchers: []string{"severity = info"}, Equal: []string{"namespace", "alertname"}},
	{SourceMatchers: []string{"alertname = InfoInhibitor"}, TargetMatchers: []string{"severity = info"}, Equal: []string{"namespace"}},
	{TargetMatchers: []string{"alertname = InfoInhibitor"}},
}

// Receiver is one Alertmanager receiver with its secrets resolved; exactly one of
// Webhook, Email, Slack, WeCom and DingTalk is set.
type Receiver struct {
	// Name is the receiver name.
	Name string
	// Webhook posts alerts to a URL (e.g. a bridge of one's own).
	Webhook *Webhook
	// Email sends alerts by mail.
	Email *Email
	// Slack posts alerts to a Slack incoming webhook.
	Slack *Slack
	// WeCom sends alerts as WeCom application messages (wechat_configs).
	WeCom *WeCom
	// DingTalk posts alerts to a DingTalk robot through the DingTalk adapter.
	DingTalk *DingTalk
}

// Webhook is a generic webhook receiver.
type Webhook struct {
	// URL is the webhook URL; a secret, since such URLs carry tokens.
	URL pulumi.StringInput
}

// Email is an email receiver.
type Email struct {
	To, From, Smarthost, AuthUsername string
	// AuthPassword is the SMTP password; nil without AuthUsername.
	AuthPassword pulumi.StringInput
}

// Slack is a Slack receiver.
type Slack struct {
	// APIURL is the incoming-webhook URL; a secret.
	APIURL pulumi.StringInput
	// Channel overrides the webhook's channel; optional.
	Channel string
}

// WeCom is a WeCom (企业微信) application receiver.
type WeCom struct {
	CorpID, AgentID string
	// APISecret is the application's secret; a secret. Alertmanager v0.28 (this
	// chart's) has no api_secret_file (it came in v0.31), so it is written into the
	// configuration, which lives in a Secret.
	APISecret pulumi.StringInput
	// ToUser, ToParty and ToTag are '|'-separated recipients; at least one is set.
	ToUser, ToParty, ToTag string
	// MessageType is text or markdown.
	MessageType string
	// APIURL replaces the WeCom API base URL; empty keeps Alertmanager's.
	APIURL string
}

// DingTalk is a DingTalk robot receiver.
type DingTalk struct {
	// URL is the robot's webhook URL with its access token; a secret.
	URL pulumi.StringInput
	// Secret is the robot's signing secret; nil when the robot does not sign.
	Secret pulumi.StringInput
	// MentionAll @-mentions everyone; MentionMobiles @-mention members by mobile.
	MentionAll     bool
	MentionMobiles []string
}

type amConfig struct {
	Global       amGlobal      `yaml:"global"`
	InhibitRules []InhibitRule `yaml:"inhibit_rules"`
	Route        amRoute       `yaml:"route"`
	Receivers    []amReceiver  `yaml:"receivers"`
	Templates    []string      `yaml:"templates"`
}

type amGlobal struct {
	ResolveTimeout string `yaml:"resolve_timeout"`
}

type amRoute struct {
	Receiver       string    `yaml:"receiver"`
	GroupBy        []string  `yaml:"group_by,omitempty"`
	GroupWait      string    `yaml:"group_wait,omitempty"`
	GroupInterval  string    `yaml:"group_interval,omitempty"`
	RepeatInterval string    `yaml:"repeat_interval,omitempty"`
	Matchers       []string  `yaml:"matchers,omitempty"`
	Continue       bool      `yaml:"continue,omitempty"`
	Routes         []amRoute `yaml:"routes,omitempty"`
}

type amReceiver struct {
	Name           string      `yaml:"name"`
	WebhookConfigs []amWebhook `yaml:"webhook_configs,omitempty"`
	EmailConfigs   []amEmail   `yaml:"email_configs,omitempty"`
	SlackConfigs   []amSlack   `yaml:"slack_configs,omitempty"`
	WechatConfigs  []amWechat  `yaml:"wechat_configs,omitempty"`
}

type amWebhook struct {
	URL          string `yaml:"url"`
	SendResolved bool   `yaml:"send_resolved"`
}

type amEmail struct {
	To           string `yaml:"to"`
	From         string `yaml:"from"`
	Smarthost    string `yaml:"smarthost"`
	AuthUsername string `yaml:"auth_username,omitempty"`
	AuthPassword string `yaml:"auth_password,omitempty"`
	SendResolved bool   `yaml:"send_resolved"`
}

type amSlack struct {
	APIURL       string `yaml:"api_url"`
	Channel      string `yaml:"channel,omitempty"`
	SendResolved bool   `yaml:"send_resolved"`
}

type amWechat struct {
	APISecret    string `yaml:"api_secret"`
	CorpID       string `yaml:"corp_id"`
	AgentID      string `yaml:"agent_id"`
	APIURL       string `yaml:"api_url,omitempty"`
	ToUser       string `yaml:"to_user,omitempty"`
	ToParty      string `yaml:"to_party,omitempty"`
	ToTag        string `yaml:"to_tag,omitempty"`
	MessageType  string `yaml:"message_type,omitempty"`
	SendResolved bool   `yaml:"send_resolved"`
}

// receiverSecret is the one secret a receiver's Alertmanager entry holds, or "" for none.
func receiverSecret(r Receiver) pulumi.Input {
	switch {
	case r.Webhook != nil:
		return r.Webhook.URL
	case r.Email != nil && r.Email.AuthPassword != nil:
		return r.Email.AuthPassword
	case r.Slack != nil:
		return r.Slack.APIURL
	case r.WeCom != nil:
		return r.WeCom.APISecret
	default:
		// DingTalk's secrets live in the adapter's configuration, not here.
		return pulumi.String("")
	}
}

// AlertmanagerConfig renders alertmanager.yaml: the chart's defaults (inhibit rules,
// grouping, Watchdog to the null receiver) plus every receiver, each getting every
// other alert. DingTalk receivers post to the adapter in namespace ns. Secret inputs
// make the result secret.
func AlertmanagerConfig(receivers []Receiver, ns string) pulumi.StringOutput {
	ins := make([]any, len(receivers))
	for i, r := range receivers {
		ins[i] = receiverSecret(r)
	}
	return pulumi.All(ins...).ApplyT(func(secrets []any) (string, error) {
		return renderAlertmanager(receivers, secrets, ns)
	}).(pulumi.StringOutput)
}

func renderAlertmanager(receivers []Receiver, secrets []any, ns string) (string, error) {
	cfg := amConfig{
		Global:       amGlobal{ResolveTimeout: ResolveTimeout},
		InhibitRules: append([]InhibitRule(nil), ChartInhibitRules...),
		Route: amRoute{
			Receiver: NullReceiver, GroupBy: append([]string(nil), GroupBy...),
			GroupWait: GroupWait, GroupInterval: GroupInterval, RepeatInterval: RepeatInterval,
			Routes: []amRoute{{Receiver: NullReceiver, Matchers: []string{WatchdogMatcher}}},
		},
		Receivers: []amReceiver{{Name: NullReceiver}},
		Templates: []string{TemplatesGlob},
	}
	for i, r := range receivers {
		s, _ := secrets[i].(string)
		rec := amReceiver{Name: r.Name}
		switch {
		case r.Webhook != nil:
			rec.WebhookConfigs = []amWebhook{{URL: s, SendResolved: true}}
		case r.Email != nil:
			rec.EmailConfigs = []amEmail{{To: r.Email.To, From: r.Email.From, Smarthost: r.Email.Smarthost,
				AuthUsername: r.Email.AuthUsername, AuthPassword: s, SendResolved: true}}
		case r.Slack != nil:
			rec.SlackConfigs = []amSlack{{APIURL: s, Channel: r.Slack.Channel, SendResolved: true}}
		case r.WeCom != nil:
			w := r.WeCom
			rec.WechatConfigs = []amWechat{{APISecret: s, CorpID: w.CorpID, AgentID: w.AgentID, APIURL: w.APIURL,
				ToUser: w.ToUser, ToParty: w.ToParty, ToTag: w.ToTag, MessageType: w.MessageType, SendResolved: true}}
		case r.DingTalk != nil:
			rec.WebhookConfigs = []amWebhook{{URL: DingTalkTargetURL(ns, r.Name), SendResolved: true}}
		default:
			return "", fmt.Errorf("receiver %q: no webhook, email, slack, wecom or dingtalk", r.Name)
		}
		cfg.Receivers = append(cfg.Receivers, rec)
		cfg.Route.Routes = append(cfg.Route.Routes, amRoute{Receiver: r.Name, Continue: true})
	}
	b, err := yaml.Marshal(cfg)
	if err != nil {
		return "", fmt.Errorf("rendering alertmanager config: %w", err)
	}
	return string(b), nil
}
