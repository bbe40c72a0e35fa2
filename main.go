// Command terraform-provider-securescore serves the securescore Terraform provider (plugin protocol 6).
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

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
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: provider.Address,
		Debug:   debug,
	})
	stopProfile()
	if err != nil {
		log.Fatal(err.Error())
	}
}
