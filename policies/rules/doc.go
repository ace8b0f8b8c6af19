// Package rules holds the fleet's policy rules as plain Go: each rule reads a
// resource's type token and its properties as a plain map (the shape of
// plan.Resource.Inputs), so the same functions serve the offline `fleetplan check`
// and the `policyx` policy pack that `pulumi preview --policy-pack` runs.
//
// A rule has an ID, a one-line description, a default enforcement level and a
// remediation message, and a resource-level form, a stack-level form, or both.
// Per-stack configuration (Config, loaded from policies/config.yaml) can change
// levels, switch rules off and set values such as the approved registries.
//
// The package imports no cloud or Kubernetes SDK: properties are read from plain
// maps, so its tests link in seconds.
package rules
