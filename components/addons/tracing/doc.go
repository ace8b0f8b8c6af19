// Package tracing collects distributed traces: an OpenTelemetry Collector on every
// cluster that apps send OTLP to, and Grafana Tempo as the trace store where traces
// are kept. A federation spoke keeps none: its collector forwards to the hub's, over
// the hub's OTLP endpoint with a bearer token, so one Tempo (and one Grafana data
// source) shows every cluster's traces, as one Prometheus shows every cluster's
// metrics.
package tracing
