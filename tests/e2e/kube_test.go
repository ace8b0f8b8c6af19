//go:build e2e

package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// fieldManager owns every field the tests apply, as Pulumi's provider or Flux would.
const fieldManager = "fleetform-e2e"

// apiResource is one entry of API discovery.
type apiResource struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Namespaced bool   `json:"namespaced"`
}

// discovery maps group/version + kind to REST resources, refreshed on a miss so
// that kinds registered by CRDs during the run are found.
type discovery struct {
	mu    sync.Mutex
	cache map[string][]apiResource
}

var disco = &discovery{cache: map[string][]apiResource{}}

// resourceFor finds the plural resource name of a kind and whether it is namespaced.
func (s *server) resourceFor(apiVersion, kind string) (apiResource, error) {
	disco.mu.Lock()
	defer disco.mu.Unlock()
	for attempt := 0; attempt < 2; attempt++ {
		list, ok := disco.cache[apiVersion]
		if !ok || attempt == 1 {
			path := "/apis/" + apiVersion
			if apiVersion == "v1" {
				path = "/api/v1"
			}
			status, body, err := s.do(http.MethodGet, path, "", nil)
			if err != nil {
				return apiResource{}, err
			}
			if status == http.StatusOK {
				var doc struct {
					Resources []apiResource `json:"resources"`
				}
				if err := json.Unmarshal(body, &doc); err != nil {
					return apiResource{}, fmt.Errorf("discovery %s: %w", path, err)
				}
				list = doc.Resources
				disco.cache[apiVersion] = list
			}
		}
		for _, r := range list {
			if r.Kind == kind && !strings.Contains(r.Name, "/") {
				return r, nil
			}
		}
	}
	return apiResource{}, fmt.Errorf("the server has no kind %s in %s (is its CRD registered?)", kind, apiVersion)
}

// objectPath is the REST path of a named object.
func (s *server) objectPath(apiVersion, kind, namespace, name string) (string, error) {
	r, err := s.resourceFor(apiVersion, kind)
	if err != nil {
		return "", err
	}
	base := "/apis/" + apiVersion
	if apiVersion == "v1" {
		base = "/api/v1"
	}
	if r.Namespaced {
		if namespace == "" {
			namespace = "default"
		}
		base += "/namespaces/" + namespace
	}
	return base + "/" + r.Name + "/" + name, nil
}

// apiError is a request the server refused, with its own message.
type apiError struct {
	Status  int
	Reason  string
	Message string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("HTTP %d %s: %s", e.Status, e.Reason, e.Message)
}

func asAPIError(status int, body []byte) error {
	if status >= 200 && status < 300 {
		return nil
	}
	var st struct {
		Reason  string `json:"reason"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &st) != nil || st.Message == "" {
		st.Message = strings.TrimSpace(string(body))
	}
	return &apiError{Status: status, Reason: st.Reason, Message: st.Message}
}

// applyE server-side applies one object given as YAML, with strict field
// validation, as manager; it returns the object the server stored.
func (s *server) applyE(doc []byte, manager string) (map[string]any, error) {
	var obj map[string]any
	if err := yaml.Unmarshal(doc, &obj); err != nil {
		return nil, fmt.Errorf("not YAML: %w", err)
	}
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	meta, _ := obj["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	namespace, _ := meta["namespace"].(string)
	path, err := s.objectPath(apiVersion, kind, namespace, name)
	if err != nil {
		return nil, err
	}
	q := url.Values{"fieldManager": {manager}, "fieldValidation": {"Strict"}, "force": {"true"}}
	status, body, err := s.do(http.MethodPatch, path+"?"+q.Encode(), "application/apply-patch+yaml", doc)
	if err != nil {
		return nil, err
	}
	if err := asAPIError(status, body); err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(body, &out)
}

// apply is applyE that fails the test.
func (s *server) apply(t *testing.T, doc string) map[string]any {
	t.Helper()
	out, err := s.applyE([]byte(doc), fieldManager)
	if err != nil {
		t.Fatalf("apply:\n%s\nerror: %v", doc, err)
	}
	return out
}

// createE creates an object (POST, strict validation) and returns what the server stored.
func (s *server) createE(token string, obj map[string]any) (map[string]any, error) {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	meta, _ := obj["metadata"].(map[string]any)
	namespace, _ := meta["namespace"].(string)
	path, err := s.objectPath(apiVersion, kind, namespace, "")
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	status, resp, err := s.doAs(token, http.MethodPost, strings.TrimSuffix(path, "/")+"?fieldValidation=Strict", "application/json", body)
	if err != nil {
		return nil, err
	}
	if err := asAPIError(status, resp); err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(resp, &out)
}

// getE reads an object; a missing one is errNotFound.
func (s *server) getE(apiVersion, kind, namespace, name string) (map[string]any, error) {
	path, err := s.objectPath(apiVersion, kind, namespace, name)
	if err != nil {
		return nil, err
	}
	status, body, err := s.do(http.MethodGet, path, "", nil)
	if err != nil {
		return nil, err
	}
	if status == http.StatusNotFound {
		return nil, errNotFound
	}
	if err := asAPIError(status, body); err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(body, &out)
}

// deleteE deletes an object and waits until it is gone; a missing one is fine.
func (s *server) deleteE(obj map[string]any) error {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	name, _ := path(obj, "metadata", "name").(string)
	namespace, _ := path(obj, "metadata", "namespace").(string)
	p, err := s.objectPath(apiVersion, kind, namespace, name)
	if err != nil {
		return err
	}
	status, body, err := s.do(http.MethodDelete, p+"?propagationPolicy=Background", "", nil)
	if err != nil {
		return err
	}
	if status != http.StatusNotFound {
		if err := asAPIError(status, body); err != nil {
			return err
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := s.getE(apiVersion, kind, namespace, name); errors.Is(err, errNotFound) {
			return nil
		} else if time.Now().After(deadline) {
			return fmt.Errorf("%s %s/%s still there after delete: %v", kind, namespace, name, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitCRDsEstablished waits until every named CRD reports Established.
func (s *server) waitCRDsEstablished(names []string) error {
	deadline := time.Now().Add(time.Minute)
	for _, name := range names {
		for {
			crd, err := s.getE("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", name)
			if err == nil && hasCondition(crd, "Established") {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("CRD %s not established: %v", name, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	return nil
}

func hasCondition(obj map[string]any, typ string) bool {
	status, _ := obj["status"].(map[string]any)
	conds, _ := status["conditions"].([]any)
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == typ && m["status"] == "True" {
			return true
		}
	}
	return false
}

// accessReview asks the server's authorizer whether a user in groups may do verb
// on group/resource in namespace ("" for cluster-wide).
func (s *server) accessReview(t *testing.T, user string, groups []string, verb, group, resource, namespace string) (bool, string) {
	t.Helper()
	review := map[string]any{
		"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
		"spec": map[string]any{
			"user": user, "groups": groups,
			"resourceAttributes": map[string]any{"namespace": namespace, "verb": verb, "group": group, "resource": resource},
		},
	}
	body, _ := json.Marshal(review)
	status, resp, err := s.do(http.MethodPost, "/apis/authorization.k8s.io/v1/subjectaccessreviews", "application/json", body)
	if err == nil {
		err = asAPIError(status, resp)
	}
	if err != nil {
		t.Fatalf("SubjectAccessReview: %v", err)
	}
	var out struct {
		Status struct {
			Allowed bool   `json:"allowed"`
			Reason  string `json:"reason"`
		} `json:"status"`
	}
	if err := json.Unmarshal(resp, &out); err != nil {
		t.Fatal(err)
	}
	return out.Status.Allowed, out.Status.Reason
}

// path reads a nested field: path(obj, "spec", "hard").
func path(obj any, keys ...string) any {
	for _, k := range keys {
		m, ok := obj.(map[string]any)
		if !ok {
			return nil
		}
		obj = m[k]
	}
	return obj
}
