// Package stacks decodes Pulumi.<stack>.yaml into a typed StackConfig, strictly, then
// applies documented defaults and validates it, reporting every problem at once with
// its field path. Nothing is registered until a config passes.
package stacks
