// Command layers measures how far one Go package's files are from a clean stack of layers: it builds the
// file-level dependency graph (an arrow A→B when file A refers to a package-level name declared in file B),
// orders the files into layers, and counts the arrows that point back up, from a lower file to a higher one.
// Those can only be inside a cycle of files; each is a place where the package's reading order breaks.
//
// Run it from the repository root: go run ./internal/cmd/layers (or make layers); -v lists the back arrows.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

func main() {
	var (
		dir     = flag.String("dir", "internal/provider", "package directory whose non-test .go files are measured")
		verbose = flag.Bool("v", false, "list the back arrows, cheapest to remove first, with an identifier that causes each")
	)
	flag.Parse()
	g, err := readGraph(*dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "layers: %v\n", err)
		os.Exit(1)
	}
	report(os.Stdout, g, order(g), *verbose)
}

// measure is the summary the command prints and its test checks.
type measure struct {
	files, arrows, sccs, cyclicSCCs, layers, back int
	largest                                       []string // the largest component's files, top to bottom
}

func measureOf(g graph, o ordering) measure {
	m := measure{files: len(g.files), arrows: len(g.arrows), sccs: len(o.sccs), back: len(o.back)}
	for i, c := range o.sccs {
		if len(c) > 1 {
			m.cyclicSCCs++
		}
		if len(c) > len(m.largest) {
			m.largest = c
		}
		m.layers = max(m.layers, o.layers[i]+1)
	}
	return m
}

func report(w io.Writer, g graph, o ordering, verbose bool) {
	m := measureOf(g, o)
	fmt.Fprintf(w, "%d of %d arrows point back up\n", m.back, m.arrows)
	fmt.Fprintf(w, "%d files, %d strongly connected components (%d with a cycle), %d layers\n",
		m.files, m.sccs, m.cyclicSCCs, m.layers)
	fmt.Fprintf(w, "largest component, %d files, top to bottom: %s\n", len(m.largest), strings.Join(m.largest, " "))
	if !verbose {
		return
	}
	back := append([]arrow(nil), o.back...)
	// Cheapest first: fewest distinct identifiers, then fewest references.
	sort.SliceStable(back, func(i, j int) bool {
		if len(back[i].idents) != len(back[j].idents) {
			return len(back[i].idents) < len(back[j].idents)
		}
		return back[i].refs < back[j].refs
	})
	fmt.Fprintln(w, "back arrows (identifiers, references):")
	for _, a := range back {
		more := ""
		if len(a.idents) > 1 {
			more = fmt.Sprintf(" and %d more", len(a.idents)-1)
		}
		fmt.Fprintf(w, "  %s -> %s: %s%s (%d, %d)\n", a.from, a.to, a.idents[0], more, len(a.idents), a.refs)
	}
}
