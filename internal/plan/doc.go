// Package plan runs the stack's program in-process under Pulumi's own mock monitor and
// records what `pulumi preview` would create: every resource with its URN, type, parent,
// provider, dependencies and inputs (secrets redacted, cloud-assigned values unknown),
// plus the stack outputs. Plans are deterministic JSON, so two plans can be diffed,
// checked by policies, rendered to manifests and drawn as a graph without credentials.
package plan
