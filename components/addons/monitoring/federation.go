package monitoring

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"
)

// Stack outputs a spoke stack exports for hubs in other stacks to read.
const (
	// ExportPrefix starts every platform stack output.
	ExportPrefix = "platform."
	// ExportEndpointSuffix ends a spoke's federation URL output: platform.<cluster>.federation.endpoint.
	ExportEndpointSuffix = ".federation.endpoint"
	// ExportUsernameSuffix ends a spoke's basic-auth user output.
	ExportUsernameSuffix = ".federation.username"
	// ExportPasswordSuffix ends a spoke's basic-auth password output (a secret).
	ExportPasswordSuffix = ".federation.password"
)

// Federation scrape settings.
const (
	// FederationHostPrefix starts a spoke's endpoint host: federate.<cluster>.<domain>.
	FederationHostPrefix = "federate"
	// FederatePath is Prometheus's federation endpoint.
	FederatePath = "/federate"
	// FederationScrapeInterval is how often the hub pulls each spoke; federation
	// responses are large, so it is slower than local scrapes.
	FederationScrapeInterval = "60s"
	// FederationScrapeTimeout leaves a slow spoke most of the interval to answer.
	FederationScrapeTimeout = "50s"
	// ClusterLabel is the label each spoke's series carry on the hub.
	ClusterLabel = "cluster"
	// JobPrefix starts the hub's scrape job name of a spoke: federate-<cluster>.
	JobPrefix = "federate-"
)

// ExportKeys returns the stack output names of a spoke's endpoint, username and password.
func ExportKeys(cluster string) (endpoint, username, password string) {
	base := ExportPrefix + cluster
	return base + ExportEndpointSuffix, base + ExportUsernameSuffix, base + ExportPasswordSuffix
}

// SpokeHost is the federation endpoint host of a spoke cluster.
func SpokeHost(cluster, domain string) string {
	return FederationHostPrefix + "." + cluster + "." + domain
}

// SpokeEndpoint is the federation URL a spoke exports.
func SpokeEndpoint(cluster, domain string) string {
	return "https://" + SpokeHost(cluster, domain) + FederatePath
}

// Target is one spoke as the hub scrapes it.
type Target struct {
	// Cluster becomes the cluster label of the spoke's series.
	Cluster string
	// Endpoint is the spoke's federation URL (https://host/federate).
	Endpoint string
	// Username and Password are the spoke's basic-auth credentials.
	Username, Password string
}

// InStackTarget is a spoke of this stack, wired directly: its endpoint and user are
// known, its password is the stack's federation secret. The result resolves to []Target.
func InStackTarget(cluster, endpoint, username string, password pulumi.StringInput) pulumi.Output {
	return password.ToStringOutput().ApplyT(func(pw string) []Target {
		return []Target{{Cluster: cluster, Endpoint: endpoint, Username: username, Password: pw}}
	})
}

// RemoteTargets reads every spoke another stack exports (platform.<cluster>.federation.*)
// through its stack reference. The result resolves to []Target and is secret.
func RemoteTargets(ref *pulumi.StackReference) pulumi.Output {
	return ref.Outputs.ApplyT(func(outs map[string]any) ([]Target, error) {
		return TargetsFromExports(outs)
	})
}

// TargetsFromExports picks the spokes out of a stack's outputs, sorted by cluster.
func TargetsFromExports(outs map[string]any) ([]Target, error) {
	var ts []Target
	for k, v := range outs {
		if !strings.HasPrefix(k, ExportPrefix) || !strings.HasSuffix(k, ExportEndpointSuffix) {
			continue
		}
		cluster := strings.TrimSuffix(strings.TrimPrefix(k, ExportPrefix), ExportEndpointSuffix)
		_, uk, pk := ExportKeys(cluster)
		endpoint, _ := v.(string)
		user, _ := outs[uk].(string)
		pw, _ := outs[pk].(string)
		if endpoint == "" || user == "" || pw == "" {
			return nil, fmt.Errorf("spoke %q: stack outputs %s, %s and %s must all be set", cluster, k, uk, pk)
		}
		ts = append(ts, Target{Cluster: cluster, Endpoint: endpoint, Username: user, Password: pw})
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Cluster < ts[j].Cluster })
	return ts, nil
}

type scrapeConfig struct {
	JobName        string              `yaml:"job_name"`
	HonorLabels    bool                `yaml:"honor_labels"`
	MetricsPath    string              `yaml:"metrics_path"`
	Scheme         string              `yaml:"scheme"`
	ScrapeInterval string              `yaml:"scrape_interval"`
	ScrapeTimeout  string              `yaml:"scrape_timeout"`
	Params         map[string][]string `yaml:"params"`
	BasicAuth      basicAuth           `yaml:"basic_auth"`
	StaticConfigs  []staticConfig      `yaml:"static_configs"`
}

type basicAuth struct {
	Username string `yaml:"username"`
	Password string `yaml:"password"`
}

type staticConfig struct {
	Targets []string          `yaml:"targets"`
	Labels  map[string]string `yaml:"labels"`
}

// ScrapeConfigs renders the hub's additional scrape configs: one job per spoke,
// honoring the spoke's labels, asking for the match[] selectors, and labelling the
// spoke's series with its cluster. A cluster may appear only once.
func ScrapeConfigs(targets []Target, match []string) (string, error) {
	ts := append([]Target(nil), targets...)
	sort.Slice(ts, func(i, j int) bool { return ts[i].Cluster < ts[j].Cluster })
	cfgs := make([]scrapeConfig, 0, len(ts))
	for i, t := range ts {
		if i > 0 && ts[i-1].Cluster == t.Cluster {
			return "", fmt.Errorf("spoke %q is federated twice (in this stack and through a stack reference?)", t.Cluster)
		}
		u, err := url.Parse(t.Endpoint)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return "", fmt.Errorf("spoke %q: endpoint %q is not an http(s) URL", t.Cluster, t.Endpoint)
		}
		path := u.Path
		if path == "" {
			path = FederatePath
		}
		cfgs = append(cfgs, scrapeConfig{
			JobName:        JobPrefix + t.Cluster,
			HonorLabels:    true,
			MetricsPath:    path,
			Scheme:         u.Scheme,
			ScrapeInterval: FederationScrapeInterval,
			ScrapeTimeout:  FederationScrapeTimeout,
			Params:         map[string][]string{"match[]": append([]string(nil), match...)},
			BasicAuth:      basicAuth{Username: t.Username, Password: t.Password},
			StaticConfigs:  []staticConfig{{Targets: []string{u.Host}, Labels: map[string]string{ClusterLabel: t.Cluster}}},
		})
	}
	b, err := yaml.Marshal(cfgs)
	if err != nil {
		return "", fmt.Errorf("rendering scrape configs: %w", err)
	}
	return string(b), nil
}

// collectTargets joins target outputs (each resolving to []Target) into one list.
func collectTargets(srcs []pulumi.Output) pulumi.Output {
	ins := make([]any, len(srcs))
	for i, s := range srcs {
		ins[i] = s
	}
	return pulumi.All(ins...).ApplyT(func(xs []any) ([]Target, error) {
		var out []Target
		for _, x := range xs {
			ts, ok := x.([]Target)
			if !ok {
				return nil, fmt.Errorf("federation target source resolved to %T, want []monitoring.Target", x)
			}
			out = append(out, ts...)
		}
		return out, nil
	})
}
