// Package falco installs Falco, the runtime security engine, from the falcosecurity
// falco chart: a DaemonSet on every node (every taint tolerated) with the modern eBPF
// driver, its rules loaded from a priority threshold up, and Falcosidekick forwarding
// each alert to the in-cluster Alertmanager, which routes it to the stack's receivers.
package falco
