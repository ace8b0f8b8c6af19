// Package vpa installs the Kubernetes Vertical Pod Autoscaler (recommender, and
// optionally the updater and admission controller that apply recommendations) from
// the Fairwinds vpa chart, with the VerticalPodAutoscaler CRD.
package vpa
