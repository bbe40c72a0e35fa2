// Package exampletest runs terraform, with the provider built into a filesystem mirror, on the repository's
// examples and on the CLI sequences the acceptance tests' in-process provider cannot drive (one provider
// process per alias, plan -generate-config-out), against the emulator. It holds tests only.
package exampletest
