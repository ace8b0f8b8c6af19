package stacks

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMain points the kubernetes provider's default kubeconfig lookup at nothing, so a
// deploy-mode validation does not read the kubeconfig of the machine the tests run on.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "stacks-test")
	if err != nil {
		panic(err)
	}
	os.Setenv("KUBECONFIG", filepath.Join(dir, "no-kubeconfig"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
