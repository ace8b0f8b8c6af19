// Package logging installs a log store and a collector on every node, so logs
// outlive the pods that wrote them.
//
// With the loki backend: the grafana/loki chart as a single binary on a volume, with
// compactor retention, and Grafana Alloy as a DaemonSet tailing /var/log/pods. With
// the elk backend: the ECK operator, Elasticsearch and Kibana from the eck-stack
// chart, Fluent Bit as a DaemonSet, and a Job that installs an index lifecycle
// policy deleting indices older than the retention.
package logging
