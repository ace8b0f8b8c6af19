// Package graph builds the deployment dependency graph of a plan: which resource must
// exist before which. The engine deploys in parallel along this graph, so its longest
// chain (the critical path) bounds how fast `pulumi up` can go, and every edge on it
// should be a real need.
package graph
