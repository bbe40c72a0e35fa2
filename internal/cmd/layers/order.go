package main

import "sort"

// ordering is the files laid out in layers, top (callers) to bottom (callees), and what that costs.
type ordering struct {
	// sccs are the strongly connected components, each ordered top to bottom inside; sccs[i]'s layer is layers[i].
	sccs   [][]string
	layers []int
	// position of each file in the whole order: higher layers first, then each component's own order.
	position map[string]int
	// back are the arrows inside a component that point against its order: a lower file calling a higher one.
	back []arrow
}

// order condenses the graph's strongly connected components (Tarjan), puts each component in a layer (0 when it
// points at nothing outside itself, else one above the highest component it points at), and orders the files
// inside a component with Eades–Lin–Smyth's greedy heuristic so that few of its arrows point back up.
func order(g graph) ordering {
	out := map[string][]string{}
	for _, a := range g.arrows {
		out[a.from] = append(out[a.from], a.to)
	}
	sccs := tarjan(g.files, out)

	component := map[string]int{}
	for i, c := range sccs {
		for _, f := range c {
			component[f] = i
		}
	}
	// Tarjan emits a component only after every component it points at, so one pass in emission order finds the
	// layers.
	layers := make([]int, len(sccs))
	for i, c := range sccs {
		for _, f := range c {
			for _, to := range out[f] {
				if j := component[to]; j != i && layers[j]+1 > layers[i] {
					layers[i] = layers[j] + 1
				}
			}
		}
	}
	for i, c := range sccs {
		sccs[i] = eadesLinSmyth(c, out)
	}

	// Whole order: the highest layer first; components in a layer by their first file's name.
	idx := make([]int, len(sccs))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool {
		if layers[idx[a]] != layers[idx[b]] {
			return layers[idx[a]] > layers[idx[b]]
		}
		return minName(sccs[idx[a]]) < minName(sccs[idx[b]])
	})
	o := ordering{position: map[string]int{}}
	for _, i := range idx {
		o.sccs = append(o.sccs, sccs[i])
		o.layers = append(o.layers, layers[i])
		for _, f := range sccs[i] {
			o.position[f] = len(o.position)
		}
	}
	for _, a := range g.arrows {
		if component[a.from] == component[a.to] && o.position[a.from] > o.position[a.to] {
			o.back = append(o.back, a)
		}
	}
	return o
}

// tarjan returns the strongly connected components of the graph, each component emitted after every component
// it points at (reverse topological order). Files are visited in name order, so the result is deterministic.
func tarjan(files []string, out map[string][]string) [][]string {
	index := map[string]int{}
	low := map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var sccs [][]string
	var visit func(v string)
	visit = func(v string) {
		index[v] = len(index)
		low[v] = index[v]
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range out[v] {
			if _, seen := index[w]; !seen {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var c []string
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				c = append(c, w)
				if w == v {
					break
				}
			}
			sort.Strings(c)
			sccs = append(sccs, c)
		}
	}
	for _, f := range files {
		if _, seen := index[f]; !seen {
			visit(f)
		}
	}
	return sccs
}

// eadesLinSmyth orders one component's files top to bottom: sinks go to the bottom and sources to the top as
// they appear; otherwise the file with the most outgoing minus incoming arrows goes to the top (ties by name).
// Only arrows inside the component count.
func eadesLinSmyth(files []string, out map[string][]string) []string {
	if len(files) == 1 {
		return files
	}
	left := map[string]bool{}
	for _, f := range files {
		left[f] = true
	}
	in := map[string][]string{}
	for _, f := range files {
		for _, to := range out[f] {
			if left[to] {
				in[to] = append(in[to], f)
			}
		}
	}
	degree := func(f string, edges map[string][]string) int {
		n := 0
		for _, g := range edges[f] {
			if left[g] {
				n++
			}
		}
		return n
	}
	var top, bottom []string
	take := func(f string) { delete(left, f) }
	for len(left) > 0 {
		moved := true
		for moved {
			moved = false
			for _, f := range files {
				if left[f] && degree(f, out) == 0 {
					bottom = append([]string{f}, bottom...)
					take(f)
					moved = true
				}
			}
			for _, f := range files {
				if left[f] && degree(f, in) == 0 {
					top = append(top, f)
					take(f)
					moved = true
				}
			}
		}
		best, bestDelta := "", 0
		for _, f := range files {
			if !left[f] {
				continue
			}
			if d := degree(f, out) - degree(f, in); best == "" || d > bestDelta {
				best, bestDelta = f, d
			}
		}
		if best != "" {
			top = append(top, best)
			take(best)
		}
	}
	return append(top, bottom...)
}

func minName(files []string) string {
	m := files[0]
	for _, f := range files[1:] {
		m = min(m, f)
	}
	return m
}
