package image

import "github.com/distribution/reference"

// Ref is a parsed image reference. The name is not normalised: nginx stays nginx,
// not docker.io/library/nginx.
type Ref struct {
	// Repository is the registry and repository (ghcr.io/org/app).
	Repository string
	// Tag is the tag, empty when the reference has none.
	Tag string
	// Digest is the digest (sha256:...), empty when the reference has none.
	Digest string
}

// Parse parses an image reference such as nginx:1.27 or ghcr.io/org/app@sha256:....
func Parse(s string) (Ref, error) {
	ref, err := reference.Parse(s)
	if err != nil {
		return Ref{}, err
	}
	var r Ref
	if n, ok := ref.(reference.Named); ok {
		r.Repository = n.Name()
	}
	if t, ok := ref.(reference.Tagged); ok {
		r.Tag = t.Tag()
	}
	if d, ok := ref.(reference.Digested); ok {
		r.Digest = d.Digest().String()
	}
	return r, nil
}
