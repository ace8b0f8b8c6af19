// Command program is the Pulumi program that `pulumi preview` and `pulumi up` run
// (Pulumi.yaml points here). All logic lives in package program.
//
// `fleetform-program version` prints the version, commit and build date a release
// stamps in (.goreleaser.yaml), so a team that sets runtime.options.binary to a
// released binary can tell which one it runs. The language host never passes it.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/internal/buildinfo"
	"github.com/fleetform/fleetform/program"
)

func main() {
	if len(os.Args) == 2 && (os.Args[1] == "version" || os.Args[1] == "--version") {
		fmt.Printf("fleetform-program %s\n", buildinfo.Get())
		return
	}
	pulumi.Run(program.Run)
}
