package monitoring

import (
	"strings"
	"testing"
)

func TestSHA512Crypt(t *testing.T) {
	// The first vector is from the SHA-crypt specification; all were checked with
	// `openssl passwd -6 -salt SALT KEY`.
	for _, tc := range []struct{ key, salt, want string }{
		{"Hello world!", "saltstring", "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"},
		{"a very much longer text to encrypt.  This one even stretches over morethan one line.", "toolongsaltstring", "$6$toolongsaltstrin$d83lI1f8Dmg5G54BIEUCk.d1wzcvMvHiDIygj5z1mZBp8sK1sb1wb5GVvQ7hgyXszzhH1BdryFoyDxA5CIFdb1"},
		{"pässwörd with a really long text that spans more than sixty-four bytes of key material ok", "0123456789abcdef", "$6$0123456789abcdef$6/YZN41Q8YIumS/EL34ExPDAHdc4fIzOmg6b.EdvUSVtQMmlCZZ1cw62li56U35tDuF3i35ldFRfCZp1O8.GE0"},
	} {
		if got := SHA512Crypt(tc.key, tc.salt); got != tc.want {
			t.Errorf("SHA512Crypt(%q, %q) = %s, want %s", tc.key, tc.salt, got, tc.want)
		}
	}
}

func TestHtpasswdLineIsStable(t *testing.T) {
	a := HtpasswdLine("federate", "pw1", "prod-azure")
	if a != HtpasswdLine("federate", "pw1", "prod-azure") {
		t.Error("HtpasswdLine differs between calls; want a stable hash (no perpetual diff)")
	}
	if a == HtpasswdLine("federate", "pw2", "prod-azure") || a == HtpasswdLine("federate", "pw1", "prod-ali") {
		t.Error("HtpasswdLine ignores the password or the context")
	}
	if !strings.HasPrefix(a, "federate:$6$") || strings.Contains(a, "pw1") {
		t.Errorf("HtpasswdLine = %q, want federate:$6$... without the password", a)
	}
}
