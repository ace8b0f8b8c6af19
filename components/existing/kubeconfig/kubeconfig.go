package kubeconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/tools/clientcmd"
)

// Errors of a kubeconfig file that cannot serve, exported so tests and callers can match them.
var (
	// ErrNoContext means the kubeconfig has no context of the configured name.
	ErrNoContext = errors.New("kubeconfig has no such context")
	// ErrBadKubeconfig means the file is not a kubeconfig.
	ErrBadKubeconfig = errors.New("kubeconfig cannot be parsed")
)

// Validation messages of Check, exported so tests can assert on them.
const (
	// MsgFileMissing: a deploy needs the configured file.
	MsgFileMissing = "kubeconfig file does not exist; a deploy reads it"
	// MsgNoContext: the file (or the default lookup) has no such context.
	MsgNoContext = "names no context of the kubeconfig"
	// MsgNoCurrentContext: no context configured and the file has no current-context.
	MsgNoCurrentContext = "the kubeconfig has no current-context; set kubeconfig.context"
	// MsgBadFile: the file is not a kubeconfig.
	MsgBadFile = "is not a kubeconfig file"
)

// Read returns the content of the file at p (a leading ~/ is the home directory) and the
// expanded path. A path that does not exist yields no content and no error. No path
// yields nothing.
func Read(p string) (content, path string, err error) {
	if p == "" {
		return "", "", nil
	}
	path = p
	if strings.HasPrefix(p, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", "", fmt.Errorf("kubeconfig %s: %w", p, err)
		}
		path = filepath.Join(home, p[2:])
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", path, nil
	}
	if err != nil {
		return "", "", fmt.Errorf("kubeconfig: %w", err)
	}
	return string(b), path, nil
}

// ContextCluster returns the cluster of the named context in a kubeconfig's content, or
// of its current context when name is empty.
func ContextCluster(content, name string) (string, error) {
	cfg, err := clientcmd.Load([]byte(content))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrBadKubeconfig, err)
	}
	if name == "" {
		name = cfg.CurrentContext
	}
	if name == "" {
		return "", fmt.Errorf("%w: the file has no current-context; set kubeconfig.context", ErrNoContext)
	}
	ctx, ok := cfg.Contexts[name]
	if !ok {
		return "", fmt.Errorf("%w: %q", ErrNoContext, name)
	}
	return ctx.Cluster, nil
}

// Check validates an existing cluster's kubeconfig (path and context, at p: the cluster's
// `kubeconfig` field) as the kubernetes provider will read it. A configured file that is
// there must parse and hold the context (the current context when none is named). When
// deploy is set, a configured file must be there; without a path, the provider's own
// lookup (the KUBECONFIG list, else ~/.kube/config) is checked the same way when it
// finds a file. No file at all is left to the provider: inside a pod it uses the
// in-cluster config. An offline plan (deploy false) checks a file only if it is there.
func Check(p *field.Path, path, context string, deploy bool) field.ErrorList {
	if path != "" {
		content, full, err := Read(path)
		if err != nil {
			return field.ErrorList{field.Invalid(p.Child("path"), path, err.Error())}
		}
		if _, statErr := os.Stat(full); statErr != nil {
			if deploy {
				return field.ErrorList{field.Invalid(p.Child("path"), path, MsgFileMissing)}
			}
			return nil // an offline plan runs where the file need not be
		}
		return checkContent(p, path, context, content)
	}
	if !deploy {
		return nil
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	var found []string
	for _, f := range rules.GetLoadingPrecedence() {
		if _, err := os.Stat(f); err == nil {
			found = append(found, f)
		}
	}
	if len(found) == 0 {
		return nil
	}
	cfg, err := rules.Load()
	if err != nil {
		return field.ErrorList{field.Invalid(p, strings.Join(found, string(os.PathListSeparator)), MsgBadFile+": "+err.Error())}
	}
	name := context
	if name == "" {
		name = cfg.CurrentContext
	}
	if name == "" {
		return field.ErrorList{field.Required(p.Child("context"), MsgNoCurrentContext+" ("+strings.Join(found, ", ")+")")}
	}
	if _, ok := cfg.Contexts[name]; !ok {
		return field.ErrorList{field.Invalid(p.Child("context"), name, MsgNoContext+" ("+strings.Join(found, ", ")+")")}
	}
	return nil
}

// checkContent checks one file's content for the context.
func checkContent(p *field.Path, path, context, content string) field.ErrorList {
	_, err := ContextCluster(content, context)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrBadKubeconfig):
		return field.ErrorList{field.Invalid(p.Child("path"), path, MsgBadFile)}
	case context == "":
		return field.ErrorList{field.Required(p.Child("context"), MsgNoCurrentContext+" ("+path+")")}
	default:
		return field.ErrorList{field.Invalid(p.Child("context"), context, MsgNoContext+" ("+path+")")}
	}
}
