package helmrelease

// NodeAgentTolerations let a node agent (a DaemonSet: the log collector, node-exporter,
// Falco, the chaos daemon) run on every node whatever its taints: a node without its
// agent is a blind spot.
func NodeAgentTolerations() []any {
	return []any{map[string]any{"operator": "Exists"}}
}
