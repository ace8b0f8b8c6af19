// Command program is the Pulumi program that `pulumi preview` and `pulumi up` run
// (Pulumi.yaml points here). All logic lives in package program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/program"
)

func main() { pulumi.Run(program.Run) }
