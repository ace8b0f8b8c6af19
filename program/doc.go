// Package program is the stack's Pulumi program. Run loads and validates the stack
// config, then Build creates the layers in order: clusters, platform addons,
// environments, releases. `pulumi up` runs it through cmd/fleetform-program; the offline planner
// runs the same Build under the mock monitor.
package program
