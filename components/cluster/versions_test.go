package cluster

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// TestDefaultVersionsAreSupported fails once a cloud's default version is within
// MinDefaultSupportDays of its end of standard support, on the real clock: the signal
// to read the cloud's calendar again, update the table, and move the default (and the
// stack files) to a newer minor.
func TestDefaultVersionsAreSupported(t *testing.T) {
	today := time.Now().UTC()
	for cloud, table := range VersionTables {
		t.Run(string(cloud), func(t *testing.T) {
			r := table.Release(MinorOf(table.Default))
			if r == nil {
				t.Fatalf("default %q is not in the %s table", table.Default, cloud)
			}
			if len(r.Versions) > 0 && !strings.Contains(strings.Join(r.Versions, " "), table.Default) {
				t.Errorf("default %q is not one of the versions %v of its minor", table.Default, r.Versions)
			}
			left := int(r.StandardSupportEnd.Sub(today).Hours() / 24)
			if left < MinDefaultSupportDays {
				t.Errorf("default %s %s leaves standard support on %s, in %d days (want at least %d): check %s and move the default",
					cloud, table.Default, r.StandardSupportEnd.Format(time.DateOnly), left, MinDefaultSupportDays, table.Source)
			}
		})
	}
}

func TestVersionTablesAreOrdered(t *testing.T) {
	for cloud, table := range VersionTables {
		for i, r := range table.Releases {
			if r.EndOfLife.Before(r.StandardSupportEnd) {
				t.Errorf("%s %s: end of life %s before end of standard support %s", cloud, r.Minor, r.EndOfLife, r.StandardSupportEnd)
			}
			if i > 0 && !r.StandardSupportEnd.After(table.Releases[i-1].StandardSupportEnd) {
				t.Errorf("%s %s: standard support ends no later than %s's", cloud, r.Minor, table.Releases[i-1].Minor)
			}
		}
	}
}

func TestVersionPhases(t *testing.T) {
	cases := []struct {
		table   *VersionTable
		version string
		at      string
		want    Support
	}{
		{&EKSVersionTable, "1.35", "2026-12-01", SupportStandard},
		{&EKSVersionTable, "1.34", "2026-12-02", SupportStandard}, // the last day counts
		{&EKSVersionTable, "1.34", "2026-12-03", SupportExtended},
		{&EKSVersionTable, "1.33", "2026-12-01", SupportExtended},
		{&EKSVersionTable, "1.31", "2026-12-01", SupportEnded},
		{&EKSVersionTable, "1.40", "2026-12-01", SupportUnknown},
		{&AKSVersionTable, "1.34.3", "2026-12-01", SupportExtended}, // only with long-term support
		{&AKSVersionTable, "1.36", "2026-12-01", SupportStandard},
		{&ACKVersionTable, "1.34.1-aliyun.1", "2026-12-01", SupportEnded},
		{&ACKVersionTable, "1.35.2-aliyun.1", "2027-02-28", SupportStandard},
		{&ACKVersionTable, "1.35.2-aliyun.1", "2027-03-01", SupportEnded}, // ACK has no extended support
	}
	for _, tc := range cases {
		t.Run(string(tc.table.Cloud)+" "+tc.version+" "+tc.at, func(t *testing.T) {
			if got := tc.table.Release(MinorOf(tc.version)).Phase(day(tc.at)); got != tc.want {
				t.Errorf("phase: got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestCheckVersionSupport(t *testing.T) {
	p := field.NewPath("clusters").Index(0).Child("kubernetesVersion")
	cases := []struct {
		name       string
		table      *VersionTable
		version    string
		extendedOK bool
		want       string // a part of the one error; "" for none
	}{
		{"standard", &EKSVersionTable, "1.35", true, ""},
		{"extended allowed", &EKSVersionTable, "1.33", true, ""},
		{"extended refused without long-term support", &AKSVersionTable, "1.34", false, "azure 1.34 left standard support on 2026-11-30"},
		{"past end of life names the date", &EKSVersionTable, "1.31", true, "aws 1.31 is past its end of life (2026-11-26); upgrade to 1.32, 1.33, 1.34, 1.35"},
		{"ACK 1.33 retired", &ACKVersionTable, "1.33.3-aliyun.1", false, "(2026-05-31)"},
		{"unknown minor lists what is offered", &AKSVersionTable, "1.29", false, MsgVersionUnknown + " 1.32, 1.33, 1.34, 1.35, 1.36, 1.37"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := checkVersionSupport(tc.table, tc.version, day("2026-12-01"), tc.extendedOK, p)
			switch {
			case tc.want == "" && len(errs) > 0:
				t.Fatalf("got %v, want no problem", errs)
			case tc.want != "" && (len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.want) || errs[0].Field != p.String()):
				t.Fatalf("got %v, want one problem at %s containing %q", errs, p, tc.want)
			}
		})
	}
}

func TestExtendedSupportWarning(t *testing.T) {
	p := field.NewPath("clusters").Index(1).Child("kubernetesVersion")
	w := extendedWarning(&EKSVersionTable, "1.33", day("2026-12-01"), p)
	for _, want := range []string{"clusters[1].kubernetesVersion", "2026-07-29", "2027-07-29", "$0.60 per cluster hour"} {
		if !strings.Contains(w, want) {
			t.Errorf("warning %q: want it to name %q", w, want)
		}
	}
	if w := extendedWarning(&EKSVersionTable, "1.35", day("2026-12-01"), p); w != "" {
		t.Errorf("standard support: got warning %q, want none", w)
	}
}

func TestSpecWarnings(t *testing.T) {
	defer func(f func() time.Time) { now = f }(now)
	now = func() time.Time { return day("2026-12-01") }
	s := awsSpec()
	s.KubernetesVersion = "1.33"
	if errs := validateAWSSpec(s, "dev"); len(errs) > 0 {
		t.Fatalf("extended support is allowed on EKS: got %v", errs)
	}
	if w := s.Warnings(field.NewPath("clusters").Index(0)); len(w) != 1 || !strings.Contains(w[0], MsgVersionExtended) {
		t.Errorf("warnings: got %v, want one about extended support", w)
	}
	ex := Spec{Name: "local", Cloud: Existing}
	if w := ex.Warnings(field.NewPath("clusters").Index(1)); len(w) != 0 {
		t.Errorf("existing cluster: got warnings %v, want none", w)
	}
}

func TestMinorOf(t *testing.T) {
	for in, want := range map[string]string{"1.35": "1.35", "1.35.2": "1.35", "1.36.1-aliyun.1": "1.36", "v1.35": "", "1": "", "": "", "1.x": ""} {
		if got := MinorOf(in); got != want {
			t.Errorf("MinorOf(%q): got %q, want %q", in, got, want)
		}
	}
}

func TestCheckUpgrade(t *testing.T) {
	cases := []struct {
		from, to string
		want     string // a part of the error; "" for none
	}{
		{"", "1.36", ""},
		{"1.35", "1.35", ""},
		{"1.35", "1.36", ""},
		{"1.35.2-aliyun.1", "1.36.1-aliyun.1", ""},
		{"1.35.2", "1.35.4", ""},
		{"1.34", "1.36", MsgVersionSkip + " (go to 1.35 first)"},
		{"1.33.3-aliyun.1", "1.36.1-aliyun.1", "go to 1.34 first"},
		{"1.36", "1.35", MsgVersionDowngrade},
		{"1.35", "2.0", MsgVersionSkip},
	}
	for _, tc := range cases {
		t.Run(tc.from+"->"+tc.to, func(t *testing.T) {
			err := CheckUpgrade(tc.from, tc.to)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("got %v, want no error", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestDocsListEveryRelease keeps the table in docs/clusters.md in step with the code.
func TestDocsListEveryRelease(t *testing.T) {
	doc, err := os.ReadFile("../../docs/clusters.md")
	if err != nil {
		t.Fatal(err)
	}
	names := map[Cloud]string{AWS: "EKS", Azure: "AKS", Alicloud: "ACK"}
	for cloud, table := range VersionTables {
		for _, r := range table.Releases {
			row := fmt.Sprintf("| %s | %s | %s | %s |", names[cloud], r.Minor, r.StandardSupportEnd.Format(time.DateOnly), r.EndOfLife.Format(time.DateOnly))
			if !strings.Contains(string(doc), row) {
				t.Errorf("docs/clusters.md lacks the row %q", row)
			}
		}
	}
}
