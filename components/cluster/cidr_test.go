package cluster

import (
	"net/netip"
	"testing"
)

func TestSplitPrefix(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want []string
	}{
		{"10.1.64.0/18", 1, []string{"10.1.64.0/18"}},
		{"10.1.64.0/18", 2, []string{"10.1.64.0/19", "10.1.96.0/19"}},
		{"10.1.64.0/18", 3, []string{"10.1.64.0/20", "10.1.80.0/20", "10.1.96.0/20"}},
		{"255.255.255.0/24", 2, []string{"255.255.255.0/25", "255.255.255.128/25"}},
		{"10.1.1.0/31", 4, nil},
		{"10.1.1.0/24", 0, nil},
	}
	for _, tc := range tests {
		got, ok := SplitPrefix(netip.MustParsePrefix(tc.in), tc.n)
		if ok != (tc.want != nil) || len(got) != len(tc.want) {
			t.Fatalf("SplitPrefix(%s, %d) = %v, %v; want %v", tc.in, tc.n, got, ok, tc.want)
		}
		for i := range tc.want {
			if got[i].String() != tc.want[i] {
				t.Errorf("SplitPrefix(%s, %d)[%d] = %s, want %s", tc.in, tc.n, i, got[i], tc.want[i])
			}
		}
	}
}

func TestNthBlock(t *testing.T) {
	p := netip.MustParsePrefix("10.0.0.0/16")
	tests := []struct {
		bits int
		i    uint64
		want string // "" when out of range
	}{
		{18, 0, "10.0.0.0/18"},
		{18, 3, "10.0.192.0/18"},
		{18, 4, ""},
		{15, 0, ""},
		{33, 0, ""},
		{32, 65535, "10.0.255.255/32"},
	}
	for _, tc := range tests {
		got, ok := NthBlock(p, tc.bits, tc.i)
		if (tc.want == "") == ok || (ok && got.String() != tc.want) {
			t.Errorf("NthBlock(%s, %d, %d) = %s, %v; want %q", p, tc.bits, tc.i, got, ok, tc.want)
		}
	}
}

func TestFreeBlocks(t *testing.T) {
	vpc, pods := netip.MustParsePrefix("10.120.0.0/16"), netip.MustParsePrefix("10.120.0.0/17")
	got := FreeBlocks(vpc, 24, 3, &pods)
	want := []string{"10.120.128.0/24", "10.120.129.0/24", "10.120.130.0/24"}
	if len(got) != 3 || got[0].String() != want[0] || got[2].String() != want[2] {
		t.Errorf("FreeBlocks = %v, want %v", got, want)
	}
	if got := FreeBlocks(netip.MustParsePrefix("10.0.0.0/24"), 25, 3, nil); len(got) != 2 {
		t.Errorf("FreeBlocks of a /24 in /25s = %v, want the two there are", got)
	}
}

func TestAddrHelpers(t *testing.T) {
	if _, ok := AddAddr(netip.MustParseAddr("255.255.255.250"), 6); ok {
		t.Error("AddAddr past 255.255.255.255: got ok")
	}
	if a, ok := AddAddr(netip.MustParseAddr("172.20.0.0"), 10); !ok || a.String() != "172.20.0.10" {
		t.Errorf("AddAddr = %s, %v; want 172.20.0.10", a, ok)
	}
	for n, want := range map[int]int{1: 0, 2: 1, 3: 2, 4: 2, 5: 3} {
		if got := BitsFor(n); got != want {
			t.Errorf("BitsFor(%d) = %d, want %d", n, got, want)
		}
	}
	if !ContainsPrefix(netip.MustParsePrefix("10.0.0.0/16"), netip.MustParsePrefix("10.0.64.0/18")) ||
		ContainsPrefix(netip.MustParsePrefix("10.0.64.0/18"), netip.MustParsePrefix("10.0.0.0/16")) {
		t.Error("ContainsPrefix: wrong way round")
	}
	if got := UsableIPs([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/24"), netip.MustParsePrefix("10.0.1.0/28")}, 5); got != 251+11 {
		t.Errorf("UsableIPs = %d, want 262", got)
	}
}
