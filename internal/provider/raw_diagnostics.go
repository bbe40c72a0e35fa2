package provider

import (
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// diagnostics are the errors and warnings of a raw resource's core, in plain Go; the protocol edge turns them
// into Terraform's (proto). They serve requireTenant and undecodedWrite as the framework's do.
type diagnostics []diagnostic

var (
	_ errorAdder   = (*diagnostics)(nil)
	_ warningAdder = (*diagnostics)(nil)
)

type diagnostic struct {
	warning         bool
	path            attrPath // nil: the resource as a whole
	summary, detail string
}

// attrPath names an attribute: attribute names and map keys from the root.
type attrPath []pathStep

type pathStep struct {
	name  string
	isKey bool // a map key rather than an attribute name
}

// attrPathOf is the path of nested attribute names, e.g. timeouts.read.
func attrPathOf(names ...string) attrPath {
	p := make(attrPath, len(names))
	for i, n := range names {
		p[i] = pathStep{name: n}
	}
	return p
}

// attribute is the path of a top-level attribute.
func attribute(name string) attrPath { return attrPath{{name: name}} }

// attr is p's attribute name.
func (p attrPath) attr(name string) attrPath { return append(p[:len(p):len(p)], pathStep{name: name}) }

// key is p's element with map key k.
func (p attrPath) key(k string) attrPath {
	return append(p[:len(p):len(p)], pathStep{name: k, isKey: true})
}

// String is the path as Terraform writes it, e.g. controls["AdminMFAV2"].state.
func (p attrPath) String() string {
	var b strings.Builder
	for i, s := range p {
		switch {
		case s.isKey:
			b.WriteString("[" + strconv.Quote(s.name) + "]")
		case i > 0:
			b.WriteString("." + s.name)
		default:
			b.WriteString(s.name)
		}
	}
	return b.String()
}

func (p attrPath) proto() *tftypes.AttributePath {
	if p == nil {
		return nil
	}
	out := tftypes.NewAttributePath()
	for _, s := range p {
		if s.isKey {
			out = out.WithElementKeyString(s.name)
		} else {
			out = out.WithAttributeName(s.name)
		}
	}
	return out
}

func (ps *diagnostics) addError(summary, detail string) {
	*ps = append(*ps, diagnostic{summary: summary, detail: detail})
}

func (ps *diagnostics) addWarning(summary, detail string) {
	*ps = append(*ps, diagnostic{warning: true, summary: summary, detail: detail})
}

func (ps *diagnostics) addAttrError(p attrPath, summary, detail string) {
	*ps = append(*ps, diagnostic{path: p, summary: summary, detail: detail})
}

func (ps *diagnostics) addAttrWarning(p attrPath, summary, detail string) {
	*ps = append(*ps, diagnostic{warning: true, path: p, summary: summary, detail: detail})
}

// AddError and AddWarning let diagnostics serve as an errorAdder and a warningAdder.
func (ps *diagnostics) AddError(summary, detail string) { ps.addError(summary, detail) }

func (ps *diagnostics) AddWarning(summary, detail string) { ps.addWarning(summary, detail) }

func (ps diagnostics) hasError() bool {
	for _, p := range ps {
		if !p.warning {
			return true
		}
	}
	return false
}

// proto is ps as Terraform's diagnostics.
func (ps diagnostics) proto() []*tfprotov6.Diagnostic {
	if len(ps) == 0 {
		return nil
	}
	out := make([]*tfprotov6.Diagnostic, 0, len(ps))
	for _, p := range ps {
		d := &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityError, Summary: p.summary, Detail: p.detail, Attribute: p.path.proto()}
		if p.warning {
			d.Severity = tfprotov6.DiagnosticSeverityWarning
		}
		out = append(out, d)
	}
	return out
}

// errorAdder is what diagnostics offer for reporting an error (diag.Diagnostics satisfies it).
type errorAdder interface{ AddError(string, string) }
