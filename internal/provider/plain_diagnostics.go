package provider

import "github.com/hashicorp/terraform-plugin-go/tfprotov6"

// diagnostic is an error or warning of a raw resource's core, in plain Go; the protocol edge converts it once.
type diagnostic struct {
	warning         bool
	summary, detail string
	path            []string // attribute names from the resource's root; nil = the resource as a whole
}

// diagnostics collects what one call reports. It serves requireTenant and undecodedWrite as the framework's do.
type diagnostics []diagnostic

var (
	_ errorAdder   = (*diagnostics)(nil)
	_ warningAdder = (*diagnostics)(nil)
)

func (d *diagnostics) AddError(summary, detail string) {
	*d = append(*d, diagnostic{summary: summary, detail: detail})
}

func (d *diagnostics) AddWarning(summary, detail string) {
	*d = append(*d, diagnostic{warning: true, summary: summary, detail: detail})
}

// attributeError is an error about the attribute at path.
func (d *diagnostics) attributeError(path []string, summary, detail string) {
	*d = append(*d, diagnostic{summary: summary, detail: detail, path: path})
}

// attributeWarning is a warning about the attribute at path.
func (d *diagnostics) attributeWarning(path []string, summary, detail string) {
	*d = append(*d, diagnostic{warning: true, summary: summary, detail: detail, path: path})
}

func (d diagnostics) hasError() bool {
	for _, x := range d {
		if !x.warning {
			return true
		}
	}
	return false
}

// proto is d as the plugin protocol carries it.
func (d diagnostics) proto() []*tfprotov6.Diagnostic {
	if len(d) == 0 {
		return nil
	}
	out := make([]*tfprotov6.Diagnostic, len(d))
	for i, x := range d {
		out[i] = &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityError, Summary: x.summary, Detail: x.detail}
		if x.warning {
			out[i].Severity = tfprotov6.DiagnosticSeverityWarning
		}
		if x.path != nil {
			out[i].Attribute = attributePathOf(x.path...)
		}
	}
	return out
}
