// Package chaos installs Chaos Mesh from its chaos-mesh chart: the controller manager
// (which runs experiments and their schedules) and the chaos daemon on every node
// (every taint tolerated, talking to the node's containerd), scoped by namespace
// filtering so experiments reach only namespaces annotated for them. It also builds
// the Schedule objects a release's experiments become (ScheduleSpec).
package chaos
