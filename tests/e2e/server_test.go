//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Test credentials: a token in system:masters, as the issue asks. Loopback only.
const (
	adminToken = "fleetform-e2e-admin-token"
	adminUser  = "e2e-admin"
	// serviceClusterIPRange is the Service CIDR the server allocates ClusterIPs from.
	serviceClusterIPRange = "10.96.0.0/16"
	// readyTimeout bounds the wait for etcd and /readyz (about 15 s seen here).
	readyTimeout = 2 * time.Minute
)

// server is etcd plus kube-apiserver, started once per test binary.
type server struct {
	dir       string
	url       string
	etcd      *exec.Cmd
	apiserver *exec.Cmd
	// exited is closed when the process of that name exits.
	etcdDone, apiDone chan struct{}
	client            *http.Client
}

// startServer starts etcd and kube-apiserver from the given binaries in a fresh
// temporary folder and waits for /readyz. On error everything started is stopped.
func startServer(etcdBin, apiserverBin string) (s *server, err error) {
	dir, err := os.MkdirTemp("", "fleetform-e2e-")
	if err != nil {
		return nil, err
	}
	s = &server{dir: dir}
	defer func() {
		if err != nil {
			err = fmt.Errorf("%w\n%s", err, s.logTails())
			s.stop()
		}
	}()
	ports, err := freePorts(3)
	if err != nil {
		return s, err
	}
	etcdClient := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	etcdPeer := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	s.url = fmt.Sprintf("https://127.0.0.1:%d", ports[2])

	certPEM, err := writeCredentials(dir)
	if err != nil {
		return s, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	s.client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}

	s.etcd, s.etcdDone, err = startProcess(filepath.Join(dir, "etcd.log"), etcdBin,
		"--name=e2e", "--data-dir="+filepath.Join(dir, "etcd"),
		"--listen-client-urls="+etcdClient, "--advertise-client-urls="+etcdClient,
		"--listen-peer-urls="+etcdPeer, "--initial-advertise-peer-urls="+etcdPeer,
		"--initial-cluster=e2e="+etcdPeer, "--log-level=warn",
	)
	if err != nil {
		return s, fmt.Errorf("starting etcd: %w", err)
	}
	if err := waitFor(readyTimeout, s.etcdDone, "etcd", func() bool {
		resp, err := http.Get(etcdClient + "/health")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}); err != nil {
		return s, err
	}

	s.apiserver, s.apiDone, err = startProcess(filepath.Join(dir, "kube-apiserver.log"), apiserverBin,
		"--etcd-servers="+etcdClient,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", ports[2]),
		"--cert-dir="+filepath.Join(dir, "certs"),
		"--tls-cert-file="+filepath.Join(dir, "serving.crt"), "--tls-private-key-file="+filepath.Join(dir, "serving.key"),
		"--service-account-key-file="+filepath.Join(dir, "sa.key"),
		"--service-account-signing-key-file="+filepath.Join(dir, "sa.key"),
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--token-auth-file="+filepath.Join(dir, "tokens.csv"),
		"--authorization-mode=RBAC",
		"--service-cluster-ip-range="+serviceClusterIPRange,
		// The admission plugins the tests prove. PodSecurity runs by default; it is
		// named so that turning it off by accident fails here. ServiceAccount stays
		// on, so pods need their ServiceAccount to exist, as on a real cluster.
		"--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,ResourceQuota",
		// Privileged containers are allowed by the server, so that Pod Security
		// admission, not this flag, is what refuses them in restricted namespaces.
		"--allow-privileged=true",
		"--profiling=false",
		"--v=1",
	)
	if err != nil {
		return s, fmt.Errorf("starting kube-apiserver: %w", err)
	}
	if err := waitFor(readyTimeout, s.apiDone, "kube-apiserver", func() bool {
		status, _, err := s.do(http.MethodGet, "/readyz", "", nil)
		return err == nil && status == http.StatusOK
	}); err != nil {
		return s, err
	}
	return s, nil
}

// stop ends kube-apiserver, then etcd, and removes the data folder. Safe to call twice.
func (s *server) stop() {
	for _, p := range []struct {
		cmd  *exec.Cmd
		done chan struct{}
	}{{s.apiserver, s.apiDone}, {s.etcd, s.etcdDone}} {
		if p.cmd == nil || p.cmd.Process == nil {
			continue
		}
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
	s.apiserver, s.etcd = nil, nil
	if s.dir != "" && os.Getenv("FLEETFORM_E2E_KEEP") == "" {
		_ = os.RemoveAll(s.dir)
	}
}

// logTails returns the end of both server logs, for failure messages.
func (s *server) logTails() string {
	var b strings.Builder
	for _, name := range []string{"etcd.log", "kube-apiserver.log"} {
		data, err := os.ReadFile(filepath.Join(s.dir, name))
		if err != nil {
			continue
		}
		if len(data) > 4000 {
			data = data[len(data)-4000:]
		}
		fmt.Fprintf(&b, "--- tail of %s ---\n%s\n", name, data)
	}
	return b.String()
}

// do sends one request as the system:masters token holder.
func (s *server) do(method, path, contentType string, body []byte) (int, []byte, error) {
	return s.doAs(adminToken, method, path, contentType, body)
}

func (s *server) doAs(token, method, path, contentType string, body []byte) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, s.url+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes(), err
}

// startProcess starts a server process with its output in logPath, in its own
// process group, and returns a channel closed when it exits.
func startProcess(logPath, bin string, args ...string) (*exec.Cmd, chan struct{}, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Pdeathsig stops the server if the test binary dies without running cleanup.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, nil, err
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(done)
	}()
	return cmd, done, nil
}

// waitFor polls ready until it holds, the process exits or the timeout passes.
func waitFor(timeout time.Duration, exited chan struct{}, name string, ready func() bool) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("%s exited before it was ready", name)
		default:
		}
		if ready() {
			return nil
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("%s not ready after %s", name, timeout)
}

// freePorts asks the kernel for n free loopback ports.
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var out []int
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		out = append(out, l.Addr().(*net.TCPAddr).Port)
	}
	return out, nil
}

// writeCredentials writes a self-signed serving certificate for 127.0.0.1, the
// service-account signing key and the token file; it returns the certificate.
func writeCredentials(dir string) ([]byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "fleetform-e2e-apiserver"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{
		"serving.crt": certPEM,
		"serving.key": pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
		"sa.key":      pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(saKey)}),
		// token,user,uid,"group1,group2"
		"tokens.csv": []byte(fmt.Sprintf("%s,%s,%s,\"system:masters\"\n", adminToken, adminUser, adminUser)),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return nil, err
		}
	}
	return certPEM, nil
}

var errNotFound = errors.New("not found")
