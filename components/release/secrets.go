package release

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/internal/secret"
)

// ResolveSecretEnv turns the release's secret config env refs (not the external ones,
// which the cluster's operator reads) into Pulumi secret values through
// the stack's secret store, for Args.SecretEnv. A missing secret is an error when
// deploying and a redacted placeholder in an offline plan, as the store decides.
func ResolveSecretEnv(s *Spec, store *secret.Store) (map[string]pulumi.StringInput, error) {
	refs := s.ConfigSecretEnv()
	if len(refs) == 0 {
		return nil, nil
	}
	if store == nil {
		return nil, fmt.Errorf("secretEnv needs a secret store")
	}
	out := make(map[string]pulumi.StringInput, len(refs))
	for _, k := range slices.Sorted(maps.Keys(refs)) {
		v, err := store.Output(refs[k])
		if err != nil {
			return nil, fmt.Errorf("secretEnv %s: %w", k, err)
		}
		out[k] = v
	}
	return out, nil
}
