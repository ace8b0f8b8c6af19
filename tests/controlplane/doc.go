// Package controlplane runs a real Kubernetes control plane for tests: etcd,
// kube-apiserver and, as asked, kube-controller-manager, kube-scheduler and kwok
// with fake nodes, all on loopback with random ports, in a temporary folder.
// Everything is stopped by Stop, and by the kernel (Pdeathsig) if the test binary
// dies first. The binaries come from the repository's build scripts, which cache
// them by version (scripts/kube-apiserver.sh, scripts/kwok.sh).
//
// kwok fakes nodes and pods without containers: pods are scheduled by the real
// scheduler and marked Running and Ready by kwok, so Deployments, ReplicaSets
// and Rollouts progress. No container runs and no pod serves traffic.
package controlplane
