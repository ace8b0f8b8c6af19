//go:build engine

package engine

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetform/fleetform/tests/controlplane"
)

// apiResource is one kind the server serves.
type apiResource struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Namespaced bool   `json:"namespaced"`
}

var (
	discoveryMu sync.Mutex
	discovered  = map[string][]apiResource{}
)

// resourcePath returns the REST path of an object (collection when name is "") on the
// shared control plane.
func resourcePath(apiVersion, kind, namespace, name string) (string, error) {
	return resourcePathOn(env.cp, apiVersion, kind, namespace, name)
}

// resourcePathOn is resourcePath on the control plane cp (discovery is kept per server).
func resourcePathOn(cp *controlplane.ControlPlane, apiVersion, kind, namespace, name string) (string, error) {
	discoveryMu.Lock()
	defer discoveryMu.Unlock()
	base := "/apis/" + apiVersion
	if !strings.Contains(apiVersion, "/") {
		base = "/api/" + apiVersion
	}
	key := cp.URL + " " + apiVersion
	rs, ok := discovered[key]
	if !ok {
		var list struct {
			Resources []apiResource `json:"resources"`
		}
		if err := cp.Get(base, &list); err != nil {
			return "", err
		}
		rs = list.Resources
		discovered[key] = rs
	}
	for _, r := range rs {
		if r.Kind != kind || strings.Contains(r.Name, "/") {
			continue
		}
		p := base
		if r.Namespaced && namespace != "" {
			p += "/namespaces/" + namespace
		}
		p += "/" + r.Name
		if name != "" {
			p += "/" + name
		}
		return p, nil
	}
	return "", fmt.Errorf("the server serves no %s %s", apiVersion, kind)
}

// object is the part of a Kubernetes object the tests read.
type object struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name              string            `json:"name"`
		Namespace         string            `json:"namespace"`
		Labels            map[string]string `json:"labels"`
		Annotations       map[string]string `json:"annotations"`
		DeletionTimestamp string            `json:"deletionTimestamp"`
		OwnerReferences   []struct {
			Kind, Name string
		} `json:"ownerReferences"`
	} `json:"metadata"`
	Data map[string]string `json:"data"`
	Spec map[string]any    `json:"spec"`
}

func (o object) String() string {
	if o.Metadata.Namespace != "" {
		return fmt.Sprintf("%s %s/%s", o.Kind, o.Metadata.Namespace, o.Metadata.Name)
	}
	return fmt.Sprintf("%s %s", o.Kind, o.Metadata.Name)
}

// getObject reads one object from the shared control plane; found is false on 404.
func getObject(apiVersion, kind, namespace, name string, out any) (found bool, err error) {
	return getObjectOn(env.cp, apiVersion, kind, namespace, name, out)
}

// getObjectOn is getObject on the control plane cp.
func getObjectOn(cp *controlplane.ControlPlane, apiVersion, kind, namespace, name string, out any) (found bool, err error) {
	p, err := resourcePathOn(cp, apiVersion, kind, namespace, name)
	if err != nil {
		return false, err
	}
	err = cp.Get(p, out)
	var se *controlplane.StatusError
	if errors.As(err, &se) && se.Code == http.StatusNotFound {
		return false, nil
	}
	return err == nil, err
}

// listObjects lists a kind in a namespace ("" for all) on the shared control plane.
func listObjects(t *testing.T, apiVersion, kind, namespace string) []object {
	t.Helper()
	return listObjectsOn(t, env.cp, apiVersion, kind, namespace)
}

// listObjectsOn is listObjects on the control plane cp.
func listObjectsOn(t *testing.T, cp *controlplane.ControlPlane, apiVersion, kind, namespace string) []object {
	t.Helper()
	p, err := resourcePathOn(cp, apiVersion, kind, namespace, "")
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Items []object }
	if err := cp.Get(p, &list); err != nil {
		t.Fatal(err)
	}
	return list.Items
}

// secretValues returns every Secret's decoded values, by "namespace/name".
func secretValues(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, s := range listObjects(t, "v1", "Secret", "") {
		var b strings.Builder
		for _, v := range s.Data {
			d, err := base64.StdEncoding.DecodeString(v)
			if err != nil {
				t.Fatalf("%s: data is not base64: %v", s, err)
			}
			b.Write(d)
			b.WriteByte('\n')
		}
		out[s.Metadata.Namespace+"/"+s.Metadata.Name] = b.String()
	}
	return out
}

// eventually polls cond every 250 ms until it returns true or timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		ok, state := cond()
		if ok {
			return
		}
		last = state
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("%s: not reached after %s; last state: %s", what, timeout, last)
}
