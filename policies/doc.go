// Command policies is the fleetform Pulumi policy pack:
//
//	pulumi preview --policy-pack ./policies
//
// It runs the rules of package rules, the same functions `fleetplan check` runs on
// the offline plan, through the SDK's experimental policyx package (pinned with
// github.com/pulumi/pulumi/sdk/v3 v3.259.0). Each rule becomes one policy named by
// its ID: resource rules as resource validation policies, stack rules (and rules
// over the stack's configuration) as stack validation policies. Levels and settings
// come from config.yaml, embedded at build time, for the stack being previewed.
package main
