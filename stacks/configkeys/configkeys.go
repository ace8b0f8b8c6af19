package configkeys

// Project is the Pulumi project name; config keys of the program live in its namespace.
const Project = "fleetform"

// Config sections: the top-level keys of the project namespace.
const (
	Clusters        = "clusters"
	Identities      = "identities"
	Platform        = "platform"
	Environments    = "environments"
	Releases        = "releases"
	StackReferences = "stackReferences"
	// Stack is the stack's own settings: the layers it builds, where it deploys from.
	Stack = "stack"
)

// Sections lists the config sections, in file order. Every other key of the project
// namespace is a secret (or a plain value a secret reference names).
var Sections = []string{Stack, Clusters, Identities, Platform, Environments, Releases, StackReferences}
