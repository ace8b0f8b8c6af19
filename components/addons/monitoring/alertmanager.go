package monitoring

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"
)

// NullReceiver drops alerts; the always-firing Watchdog alert goes there.
const NullReceiver = "null"

// Alert routing timings, Alertmanager's usual values.
const (
	GroupWait      = "30s"
	GroupInterval  = "5m"
	RepeatInterval = "4h"
)

// Receiver is one Alertmanager receiver with its secrets resolved; exactly one of
// Webhook, Email and Slack is set.
type Receiver struct {
	// Name is the receiver name.
	Name string
	// Webhook posts alerts to a URL (e.g. a WeCom or DingTalk bridge).
	Webhook *Webhook
	// Email sends alerts by mail.
	Email *Email
	// Slack posts alerts to a Slack incoming webhook.
	Slack *Slack
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

type amConfig struct {
	Route     amRoute      `yaml:"route"`
	Receivers []amReceiver `yaml:"receivers"`
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

// AlertmanagerConfig renders alertmanager.yaml: Watchdog goes to the null receiver,
// every other alert to each receiver in order. Secret inputs make the result secret.
func AlertmanagerConfig(receivers []Receiver) pulumi.StringOutput {
	var ins []any
	for _, r := range receivers {
		switch {
		case r.Webhook != nil:
			ins = append(ins, r.Webhook.URL)
		case r.Email != nil && r.Email.AuthPassword != nil:
			ins = append(ins, r.Email.AuthPassword)
		case r.Slack != nil:
			ins = append(ins, r.Slack.APIURL)
		default:
			ins = append(ins, pulumi.String(""))
		}
	}
	return pulumi.All(ins...).ApplyT(func(secrets []any) (string, error) {
		return renderAlertmanager(receivers, secrets)
	}).(pulumi.StringOutput)
}

func renderAlertmanager(receivers []Receiver, secrets []any) (string, error) {
	cfg := amConfig{
		Route: amRoute{
			Receiver: NullReceiver, GroupBy: []string{"namespace", "alertname"},
			GroupWait: GroupWait, GroupInterval: GroupInterval, RepeatInterval: RepeatInterval,
			Routes: []amRoute{{Receiver: NullReceiver, Matchers: []string{`alertname = "Watchdog"`}}},
		},
		Receivers: []amReceiver{{Name: NullReceiver}},
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
		default:
			return "", fmt.Errorf("receiver %q: no webhook, email or slack", r.Name)
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
