package provider

import "github.com/securescore/terraform-provider-securescore/internal/graph"

// errorAdder is what diagnostics offer for reporting an error (diag.Diagnostics satisfies it).
type errorAdder interface{ AddError(string, string) }

// requireClient returns the Graph client of configured provider data, or adds the "provider not configured"
// error when the provider had values only known after apply.
func requireClient(data *providerData, diags errorAdder) *graph.Client {
	if data == nil {
		diags.AddError("Provider not configured",
			"The securescore provider was not configured, usually because its configuration holds values that are only "+
				"known after apply (for example a client secret created by another resource). Apply those first, or set the "+
				"values directly, then run this again.")
		return nil
	}
	return data.client
}
