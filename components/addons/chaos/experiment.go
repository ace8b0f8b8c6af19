package chaos

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/robfig/cron/v3"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// APIVersion is the group/version of Chaos Mesh's kinds (chaos-mesh.org/v1alpha1).
const APIVersion = "chaos-mesh.org/v1alpha1"

// KindSchedule is the kind that runs an experiment on a cron schedule.
const KindSchedule = "Schedule"

// Actions a release's experiment can take.
const (
	// ActionPodKill kills pods of the release (PodChaos pod-kill); the Rollout's
	// ReplicaSet makes new ones.
	ActionPodKill = "pod-kill"
	// ActionNetworkDelay delays the release's outgoing packets (NetworkChaos delay).
	ActionNetworkDelay = "network-delay"
	// ActionCPUStress loads the release's containers' CPUs (StressChaos cpu stressor).
	ActionCPUStress = "cpu-stress"
)

// Actions are the experiment actions, in the order the docs list them.
var Actions = []string{ActionPodKill, ActionNetworkDelay, ActionCPUStress}

// Modes are Chaos Mesh's selector modes: how many of the selected pods an experiment hits.
var Modes = []string{"one", "all", "fixed", "fixed-percent", "random-max-percent"}

// Defaults of an Experiment.
const (
	// DefaultMode hits one pod at a time: the least a release's users notice.
	DefaultMode = "one"
	// DefaultDuration is how long a network delay or CPU stress lasts each time.
	DefaultDuration = "60s"
	// DefaultWorkers is the CPU stressor's worker count.
	DefaultWorkers = 1
	// DefaultLoad is the CPU stressor's load per worker, in percent.
	DefaultLoad = 80
	// HistoryLimit is how many finished runs of a schedule stay as objects.
	HistoryLimit = 5
)

// Validation messages.
const (
	MsgAction       = "must be one of " + ActionPodKill + ", " + ActionNetworkDelay + " or " + ActionCPUStress
	MsgSchedule     = "must be a cron schedule: five fields (*/30 * * * *) or a descriptor (@hourly, @every 2h)"
	MsgMode         = "must be one of one, all, fixed, fixed-percent or random-max-percent"
	MsgValue        = "is required by modes fixed (a count), fixed-percent and random-max-percent (1 to 100), and refused by one and all"
	MsgDuration     = "must be a positive duration such as 30s or 5m"
	MsgPodKillTime  = "is not taken by pod-kill, which is instant"
	MsgLatency      = "must be a positive duration such as 100ms"
	MsgWrongBlock   = "belongs to another action"
	MsgWorkers      = "must be 1 to 64"
	MsgLoad         = "must be 1 to 100 (percent per worker)"
	MsgEnvironments = "must name at least one environment of the release"
	MsgExpName      = "must be a DNS-1123 label, unique in the release"
	MsgNoChaos      = "needs Chaos Mesh on the cluster (platform.chaos.enabled)"
)

// Experiment is one chaos experiment of a release, run on a schedule in the
// environments it names: `chaos: [{name, action, schedule, environments, ...}]`.
type Experiment struct {
	// Name names the Schedule object (<release>-chaos-<name>); unique in the release.
	Name string `yaml:"name"`
	// Action is pod-kill, network-delay or cpu-stress.
	Action string `yaml:"action"`
	// Schedule is when it runs, in cron form (UTC), as Chaos Mesh's Schedule reads it.
	Schedule string `yaml:"schedule"`
	// Environments are the release's environments it runs in; it runs nowhere else.
	// A prod-tier environment is refused by policy CHA001 unless the stack sets
	// stack.chaosInProduction.
	Environments []string `yaml:"environments"`
	// Mode and Value say how many of the release's pods it hits. Defaults to one pod.
	Mode  string `yaml:"mode"`
	Value string `yaml:"value"`
	// Duration is how long each run of a network delay or CPU stress lasts. Defaults to DefaultDuration.
	Duration string `yaml:"duration"`
	// NetworkDelay configures network-delay.
	NetworkDelay *NetworkDelay `yaml:"networkDelay"`
	// CPUStress configures cpu-stress.
	CPUStress *CPUStress `yaml:"cpuStress"`
}

// NetworkDelay is the delay network-delay adds to the pods' outgoing packets.
type NetworkDelay struct {
	// Latency is the added delay, such as 100ms; required.
	Latency string `yaml:"latency"`
	// Jitter varies it, such as 10ms.
	Jitter string `yaml:"jitter"`
}

// CPUStress is the CPU load cpu-stress puts on each container.
type CPUStress struct {
	// Workers are the stressor threads. Defaults to DefaultWorkers.
	Workers int `yaml:"workers"`
	// Load is each worker's load in percent. Defaults to DefaultLoad.
	Load int `yaml:"load"`
}

// RunsIn are the experiments of exps that run in environment env.
func RunsIn(exps []Experiment, env string) []Experiment {
	var out []Experiment
	for _, e := range exps {
		if slices.Contains(e.Environments, env) {
			out = append(out, e)
		}
	}
	return out
}

// Validate checks a release's experiments against the release's environments, with
// field paths under p (`releases[i].chaos`). With no releaseEnvs (a release resolved
// for one environment, Spec.For) the environment names are not checked again.
func Validate(p *field.Path, exps []Experiment, releaseEnvs []string) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, e := range exps {
		ep := p.Index(i)
		if len(validation.IsDNS1123Label(e.Name)) > 0 || seen[e.Name] {
			errs = append(errs, field.Invalid(ep.Child("name"), e.Name, MsgExpName))
		}
		seen[e.Name] = true
		if !slices.Contains(Actions, e.Action) {
			errs = append(errs, field.NotSupported(ep.Child("action"), e.Action, Actions))
		}
		if _, err := cron.ParseStandard(e.Schedule); err != nil {
			errs = append(errs, field.Invalid(ep.Child("schedule"), e.Schedule, MsgSchedule))
		}
		if len(e.Environments) == 0 {
			errs = append(errs, field.Required(ep.Child("environments"), MsgEnvironments))
		}
		for j, env := range e.Environments {
			if len(releaseEnvs) > 0 && !slices.Contains(releaseEnvs, env) {
				errs = append(errs, field.NotFound(ep.Child("environments").Index(j), env))
			}
		}
		errs = append(errs, validateMode(ep, e)...)
		errs = append(errs, validateAction(ep, e)...)
	}
	return errs
}

func validateMode(ep *field.Path, e Experiment) field.ErrorList {
	mode := e.Mode
	if mode == "" {
		mode = DefaultMode
	}
	if !slices.Contains(Modes, mode) {
		return field.ErrorList{field.NotSupported(ep.Child("mode"), e.Mode, Modes)}
	}
	n, err := strconv.Atoi(e.Value)
	switch mode {
	case "one", "all":
		if e.Value != "" {
			return field.ErrorList{field.Invalid(ep.Child("value"), e.Value, MsgValue)}
		}
	case "fixed":
		if err != nil || n < 1 {
			return field.ErrorList{field.Invalid(ep.Child("value"), e.Value, MsgValue)}
		}
	default:
		if err != nil || n < 1 || n > 100 {
			return field.ErrorList{field.Invalid(ep.Child("value"), e.Value, MsgValue)}
		}
	}
	return nil
}

func positive(d string) bool {
	v, err := time.ParseDuration(d)
	return err == nil && v > 0
}

func validateAction(ep *field.Path, e Experiment) field.ErrorList {
	var errs field.ErrorList
	if e.Action == ActionPodKill && e.Duration != "" {
		errs = append(errs, field.Invalid(ep.Child("duration"), e.Duration, MsgPodKillTime))
	}
	if e.Action != ActionPodKill && e.Duration != "" && !positive(e.Duration) {
		errs = append(errs, field.Invalid(ep.Child("duration"), e.Duration, MsgDuration))
	}
	if e.NetworkDelay != nil && e.Action != ActionNetworkDelay {
		errs = append(errs, field.Forbidden(ep.Child("networkDelay"), MsgWrongBlock))
	}
	if e.CPUStress != nil && e.Action != ActionCPUStress {
		errs = append(errs, field.Forbidden(ep.Child("cpuStress"), MsgWrongBlock))
	}
	switch e.Action {
	case ActionNetworkDelay:
		np := ep.Child("networkDelay")
		if e.NetworkDelay == nil || e.NetworkDelay.Latency == "" {
			errs = append(errs, field.Required(np.Child("latency"), MsgLatency))
			break
		}
		if !positive(e.NetworkDelay.Latency) {
			errs = append(errs, field.Invalid(np.Child("latency"), e.NetworkDelay.Latency, MsgLatency))
		}
		if j := e.NetworkDelay.Jitter; j != "" && !positive(j) {
			errs = append(errs, field.Invalid(np.Child("jitter"), j, MsgLatency))
		}
	case ActionCPUStress:
		if s := e.CPUStress; s != nil {
			cp := ep.Child("cpuStress")
			if s.Workers != 0 && (s.Workers < 1 || s.Workers > 64) {
				errs = append(errs, field.Invalid(cp.Child("workers"), s.Workers, MsgWorkers))
			}
			if s.Load != 0 && (s.Load < 1 || s.Load > 100) {
				errs = append(errs, field.Invalid(cp.Child("load"), s.Load, MsgLoad))
			}
		}
	}
	return errs
}

// ScheduleName is the Schedule object of experiment e of release app.
func ScheduleName(app string, e Experiment) string {
	return app + "-chaos-" + e.Name
}

// ScheduleSpec is the spec of the Schedule that runs e against the pods of namespace
// ns matching selector (the release's pod labels, so its Rollout's analysis sees the
// effect on exactly the pods it measures). Runs never overlap (Forbid).
func ScheduleSpec(e Experiment, ns string, selector map[string]string) (map[string]any, error) {
	labels := map[string]any{}
	for k, v := range selector {
		labels[k] = v
	}
	chaos := map[string]any{
		"mode":     orDefault(e.Mode, DefaultMode),
		"selector": map[string]any{"namespaces": []any{ns}, "labelSelectors": labels},
	}
	if e.Value != "" {
		chaos["value"] = e.Value
	}
	spec := map[string]any{
		"schedule":          e.Schedule,
		"concurrencyPolicy": "Forbid",
		"historyLimit":      HistoryLimit,
	}
	switch e.Action {
	case ActionPodKill:
		chaos["action"] = "pod-kill"
		spec["type"], spec["podChaos"] = "PodChaos", chaos
	case ActionNetworkDelay:
		if e.NetworkDelay == nil {
			return nil, fmt.Errorf("experiment %q: network-delay without networkDelay", e.Name)
		}
		delay := map[string]any{"latency": e.NetworkDelay.Latency}
		if e.NetworkDelay.Jitter != "" {
			delay["jitter"] = e.NetworkDelay.Jitter
		}
		chaos["action"], chaos["delay"], chaos["direction"] = "delay", delay, "to"
		chaos["duration"] = orDefault(e.Duration, DefaultDuration)
		spec["type"], spec["networkChaos"] = "NetworkChaos", chaos
	case ActionCPUStress:
		workers, load := DefaultWorkers, DefaultLoad
		if s := e.CPUStress; s != nil {
			if s.Workers != 0 {
				workers = s.Workers
			}
			if s.Load != 0 {
				load = s.Load
			}
		}
		chaos["stressors"] = map[string]any{"cpu": map[string]any{"workers": workers, "load": load}}
		chaos["duration"] = orDefault(e.Duration, DefaultDuration)
		spec["type"], spec["stressChaos"] = "StressChaos", chaos
	default:
		return nil, fmt.Errorf("experiment %q: action %q: %s", e.Name, e.Action, MsgAction)
	}
	return spec, nil
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}
