// Package repocheck holds tests of the repository itself rather than of the provider: what git tracks. It has
// tests only; `make test` runs them with everything else, and `make check-binaries` runs the executable check alone.
package repocheck
