// Command terraform-provider-securescore serves the securescore Terraform provider (plugin protocol 6).
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/securescore/terraform-provider-securescore/internal/plugindiag"
	"github.com/securescore/terraform-provider-securescore/internal/provider"
)

// version is set by the linker at release time (goreleaser: -X main.version={{.Version}}).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	plugindiag.QuietUnlessAsked()
	plugindiag.TuneGC()
	stopProfile := plugindiag.StartCPUProfile()
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve(provider.Address, provider.NewProtocol6Server(version), opts...)
	stopProfile()
	if err != nil {
		log.Fatal(err.Error())
	}
}
