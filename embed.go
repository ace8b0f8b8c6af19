// Package fleetform embeds the project's stack files, so the offline tools can plan
// the default stacks from any directory, even outside a checkout.
package fleetform

import "embed"

// StackFiles holds Pulumi.yaml and every Pulumi.<stack>.yaml of the repository.
//
//go:embed Pulumi.yaml Pulumi.*.yaml
var StackFiles embed.FS
