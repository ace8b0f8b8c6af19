//go:build e2e

package e2e

import (
	"errors"

	"github.com/fleetform/fleetform/tests/controlplane"
)

// adminToken is the system:masters token of the control plane.
const adminToken = controlplane.AdminToken

// server is etcd plus kube-apiserver (no controllers, no nodes), started once per
// test binary.
type server struct{ *controlplane.ControlPlane }

// startServer starts etcd and kube-apiserver and waits for /readyz.
func startServer(b controlplane.Binaries) (*server, error) {
	cp, err := controlplane.Start(controlplane.Options{Binaries: b})
	if err != nil {
		return nil, err
	}
	return &server{cp}, nil
}

func (s *server) stop() { s.Stop() }

// do sends one request as the system:masters token holder.
func (s *server) do(method, path, contentType string, body []byte) (int, []byte, error) {
	return s.Do(method, path, contentType, body)
}

func (s *server) doAs(token, method, path, contentType string, body []byte) (int, []byte, error) {
	return s.DoAs(token, method, path, contentType, body)
}

var errNotFound = errors.New("not found")
