package cluster

import "testing"

func TestManagedControlPlane(t *testing.T) {
	want := map[Cloud]bool{AWS: true, Azure: true, Alicloud: true, Existing: false}
	for _, c := range Clouds {
		if got := c.ManagedControlPlane(); got != want[c] {
			t.Errorf("%s: got %v, want %v", c, got, want[c])
		}
	}
}

func TestScalesDNS(t *testing.T) {
	want := map[Cloud]bool{AWS: true, Azure: true, Alicloud: false, Existing: false}
	needs := map[Cloud]bool{Alicloud: true}
	for _, c := range Clouds {
		if got := c.ScalesDNS(); got != want[c] {
			t.Errorf("%s: ScalesDNS got %v, want %v", c, got, want[c])
		}
		if got := c.NeedsDNSAutoscaler(); got != needs[c] {
			t.Errorf("%s: NeedsDNSAutoscaler got %v, want %v", c, got, needs[c])
		}
		if c.ScalesDNS() && c.NeedsDNSAutoscaler() {
			t.Errorf("%s both scales CoreDNS and needs the platform's autoscaler", c)
		}
	}
}
