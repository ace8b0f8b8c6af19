// Package configkeys names the keys of a Pulumi.<stack>.yaml: the project's
// namespace and its config sections. It imports nothing, so the policy pack reads
// the same list as the program (package stacks) without linking the components.
package configkeys
