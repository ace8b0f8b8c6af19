// Package report turns policy findings into what people and tools read: text
// grouped by resource for the terminal and CI logs, and SARIF 2.1.0 for code
// scanning, so violations show on the pull request.
package report
