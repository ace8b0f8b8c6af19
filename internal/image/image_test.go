package image

import "testing"

func TestParse(t *testing.T) {
	const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		in   string
		want Ref
		bad  bool
	}{
		{in: "nginx:1.27", want: Ref{Repository: "nginx", Tag: "1.27"}},
		{in: "ghcr.io/org/app@" + digest, want: Ref{Repository: "ghcr.io/org/app", Digest: digest}},
		{in: "registry:5000/app:v1@" + digest, want: Ref{Repository: "registry:5000/app", Tag: "v1", Digest: digest}},
		{in: "busybox", want: Ref{Repository: "busybox"}},
		{in: "Nginx:", bad: true},
		{in: "https://docker.io/x:1", bad: true},
		{in: "app:1 2", bad: true},
		{in: "", bad: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if tc.bad {
				if err == nil {
					t.Errorf("Parse(%q) = %+v, want an error", tc.in, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("Parse(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			}
		})
	}
}
