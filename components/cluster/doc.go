// Package cluster holds what every cluster component shares: the typed cluster spec of
// the stack file, its defaults and validation, and Connection, the outputs the layers
// above deploy through. It imports no cloud SDK, so config and tests stay quick to build.
package cluster
