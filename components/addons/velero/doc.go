// Package velero installs Velero with the cluster's own backup storage (the bucket the
// cluster component made, in the cluster's cloud and region), one schedule per
// environment namespace, and CSI volume snapshots through a VolumeSnapshotClass of the
// cluster's disk driver.
package velero
