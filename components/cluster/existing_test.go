package cluster

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestExisting(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		// wantStorageClass is the defaulted storage class.
		wantStorageClass string
		// want maps each expected field path to a substring of its message.
		want map[string]string
	}{
		{
			name:             "no kubeconfig block: provider lookup and kind's storage class",
			spec:             Spec{Name: "local", Cloud: Existing},
			wantStorageClass: DefaultExistingStorageClass,
		},
		{
			name:             "path, context and storage class",
			spec:             Spec{Name: "byo", Cloud: Existing, Kubeconfig: &KubeconfigSpec{Path: "~/.kube/byo", Context: "admin@byo", StorageClass: "ceph-rbd"}},
			wantStorageClass: "ceph-rbd",
		},
		{
			name:             "region is ignored",
			spec:             Spec{Name: "mini", Cloud: Existing, Region: "home-lab", Kubeconfig: &KubeconfigSpec{Context: "minikube"}},
			wantStorageClass: DefaultExistingStorageClass,
		},
		{
			name:             "network is refused",
			spec:             Spec{Name: "local", Cloud: Existing, Network: Network{PodCIDR: "10.244.0.0/16"}},
			wantStorageClass: DefaultExistingStorageClass,
			want:             map[string]string{"clusters[0].network": MsgExistingNetwork},
		},
		{
			name:             "node pools are refused",
			spec:             Spec{Name: "local", Cloud: Existing, NodePools: []NodePool{{Name: "extra"}}},
			wantStorageClass: DefaultExistingStorageClass,
			want:             map[string]string{"clusters[0].nodePools": "not managed here"},
		},
		{
			name:             "bad storage class name",
			spec:             Spec{Name: "local", Cloud: Existing, Kubeconfig: &KubeconfigSpec{StorageClass: "Fast_SSD"}},
			wantStorageClass: "Fast_SSD",
			want:             map[string]string{"clusters[0].kubeconfig.storageClass": MsgExistingStorageClass},
		},
		{
			name:             "cloud blocks are refused",
			spec:             Spec{Name: "local", Cloud: Existing, Azure: &AzureSpec{}},
			wantStorageClass: DefaultExistingStorageClass,
			want:             map[string]string{"clusters[0].azure": MsgCloudBlock},
		},
		{
			name: "kubeconfig block on a cloud cluster is refused",
			spec: func() Spec {
				s := azureSpec()
				s.Kubeconfig = &KubeconfigSpec{Context: "x"}
				return s
			}(),
			wantStorageClass: "",
			want:             map[string]string{"clusters[0].kubeconfig": MsgCloudBlock + " existing"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.spec
			s.ApplyDefaults("local")
			if got := s.Kubeconfig; tc.wantStorageClass != "" && (got == nil || got.StorageClass != tc.wantStorageClass) {
				t.Errorf("kubeconfig = %+v, want storageClass %q", got, tc.wantStorageClass)
			}
			errs := s.Validate(field.NewPath("clusters").Index(0))
			got := map[string]string{}
			for _, e := range errs {
				got[e.Field] += e.Error() + "\n"
			}
			for path, msg := range tc.want {
				if !strings.Contains(got[path], msg) {
					t.Errorf("%s: got %q, want a message containing %q", path, got[path], msg)
				}
			}
			for path, msg := range got {
				if _, ok := tc.want[path]; !ok {
					t.Errorf("unexpected error at %s: %s", path, msg)
				}
			}
		})
	}
}
