package logging

import (
	"fmt"
	"strings"
	"time"

	batchv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/sizing"
	"github.com/fleetform/fleetform/components/helmrelease"
)

// Backends.
const (
	Loki = "loki"
	ELK  = "elk"
)

// Volume policies: what happens to the log store's volumes when the store is
// uninstalled (Loki's StatefulSet persistentVolumeClaimRetentionPolicy, ECK's
// volumeClaimDeletePolicy).
const (
	// VolumeRetain keeps the volumes, and the logs on them.
	VolumeRetain = "Retain"
	// VolumeDelete deletes the volumes with the store.
	VolumeDelete = "Delete"
)

// Release and object names; service names follow from them.
const (
	LokiRelease        = "loki"
	AlloyRelease       = "alloy"
	ECKOperatorRelease = "eck-operator"
	ECKStackRelease    = "eck-stack"
	FluentBitRelease   = "fluent-bit"
	// ElasticsearchName is the Elasticsearch resource; ECK derives <name>-es-http and <name>-es-elastic-user from it.
	ElasticsearchName = "elasticsearch"
	// KibanaName is the Kibana resource.
	KibanaName = "kibana"
	// IndexPrefix starts every container log index Fluent Bit writes (logs-YYYY.MM.DD).
	IndexPrefix = "logs"
	// NodeIndexPrefix starts every node (systemd journal: kubelet) log index
	// (node-logs-YYYY.MM.DD). It does not start with "logs-", whose logs-*-* names
	// Elasticsearch's built-in data-stream template claims.
	NodeIndexPrefix = "node-logs"
	// LifecyclePolicy is the Elasticsearch ILM policy that deletes old log indices.
	LifecyclePolicy = "fleetform-logs"
	// RetentionJobImage is the pinned curl image of the ILM Job; the stack may point it at a mirror.
	RetentionJobImage = "docker.io/curlimages/curl:8.16.0"
	// ElasticVersion is the Elasticsearch and Kibana version ECK runs.
	ElasticVersion = "9.1.4"
)

// Args configure logging on one cluster.
type Args struct {
	// Backend is Loki or ELK.
	Backend string
	// Cluster is the cluster name, added as a cluster label to every log line.
	Cluster string
	// Namespace is the namespace to install into.
	Namespace pulumi.StringInput
	// NamespaceName is Namespace as a plain name, for in-cluster service URLs.
	NamespaceName string
	// StorageClass holds the log store's volumes.
	StorageClass string
	// Retention is how long logs are kept.
	Retention time.Duration
	// StorageSize is the log store's volume size.
	StorageSize string
	// VolumePolicy is VolumeRetain or VolumeDelete; empty means VolumeRetain.
	VolumePolicy string
	// Chart, OperatorChart and CollectorChart are the stack's chart overrides.
	Chart, OperatorChart, CollectorChart helmrelease.Override
	// RetentionJobImage replaces the pinned curl image (ELK only).
	RetentionJobImage string
	// WriterPassword is the password of WriterUser, the Elasticsearch user Fluent Bit
	// writes with (ELK only; required there): a Pulumi secret, kept in WriterSecret.
	WriterPassword pulumi.StringInput
	// Production runs ProdElasticsearchNodes Elasticsearch nodes and sizes the
	// collector for a production cluster.
	Production bool
}

// Logging is a log store with its node collector.
type Logging struct {
	pulumi.ResourceState

	// Store is the log store's release (Loki, or eck-stack).
	Store pulumi.Resource
	// Collector is the node collector's release (Alloy or Fluent Bit).
	Collector pulumi.Resource
	// URL is the in-cluster address logs are queried at (Loki's gateway or Elasticsearch).
	URL pulumi.StringOutput `pulumi:"url"`
}

// Messages of the errors New returns for incomplete Args.
const (
	// MsgBackend is the error for a backend other than Loki or ELK.
	MsgBackend = "backend must be " + Loki + " or " + ELK
	// MsgRequired is the error for a missing retention, storage or namespace.
	MsgRequired = "retention of at least 1h, storage class, storage size and namespace are required"
	// MsgVolumePolicy is the error for a volume policy other than Retain or Delete.
	MsgVolumePolicy = "volume policy must be " + VolumeRetain + " or " + VolumeDelete
	// MsgWriterPassword is the error for ELK without the writer's password.
	MsgWriterPassword = "elk needs the password of the Elasticsearch user Fluent Bit writes with"
)

// New installs the backend and its collector.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Logging, error) {
	if args == nil || (args.Backend != Loki && args.Backend != ELK) {
		return nil, fmt.Errorf("logging %q: %s", name, MsgBackend)
	}
	if args.Retention < time.Hour || args.StorageClass == "" || args.StorageSize == "" || args.NamespaceName == "" {
		return nil, fmt.Errorf("logging %q: %s", name, MsgRequired)
	}
	if p := args.VolumePolicy; p != "" && p != VolumeRetain && p != VolumeDelete {
		return nil, fmt.Errorf("logging %q: %s", name, MsgVolumePolicy)
	}
	if args.Backend == ELK && args.WriterPassword == nil {
		return nil, fmt.Errorf("logging %q: %s", name, MsgWriterPassword)
	}
	c := &Logging{}
	if err := ctx.RegisterComponentResource("platform:addons:Logging", name, c, opts...); err != nil {
		return nil, fmt.Errorf("logging %q: registering: %w", name, err)
	}
	var err error
	if args.Backend == Loki {
		err = c.loki(ctx, name, args)
	} else {
		err = c.elk(ctx, name, args)
	}
	if err != nil {
		return nil, fmt.Errorf("logging %q: installing: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"url": c.URL}); err != nil {
		return nil, fmt.Errorf("logging %q: outputs: %w", name, err)
	}
	return c, nil
}

func (c *Logging) loki(ctx *pulumi.Context, name string, args *Args) error {
	store, err := helmrelease.New(ctx, name+"-loki", &helmrelease.Args{
		Pin: helmrelease.Loki, Override: args.Chart, ReleaseName: LokiRelease,
		Namespace: args.Namespace, Values: LokiValues(args),
	}, pulumi.Parent(c))
	if err != nil {
		return fmt.Errorf("release loki: %w", err)
	}
	// The collector only needs Loki's service name: it retries pushes until Loki is up.
	col, err := helmrelease.New(ctx, name+"-alloy", &helmrelease.Args{
		Pin: helmrelease.Alloy, Override: args.CollectorChart, ReleaseName: AlloyRelease,
		Namespace: args.Namespace, Values: AlloyValues(args),
	}, pulumi.Parent(c))
	if err != nil {
		return fmt.Errorf("release alloy: %w", err)
	}
	c.Store, c.Collector = store, col
	c.URL = pulumi.String(LokiURL(args.NamespaceName)).ToStringOutput()
	return nil
}

// LokiURL is the in-cluster address of Loki's gateway in namespace ns.
func LokiURL(ns string) string { return fmt.Sprintf("http://%s-gateway.%s.svc", LokiRelease, ns) }

// ElasticsearchURL is the in-cluster address of Elasticsearch in namespace ns.
func ElasticsearchURL(ns string) string {
	return fmt.Sprintf("https://%s-es-http.%s.svc:9200", ElasticsearchName, ns)
}

// hours renders a duration as Loki and ILM take it (e.g. 168h).
func hours(d time.Duration) string { return fmt.Sprintf("%dh", int(d.Hours())) }

// volumePolicy is args' policy with the default applied.
func volumePolicy(args *Args) string {
	if args.VolumePolicy == "" {
		return VolumeRetain
	}
	return args.VolumePolicy
}

// LokiValues are the typed loki chart values: a single binary on a volume of the
// cluster's default StorageClass, with the compactor deleting logs past retention.
// The StatefulSet's PVC retention policy follows args.VolumePolicy for both deletion
// and scale-down (the chart's default deletes the volume with the release).
func LokiValues(args *Args) map[string]any {
	policy := volumePolicy(args)
	return map[string]any{
		"deploymentMode": "SingleBinary",
		"loki": map[string]any{
			"auth_enabled":  false,
			"commonConfig":  map[string]any{"replication_factor": 1},
			"storage":       map[string]any{"type": "filesystem"},
			"limits_config": map[string]any{"retention_period": hours(args.Retention)},
			"compactor": map[string]any{
				"retention_enabled": true, "delete_request_store": "filesystem",
			},
			"schemaConfig": map[string]any{"configs": []any{map[string]any{
				"from": "2024-04-01", "store": "tsdb", "object_store": "filesystem", "schema": "v13",
				"index": map[string]any{"prefix": "loki_index_", "period": "24h"},
			}}},
		},
		"singleBinary": map[string]any{
			"replicas": 1,
			"persistence": map[string]any{
				"enabled": true, "storageClass": args.StorageClass, "size": args.StorageSize,
				"enableStatefulSetAutoDeletePVC": true, "whenDeleted": policy, "whenScaled": policy,
			},
		},
		"read":         map[string]any{"replicas": 0},
		"write":        map[string]any{"replicas": 0},
		"backend":      map[string]any{"replicas": 0},
		"chunksCache":  map[string]any{"enabled": false},
		"resultsCache": map[string]any{"enabled": false},
		"minio":        map[string]any{"enabled": false},
		"test":         map[string]any{"enabled": false},
		"lokiCanary":   map[string]any{"enabled": false},
	}
}

// AlloyConfig is the Alloy pipeline: discover this node's pods, tail their files
// under /var/log/pods, parse the CRI format, and push to Loki with a cluster label.
func AlloyConfig(cluster, lokiURL string) string {
	return strings.TrimSpace(fmt.Sprintf(`
discovery.kubernetes "pods" {
  role = "pod"
  selectors {
    role  = "pod"
    field = "spec.nodeName=" + sys.env("HOSTNAME")
  }
}

discovery.relabel "pods" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"]
    separator     = "/"
    target_label  = "__path__"
    replacement   = "/var/log/pods/*$1/*.log"
  }
}

local.file_match "pods" {
  path_targets = discovery.relabel.pods.output
}

loki.source.file "pods" {
  targets    = local.file_match.pods.targets
  forward_to = [loki.process.pods.receiver]
}

loki.process "pods" {
  stage.cri {}
  forward_to = [loki.write.default.receiver]
}

loki.write "default" {
  endpoint {
    url = %q
  }
  external_labels = {
    cluster = %q,
  }
}
`, lokiURL+"/loki/api/v1/push", cluster)) + "\n"
}

// AlloyValues are the typed alloy chart values: a DaemonSet with /var/log mounted,
// on every node whatever its taints.
func AlloyValues(args *Args) map[string]any {
	return map[string]any{
		"alloy": map[string]any{
			"configMap": map[string]any{"create": true, "content": AlloyConfig(args.Cluster, LokiURL(args.NamespaceName))},
			"mounts":    map[string]any{"varlog": true},
		},
		"controller": map[string]any{"type": "daemonset", "tolerations": helmrelease.NodeAgentTolerations()},
	}
}

func (c *Logging) elk(ctx *pulumi.Context, name string, args *Args) error {
	writer, err := c.writerSecrets(ctx, name, args)
	if err != nil {
		return err
	}
	op, err := helmrelease.New(ctx, name+"-eck-operator", &helmrelease.Args{
		Pin: helmrelease.ECKOperator, Override: args.OperatorChart, ReleaseName: ECKOperatorRelease,
		Namespace: args.Namespace, Values: map[string]any{"installCRDs": true},
	}, pulumi.Parent(c))
	if err != nil {
		return fmt.Errorf("release eck-operator: %w", err)
	}
	// Real dependency: Elasticsearch and Kibana objects need the operator's CRDs.
	store, err := helmrelease.New(ctx, name+"-eck-stack", &helmrelease.Args{
		Pin: helmrelease.ECKStack, Override: args.Chart, ReleaseName: ECKStackRelease,
		Namespace: args.Namespace, Values: ECKStackValues(args),
	}, pulumi.Parent(c), pulumi.DependsOn(append([]pulumi.Resource{op}, writer...)))
	if err != nil {
		return fmt.Errorf("release eck-stack: %w", err)
	}
	// Fluent Bit reads its own user's password from WriterSecret, and retries until
	// Elasticsearch answers; it needs names, not readiness.
	col, err := helmrelease.New(ctx, name+"-fluent-bit", &helmrelease.Args{
		Pin: helmrelease.FluentBit, Override: args.CollectorChart, ReleaseName: FluentBitRelease,
		Namespace: args.Namespace, Values: helmrelease.Merge(sizing.Values(FluentBitContainers, args.Production), FluentBitValues(args)),
	}, pulumi.Parent(c), pulumi.DependsOn(writer))
	if err != nil {
		return fmt.Errorf("release fluent-bit: %w", err)
	}
	if err := c.lifecycleJob(ctx, name, args, store); err != nil {
		return fmt.Errorf("lifecycle job: %w", err)
	}
	c.Store, c.Collector = store, col
	c.URL = pulumi.String(ElasticsearchURL(args.NamespaceName)).ToStringOutput()
	return nil
}

// ECKVolumeClaimDeletePolicy is ECK's volumeClaimDeletePolicy for a volume policy:
// both delete the volume of a node set scaled down (ECK first moves its data away),
// only Delete also deletes the volumes with the Elasticsearch resource (ECK's default).
func ECKVolumeClaimDeletePolicy(policy string) string {
	if policy == VolumeDelete {
		return "DeleteOnScaledownAndClusterDeletion"
	}
	return "DeleteOnScaledownOnly"
}

// ECKStackValues declare Elasticsearch (one node set on volumes of the default
// StorageClass, ElasticsearchNodes nodes) with the writer's user and role, and Kibana.
func ECKStackValues(args *Args) map[string]any {
	return map[string]any{
		"eck-elasticsearch": map[string]any{
			"enabled":                 true,
			"fullnameOverride":        ElasticsearchName,
			"version":                 ElasticVersion,
			"volumeClaimDeletePolicy": ECKVolumeClaimDeletePolicy(volumePolicy(args)),
			// ECK reads users from basic-auth Secrets (username, password, roles) and
			// roles from roles.yml (spec.auth; ECK 3.1 pkg/controller/elasticsearch/user).
			"auth": map[string]any{
				"fileRealm": []any{map[string]any{"secretName": WriterSecret}},
				"roles":     []any{map[string]any{"secretName": WriterRoleSecret}},
			},
			"nodeSets": []any{map[string]any{
				"name":   "default",
				"count":  ElasticsearchNodes(args.Production),
				"config": map[string]any{"node.store.allow_mmap": false},
				"volumeClaimTemplates": []any{map[string]any{
					"metadata": map[string]any{"name": "elasticsearch-data"},
					"spec": map[string]any{
						"accessModes":      []any{"ReadWriteOnce"},
						"storageClassName": args.StorageClass,
						"resources":        map[string]any{"requests": map[string]any{"storage": args.StorageSize}},
					},
				}},
			}},
		},
		"eck-kibana": map[string]any{
			"enabled":          true,
			"fullnameOverride": KibanaName,
			"version":          ElasticVersion,
			"spec":             map[string]any{"count": 1, "elasticsearchRef": map[string]any{"name": ElasticsearchName}},
		},
	}
}

// FluentBitValues ship logs to Elasticsearch over TLS, as WriterUser, from a
// DaemonSet on every node whatever its taints. The chart's inputs stay: container
// logs (tag kube.*) go to IndexPrefix indices, and the kubelet's journal (the
// chart's systemd input, tag host.*) to NodeIndexPrefix indices, both with the
// cluster label; nothing is read only to be dropped.
func FluentBitValues(args *Args) map[string]any {
	host := fmt.Sprintf("%s-es-http.%s.svc", ElasticsearchName, args.NamespaceName)
	output := fluentBitOutput("kube.*", host, IndexPrefix) + "\n" + fluentBitOutput("host.*", host, NodeIndexPrefix)
	filters := fmt.Sprintf(`[FILTER]
    Name kubernetes
    Match kube.*
    Merge_Log On
    Keep_Log Off
    K8S-Logging.Parser On
    K8S-Logging.Exclude On

[FILTER]
    Name modify
    Match *
    Add cluster %s
`, args.Cluster)
	return map[string]any{
		"tolerations": helmrelease.NodeAgentTolerations(),
		"env": []any{map[string]any{
			"name": WriterPasswordEnv,
			"valueFrom": map[string]any{"secretKeyRef": map[string]any{
				"name": WriterSecret, "key": "password",
			}},
		}},
		"extraVolumes": []any{map[string]any{
			"name": "es-ca", "secret": map[string]any{"secretName": ElasticsearchName + "-es-http-certs-public"},
		}},
		"extraVolumeMounts": []any{map[string]any{"name": "es-ca", "mountPath": "/fluent-bit/es-ca", "readOnly": true}},
		"config":            map[string]any{"outputs": output, "filters": filters},
	}
}

// fluentBitOutput is one Elasticsearch output for the records tagged match.
func fluentBitOutput(match, host, prefix string) string {
	return fmt.Sprintf(`[OUTPUT]
    Name es
    Match %s
    Host %s
    Port 9200
    HTTP_User %s
    HTTP_Passwd ${%s}
    Write_Operation create
    tls On
    tls.verify On
    tls.ca_file /fluent-bit/es-ca/ca.crt
    Logstash_Format On
    Logstash_Prefix %s
    Suppress_Type_Name On
    Replace_Dots On
    Retry_Limit False
`, match, host, WriterUser, WriterPasswordEnv, prefix)
}

// The least-privilege user Fluent Bit writes with, in ECK's file realm.
const (
	// WriterUser is the Elasticsearch user Fluent Bit writes as.
	WriterUser = "fleetform-log-writer"
	// WriterRole is its only role: create the log indices and add documents to them.
	WriterRole = "fleetform-log-writer"
	// WriterSecret is the basic-auth Secret (username, password, roles) ECK reads the
	// user from, and Fluent Bit its password.
	WriterSecret = "log-writer"
	// WriterRoleSecret holds the role's roles.yml.
	WriterRoleSecret = "log-writer-role"
	// WriterPasswordEnv is the environment variable Fluent Bit reads the password from.
	WriterPasswordEnv = "LOG_WRITER_PASSWORD"
)

// WriterRoleYAML is roles.yml with WriterRole: create_index and create_doc on the
// container and node log indices, nothing else (no cluster privilege, no read,
// update or delete). Fluent Bit's Write_Operation create needs no more.
func WriterRoleYAML() string {
	return fmt.Sprintf(`%s:
  cluster: []
  indices:
    - names: ["%s-*", "%s-*"]
      privileges: ["create_index", "create_doc"]
`, WriterRole, IndexPrefix, NodeIndexPrefix)
}

// writerSecrets makes WriterSecret and WriterRoleSecret, which eck-stack and Fluent
// Bit wait for.
func (c *Logging) writerSecrets(ctx *pulumi.Context, name string, args *Args) ([]pulumi.Resource, error) {
	user, err := corev1.NewSecret(ctx, name+"-writer", &corev1.SecretArgs{
		Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(WriterSecret), Namespace: args.Namespace},
		Type:     pulumi.String("kubernetes.io/basic-auth"),
		StringData: pulumi.StringMap{
			"username": pulumi.String(WriterUser),
			"password": pulumi.ToSecret(args.WriterPassword).(pulumi.StringOutput),
			"roles":    pulumi.String(WriterRole),
		},
	}, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("secret writer: %w", err)
	}
	role, err := corev1.NewSecret(ctx, name+"-writer-role", &corev1.SecretArgs{
		Metadata:   metav1.ObjectMetaArgs{Name: pulumi.String(WriterRoleSecret), Namespace: args.Namespace},
		Type:       pulumi.String("Opaque"),
		StringData: pulumi.StringMap{"roles.yml": pulumi.String(WriterRoleYAML())},
	}, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("secret writer role: %w", err)
	}
	return []pulumi.Resource{user, role}, nil
}

// ProdElasticsearchNodes is the node count on a production cluster: three nodes hold
// each shard's replica on another node (health green) and keep a master quorum
// through one node's loss.
const ProdElasticsearchNodes = 3

// ElasticsearchNodes is the node set's count: ProdElasticsearchNodes on a production
// cluster, one elsewhere (replica shards stay unassigned there, health yellow).
func ElasticsearchNodes(prod bool) int {
	if prod {
		return ProdElasticsearchNodes
	}
	return 1
}

// FluentBitContainers are Fluent Bit's container and its sizes (fluent-bit chart
// 0.54.1's values.yaml: resources empty, 100m/128Mi as its commented example; no
// limit advised: its tail input's Mem_Buf_Limit 5MB bounds its buffers).
var FluentBitContainers = []sizing.Container{
	{Name: "fluent-bit", Path: "resources", Other: sizing.Size{CPU: "20m", Memory: "64Mi"}, Prod: sizing.Size{CPU: "100m", Memory: "128Mi"}},
}

// LifecyclePolicyJSON is the ILM policy that deletes a log index once it is older than retention.
func LifecyclePolicyJSON(retention time.Duration) string {
	return fmt.Sprintf(`{"policy":{"phases":{"hot":{"actions":{}},"delete":{"min_age":%q,"actions":{"delete":{}}}}}}`, hours(retention))
}

// IndexTemplateJSON attaches the ILM policy to every log index, container and node.
func IndexTemplateJSON() string {
	return fmt.Sprintf(`{"index_patterns":["%s-*","%s-*"],"template":{"settings":{"index.lifecycle.name":%q}}}`, IndexPrefix, NodeIndexPrefix, LifecyclePolicy)
}

// lifecycleJob installs the ILM policy and index template once Elasticsearch answers.
func (c *Logging) lifecycleJob(ctx *pulumi.Context, name string, args *Args, store pulumi.Resource) error {
	image := args.RetentionJobImage
	if image == "" {
		image = RetentionJobImage
	}
	es := ElasticsearchURL(args.NamespaceName)
	curl := `curl -sSf --retry 60 --retry-delay 10 --retry-all-errors --cacert /es-ca/ca.crt -u "elastic:${ELASTIC_PASSWORD}" -H 'Content-Type: application/json' -X PUT`
	script := fmt.Sprintf("set -e\n%s %s/_ilm/policy/%s -d '%s'\n%s %s/_index_template/%s -d '%s'\n",
		curl, es, LifecyclePolicy, LifecyclePolicyJSON(args.Retention),
		curl, es, LifecyclePolicy, IndexTemplateJSON())
	f := false
	t := true
	uid := 100
	_, err := batchv1.NewJob(ctx, name+"-ilm", &batchv1.JobArgs{
		Metadata: metav1.ObjectMetaArgs{Name: pulumi.String("log-retention"), Namespace: args.Namespace},
		Spec: batchv1.JobSpecArgs{
			BackoffLimit: pulumi.Int(6),
			Template: corev1.PodTemplateSpecArgs{
				Spec: corev1.PodSpecArgs{
					RestartPolicy: pulumi.String("OnFailure"),
					SecurityContext: corev1.PodSecurityContextArgs{
						RunAsNonRoot: pulumi.BoolPtr(t), RunAsUser: pulumi.IntPtr(uid),
						SeccompProfile: corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
					},
					Containers: corev1.ContainerArray{corev1.ContainerArgs{
						Name:    pulumi.String("ilm"),
						Image:   pulumi.String(image),
						Command: pulumi.StringArray{pulumi.String("/bin/sh"), pulumi.String("-c"), pulumi.String(script)},
						Env: corev1.EnvVarArray{corev1.EnvVarArgs{
							Name: pulumi.String("ELASTIC_PASSWORD"),
							ValueFrom: corev1.EnvVarSourceArgs{SecretKeyRef: corev1.SecretKeySelectorArgs{
								Name: pulumi.String(ElasticsearchName + "-es-elastic-user"), Key: pulumi.String("elastic"),
							}},
						}},
						VolumeMounts: corev1.VolumeMountArray{corev1.VolumeMountArgs{
							Name: pulumi.String("es-ca"), MountPath: pulumi.String("/es-ca"), ReadOnly: pulumi.BoolPtr(t),
						}},
						Resources: corev1.ResourceRequirementsArgs{
							Requests: pulumi.StringMap{"cpu": pulumi.String("10m"), "memory": pulumi.String("16Mi")},
							Limits:   pulumi.StringMap{"cpu": pulumi.String("100m"), "memory": pulumi.String("64Mi")},
						},
						SecurityContext: corev1.SecurityContextArgs{
							AllowPrivilegeEscalation: pulumi.BoolPtr(f), ReadOnlyRootFilesystem: pulumi.BoolPtr(t),
							Capabilities: corev1.CapabilitiesArgs{Drop: pulumi.StringArray{pulumi.String("ALL")}},
						},
					}},
					Volumes: corev1.VolumeArray{corev1.VolumeArgs{
						Name:   pulumi.String("es-ca"),
						Secret: corev1.SecretVolumeSourceArgs{SecretName: pulumi.String(ElasticsearchName + "-es-http-certs-public")},
					}},
				},
			},
		},
		// Real dependency: the Job talks to the Elasticsearch that eck-stack declares.
	}, pulumi.Parent(c), pulumi.DependsOn([]pulumi.Resource{store}))
	if err != nil {
		return fmt.Errorf("job ilm: %w", err)
	}
	return nil
}
