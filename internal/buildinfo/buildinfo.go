// Package buildinfo holds the version, commit and build date stamped into the
// released binaries (goreleaser sets them with -ldflags -X), with the module's
// own build information as the fallback for a `go build` or `go install`.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Stamped at link time by the release build (.goreleaser.yaml):
// -X github.com/fleetform/fleetform/internal/buildinfo.Version=1.2.3 and so on.
var (
	// Version is the release's version, without a leading v ("dev" when unstamped).
	Version = "dev"
	// Commit is the full commit hash the binary was built from.
	Commit = ""
	// Date is the commit's date in RFC 3339.
	Date = ""
)

// Info is what `fleetplan version` prints.
type Info struct {
	Version, Commit, Date, Go, Platform string
}

// Get returns the stamped values, filling an unstamped commit and date from the
// VCS information the go command records (absent with -buildvcs=false).
func Get() Info {
	i := Info{Version: Version, Commit: Commit, Date: Date, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if i.Version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			i.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && i.Commit == "":
				i.Commit = s.Value
			case s.Key == "vcs.time" && i.Date == "":
				i.Date = s.Value
			}
		}
	}
	return i
}

// String is the one-line form: "fleetplan 1.2.3 (commit abc123, built 2026-12-07T12:00:00Z, go1.26.8 linux/amd64)".
func (i Info) String() string {
	commit, date := i.Commit, i.Date
	if commit == "" {
		commit = "unknown"
	}
	if date == "" {
		date = "unknown"
	}
	return fmt.Sprintf("%s (commit %s, built %s, %s %s)", i.Version, commit, date, i.Go, i.Platform)
}
