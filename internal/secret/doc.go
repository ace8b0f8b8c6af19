// Package secret names the secrets a stack needs and carries their values as Pulumi secrets.
//
// Stack files never hold a secret value inline. A typed field of type Ref names a
// top-level config key of the project (for example `harborAdminPassword` for
// `fleetform:harborAdminPassword`) that is set with `pulumi config set --secret`.
package secret
