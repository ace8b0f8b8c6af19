package rules

import (
	"maps"
	"slices"
	"strings"

	"github.com/fleetform/fleetform/internal/image"
)

// Rule IDs of the Kubernetes workload rules.
const (
	IDImageTag         = "K8S001"
	IDResources        = "K8S002"
	IDNonRoot          = "K8S003"
	IDPrivileged       = "K8S004"
	IDPrivEscalation   = "K8S005"
	IDHostPath         = "K8S006"
	IDHostNamespaces   = "K8S007"
	IDApprovedRegistry = "K8S008"
	IDLoadBalancer     = "K8S009"
	IDRolloutAnalysis  = "K8S010"
)

func init() {
	register(
		&Rule{
			ID:          IDImageTag,
			Description: "Container images carry an explicit tag other than latest, or a digest.",
			Level:       Mandatory,
			Remediation: "Pin the image to a release tag (registry/app:1.8.0) or a digest (registry/app@sha256:...); never latest or no tag.",
			Types:       WorkloadTypes,
			Resource:    checkImageTags,
		},
		&Rule{
			ID:          IDResources,
			Description: "Every container sets CPU and memory requests and limits.",
			Level:       Mandatory,
			Remediation: "Set resources.requests.cpu/memory and resources.limits.cpu/memory on every container, so quota and scheduling hold.",
			Types:       WorkloadTypes,
			Resource:    checkResources,
		},
		&Rule{
			ID:          IDNonRoot,
			Description: "Containers run as non-root (runAsNonRoot true, never runAsUser 0).",
			Level:       Mandatory,
			Remediation: "Set securityContext.runAsNonRoot: true on the pod or every container, and a non-zero runAsUser; build the image with a non-root USER.",
			Types:       WorkloadTypes,
			Resource:    checkNonRoot,
		},
		&Rule{
			ID:          IDPrivileged,
			Description: "No container is privileged.",
			Level:       Mandatory,
			Remediation: "Remove securityContext.privileged: true; grant the single capability needed instead, or run the tool outside the cluster.",
			Types:       WorkloadTypes,
			Resource:    checkPrivileged,
		},
		&Rule{
			ID:          IDPrivEscalation,
			Description: "Every container sets allowPrivilegeEscalation: false.",
			Level:       Mandatory,
			Remediation: "Set securityContext.allowPrivilegeEscalation: false on every container (the restricted Pod Security level requires it).",
			Types:       WorkloadTypes,
			Resource:    checkPrivEscalation,
		},
		&Rule{
			ID:          IDHostPath,
			Description: "Pods mount no hostPath volumes.",
			Level:       Mandatory,
			Remediation: "Replace hostPath volumes with emptyDir, a ConfigMap/Secret, or a PersistentVolumeClaim.",
			Types:       WorkloadTypes,
			Resource:    checkHostPath,
		},
		&Rule{
			ID:          IDHostNamespaces,
			Description: "Pods do not share the host's network, PID or IPC namespace.",
			Level:       Mandatory,
			Remediation: "Remove hostNetwork, hostPID and hostIPC from the pod spec; expose ports through a Service.",
			Types:       WorkloadTypes,
			Resource:    checkHostNamespaces,
		},
		&Rule{
			ID:          IDApprovedRegistry,
			Description: "In prod, container images come only from approved registries.",
			Level:       Mandatory,
			Remediation: "Push the image to an approved registry (settings.approvedRegistries in policies/config.yaml, e.g. the Harbor host) and reference it from there.",
			Stack:       checkApprovedRegistries,
		},
		&Rule{
			ID:          IDLoadBalancer,
			Description: "No LoadBalancer Service outside the ingress namespace.",
			Level:       Mandatory,
			Remediation: "Use a ClusterIP Service behind an Ingress of the shared ingress controller; only the ingress namespace gets a cloud load balancer.",
			Types:       []string{TypeService, TypeHelmRelease, TypeHelmChart},
			Resource:    checkLoadBalancer,
		},
		&Rule{
			ID:          IDRolloutAnalysis,
			Description: "Prod Rollouts are gated by analysis (canary analysis, or blue-green pre/post-promotion analysis).",
			Level:       Mandatory,
			Remediation: "Add an analysis step or background analysis to the canary, or prePromotionAnalysis/postPromotionAnalysis to the blue-green strategy (release analysis: in the stack file).",
			Stack:       checkRolloutAnalysis,
		},
	)
}

// podSpec returns a workload's pod spec and its property path, or nil.
func podSpec(r Resource) (map[string]any, string) {
	keys, ok := podSpecPaths[r.Type]
	if !ok {
		return nil, ""
	}
	return getMap(r.Inputs, keys...), strings.Join(keys, ".")
}

// container is one container of a pod spec with its property path.
type container struct {
	path string
	m    map[string]any
}

// containersOf lists the containers, init containers and ephemeral containers of a pod spec.
func containersOf(spec map[string]any, base string) []container {
	var out []container
	for _, kind := range []string{"initContainers", "containers", "ephemeralContainers"} {
		for i, c := range getList(spec, kind) {
			if m, ok := c.(map[string]any); ok {
				out = append(out, container{path: indexPath(joinPath(base, kind), i), m: m})
			}
		}
	}
	return out
}

// eachContainer calls f for each container of a workload and collects its violations.
func eachContainer(r Resource, f func(spec map[string]any, c container) []Violation) []Violation {
	spec, base := podSpec(r)
	if spec == nil {
		return nil
	}
	var out []Violation
	for _, c := range containersOf(spec, base) {
		out = append(out, f(spec, c)...)
	}
	return out
}

// imageRef returns an image reference's registry-and-repository, tag and digest.
func imageRef(s string) (repo, tag, digest string, err error) {
	ref, err := image.Parse(s)
	return ref.Repository, ref.Tag, ref.Digest, err
}

func checkImageTags(env *Env, r Resource) []Violation {
	return eachContainer(r, func(_ map[string]any, c container) []Violation {
		image := getString(c.m, "image")
		if image == "" || hidden(image) {
			return nil
		}
		_, tag, digest, err := imageRef(image)
		switch {
		case err != nil:
			return []Violation{violation(r, c.path+".image", "image %q is not a valid image reference: %v", image, err)}
		case digest != "":
			return nil
		case tag == "":
			return []Violation{violation(r, c.path+".image", "image %q has no tag", image)}
		case tag == "latest":
			return []Violation{violation(r, c.path+".image", "image %q uses the latest tag", image)}
		}
		return nil
	})
}

func checkResources(env *Env, r Resource) []Violation {
	return eachContainer(r, func(_ map[string]any, c container) []Violation {
		var missing []string
		for _, kind := range []string{"requests", "limits"} {
			for _, res := range []string{"cpu", "memory"} {
				if v := get(c.m, "resources", kind, res); v == nil || v == "" {
					missing = append(missing, kind+"."+res)
				}
			}
		}
		if len(missing) == 0 {
			return nil
		}
		return []Violation{violation(r, c.path+".resources", "container %q sets no %s", getString(c.m, "name"), strings.Join(missing, ", "))}
	})
}

func checkNonRoot(env *Env, r Resource) []Violation {
	return eachContainer(r, func(spec map[string]any, c container) []Violation {
		podSC := getMap(spec, "securityContext")
		sc := getMap(c.m, "securityContext")
		name := getString(c.m, "name")
		if uid, ok := getNumber(sc, "runAsUser"); ok && uid == 0 {
			return []Violation{violation(r, c.path+".securityContext.runAsUser", "container %q runs as root (runAsUser 0)", name)}
		}
		if _, ok := getNumber(sc, "runAsUser"); !ok {
			if uid, ok := getNumber(podSC, "runAsUser"); ok && uid == 0 {
				return []Violation{violation(r, c.path+".securityContext.runAsUser", "container %q runs as root (pod runAsUser 0)", name)}
			}
		}
		nonRoot, set := getBool(sc, "runAsNonRoot")
		if !set {
			nonRoot, set = getBool(podSC, "runAsNonRoot")
		}
		if !set || !nonRoot {
			return []Violation{violation(r, c.path+".securityContext.runAsNonRoot", "container %q does not set runAsNonRoot: true (nor does its pod)", name)}
		}
		return nil
	})
}

func checkPrivileged(env *Env, r Resource) []Violation {
	return eachContainer(r, func(_ map[string]any, c container) []Violation {
		if isTrue(c.m, "securityContext", "privileged") {
			return []Violation{violation(r, c.path+".securityContext.privileged", "container %q is privileged", getString(c.m, "name"))}
		}
		return nil
	})
}

func checkPrivEscalation(env *Env, r Resource) []Violation {
	return eachContainer(r, func(_ map[string]any, c container) []Violation {
		v, set := getBool(c.m, "securityContext", "allowPrivilegeEscalation")
		switch {
		case !set:
			return []Violation{violation(r, c.path+".securityContext.allowPrivilegeEscalation", "container %q does not set allowPrivilegeEscalation: false", getString(c.m, "name"))}
		case v:
			return []Violation{violation(r, c.path+".securityContext.allowPrivilegeEscalation", "container %q allows privilege escalation", getString(c.m, "name"))}
		}
		return nil
	})
}

func checkHostPath(env *Env, r Resource) []Violation {
	spec, base := podSpec(r)
	var out []Violation
	for i, v := range getList(spec, "volumes") {
		vm, _ := v.(map[string]any)
		if hp := getMap(vm, "hostPath"); hp != nil {
			out = append(out, violation(r, indexPath(joinPath(base, "volumes"), i)+".hostPath",
				"volume %q mounts host path %q", getString(vm, "name"), getString(hp, "path")))
		}
	}
	return out
}

func checkHostNamespaces(env *Env, r Resource) []Violation {
	spec, base := podSpec(r)
	var out []Violation
	for _, k := range []string{"hostNetwork", "hostPID", "hostIPC"} {
		if isTrue(spec, k) {
			out = append(out, violation(r, joinPath(base, k), "pod sets %s: true", k))
		}
	}
	return out
}

// registryApproved reports whether an image comes from one of the approved registries.
func registryApproved(image string, approved []string) bool {
	repo, _, _, err := imageRef(image)
	if err != nil {
		return false
	}
	for _, a := range approved {
		a = strings.TrimSuffix(a, "/")
		if a != "" && strings.HasPrefix(repo, a+"/") {
			return true
		}
	}
	return false
}

func checkApprovedRegistries(env *Env, rs []Resource) []Violation {
	tiers := env.namespaceTiers(rs)
	var out []Violation
	for _, r := range rs {
		if _, ok := podSpecPaths[r.Type]; !ok {
			continue
		}
		environment := env.environmentIn(tiers, r)
		if !env.IsProd(environment) {
			continue
		}
		out = append(out, eachContainer(r, func(_ map[string]any, c container) []Violation {
			image := getString(c.m, "image")
			if image == "" || hidden(image) || registryApproved(image, env.Settings.ApprovedRegistries) {
				return nil
			}
			return []Violation{violation(r, c.path+".image", "image %q in %s environment %q is not from an approved registry (%s)",
				image, namespaceOf(r), environment, strings.Join(env.Settings.ApprovedRegistries, ", "))}
		})...)
	}
	return out
}

func checkLoadBalancer(env *Env, r Resource) []Violation {
	switch r.Type {
	case TypeService:
		if getString(r.Inputs, "spec", "type") != "LoadBalancer" {
			return nil
		}
		if ns := namespaceOf(r); ns != env.Settings.IngressNamespace {
			return []Violation{violation(r, "spec.type", "Service of type LoadBalancer in namespace %q (only %q may have one)", ns, env.Settings.IngressNamespace)}
		}
	case TypeHelmRelease, TypeHelmChart:
		ns := getString(r.Inputs, "namespace")
		if ns == "" {
			ns = "default"
		}
		if ns == env.Settings.IngressNamespace {
			return nil
		}
		var out []Violation
		walkValues(r.Inputs["values"], "values", func(path, key string, v any, parent map[string]any) {
			if key == "type" && v == "LoadBalancer" && strings.Contains(lower(path), "service") {
				out = append(out, violation(r, path, "Helm values ask for a LoadBalancer Service in namespace %q (only %q may have one)", ns, env.Settings.IngressNamespace))
			}
		})
		return out
	}
	return nil
}

// walkValues calls f for every map entry under v, depth first in key order.
func walkValues(v any, path string, f func(path, key string, value any, parent map[string]any)) {
	switch t := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			p := joinPath(path, k)
			f(p, k, t[k], t)
			walkValues(t[k], p, f)
		}
	case []any:
		for i, e := range t {
			walkValues(e, indexPath(path, i), f)
		}
	}
}

// rolloutHasAnalysis reports whether a Rollout's strategy is gated by analysis.
func rolloutHasAnalysis(spec map[string]any) bool {
	if c := getMap(spec, "strategy", "canary"); c != nil {
		if getMap(c, "analysis") != nil {
			return true
		}
		for _, s := range getList(c, "steps") {
			if sm, ok := s.(map[string]any); ok && getMap(sm, "analysis") != nil {
				return true
			}
		}
		return false
	}
	if bg := getMap(spec, "strategy", "blueGreen"); bg != nil {
		return getMap(bg, "prePromotionAnalysis") != nil || getMap(bg, "postPromotionAnalysis") != nil
	}
	return false
}

func checkRolloutAnalysis(env *Env, rs []Resource) []Violation {
	tiers := env.namespaceTiers(rs)
	var out []Violation
	for _, r := range rs {
		if r.Type != TypeRollout {
			continue
		}
		environment := env.environmentIn(tiers, r)
		if !env.IsProd(environment) {
			continue
		}
		spec := getMap(r.Inputs, "spec")
		if hidden(r.Inputs["spec"]) || rolloutHasAnalysis(spec) {
			continue
		}
		out = append(out, violation(r, "spec.strategy", "Rollout %q in %s environment %q promotes without analysis",
			getString(r.Inputs, "metadata", "name"), namespaceOf(r), environment))
	}
	return out
}
