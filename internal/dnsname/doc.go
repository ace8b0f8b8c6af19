// Package dnsname holds the rules for the names fleetform config gives Kubernetes
// objects and config entries, and their messages, so every layer that checks a
// name says the same thing. Tests assert on the exported messages.
package dnsname
