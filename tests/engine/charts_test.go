//go:build engine

package engine

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fleetform/fleetform/components/helmrelease"
)

// prometheusOperatorModule ships the CRDs of the operator that the pinned
// kube-prometheus-stack runs (v0.93.1), as the pinned prometheus-operator-crds chart
// templates them (its templates are these files with crds.annotations added).
const prometheusOperatorModule = "github.com/prometheus-operator/prometheus-operator@v0.93.1"

// Modules that ship the edge's real CRDs.
const (
	// istioAPIModule ships Istio's (VirtualService, Gateway and the rest), which the
	// base test chart installs as a real install would.
	istioAPIModule = "istio.io/api@v1.32.0"
	// envoyGatewayModule ships Envoy Gateway's charts. Its gateway-crds-helm (the
	// Gateway API's standard channel, v1.5.1, and Envoy Gateway's own CRDs) is served as
	// it is, not as a test chart: about 3.7 MB rendered, it is the chart a Helm release
	// cannot carry (envoyproxy/gateway #6105), which the program applies as a helm/v4
	// Chart. v1.8.2 is the release the module proxy serves; the pin is v1.8.3, a patch
	// release of the same CRDs.
	envoyGatewayModule = "github.com/envoyproxy/gateway@v1.8.2"
)

// chartRepo is a loopback HTTPS Helm repository serving one test chart per pin.
type chartRepo struct {
	srv *httptest.Server
	// CAFile holds the server's certificate, for SSL_CERT_FILE of the provider.
	CAFile string
	mu     sync.Mutex
	// fetched counts downloads per chart archive.
	fetched map[string]int
}

// URL is the repository address the stack's chart.repository overrides take.
func (r *chartRepo) URL() string { return r.srv.URL + "/charts" }

// Close stops the server.
func (r *chartRepo) Close() { r.srv.Close() }

// Fetched reports how often each archive was downloaded.
func (r *chartRepo) Fetched() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for k, v := range r.fetched {
		out[k] = v
	}
	return out
}

// startChartRepo packages testdata/charts under every pinned name and version,
// with real CRDs where the program needs them, and serves them with an index.
func startChartRepo(root, rolloutsCRDs, dir string) (*chartRepo, error) {
	promCRDs, err := moduleDir(prometheusOperatorModule)
	if err != nil {
		return nil, err
	}
	istioCRDs, err := moduleDir(istioAPIModule)
	if err != nil {
		return nil, err
	}
	envoyGateway, err := moduleDir(envoyGatewayModule)
	if err != nil {
		return nil, err
	}
	// The charts served from their real source instead of the test chart.
	real := map[string]string{
		helmrelease.GatewayCRDs.Chart: filepath.Join(envoyGateway, "charts", "gateway-crds-helm"),
	}
	// kube-prometheus-stack carries none: the program installs it with crds.enabled
	// false, as the real chart's CRDs are its crds subchart under that condition.
	crds := map[string]string{
		helmrelease.ArgoRollouts.Chart:           rolloutsCRDs,
		helmrelease.PrometheusOperatorCRDs.Chart: filepath.Join(promCRDs, "example", "prometheus-operator-crd"),
		helmrelease.IstioBase.Chart:              filepath.Join(istioCRDs, "kubernetes"),
	}
	// The charts whose CRDs are templates, not crds/, with crds.annotations on each.
	templated := map[string]bool{helmrelease.PrometheusOperatorCRDs.Chart: true}
	src := filepath.Join(root, "tests", "engine", "testdata", "charts")
	archives := map[string][]byte{}
	var entries = map[string][]map[string]any{}
	r := &chartRepo{fetched: map[string]int{}}
	mux := http.NewServeMux()
	r.srv = httptest.NewUnstartedServer(mux)
	r.srv.StartTLS()
	for _, pin := range helmrelease.Pins {
		b, err := packageChart(src, real[pin.Chart], pin, crds[pin.Chart], templated[pin.Chart])
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", pin.Chart, err)
		}
		file := fmt.Sprintf("%s-%s.tgz", pin.Chart, pin.Version)
		archives[file] = b
		sum := sha256.Sum256(b)
		entries[pin.Chart] = append(entries[pin.Chart], map[string]any{
			"apiVersion": "v2", "name": pin.Chart, "version": pin.Version,
			"description": "fleetform test chart for " + pin.Chart,
			"urls":        []string{r.URL() + "/" + file},
			"digest":      hex.EncodeToString(sum[:]),
			"created":     time.Now().UTC().Format(time.RFC3339),
		})
	}
	index, err := json.Marshal(map[string]any{"apiVersion": "v1", "entries": entries, "generated": time.Now().UTC().Format(time.RFC3339)})
	if err != nil {
		return nil, err
	}
	mux.HandleFunc("/charts/", func(w http.ResponseWriter, req *http.Request) {
		name := strings.TrimPrefix(req.URL.Path, "/charts/")
		if name == "index.yaml" {
			_, _ = w.Write(index)
			return
		}
		b, ok := archives[name]
		if !ok {
			http.NotFound(w, req)
			return
		}
		r.mu.Lock()
		r.fetched[name]++
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/gzip")
		_, _ = w.Write(b)
	})
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	r.CAFile = filepath.Join(dir, "ca.pem")
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: r.srv.Certificate().Raw})
	if err := os.WriteFile(r.CAFile, cert, 0o644); err != nil {
		return nil, err
	}
	return r, nil
}

// packageChart writes a chart archive: Chart.yaml from the pin, the chart's own
// folder (if any) over the common templates, and crdDir's YAML files in crds/ (in
// templates/, with the values' crds.annotations added to each, when templated); or,
// with realDir set, that chart's own files under the pin's version.
func packageChart(src, realDir string, pin helmrelease.Pin, crdDir string, templated bool) ([]byte, error) {
	files := map[string][]byte{
		"Chart.yaml":  []byte(fmt.Sprintf("apiVersion: v2\nname: %s\nversion: %s\ndescription: fleetform test chart for %s (tests/engine/testdata/charts)\ntype: application\n", pin.Chart, pin.Version, pin.Chart)),
		"values.yaml": []byte("{}\n"),
	}
	dirs := []string{filepath.Join(src, "_common"), filepath.Join(src, pin.Chart)}
	if realDir != "" {
		dirs = []string{realDir}
		delete(files, "values.yaml")
	}
	for _, dir := range dirs {
		if err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) && p == dir {
					return filepath.SkipDir
				}
				return err
			}
			if d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(dir, p)
			b, err := os.ReadFile(p)
			if rel == "Chart.yaml" && realDir != "" {
				b = versionRE.ReplaceAll(b, []byte("version: "+pin.Version))
			}
			files[filepath.ToSlash(rel)] = b
			return err
		}); err != nil {
			return nil, err
		}
	}
	if crdDir != "" {
		crds, err := filepath.Glob(filepath.Join(crdDir, "*.yaml"))
		if err != nil {
			return nil, err
		}
		if len(crds) == 0 {
			return nil, fmt.Errorf("no CRDs in %s", crdDir)
		}
		for _, c := range crds {
			b, err := os.ReadFile(c)
			if err != nil {
				return nil, err
			}
			if !bytes.Contains(b, []byte("kind: CustomResourceDefinition")) {
				continue // kustomization.yaml and the like
			}
			if !templated {
				files["crds/"+filepath.Base(c)] = b
				continue
			}
			if !crdAnnotationsRE.Match(b) {
				return nil, fmt.Errorf("%s: no metadata.annotations to add crds.annotations to", c)
			}
			files["templates/"+filepath.Base(c)] = crdAnnotationsRE.ReplaceAll(b, []byte("${0}"+crdAnnotationsTemplate))
		}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, n := range names {
		if err := tw.WriteHeader(&tar.Header{Name: pin.Chart + "/" + n, Mode: 0o644, Size: int64(len(files[n])), ModTime: time.Unix(0, 0)}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(files[n]); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// crdAnnotationsRE is the start of a CRD's metadata.annotations (controller-gen
// writes them first in metadata), and crdAnnotationsTemplate what a templated CRD
// chart adds there, as prometheus-operator-crds' own templates do.
var crdAnnotationsRE = regexp.MustCompile(`(?m)^metadata:\n  annotations:\n`)

const crdAnnotationsTemplate = "{{- with (.Values.crds | default dict).annotations }}\n{{- toYaml . | nindent 4 }}\n{{- end }}\n"

// versionRE is a Chart.yaml's version line.
var versionRE = regexp.MustCompile(`(?m)^version: .*$`)

// moduleDir returns a module's folder in the module cache, downloading it if needed,
// with env added to the go command's environment.
func moduleDir(mod string, env ...string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", mod)
	cmd.Env = append(append(os.Environ(), "GOFLAGS=-mod=mod"), env...)
	cmd.Dir = os.TempDir()
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s: %w", mod, err)
	}
	var m struct{ Dir string }
	if err := json.Unmarshal(out, &m); err != nil || m.Dir == "" {
		return "", fmt.Errorf("go mod download %s: no folder in %q", mod, out)
	}
	return m.Dir, nil
}
