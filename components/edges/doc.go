// Package edges names what serves traffic into a cluster: the values of a stack's
// platform.edge. The platform installs the edge, the gateway addon implements the
// Gateway API ones, releases route through it and the stack validation checks it,
// all with this one type. It imports nothing, so every layer can use it.
package edges
