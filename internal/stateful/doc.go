// Package stateful lists, in one place, the resource types that hold state or that
// everything else stands on: what the program protects in prod, what the policy pack
// requires protected there, and what `fleetplan diff` names in its Destroys section.
// It holds type tokens and chart names only, no SDK, so every layer can read it.
package stateful
