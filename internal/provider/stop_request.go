package provider

import "sync/atomic"

// stopRequest records Terraform's StopProvider (Ctrl-C) for the whole provider process. terraform-plugin-go
// cancels only the calls already running when it arrives, and under load Terraform may still send an
// ApplyResourceChange after it; startWrite refuses to start a write once it is recorded.
type stopRequest struct{ stopped atomic.Bool }

// record notes that Terraform asked the provider to stop.
func (s *stopRequest) record() { s.stopped.Store(true) }

// recorded reports whether Terraform asked the provider to stop; never for nil (a provider served without
// protocolServer, as in the framework-only tests).
func (s *stopRequest) recorded() bool { return s != nil && s.stopped.Load() }

// writeNotStarted is startWrite's refusal of a write asked for after Terraform's stop request.
type writeNotStarted struct{ what string }

func (e writeNotStarted) Error() string {
	return "Terraform asked the provider to stop (Ctrl-C) before the write of " + e.what + " began, so it was not " +
		"started: nothing was sent to Microsoft Graph and Terraform state is unchanged."
}

// writeNotStartedSummary is the summary of the error diagnostic that reports a writeNotStarted.
const writeNotStartedSummary = "Write not started: Terraform is stopping"
