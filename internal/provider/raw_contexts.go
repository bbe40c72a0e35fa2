package provider

import (
	"context"
	"time"
)

// The contexts of the resources served on terraform-plugin-go: what resourceBase's startRead and startWrite give
// the framework's resources, without framework types.

// rawWriteContext bounds one write by timeout, and by Terraform's stop request only after stopGrace (see
// writeContext), with data's log masks.
func rawWriteContext(ctx context.Context, data *providerData, timeout time.Duration) (context.Context, context.CancelFunc) {
	return writeContext(data.logContext(ctx), timeout)
}

// rawReadContext bounds one read by timeout, with data's log masks.
func rawReadContext(ctx context.Context, data *providerData, timeout time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(data.logContext(ctx), timeout)
}

// durationOr is the duration an entry of a timeouts block sets, or def when it is null or unknown. The entry was
// validated with the configuration (checkDuration), so an error here means state holds what no configuration
// could have set.
func durationOr(s tfString, def time.Duration) (time.Duration, error) {
	if !s.isKnown() {
		return def, nil
	}
	return time.ParseDuration(s.value())
}
