package provider

import (
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// rawResourceConfig is what a resource served on raw terraform-plugin-go (controlProfileServer, baselineServer)
// keeps of the provider's configuration; the framework keeps the same for its own resources.
type rawResourceConfig struct {
	data     atomic.Pointer[providerData] // nil until the provider is configured with known values
	deferred atomic.Bool                  // the provider's configuration was unknown and Terraform allows deferral
}

// store takes what the provider's Configure produced.
func (c *rawResourceConfig) store(data *providerData, deferred bool) {
	c.data.Store(data)
	c.deferred.Store(deferred)
}

// deferral is the automatic deferral the framework gives its own resources when the provider deferred.
func (c *rawResourceConfig) deferral(allowed bool) *tfprotov6.Deferred {
	if !allowed || !c.deferred.Load() {
		return nil
	}
	return &tfprotov6.Deferred{Reason: tfprotov6.DeferredReasonProviderConfigUnknown}
}
