package controlplane

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Binaries are the programs a control plane runs. ServerBinaries and
// FullBinaries fill them from the build scripts, or from the variables the
// scripts print (ETCD, KUBE_APISERVER, KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER,
// KWOK, KWOK_STAGES) when those are already set.
type Binaries struct {
	Etcd              string
	APIServer         string
	ControllerManager string
	Scheduler         string
	Kwok              string
	// KwokStages is the kwok module's kustomize/stage folder.
	KwokStages string
}

// Script runs one of the repository's build scripts (which build into a cache
// and print NAME=value lines) and returns what it printed; variables already set
// in the environment win, so a caller that ran the script once skips it.
func Script(root, script string, names []string, args ...string) (map[string]string, error) {
	out := map[string]string{}
	missing := false
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			out[n] = v
		} else {
			missing = true
		}
	}
	if !missing {
		return out, nil
	}
	cmd := exec.Command("bash", append([]string{filepath.Join(root, "scripts", script)}, args...)...)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("scripts/%s: %w", script, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if ok && out[k] == "" {
			out[k] = v
		}
	}
	for _, n := range names {
		if out[n] == "" {
			return nil, fmt.Errorf("scripts/%s printed no %s: %q", script, n, b)
		}
	}
	return out, nil
}

// ServerBinaries returns etcd and kube-apiserver (scripts/kube-apiserver.sh).
func ServerBinaries(root string) (Binaries, error) {
	v, err := Script(root, "kube-apiserver.sh", []string{"ETCD", "KUBE_APISERVER"})
	if err != nil {
		return Binaries{}, err
	}
	return Binaries{Etcd: v["ETCD"], APIServer: v["KUBE_APISERVER"]}, nil
}

// FullBinaries returns every program of a control plane with fake nodes:
// scripts/kube-apiserver.sh --control-plane and scripts/kwok.sh.
func FullBinaries(root string) (Binaries, error) {
	v, err := Script(root, "kube-apiserver.sh", []string{"ETCD", "KUBE_APISERVER", "KUBE_CONTROLLER_MANAGER", "KUBE_SCHEDULER"}, "--control-plane")
	if err != nil {
		return Binaries{}, err
	}
	k, err := Script(root, "kwok.sh", []string{"KWOK", "KWOK_STAGES"})
	if err != nil {
		return Binaries{}, err
	}
	return Binaries{
		Etcd: v["ETCD"], APIServer: v["KUBE_APISERVER"],
		ControllerManager: v["KUBE_CONTROLLER_MANAGER"], Scheduler: v["KUBE_SCHEDULER"],
		Kwok: k["KWOK"], KwokStages: k["KWOK_STAGES"],
	}, nil
}
