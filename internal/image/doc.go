// Package image parses container image references with the grammar of
// github.com/distribution/reference, what registries and container runtimes
// accept, so every check of an image in the stack, the releases and the policies
// reads a reference the same way.
package image
