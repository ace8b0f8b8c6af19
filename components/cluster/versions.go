package cluster

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Release is one Kubernetes minor version on one cloud, with the two dates that decide
// whether a cluster may run it.
type Release struct {
	// Minor is MAJOR.MINOR (1.35).
	Minor string
	// StandardSupportEnd is the last day of the cloud's standard support. After it the
	// version is in extended support (EKS, paid per cluster hour; AKS long-term support on
	// the Premium tier), or at its end of life where the cloud has no extended support.
	StandardSupportEnd time.Time
	// EndOfLife is the last day the cloud supports the version at all; equal to
	// StandardSupportEnd where the cloud has no extended support.
	EndOfLife time.Time
	// Versions are the full versions the cloud takes for new clusters, where it wants
	// more than the minor (ACK's x.y.z-aliyun.n); empty elsewhere.
	Versions []string
}

// VersionTable is one cloud's Kubernetes release calendar. The dates come from the
// cloud's own calendar (Source, read on Checked); TestDefaultVersionsAreSupported fails
// when a default is within MinDefaultSupportDays of its end of standard support, so the
// table is kept current.
type VersionTable struct {
	// Cloud is the cloud the table is for.
	Cloud Cloud
	// Source is where the dates come from.
	Source string
	// Checked is the day the dates were read from Source.
	Checked string
	// ExtendedSupport says what extended support costs and how to get it; empty where the
	// cloud has none.
	ExtendedSupport string
	// Default is the version new clusters get (the cloud's form: 1.35, 1.36.1-aliyun.1).
	Default string
	// Releases are the minors, oldest first.
	Releases []Release
}

// MinDefaultSupportDays is how far a default version's end of standard support must be:
// two months, the time a fleet needs to test and roll one minor upgrade.
const MinDefaultSupportDays = 60

// day is a calendar date at midnight UTC.
func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(fmt.Sprintf("version table date %q: %v", s, err)) // constant tables only
	}
	return t
}

// EKSVersionTable is the Amazon EKS calendar: 14 months of standard support, then 12
// months of extended support, after which EKS upgrades the cluster itself.
var EKSVersionTable = VersionTable{
	Cloud:   AWS,
	Source:  "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html (release calendar; also endoflife.date/amazon-eks)",
	Checked: "2026-12-02",
	ExtendedSupport: "EKS extended support costs $0.60 per cluster hour instead of $0.10 (about $365 a month more per cluster); " +
		"it is on by default (upgradePolicy.supportType EXTENDED)",
	Default: "1.35",
	Releases: []Release{
		{Minor: "1.29", StandardSupportEnd: day("2025-03-23"), EndOfLife: day("2026-03-23")},
		{Minor: "1.30", StandardSupportEnd: day("2025-07-23"), EndOfLife: day("2026-07-23")},
		{Minor: "1.31", StandardSupportEnd: day("2025-11-26"), EndOfLife: day("2026-11-26")},
		{Minor: "1.32", StandardSupportEnd: day("2026-03-23"), EndOfLife: day("2027-03-23")},
		{Minor: "1.33", StandardSupportEnd: day("2026-07-29"), EndOfLife: day("2027-07-29")},
		{Minor: "1.34", StandardSupportEnd: day("2026-12-02"), EndOfLife: day("2027-12-02")},
		{Minor: "1.35", StandardSupportEnd: day("2027-03-27"), EndOfLife: day("2028-03-27")},
		// Released on EKS 2026-06-02 (Karpenter's EKS guide uses it); the dates are the
		// 14 + 12 months from release that every EKS minor gets.
		{Minor: "1.36", StandardSupportEnd: day("2027-08-02"), EndOfLife: day("2028-08-02")},
	},
}

// AKSVersionTable is the Azure AKS calendar: 12 months of community support ("End of
// life" in AKS's table, the last day of the month named), then long-term support for
// another year on the Premium tier with the AKSLongTermSupport plan.
var AKSVersionTable = VersionTable{
	Cloud:   Azure,
	Source:  "https://learn.microsoft.com/azure/aks/supported-kubernetes-versions (release calendar and LTS table; MicrosoftDocs/azure-aks-docs, 2026-08-21)",
	Checked: "2026-12-01",
	ExtendedSupport: "AKS long-term support needs azure.tier Premium and azure.longTermSupport true; " +
		"Premium costs $0.60 per cluster hour instead of Standard's $0.10",
	Default: "1.36",
	Releases: []Release{
		{Minor: "1.32", StandardSupportEnd: day("2026-03-31"), EndOfLife: day("2027-03-31")},
		{Minor: "1.33", StandardSupportEnd: day("2026-07-31"), EndOfLife: day("2027-07-31")},
		{Minor: "1.34", StandardSupportEnd: day("2026-11-30"), EndOfLife: day("2027-11-30")},
		{Minor: "1.35", StandardSupportEnd: day("2027-03-31"), EndOfLife: day("2028-03-31")},
		{Minor: "1.36", StandardSupportEnd: day("2027-06-30"), EndOfLife: day("2028-06-30")},
		{Minor: "1.37", StandardSupportEnd: day("2027-10-31"), EndOfLife: day("2028-10-31")},
	},
}

// ACKVersionTable is the Alibaba Cloud ACK calendar for managed clusters. ACK has no
// extended support: a version past its end date gets no fixes and new clusters cannot
// use it. Versions lists the full versions ACK's release notes name for each minor.
var ACKVersionTable = VersionTable{
	Cloud:   Alicloud,
	Source:  "https://www.alibabacloud.com/help/en/ack/product-overview/release-notes-for-kubernetes-versions (updated 2026-10-06) and the ACK release notes for 1.35 and 1.36; 1.35.7-aliyun.1 and 1.36.2-aliyun.1 as DescribeKubernetesVersionMetadata listed them in 2026-08 and 2026-09 (eu-central-1, ap-northeast-1, ap-southeast-6), recorded in public repositories",
	Checked: "2026-12-07",
	Default: "1.36.1-aliyun.1",
	Releases: []Release{
		{Minor: "1.33", StandardSupportEnd: day("2026-05-31"), EndOfLife: day("2026-05-31"), Versions: []string{"1.33.3-aliyun.1", "1.33.1-aliyun.1"}},
		{Minor: "1.34", StandardSupportEnd: day("2026-09-30"), EndOfLife: day("2026-09-30"), Versions: []string{"1.34.1-aliyun.1"}},
		{Minor: "1.35", StandardSupportEnd: day("2027-02-28"), EndOfLife: day("2027-02-28"), Versions: []string{"1.35.7-aliyun.1", "1.35.2-aliyun.1", "1.35.1-aliyun.1"}},
		{Minor: "1.36", StandardSupportEnd: day("2027-05-30"), EndOfLife: day("2027-05-30"), Versions: []string{"1.36.2-aliyun.1", "1.36.1-aliyun.1"}},
	},
}

// VersionTables are the calendars by cloud; existing clusters have none.
var VersionTables = map[Cloud]*VersionTable{AWS: &EKSVersionTable, Azure: &AKSVersionTable, Alicloud: &ACKVersionTable}

// Support is where a version stands on a day.
type Support int

// Support phases, in the order a version goes through them.
const (
	// SupportUnknown means the cloud's table does not list the minor.
	SupportUnknown Support = iota
	// SupportStandard is the cloud's normal support, at no extra cost.
	SupportStandard
	// SupportExtended is after standard support and before end of life: it costs more.
	SupportExtended
	// SupportEnded is past the end of life: clouds refuse new clusters and force upgrades.
	SupportEnded
)

// Version messages, exported so tests can assert on them.
const (
	MsgVersionEndOfLife = "is past its end of life"
	MsgVersionUnknown   = "is not a minor version this cloud offers; offered:"
	MsgVersionSkip      = "upgrades one minor version at a time: every cloud refuses a skip"
	MsgVersionDowngrade = "cannot go down: no cloud downgrades a control plane"
	MsgVersionExtended  = "is in extended support"
)

// Release returns the release of a minor, or nil.
func (t *VersionTable) Release(minor string) *Release {
	for i := range t.Releases {
		if t.Releases[i].Minor == minor {
			return &t.Releases[i]
		}
	}
	return nil
}

// Minors lists the minors of the table that have not reached their end of life at.
func (t *VersionTable) Minors(at time.Time) []string {
	var out []string
	for _, r := range t.Releases {
		if !at.After(r.EndOfLife) {
			out = append(out, r.Minor)
		}
	}
	return out
}

// Phase is where the release stands on day at (end dates are the last day of a phase).
func (r *Release) Phase(at time.Time) Support {
	switch {
	case r == nil:
		return SupportUnknown
	case !at.After(r.StandardSupportEnd):
		return SupportStandard
	case !at.After(r.EndOfLife):
		return SupportExtended
	}
	return SupportEnded
}

// MinorOf returns MAJOR.MINOR of a version in any cloud's form (1.35, 1.35.2,
// 1.35.2-aliyun.1), or "" when it has no such prefix.
func MinorOf(version string) string {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 {
		return ""
	}
	major, minor := parts[0], parts[1]
	if i := strings.IndexAny(minor, "-+"); i >= 0 {
		minor = minor[:i]
	}
	if _, err := strconv.Atoi(major); err != nil {
		return ""
	}
	if _, err := strconv.Atoi(minor); err != nil {
		return ""
	}
	return major + "." + minor
}

// minorNumbers splits MAJOR.MINOR into numbers.
func minorNumbers(minor string) (major, n int, ok bool) {
	a, b, found := strings.Cut(minor, ".")
	if !found {
		return 0, 0, false
	}
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	return x, y, err1 == nil && err2 == nil
}

// CheckUpgrade refuses a version change that skips a minor or goes down. from is the
// version the cluster runs now ("" for a new cluster); both may be in any cloud's form.
func CheckUpgrade(from, to string) error {
	if from == "" {
		return nil
	}
	fm, fn, ok1 := minorNumbers(MinorOf(from))
	tm, tn, ok2 := minorNumbers(MinorOf(to))
	if !ok1 || !ok2 {
		return nil // the form checks report unparsable versions
	}
	switch {
	case tm < fm || (tm == fm && tn < fn):
		return fmt.Errorf("%s to %s %s", from, to, MsgVersionDowngrade)
	case tm > fm || tn > fn+1:
		return fmt.Errorf("%s to %s: %s (go to %d.%d first)", from, to, MsgVersionSkip, fm, fn+1)
	}
	return nil
}

// checkVersionSupport checks a version's minor against the cloud's table on day at:
// unknown and past-end-of-life versions are errors; extended support is an error only
// when extendedOK is false (AKS without long-term support), else a warning (Warnings).
func checkVersionSupport(t *VersionTable, version string, at time.Time, extendedOK bool, p *field.Path) field.ErrorList {
	minor := MinorOf(version)
	r := t.Release(minor)
	switch r.Phase(at) {
	case SupportUnknown:
		return field.ErrorList{field.Invalid(p, version, MsgVersionUnknown+" "+strings.Join(t.Minors(at), ", "))}
	case SupportEnded:
		return field.ErrorList{field.Invalid(p, version, fmt.Sprintf("%s %s %s (%s); upgrade to %s",
			t.Cloud, minor, MsgVersionEndOfLife, r.EndOfLife.Format(time.DateOnly), strings.Join(t.Minors(at), ", ")))}
	case SupportExtended:
		if !extendedOK {
			return field.ErrorList{field.Invalid(p, version, fmt.Sprintf("%s %s left standard support on %s; %s, or upgrade",
				t.Cloud, minor, r.StandardSupportEnd.Format(time.DateOnly), t.ExtendedSupport))}
		}
	}
	return nil
}

// extendedWarning is the warning for a version in extended support on day at, or "".
func extendedWarning(t *VersionTable, version string, at time.Time, p *field.Path) string {
	minor := MinorOf(version)
	r := t.Release(minor)
	if r.Phase(at) != SupportExtended {
		return ""
	}
	return fmt.Sprintf("%s: %s %s %s: standard support ended on %s and extended support ends on %s. %s. Upgrade one minor at a time.",
		p, t.Cloud, minor, MsgVersionExtended, r.StandardSupportEnd.Format(time.DateOnly), r.EndOfLife.Format(time.DateOnly), t.ExtendedSupport)
}

// now is the day versions are judged on; tests of fixed dates call the *At functions.
var now = func() time.Time { return time.Now().UTC() }

// Warnings returns what is allowed but costs or risks something: a version in extended
// support, and a spot pool in an account whose EC2 Spot role is not accounted for. p is the spec's path (clusters[i]).
func (s *Spec) Warnings(p *field.Path) []string {
	var out []string
	if w := s.spotRoleWarning(p); w != "" {
		out = append(out, w)
	}
	t := VersionTables[s.Cloud]
	if t == nil || s.KubernetesVersion == "" {
		return out
	}
	if w := extendedWarning(t, s.KubernetesVersion, now(), p.Child("kubernetesVersion")); w != "" {
		out = append(out, w)
	}
	return out
}
