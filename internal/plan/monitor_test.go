package plan

import (
	"errors"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The engine refuses a second resource with the same URN; the planner must too,
// where the SDK's mock monitor alone would record both and plan what cannot deploy.
func TestDuplicateURNRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		second string // the second resource's name
		want   bool   // a duplicate-URN error
	}{
		{"same name", "a", true},
		{"another name", "b", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				for _, n := range []string{"a", tc.second} {
					var r thing
					if err := ctx.RegisterResource("test:index:Thing", n, pulumi.Map{}, &r); err != nil {
						return nil, err
					}
				}
				return nil, nil
			}, Options{Project: "proj", Stack: "dev"})
			if got := errors.Is(err, ErrDuplicateURN); got != tc.want {
				t.Fatalf("err = %v, want a duplicate-URN error: %v", err, tc.want)
			}
			if tc.want && !strings.Contains(err.Error(), "urn:pulumi:dev::proj::test:index:Thing::a") {
				t.Errorf("the error %q does not name the URN", err)
			}
		})
	}
}
