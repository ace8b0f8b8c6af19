package monitoring

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"
)

// The DingTalk adapter. Alertmanager has no DingTalk notifier, and a DingTalk robot
// takes neither Alertmanager's webhook payload nor an unsigned request when its
// security setting is 加签, so alerts go through timonwong/prometheus-webhook-dingtalk
// (the adapter the Prometheus community uses): Alertmanager posts to
// /dingtalk/<receiver>/send, and the adapter formats, signs and forwards to the robot.
const (
	// DingTalkImage is the pinned adapter image (v2.1.0, its latest release); the
	// stack may point it at a mirror (monitoring.dingtalkImage).
	DingTalkImage = "docker.io/timonwong/prometheus-webhook-dingtalk:v2.1.0"
	// DingTalkName names the adapter's Deployment, Service and config Secret.
	DingTalkName = "alertmanager-dingtalk"
	// DingTalkPort is the adapter's listen port (its default).
	DingTalkPort = 8060
	// DingTalkConfigKey is the key of the adapter's configuration in its Secret.
	DingTalkConfigKey = "config.yml"
	// AnnotationConfigChecksum rolls the adapter when its configuration changes.
	AnnotationConfigChecksum = "fleetform.io/config-checksum"
	// dingTalkUID is the image's nobody user.
	dingTalkUID = 65534
)

// DingTalkTargetURL is where Alertmanager posts a DingTalk receiver's alerts.
func DingTalkTargetURL(ns, receiver string) string {
	return fmt.Sprintf("http://%s.%s.svc:%d/dingtalk/%s/send", DingTalkName, ns, DingTalkPort, receiver)
}

type dingTalkConfig struct {
	Targets map[string]dingTalkTarget `yaml:"targets"`
}

type dingTalkTarget struct {
	URL     string           `yaml:"url"`
	Secret  string           `yaml:"secret,omitempty"`
	Mention *dingTalkMention `yaml:"mention,omitempty"`
}

type dingTalkMention struct {
	All     bool     `yaml:"all,omitempty"`
	Mobiles []string `yaml:"mobiles,omitempty"`
}

// DingTalkConfig renders the adapter's config.yml: one target per DingTalk receiver,
// named after it. Its robot URLs and signing secrets make the result secret.
func DingTalkConfig(receivers []Receiver) pulumi.StringOutput {
	var ins []any
	var names []string
	var ds []*DingTalk
	for _, r := range receivers {
		if r.DingTalk == nil {
			continue
		}
		names, ds = append(names, r.Name), append(ds, r.DingTalk)
		sec := r.DingTalk.Secret
		if sec == nil {
			sec = pulumi.String("")
		}
		ins = append(ins, r.DingTalk.URL, sec)
	}
	return pulumi.All(ins...).ApplyT(func(vs []any) (string, error) {
		cfg := dingTalkConfig{Targets: map[string]dingTalkTarget{}}
		for i, name := range names {
			u, _ := vs[2*i].(string)
			s, _ := vs[2*i+1].(string)
			t := dingTalkTarget{URL: u, Secret: s}
			if d := ds[i]; d.MentionAll || len(d.MentionMobiles) > 0 {
				mobiles := append([]string(nil), d.MentionMobiles...)
				sort.Strings(mobiles)
				t.Mention = &dingTalkMention{All: d.MentionAll, Mobiles: mobiles}
			}
			cfg.Targets[name] = t
		}
		b, err := yaml.Marshal(cfg)
		if err != nil {
			return "", fmt.Errorf("rendering dingtalk config: %w", err)
		}
		return string(b), nil
	}).(pulumi.StringOutput)
}

func hasDingTalk(receivers []Receiver) bool {
	for _, r := range receivers {
		if r.DingTalk != nil {
			return true
		}
	}
	return false
}

// dingTalk runs the adapter: its configuration in a Secret, one small restricted pod
// (Alertmanager retries a notification the adapter misses), and a ClusterIP Service.
func (c *Monitoring) dingTalk(ctx *pulumi.Context, name string, args *Args, meta func(string, map[string]string) metav1.ObjectMetaArgs) error {
	config := DingTalkConfig(args.Receivers)
	sec, err := corev1.NewSecret(ctx, name+"-dingtalk-config", &corev1.SecretArgs{
		Metadata:   meta(DingTalkName, nil),
		StringData: pulumi.StringMap{DingTalkConfigKey: config},
	}, pulumi.Parent(c))
	if err != nil {
		return fmt.Errorf("secret dingtalk-config: %w", err)
	}
	image := args.DingTalkImage
	if image == "" {
		image = DingTalkImage
	}
	labels := pulumi.StringMap{"app.kubernetes.io/name": pulumi.String(DingTalkName), "app.kubernetes.io/part-of": pulumi.String(ReleaseName)}
	checksum := config.ApplyT(func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return hex.EncodeToString(sum[:])
	}).(pulumi.StringOutput)
	t, f, uid := true, false, dingTalkUID
	probe := func(path string) corev1.ProbeArgs {
		return corev1.ProbeArgs{HttpGet: corev1.HTTPGetActionArgs{Path: pulumi.String(path), Port: pulumi.String("http")}, PeriodSeconds: pulumi.Int(10)}
	}
	_, err = appsv1.NewDeployment(ctx, name+"-dingtalk", &appsv1.DeploymentArgs{
		Metadata: meta(DingTalkName, nil),
		Spec: appsv1.DeploymentSpecArgs{
			Replicas: pulumi.Int(1),
			Selector: metav1.LabelSelectorArgs{MatchLabels: labels},
			Template: corev1.PodTemplateSpecArgs{
				Metadata: metav1.ObjectMetaArgs{Labels: labels, Annotations: pulumi.StringMap{AnnotationConfigChecksum: checksum}},
				Spec: corev1.PodSpecArgs{
					AutomountServiceAccountToken: pulumi.BoolPtr(f),
					SecurityContext: corev1.PodSecurityContextArgs{
						RunAsNonRoot: pulumi.BoolPtr(t), RunAsUser: pulumi.IntPtr(uid), RunAsGroup: pulumi.IntPtr(uid),
						SeccompProfile: corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
					},
					Containers: corev1.ContainerArray{corev1.ContainerArgs{
						Name:  pulumi.String("dingtalk"),
						Image: pulumi.String(image),
						Args: pulumi.StringArray{
							pulumi.String("--config.file=/config/" + DingTalkConfigKey),
							pulumi.String(fmt.Sprintf("--web.listen-address=:%d", DingTalkPort)),
						},
						Ports: corev1.ContainerPortArray{corev1.ContainerPortArgs{
							Name: pulumi.String("http"), ContainerPort: pulumi.Int(DingTalkPort),
						}},
						ReadinessProbe: probe("/-/ready"),
						LivenessProbe:  probe("/-/healthy"),
						Resources: corev1.ResourceRequirementsArgs{
							Requests: pulumi.StringMap{"cpu": pulumi.String("10m"), "memory": pulumi.String("32Mi")},
							Limits:   pulumi.StringMap{"cpu": pulumi.String("100m"), "memory": pulumi.String("64Mi")},
						},
						SecurityContext: corev1.SecurityContextArgs{
							AllowPrivilegeEscalation: pulumi.BoolPtr(f), ReadOnlyRootFilesystem: pulumi.BoolPtr(t),
							Capabilities: corev1.CapabilitiesArgs{Drop: pulumi.StringArray{pulumi.String("ALL")}},
						},
						VolumeMounts: corev1.VolumeMountArray{
							corev1.VolumeMountArgs{Name: pulumi.String("config"), MountPath: pulumi.String("/config"), ReadOnly: pulumi.BoolPtr(t)},
							// The image's working directory is a volume; keep it writable.
							corev1.VolumeMountArgs{Name: pulumi.String("work"), MountPath: pulumi.String("/prometheus-webhook-dingtalk")},
						},
					}},
					Volumes: corev1.VolumeArray{
						corev1.VolumeArgs{Name: pulumi.String("config"), Secret: corev1.SecretVolumeSourceArgs{SecretName: pulumi.String(DingTalkName)}},
						corev1.VolumeArgs{Name: pulumi.String("work"), EmptyDir: corev1.EmptyDirVolumeSourceArgs{}},
					},
				},
			},
		},
	}, pulumi.Parent(c), pulumi.DependsOn([]pulumi.Resource{sec}))
	if err != nil {
		return fmt.Errorf("deployment dingtalk: %w", err)
	}
	_, err = corev1.NewService(ctx, name+"-dingtalk", &corev1.ServiceArgs{
		Metadata: meta(DingTalkName, nil),
		Spec: corev1.ServiceSpecArgs{
			Type:     pulumi.String("ClusterIP"),
			Selector: labels,
			Ports: corev1.ServicePortArray{corev1.ServicePortArgs{
				Name: pulumi.String("http"), Port: pulumi.Int(DingTalkPort), TargetPort: pulumi.String("http"),
			}},
		},
	}, pulumi.Parent(c))
	if err != nil {
		return fmt.Errorf("service dingtalk: %w", err)
	}
	return nil
}
