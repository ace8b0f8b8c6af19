package report

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"

	"github.com/fleetform/fleetform/policies/rules"
)

// SARIF constants.
const (
	SARIFVersion = "2.1.0"
	SARIFSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	// ToolName is the SARIF driver name; code scanning groups alerts by it.
	ToolName = "fleetplan-check"
	// ToolURI points at the rule documentation.
	ToolURI = "https://github.com/fleetform/fleetform/blob/main/docs/policies.md"
)

// The SARIF 2.1.0 subset written here.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool              sarifTool        `json:"tool"`
		AutomationDetails *sarifAutomation `json:"automationDetails,omitempty"`
		Results           []sarifResult    `json:"results"`
		ColumnKind        string           `json:"columnKind"`
	}
	sarifAutomation struct {
		ID string `json:"id"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string          `json:"id"`
		Name                 string          `json:"name"`
		ShortDescription     sarifText       `json:"shortDescription"`
		FullDescription      sarifText       `json:"fullDescription"`
		Help                 sarifHelp       `json:"help"`
		HelpURI              string          `json:"helpUri"`
		DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
		Properties           map[string]any  `json:"properties,omitempty"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifHelp struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown"`
	}
	sarifRuleConfig struct {
		Level   string `json:"level"`
		Enabled bool   `json:"enabled"`
	}
	sarifResult struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Level               string            `json:"level"`
		Message             sarifText         `json:"message"`
		Locations           []sarifResultLoc  `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Properties          map[string]any    `json:"properties,omitempty"`
	}
	sarifResultLoc struct {
		PhysicalLocation sarifPhysical     `json:"physicalLocation"`
		LogicalLocations []sarifLogicalLoc `json:"logicalLocations"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           sarifRegion   `json:"region"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine int `json:"startLine"`
	}
	sarifLogicalLoc struct {
		Name               string `json:"name"`
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
)

// sarifLevel maps an enforcement level to a SARIF level: mandatory findings are
// errors (they fail the check), advisory ones warnings.
func sarifLevel(l rules.Level) string {
	switch l {
	case rules.Mandatory:
		return "error"
	case rules.Advisory:
		return "warning"
	}
	return "none"
}

// WriteSARIF writes the report as a SARIF 2.1.0 log with one run: every rule with
// its ID, description, remediation as help and its level in this stack, and one
// result per finding. A result's physical location is the stack file (at the line
// that names the resource's cluster, environment or release, when one does), and
// its logical location the resource URN.
func (r *Report) WriteSARIF(w io.Writer) error {
	index := map[string]int{}
	driver := sarifDriver{Name: ToolName, InformationURI: ToolURI}
	for i, rule := range r.Rules {
		index[rule.ID] = i
		level := r.Env.LevelOf(rule)
		driver.Rules = append(driver.Rules, sarifRule{
			ID:               rule.ID,
			Name:             rule.ID,
			ShortDescription: sarifText{rule.Description},
			FullDescription:  sarifText{rule.Description},
			Help: sarifHelp{
				Text:     rule.Remediation,
				Markdown: "**" + rule.ID + "** (" + string(level) + "): " + rule.Description + "\n\nRemediation: " + rule.Remediation,
			},
			HelpURI:              ToolURI + "#" + strings.ToLower(rule.ID),
			DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(level), Enabled: level != rules.Disabled},
			Properties:           map[string]any{"enforcement": string(level), "tags": []string{"policy", "fleetform"}},
		})
	}
	lines := nameLines(r.StackFileData)
	results := []sarifResult{}
	for _, f := range r.Findings {
		where := ""
		if f.Path != "" {
			where = " at " + f.Path
		}
		sum := sha256.Sum256([]byte(f.Rule.ID + "\x00" + f.URN + "\x00" + f.Path))
		results = append(results, sarifResult{
			RuleID:    f.Rule.ID,
			RuleIndex: index[f.Rule.ID],
			Level:     sarifLevel(f.Level),
			Message:   sarifText{f.Rule.ID + ": " + f.Message + where + " in resource " + f.URN + ". Fix: " + f.Rule.Remediation},
			Locations: []sarifResultLoc{{
				PhysicalLocation: sarifPhysical{
					ArtifactLocation: sarifArtifact{URI: r.StackFile},
					Region:           sarifRegion{StartLine: lineFor(lines, f.URN)},
				},
				LogicalLocations: []sarifLogicalLoc{{Name: nameOfURN(f.URN), FullyQualifiedName: f.URN, Kind: "resource"}},
			}},
			PartialFingerprints: map[string]string{"fleetformFinding/v1": hex.EncodeToString(sum[:16])},
			Properties:          map[string]any{"resourceType": rules.TypeOfURN(f.URN), "propertyPath": f.Path, "stack": r.Stack},
		})
	}
	log := sarifLog{
		Schema:  SARIFSchema,
		Version: SARIFVersion,
		Runs: []sarifRun{{
			Tool:              sarifTool{Driver: driver},
			AutomationDetails: &sarifAutomation{ID: "fleetplan-check/" + r.Stack + "/"},
			Results:           results,
			ColumnKind:        "utf16CodeUnits",
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// nameOfURN returns the resource name a URN ends with.
func nameOfURN(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

// nameLine is a `name: X` line of the stack file.
type nameLine struct {
	name string
	line int
}

// nameLines lists the `name:` entries of a stack file (clusters, environments,
// releases, node pools ...) with their line numbers.
func nameLines(data []byte) []nameLine {
	var out []nameLine
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "- "))
		if v, ok := strings.CutPrefix(t, "name:"); ok {
			v = strings.Trim(strings.TrimSpace(v), `"'`)
			if v != "" {
				out = append(out, nameLine{v, n})
			}
		}
	}
	return out
}

// lineFor returns the line of the longest stack-file name the resource's URN
// contains (resource names derive from config names), else 1.
func lineFor(lines []nameLine, urn string) int {
	name := nameOfURN(urn)
	best, line := 0, 1
	for _, l := range lines {
		if len(l.name) > best && strings.Contains(name, l.name) {
			best, line = len(l.name), l.line
		}
	}
	return line
}
