package aks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// kubelogin settings of the converted kubeconfig.
const (
	// KubeloginCommand is the exec plugin AKS's exec-format kubeconfig runs.
	KubeloginCommand = "kubelogin"
	// kubeloginServerIDArg names the AKS server application the token is for; every
	// login method needs it, and AKS's kubeconfig carries it.
	kubeloginServerIDArg = "--server-id"
	// execAPIVersion is the client authentication API kubelogin answers with.
	execAPIVersion = "client.authentication.k8s.io/v1beta1"
)

// ErrNoServerID means an AKS exec kubeconfig names no --server-id for kubelogin.
var ErrNoServerID = errors.New("kubelogin user has no --server-id")

// ConvertKubeconfig rewrites every kubelogin user of an AKS kubeconfig to log in with
// mode (azurecli, workloadidentity, msi) instead of AKS's default device code, which
// waits for a person and hangs CI: the same change as `kubelogin convert-kubeconfig -l
// <mode>`. The login's own settings (az session, AZURE_* variables of workload
// identity, the VM's identity) come from the environment of whoever runs it, so the
// kubeconfig holds no credential. Users that do not run kubelogin (local accounts) are
// left as they are.
func ConvertKubeconfig(kubeconfig, mode string) (string, error) {
	cfg, err := clientcmd.Load([]byte(kubeconfig))
	if err != nil {
		return "", fmt.Errorf("parsing kubeconfig: %w", err)
	}
	names := make([]string, 0, len(cfg.AuthInfos))
	for n := range cfg.AuthInfos {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		u := cfg.AuthInfos[n]
		if u.Exec == nil || !strings.Contains(strings.ToLower(u.Exec.Command), KubeloginCommand) {
			continue
		}
		serverID := argAfter(u.Exec.Args, kubeloginServerIDArg)
		if serverID == "" {
			return "", fmt.Errorf("user %q: %w", n, ErrNoServerID)
		}
		u.Exec = &clientcmdapi.ExecConfig{
			Command:         KubeloginCommand,
			Args:            []string{"get-token", "--login", mode, kubeloginServerIDArg, serverID},
			APIVersion:      execAPIVersion,
			InstallHint:     u.Exec.InstallHint,
			InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
		}
	}
	out, err := clientcmd.Write(*cfg)
	if err != nil {
		return "", fmt.Errorf("writing kubeconfig: %w", err)
	}
	return string(out), nil
}

// argAfter returns the value after flag in args, or "".
func argAfter(args []string, flag string) string {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, flag+"="); ok {
			return v
		}
	}
	return ""
}

// Access wait settings: Azure role assignments take minutes to reach AKS.
const (
	// DefaultAccessWait is how long the deployer's role assignment may take to reach the
	// cluster before the deploy fails with a clear message; Azure documents "up to 10
	// minutes" for role assignments to propagate.
	DefaultAccessWait = 10 * time.Minute
	// accessPollInterval is the pause between access checks.
	accessPollInterval = 10 * time.Second
)

// ErrAccessNotPropagated means the deployer still could not create namespaces after
// DefaultAccessWait.
var ErrAccessNotPropagated = errors.New("the deployer's cluster-admin role assignment has not reached the cluster")

// selfSubjectAccessReview asks whether the caller may create namespaces; any
// authenticated user may ask, so a 403 here is about authentication, not RBAC.
const selfSubjectAccessReview = `{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview",` +
	`"spec":{"resourceAttributes":{"verb":"create","resource":"namespaces"}}}`

// waitForAccess blocks until the kubeconfig's user may create namespaces, polling with a
// SelfSubjectAccessReview, or fails after wait. It runs kubelogin like the kubernetes
// provider will. Tests replace it: it talks to a real API server.
var waitForAccess = func(ctx context.Context, kubeconfig string, wait time.Duration) error {
	cfg, err := clientcmd.RESTConfigFromKubeConfig([]byte(kubeconfig))
	if err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	client, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return fmt.Errorf("kubernetes client: %w", err)
	}
	url := strings.TrimSuffix(cfg.Host, "/") + "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
	deadline := time.Now().Add(wait)
	var last string
	for {
		allowed, detail, err := reviewAccess(ctx, client, url)
		switch {
		case err != nil:
			last = err.Error()
		case allowed:
			return nil
		default:
			last = detail
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%w after %s (last answer: %s); rerun `pulumi up` once Azure has propagated it", ErrAccessNotPropagated, wait, last)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(accessPollInterval):
		}
	}
}

// reviewAccess posts one SelfSubjectAccessReview and reports status.allowed.
func reviewAccess(ctx context.Context, client *http.Client, url string) (allowed bool, detail string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(selfSubjectAccessReview))
	if err != nil {
		return false, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return false, "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return false, fmt.Sprintf("HTTP %d %s", resp.StatusCode, bytes.TrimSpace(body)), nil
	}
	var review struct {
		Status struct {
			Allowed bool   `json:"allowed"`
			Reason  string `json:"reason"`
		} `json:"status"`
	}
	if err := json.Unmarshal(body, &review); err != nil {
		return false, "", fmt.Errorf("reading the access review: %w", err)
	}
	return review.Status.Allowed, "not allowed: " + review.Status.Reason, nil
}
