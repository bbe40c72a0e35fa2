// Package faultmatrix holds end-to-end tests that drive the real terraform binary against the built provider
// and an in-process emulator under injected faults (throttling, lost responses, an outage with a restart,
// SIGINT, Retry-After beyond a timeout, expiring tokens, broken bodies). Each test ends by proving that
// terraform's state and the emulator agree. Like acceptance tests they run only with TF_ACC set.
package faultmatrix
