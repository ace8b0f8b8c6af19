package controlplane

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Test credentials: a token in system:masters. Loopback only.
const (
	// AdminToken is the bearer token of AdminUser, in system:masters.
	AdminToken = "fleetform-test-admin-token"
	// AdminUser is the user AdminToken authenticates as.
	AdminUser = "test-admin"
	// RotatedAdminToken is a second bearer token of AdminUser: what a rotated
	// kubeconfig carries (tests/engine, TestLayers).
	RotatedAdminToken = "fleetform-test-admin-token-rotated"
	// ServiceClusterIPRange is the Service CIDR the server allocates ClusterIPs from.
	ServiceClusterIPRange = "10.96.0.0/16"
	// PodCIDR is the range kwok gives fake pods their IPs from.
	PodCIDR = "10.244.0.0/16"
	// ContextName is the kubeconfig context (and cluster) name of the control plane.
	ContextName = "fleetform-test"
	// FakeNodeAnnotation marks the nodes kwok manages (and the only ones).
	FakeNodeAnnotation = "kwok.x-k8s.io/node"
	// readyTimeout bounds each wait for a process to serve (about 15 s seen here).
	readyTimeout = 2 * time.Minute
)

// Options say which processes to run. Etcd and APIServer are required; each of
// the others is started when its binary is set.
type Options struct {
	// Binaries are the paths of the programs (see Binaries).
	Binaries Binaries
	// Nodes are fake nodes kwok keeps Ready; they need Kwok. Without the
	// controller manager's node-lifecycle controller a new Node keeps the
	// not-ready taint and nothing schedules, so Nodes need ControllerManager too.
	Nodes []Node
	// AdmissionPlugins replaces the default --enable-admission-plugins list.
	AdmissionPlugins string
	// Env is added to the environment of the controller manager, scheduler and kwok.
	Env []string
}

// Node is one fake node.
type Node struct {
	// Name is the node name (its kubernetes.io/hostname label too).
	Name string
	// Labels are added to the kwok labels, e.g. a node pool's labels.
	Labels map[string]string
	// Taints are added as NoSchedule taints key=value.
	Taints map[string]string
	// CPU and Memory are the allocatable capacity. Default 32 and 128Gi.
	CPU, Memory string
}

// ControlPlane is a running etcd, kube-apiserver and, as configured, the
// controller manager, the scheduler and kwok, all on loopback with random ports.
type ControlPlane struct {
	// Dir holds the data, credentials, logs and the kubeconfig.
	Dir string
	// URL is the API server's https:// address.
	URL string
	// Kubeconfig is the path of an admin kubeconfig (context ContextName).
	Kubeconfig string
	// CACert is the PEM certificate the server's serving certificate chains to.
	CACert []byte
	// Client trusts the serving certificate.
	Client *http.Client

	mu    sync.Mutex
	procs []*process
}

// Start runs the processes the options name in a new temporary folder and waits
// until each serves. On error everything started is stopped and the logs' ends
// are in the error.
func Start(opts Options) (cp *ControlPlane, err error) {
	b := opts.Binaries
	if b.Etcd == "" || b.APIServer == "" {
		return nil, fmt.Errorf("controlplane: etcd and kube-apiserver binaries are required")
	}
	dir, err := os.MkdirTemp("", "fleetform-controlplane-")
	if err != nil {
		return nil, err
	}
	cp = &ControlPlane{Dir: dir}
	defer func() {
		if err != nil {
			err = fmt.Errorf("%w\n%s", err, cp.LogTails())
			cp.Stop()
		}
	}()
	ports, err := freePorts(3)
	if err != nil {
		return cp, err
	}
	etcdClient := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	etcdPeer := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	cp.URL = fmt.Sprintf("https://127.0.0.1:%d", ports[2])

	if cp.CACert, err = writeCredentials(dir); err != nil {
		return cp, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(cp.CACert)
	cp.Client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	cp.Kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(cp.Kubeconfig, Kubeconfig(cp.URL, cp.CACert, AdminToken), 0o600); err != nil {
		return cp, err
	}

	etcd, err := cp.start("etcd", nil, b.Etcd,
		"--name=test", "--data-dir="+filepath.Join(dir, "etcd"),
		"--listen-client-urls="+etcdClient, "--advertise-client-urls="+etcdClient,
		"--listen-peer-urls="+etcdPeer, "--initial-advertise-peer-urls="+etcdPeer,
		"--initial-cluster=test="+etcdPeer, "--log-level=warn",
	)
	if err != nil {
		return cp, err
	}
	if err := etcd.waitFor(func() bool {
		resp, err := http.Get(etcdClient + "/health")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}); err != nil {
		return cp, err
	}

	plugins := opts.AdmissionPlugins
	if plugins == "" {
		// The admission plugins the tests prove. PodSecurity runs by default; it is
		// named so that turning it off by accident fails. ServiceAccount stays on, so
		// pods need their ServiceAccount to exist, as on a real cluster.
		plugins = "NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,ResourceQuota"
	}
	api, err := cp.start("kube-apiserver", nil, b.APIServer,
		"--etcd-servers="+etcdClient,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", ports[2]),
		"--cert-dir="+filepath.Join(dir, "certs"),
		"--tls-cert-file="+filepath.Join(dir, "serving.crt"), "--tls-private-key-file="+filepath.Join(dir, "serving.key"),
		"--service-account-key-file="+filepath.Join(dir, "sa.key"),
		"--service-account-signing-key-file="+filepath.Join(dir, "sa.key"),
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--token-auth-file="+filepath.Join(dir, "tokens.csv"),
		"--authorization-mode=RBAC",
		"--service-cluster-ip-range="+ServiceClusterIPRange,
		"--enable-admission-plugins="+plugins,
		// Privileged containers are allowed by the server, so that Pod Security
		// admission, not this flag, is what refuses them in restricted namespaces.
		"--allow-privileged=true",
		"--profiling=false",
		"--v=1",
	)
	if err != nil {
		return cp, err
	}
	if err := api.waitFor(func() bool {
		status, _, err := cp.Do(http.MethodGet, "/readyz", "", nil)
		return err == nil && status == http.StatusOK
	}); err != nil {
		return cp, err
	}

	if b.ControllerManager != "" {
		// Secure serving off: nothing scrapes it, and it would need its own
		// authentication kubeconfigs. The garbage collector, namespace,
		// ReplicaSet/Deployment, quota, service-account and node-lifecycle
		// controllers are what the tests need.
		kcm, err := cp.start("kube-controller-manager", opts.Env, b.ControllerManager,
			"--kubeconfig="+cp.Kubeconfig,
			"--secure-port=0",
			"--leader-elect=false",
			"--use-service-account-credentials=false",
			"--service-account-private-key-file="+filepath.Join(dir, "sa.key"),
			"--root-ca-file="+filepath.Join(dir, "serving.crt"),
			"--cluster-cidr="+PodCIDR,
			"--service-cluster-ip-range="+ServiceClusterIPRange,
			"--controllers=*,-nodeipam,-bootstrapsigner,-tokencleaner",
			"--concurrent-gc-syncs=10",
			// kwok renews the fake nodes' Leases; on a starved CI machine a renewal can
			// come late, and the default 50 s grace would mark the nodes NotReady and
			// every pod on them unready (which holds a Rollout's traffic shift, since
			// the controller waits for a fully available stable ReplicaSet). Fake
			// nodes do not fail: give them five minutes.
			"--node-monitor-grace-period=5m",
			"--v=1",
		)
		if err != nil {
			return cp, err
		}
		// Ready when the service-account controller has made the default namespace's
		// ServiceAccount: the controllers are then syncing.
		if err := kcm.waitFor(func() bool {
			status, _, err := cp.Do(http.MethodGet, "/api/v1/namespaces/default/serviceaccounts/default", "", nil)
			return err == nil && status == http.StatusOK
		}); err != nil {
			return cp, err
		}
	}
	if b.Scheduler != "" {
		if _, err := cp.start("kube-scheduler", opts.Env, b.Scheduler,
			"--kubeconfig="+cp.Kubeconfig,
			"--authentication-kubeconfig="+cp.Kubeconfig,
			"--authorization-kubeconfig="+cp.Kubeconfig,
			"--bind-address=127.0.0.1",
			"--secure-port=0",
			"--leader-elect=false",
			"--v=1",
		); err != nil {
			return cp, err
		}
	}
	if b.Kwok != "" {
		kwokPorts, err := freePorts(1)
		if err != nil {
			return cp, err
		}
		args := []string{
			"--kubeconfig=" + cp.Kubeconfig,
			"--manage-all-nodes=false",
			"--manage-nodes-with-annotation-selector=" + FakeNodeAnnotation + "=fake",
			"--cidr=" + PodCIDR,
			"--node-ip=127.0.0.1",
			fmt.Sprintf("--server-address=127.0.0.1:%d", kwokPorts[0]),
			// kwok renews each node's Lease, as a kubelet does, so the
			// node-lifecycle controller keeps the nodes Ready.
			"--node-lease-duration-seconds=40",
		}
		stages, err := stageFiles(b.KwokStages)
		if err != nil {
			return cp, err
		}
		for _, s := range stages {
			args = append(args, "-c", s)
		}
		if _, err := cp.start("kwok", opts.Env, b.Kwok, args...); err != nil {
			return cp, err
		}
	}
	for _, n := range opts.Nodes {
		if err := cp.createNode(n); err != nil {
			return cp, err
		}
	}
	if len(opts.Nodes) > 0 {
		if err := cp.waitNodesSchedulable(len(opts.Nodes)); err != nil {
			return cp, err
		}
	}
	return cp, nil
}

// Stop ends every process, the last started first, and removes the folder
// (kept when FLEETFORM_KEEP is set). Safe to call twice.
func (cp *ControlPlane) Stop() {
	cp.mu.Lock()
	procs := cp.procs
	cp.procs = nil
	cp.mu.Unlock()
	for i := len(procs) - 1; i >= 0; i-- {
		procs[i].stop()
	}
	if cp.Dir != "" && os.Getenv("FLEETFORM_KEEP") == "" {
		_ = os.RemoveAll(cp.Dir)
	}
}

// LogTails returns the end of every process log, for failure messages.
func (cp *ControlPlane) LogTails() string {
	var b strings.Builder
	logs, _ := filepath.Glob(filepath.Join(cp.Dir, "*.log"))
	for _, name := range logs {
		data, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		if len(data) > 3000 {
			data = data[len(data)-3000:]
		}
		fmt.Fprintf(&b, "--- tail of %s ---\n%s\n", filepath.Base(name), data)
	}
	return b.String()
}

// Do sends one request as AdminUser.
func (cp *ControlPlane) Do(method, path, contentType string, body []byte) (int, []byte, error) {
	return cp.DoAs(AdminToken, method, path, contentType, body)
}

// DoAs sends one request with a bearer token.
func (cp *ControlPlane) DoAs(token, method, path, contentType string, body []byte) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, cp.URL+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := cp.Client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes(), err
}

// Get reads one object (or list) into out; a status other than 200 is an error
// that names it.
func (cp *ControlPlane) Get(path string, out any) error {
	status, body, err := cp.Do(http.MethodGet, path, "", nil)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return &StatusError{Path: path, Code: status, Body: string(body)}
	}
	return json.Unmarshal(body, out)
}

// StatusError is an answer other than 200 OK.
type StatusError struct {
	Path string
	Code int
	Body string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("GET %s: %d %s", e.Path, e.Code, strings.TrimSpace(e.Body))
}

// Kubeconfig returns a kubeconfig for url with a bearer token, context ContextName.
func Kubeconfig(url string, caPEM []byte, token string) []byte {
	cfg := map[string]any{
		"apiVersion":      "v1",
		"kind":            "Config",
		"current-context": ContextName,
		"clusters": []any{map[string]any{"name": ContextName, "cluster": map[string]any{
			"server": url, "certificate-authority-data": caPEM,
		}}},
		"users":    []any{map[string]any{"name": ContextName, "user": map[string]any{"token": token}}},
		"contexts": []any{map[string]any{"name": ContextName, "context": map[string]any{"cluster": ContextName, "user": ContextName}}},
	}
	// JSON is YAML; []byte fields encode as base64, as certificate-authority-data wants.
	b, _ := json.MarshalIndent(cfg, "", "  ")
	return b
}

// createNode registers a fake node for kwok.
func (cp *ControlPlane) createNode(n Node) error {
	labels := map[string]string{
		"type":                   "kwok",
		"kubernetes.io/hostname": n.Name,
		"kubernetes.io/os":       "linux",
		"kubernetes.io/arch":     "amd64",
	}
	for k, v := range n.Labels {
		labels[k] = v
	}
	var taints []map[string]string
	for k, v := range n.Taints {
		taints = append(taints, map[string]string{"key": k, "value": v, "effect": "NoSchedule"})
	}
	cpu, mem := n.CPU, n.Memory
	if cpu == "" {
		cpu = "32"
	}
	if mem == "" {
		mem = "128Gi"
	}
	capacity := map[string]string{"cpu": cpu, "memory": mem, "pods": "250"}
	node := map[string]any{
		"apiVersion": "v1", "kind": "Node",
		"metadata": map[string]any{
			"name":        n.Name,
			"labels":      labels,
			"annotations": map[string]string{FakeNodeAnnotation: "fake", "node.alpha.kubernetes.io/ttl": "0"},
		},
		"spec":   map[string]any{"taints": taints},
		"status": map[string]any{"capacity": capacity, "allocatable": capacity},
	}
	body, _ := json.Marshal(node)
	status, resp, err := cp.Do(http.MethodPost, "/api/v1/nodes", "application/json", body)
	if err != nil {
		return fmt.Errorf("creating node %s: %w", n.Name, err)
	}
	if status != http.StatusCreated {
		return fmt.Errorf("creating node %s: %d %s", n.Name, status, resp)
	}
	return nil
}

// waitNodesSchedulable waits until n nodes are Ready and carry no not-ready or
// unreachable taint (the node-lifecycle controller removes it once kwok reports Ready).
func (cp *ControlPlane) waitNodesSchedulable(n int) error {
	var last string
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		var list struct {
			Items []struct {
				Metadata struct{ Name string }
				Spec     struct{ Taints []struct{ Key string } }
				Status   struct {
					Conditions []struct{ Type, Status string }
				}
			}
		}
		if err := cp.Get("/api/v1/nodes", &list); err == nil {
			ready := 0
			last = ""
			for _, it := range list.Items {
				ok := false
				for _, c := range it.Status.Conditions {
					ok = ok || (c.Type == "Ready" && c.Status == "True")
				}
				for _, t := range it.Spec.Taints {
					if strings.HasPrefix(t.Key, "node.kubernetes.io/") {
						ok = false
						last += fmt.Sprintf(" %s tainted %s;", it.Metadata.Name, t.Key)
					}
				}
				if ok {
					ready++
				}
			}
			if ready >= n {
				return nil
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	return fmt.Errorf("nodes not schedulable after %s:%s", readyTimeout, last)
}

// stageFiles lists the kwok stage definitions under dir: the fast node and pod
// stages and the node heartbeat with a lease, as the kwok module ships them.
func stageFiles(dir string) ([]string, error) {
	if dir == "" {
		return nil, fmt.Errorf("kwok needs its stage definitions (KWOK_STAGES)")
	}
	var out []string
	for _, sub := range []string{"node/fast", "node/heartbeat-with-lease", "pod/fast"} {
		files, err := filepath.Glob(filepath.Join(dir, sub, "*.yaml"))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if filepath.Base(f) != "kustomization.yaml" {
				out = append(out, f)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no kwok stages under %s/{node,pod}/fast", dir)
	}
	return out, nil
}
