package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"

	"github.com/fleetform/fleetform/policies/rules"
)

// GitLab Code Quality severities (the Code Climate subset GitLab reads). Only
// two are used: a mandatory finding fails the check, an advisory one does not.
const (
	// CodeQualityMandatory is the severity of a mandatory finding: the merge
	// request widget ranks it with the blocking problems.
	CodeQualityMandatory = "critical"
	// CodeQualityAdvisory is the severity of an advisory finding.
	CodeQualityAdvisory = "minor"
)

// codeQualityIssue is one entry of a GitLab Code Quality report
// (artifacts:reports:codequality): a JSON array of these.
type codeQualityIssue struct {
	Description string              `json:"description"`
	CheckName   string              `json:"check_name"`
	Fingerprint string              `json:"fingerprint"`
	Severity    string              `json:"severity"`
	Location    codeQualityLocation `json:"location"`
}

type codeQualityLocation struct {
	Path  string           `json:"path"`
	Lines codeQualityLines `json:"lines"`
}

type codeQualityLines struct {
	Begin int `json:"begin"`
}

// codeQualitySeverity maps an enforcement level to a Code Quality severity.
func codeQualitySeverity(l rules.Level) string {
	if l == rules.Mandatory {
		return CodeQualityMandatory
	}
	return CodeQualityAdvisory
}

// WriteCodeQuality writes the findings as a GitLab Code Quality report, so they
// show in the merge request widget: one issue per finding, at the stack file's
// line that names the resource (as in SARIF), with the rule ID as check name.
// The fingerprint hashes the stack, rule, URN and property path but not the
// line, so GitLab matches a finding across commits while the file moves around
// it, and two stacks' reports can be concatenated without collisions. No
// findings give an empty array, which GitLab reads as "no problems".
func (r *Report) WriteCodeQuality(w io.Writer) error {
	lines := nameLines(r.StackFileData)
	issues := []codeQualityIssue{}
	for _, f := range r.Findings {
		where := ""
		if f.Path != "" {
			where = " at " + f.Path
		}
		sum := sha256.Sum256([]byte(r.Stack + "\x00" + f.Rule.ID + "\x00" + f.URN + "\x00" + f.Path))
		issues = append(issues, codeQualityIssue{
			Description: f.Rule.ID + " (" + string(f.Level) + "): " + f.Message + where + " in " + rules.TypeOfURN(f.URN) + " " + nameOfURN(f.URN) + ". Fix: " + f.Rule.Remediation,
			CheckName:   f.Rule.ID,
			Fingerprint: hex.EncodeToString(sum[:16]),
			Severity:    codeQualitySeverity(f.Level),
			Location: codeQualityLocation{
				Path:  r.StackFile,
				Lines: codeQualityLines{Begin: lineFor(lines, f.URN)},
			},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(issues)
}
