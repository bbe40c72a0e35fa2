package provider

import "sync"

// stopRequest records Terraform's StopProvider (Ctrl-C) for the whole provider process. terraform-plugin-go
// cancels only the calls already running when it arrives, and under load Terraform may still send an
// ApplyResourceChange after it; startWrite refuses to start a write once it is recorded, and a write already
// started sends no new request after it (see writeContext).
type stopRequest struct {
	made, closed sync.Once
	ch           chan struct{}
}

// channel is made on first use, so that the zero stopRequest is ready.
func (s *stopRequest) channel() chan struct{} {
	s.made.Do(func() { s.ch = make(chan struct{}) })
	return s.ch
}

// done is closed when Terraform asks the provider to stop; nil (never closed) for nil.
func (s *stopRequest) done() <-chan struct{} {
	if s == nil {
		return nil
	}
	return s.channel()
}

// record notes that Terraform asked the provider to stop.
func (s *stopRequest) record() {
	s.closed.Do(func() { close(s.channel()) })
}

// recorded reports whether Terraform asked the provider to stop; never for nil (a provider served without
// protocolServer, as in the framework-only tests).
func (s *stopRequest) recorded() bool {
	if s == nil {
		return false
	}
	select {
	case <-s.done():
		return true
	default:
		return false
	}
}

// writeNotStarted is startWrite's refusal of a write asked for after Terraform's stop request.
type writeNotStarted struct{ what string }

func (e writeNotStarted) Error() string {
	return "Terraform asked the provider to stop (Ctrl-C) before the write of " + e.what + " began, so it was not " +
		"started: nothing was sent to Microsoft Graph and Terraform state is unchanged."
}

// writeNotStartedSummary is the summary of the error diagnostic that reports a writeNotStarted.
const writeNotStartedSummary = "Write not started: Terraform is stopping"
