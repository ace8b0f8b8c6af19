package cluster

import (
	"net/netip"
)

// IPv4 address-plan arithmetic on net/netip prefixes, shared by the AWS, Azure and
// Alibaba Cloud address plans so that each carves subnets the same way.

// addrUint is an IPv4 address as a number.
func addrUint(a netip.Addr) uint64 {
	b := a.As4()
	return uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
}

// AddAddr returns the address n after a; ok is false past 255.255.255.255.
func AddAddr(a netip.Addr, n uint64) (netip.Addr, bool) {
	v := addrUint(a) + n
	if v > 0xFFFFFFFF {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// BitsFor is how many prefix bits n equal parts need: the smallest b with 2^b >= n.
func BitsFor(n int) int {
	b := 0
	for 1<<b < n {
		b++
	}
	return b
}

// PrefixSize is how many addresses p holds.
func PrefixSize(p netip.Prefix) int64 { return int64(1) << (32 - p.Bits()) }

// ContainsPrefix reports whether inner lies entirely inside outer.
func ContainsPrefix(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// NthBlock returns the i-th /bits block of p, counting from 0; ok is false when bits is
// shorter than p's or longer than 32, or the block lies outside p.
func NthBlock(p netip.Prefix, bits int, i uint64) (netip.Prefix, bool) {
	if bits < p.Bits() || bits > 32 || i >= uint64(1)<<(bits-p.Bits()) {
		return netip.Prefix{}, false
	}
	a, ok := AddAddr(p.Masked().Addr(), i<<(32-bits))
	if !ok {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, bits), true
}

// SplitPrefix splits p into n equal parts (of the smallest power of two at least n) in
// address order and returns the first n; ok is false when the parts would be smaller
// than a single address.
func SplitPrefix(p netip.Prefix, n int) ([]netip.Prefix, bool) {
	if n < 1 {
		return nil, false
	}
	bits := p.Bits() + BitsFor(n)
	out := make([]netip.Prefix, n)
	for i := range out {
		blk, ok := NthBlock(p, bits, uint64(i))
		if !ok {
			return nil, false
		}
		out[i] = blk
	}
	return out, true
}

// FreeBlocks returns, in address order, the first n /bits blocks of outer that do not
// overlap avoid (nil avoids nothing); fewer when outer holds fewer.
func FreeBlocks(outer netip.Prefix, bits, n int, avoid *netip.Prefix) []netip.Prefix {
	var out []netip.Prefix
	for i := uint64(0); len(out) < n; i++ {
		blk, ok := NthBlock(outer, bits, i)
		if !ok {
			break
		}
		if avoid == nil || !blk.Overlaps(*avoid) {
			out = append(out, blk)
		}
	}
	return out
}

// UsableIPs is how many addresses the prefixes hold once the cloud has taken reserved
// addresses out of each.
func UsableIPs(ps []netip.Prefix, reserved int) int {
	n := 0
	for _, p := range ps {
		n += int(PrefixSize(p)) - reserved
	}
	return n
}
