package main

import (
	"slices"
	"testing"
)

// testdata/cycle: a.go -> b.go -> c.go -> a.go and d.go -> a.go (a method on A), plus a shadowing local, a struct
// key and a selector that must not count. One arrow of the three-file cycle has to point back up.
func TestCycle(t *testing.T) {
	g, err := readGraph("testdata/cycle")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range g.arrows {
		got = append(got, a.from+"->"+a.to)
	}
	want := []string{"a.go->b.go", "b.go->c.go", "c.go->a.go", "d.go->a.go"}
	if !slices.Equal(got, want) {
		t.Fatalf("arrows = %v, want %v", got, want)
	}

	o := order(g)
	m := measureOf(g, o)
	if m.files != 4 || m.arrows != 4 || m.sccs != 2 || m.cyclicSCCs != 1 || m.layers != 2 || m.back != 1 {
		t.Errorf("measure = %+v, want 4 files, 4 arrows, 2 components (1 with a cycle), 2 layers, 1 back arrow", m)
	}
	largest := slices.Clone(m.largest)
	slices.Sort(largest)
	if !slices.Equal(largest, []string{"a.go", "b.go", "c.go"}) {
		t.Errorf("largest component = %v, want a.go b.go c.go", m.largest)
	}
	if o.position["d.go"] != 0 {
		t.Errorf("d.go is at position %d; as the only file above the cycle it comes first", o.position["d.go"])
	}
	if len(o.back) == 1 {
		b := o.back[0]
		if o.position[b.from] < o.position[b.to] {
			t.Errorf("back arrow %s -> %s points down the order", b.from, b.to)
		}
	}
}

// In a cycle where one file is called by both others, Eades–Lin–Smyth puts it at the bottom: x -> z, y -> z,
// z -> x, x -> y needs one back arrow (z -> x), not two.
func TestEadesLinSmythFewestBackArrows(t *testing.T) {
	g := graph{
		files: []string{"x", "y", "z"},
		arrows: []arrow{
			{from: "x", to: "y", idents: []string{"Y"}}, {from: "x", to: "z", idents: []string{"Z"}},
			{from: "y", to: "z", idents: []string{"Z"}}, {from: "z", to: "x", idents: []string{"X"}},
		},
	}
	o := order(g)
	if len(o.back) != 1 || o.back[0].from != "z" || o.back[0].to != "x" {
		t.Errorf("back arrows = %+v, order %v; want only z -> x", o.back, o.sccs)
	}
}
