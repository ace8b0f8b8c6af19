// Package sizing holds the resource requests (and, where a chart's own docs advise
// one, memory limits) of the platform's pods, sized by the cluster's environment:
// one size for production clusters, a smaller one for every other. Each addon
// package declares its containers as a []Container naming the chart value path of
// each container's resources; Values turns that table into chart values, which the
// stack's chart.values override like any typed value.
package sizing
