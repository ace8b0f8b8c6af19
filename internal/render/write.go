package render

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// notesHeading starts every NOTES.md; WriteDir only replaces a folder that has it.
const notesHeading = "# Rendered manifests"

// ErrNotRenderFolder is returned when the output folder holds files that are not
// an earlier render, which WriteDir will not delete.
var ErrNotRenderFolder = errors.New("output folder is not empty and holds no earlier render (no " + NotesFile + ")")

// keyOrder puts the identifying fields first, the way people write manifests.
var keyOrder = map[string]int{"apiVersion": 0, "kind": 1, "metadata": 2, "name": 3, "namespace": 4}

// Marshal writes one object as YAML: a comment naming its source, then
// apiVersion, kind and metadata, then the other fields, keys sorted.
func (o *Object) Marshal() ([]byte, error) {
	n, err := yamlNode(o.Body, true)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Path(), err)
	}
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Source: %s\n", o.Source)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("%s: %w", o.Path(), err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// yamlNode builds a YAML node; ordered puts keyOrder keys first (the object and
// its metadata), everything else has its keys sorted.
func yamlNode(v any, ordered bool) (*yaml.Node, error) {
	switch t := v.(type) {
	case map[string]any:
		keys := slices.Sorted(maps.Keys(t))
		if ordered {
			sort.SliceStable(keys, func(i, j int) bool {
				ri, oki := keyOrder[keys[i]]
				rj, okj := keyOrder[keys[j]]
				switch {
				case oki && okj:
					return ri < rj
				case oki != okj:
					return oki
				}
				return keys[i] < keys[j]
			})
		}
		m := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range keys {
			val, err := yamlNode(t[k], ordered && k == "metadata")
			if err != nil {
				return nil, err
			}
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, val)
		}
		return m, nil
	case []any:
		s := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range t {
			val, err := yamlNode(e, false)
			if err != nil {
				return nil, err
			}
			s.Content = append(s.Content, val)
		}
		return s, nil
	default:
		var n yaml.Node
		if err := n.Encode(t); err != nil {
			return nil, err
		}
		return &n, nil
	}
}

// Files returns every output file by relative path: one per object and NOTES.md.
func (r *Result) Files() (map[string][]byte, error) {
	out := make(map[string][]byte, len(r.Objects)+1)
	for i := range r.Objects {
		b, err := r.Objects[i].Marshal()
		if err != nil {
			return nil, err
		}
		out[r.Objects[i].Path()] = b
	}
	out[NotesFile] = r.NotesMarkdown()
	return out, nil
}

// Clusters lists the cluster folders, sorted.
func (r *Result) Clusters() []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range r.Objects {
		if !seen[o.Cluster] {
			seen[o.Cluster] = true
			out = append(out, o.Cluster)
		}
	}
	sort.Strings(out)
	return out
}

var reasonTitles = map[Reason]string{
	ReasonSecret:           "Left out: secrets",
	ReasonUnknown:          "Left out: values known only at deploy time",
	ReasonUnknownField:     "Changed: fields known only at deploy time dropped",
	ReasonHelmValues:       "Helm releases: values to supply outside Git",
	ReasonHelmIgnored:      "Helm releases: inputs not carried over",
	ReasonPatch:            "Patches: partial objects for server-side apply",
	ReasonAutoNamed:        "Auto-named objects",
	ReasonDefaultNamespace: "Objects without a namespace",
	ReasonGenerated:        "Added by the renderer",
	ReasonUnsupported:      "Not rendered: unsupported resources",
	ReasonDuplicate:        "Not rendered: duplicates",
}

// NotesMarkdown writes NOTES.md: the layout, then every note grouped by reason.
func (r *Result) NotesMarkdown() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: stack %s\n\n", notesHeading, r.Stack)
	fmt.Fprintf(&b, "Written by `fleetplan render` from the offline plan of stack `%s`: %d objects in %d cluster folders (%s).\n\n",
		r.Stack, len(r.Objects), len(r.Clusters()), strings.Join(r.Clusters(), ", "))
	b.WriteString("Layout: `<cluster>/<namespace>/<kind>-<name>.yaml`, cluster-scoped objects in `<cluster>/" + ClusterScopedDir + "/`.\n")
	b.WriteString("Helm releases are Flux `HelmRepository` + `HelmRelease` objects in the release's namespace.\n")
	b.WriteString("Secrets are never written; values known only at deploy time are never guessed. Everything left out or changed is listed below.\n")
	if len(r.Notes) == 0 {
		b.WriteString("\nNothing was left out or changed.\n")
		return []byte(b.String())
	}
	var current Reason
	for _, n := range r.Notes {
		if n.Reason != current {
			current = n.Reason
			fmt.Fprintf(&b, "\n## %s\n\n| cluster | namespace | object | detail | source |\n| --- | --- | --- | --- | --- |\n", reasonTitles[n.Reason])
		}
		obj := n.Kind
		if n.Name != "" {
			obj += " " + n.Name
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | `%s` |\n", cell(n.Cluster), cell(n.Namespace), cell(obj), cell(n.Detail), n.Source)
	}
	return []byte(b.String())
}

func cell(s string) string {
	if s == "" {
		return "-"
	}
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// WriteDir writes the files into dir. An earlier render there is replaced whole,
// so that no stale file survives; any other non-empty folder is refused.
func (r *Result) WriteDir(dir string) error {
	files, err := r.Files()
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return err
	case len(entries) > 0:
		notes, err := os.ReadFile(filepath.Join(dir, NotesFile))
		if err != nil || !bytes.HasPrefix(notes, []byte(notesHeading)) {
			return fmt.Errorf("%s: %w", dir, ErrNotRenderFolder)
		}
		for _, e := range entries {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, files[p], 0o644); err != nil {
			return err
		}
	}
	return nil
}
