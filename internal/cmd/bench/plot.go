package main

import (
	"fmt"
	"html"
	"math"
	"slices"
	"strings"
)

// SVG draws time against N, one panel per phase: terraform_data, the per-control resources, the baseline and
// the protocol floors.
func (r *report) SVG() string {
	const (
		panelW, panelH = 300.0, 260.0
		left, right    = 52.0, 12.0
		top, bottom    = 36.0, 44.0
		legendH        = 52.0
	)
	phaseNames := []string{}
	ns := []int{}
	for _, w := range r.Rows {
		if !slices.Contains(phaseNames, w.Phase) {
			phaseNames = append(phaseNames, w.Phase)
		}
		if !slices.Contains(ns, w.N) {
			ns = append(ns, w.N)
		}
	}
	width, height := math.Max(panelW*float64(len(phaseNames)), 900), panelH+legendH
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="11">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")

	// A point is one N of one phase: the per-control row and the baseline row.
	type point struct {
		n      int
		pc, bl row
	}
	type series struct {
		name, color, dash string
		value             func(point) float64
	}
	orNaN := func(v float64, ok bool) float64 {
		if !ok {
			return math.NaN()
		}
		return v
	}
	all := []series{
		{"terraform_data (N, no plugin)", "#777777", "", func(p point) float64 { return p.pc.DataS }},
		{"securescore_control_profile (N)", "#1f5fbf", "", func(p point) float64 { return p.pc.TimeS }},
		{"securescore_baseline (1 holding N)", "#d2691e", "", func(p point) float64 { return p.bl.TimeS }},
		{"protocol floor (N no-op)", "#2e8b57", "2 3", func(p point) float64 { return orNaN(p.pc.FloorS, p.pc.HasFloor) }},
		{"protocol floor (1 no-op holding N)", "#8b2e8b", "2 3", func(p point) float64 { return orNaN(p.bl.FloorS, p.bl.HasFloor) }},
		{"N floor + bound", "#1f5fbf", "6 4", func(p point) float64 { return orNaN(p.pc.FloorS+p.pc.BoundS, p.pc.HasFloor) }},
	}

	minN, maxN := float64(ns[0]), float64(ns[0])
	for _, n := range ns {
		minN, maxN = math.Min(minN, float64(n)), math.Max(maxN, float64(n))
	}
	for pi, ph := range phaseNames {
		x0 := float64(pi) * panelW
		plotW, plotH := panelW-left-right, panelH-top-bottom
		var rows []point
		for _, w := range r.Rows {
			if w.Phase == ph && w.Resource == kindControls {
				rows = append(rows, point{n: w.N, pc: w})
			}
		}
		for i := range rows {
			for _, w := range r.Rows {
				if w.Phase == ph && w.Resource == kindBaseline && w.N == rows[i].n {
					rows[i].bl = w
				}
			}
		}
		ymax := 0.0
		for _, p := range rows {
			for _, s := range all {
				if v := s.value(p); !math.IsNaN(v) {
					ymax = math.Max(ymax, v)
				}
			}
		}
		ymax = niceCeil(ymax)
		xOf := func(n int) float64 {
			if maxN == minN {
				return x0 + left + plotW/2
			}
			return x0 + left + plotW*(math.Log(float64(n))-math.Log(minN))/(math.Log(maxN)-math.Log(minN))
		}
		yOf := func(v float64) float64 { return top + plotH*(1-v/ymax) }

		fmt.Fprintf(&b, `<text x="%.1f" y="20" font-size="13" font-weight="bold" text-anchor="middle">%s</text>`+"\n", x0+left+plotW/2, html.EscapeString(ph))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#bbbbbb"/>`+"\n", x0+left, top, plotW, plotH)
		for i := 0; i <= 4; i++ {
			v := ymax * float64(i) / 4
			y := yOf(v)
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#eeeeee"/>`+"\n", x0+left, y, x0+left+plotW, y)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", x0+left-4, y+4, trimFloat(v))
		}
		for _, n := range ns {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%d</text>`+"\n", xOf(n), top+plotH+14, n)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">N (controls, log scale)</text>`+"\n", x0+left+plotW/2, top+plotH+30)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" transform="rotate(-90 %.1f %.1f)">seconds</text>`+"\n", x0+14, top+plotH/2, x0+14, top+plotH/2)
		for _, s := range all {
			var pts []string
			for _, w := range rows {
				if v := s.value(w); !math.IsNaN(v) && v > 0 {
					pts = append(pts, fmt.Sprintf("%.1f,%.1f", xOf(w.n), yOf(v)))
				}
			}
			if len(pts) > 1 {
				dash := ""
				if s.dash != "" {
					dash = fmt.Sprintf(` stroke-dasharray="%s"`, s.dash)
				}
				fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(pts, " "), s.color, dash)
			}
			for _, p := range pts {
				xy := strings.Split(p, ",")
				fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s"/>`+"\n", xy[0], xy[1], s.color)
			}
		}
	}
	for i, s := range all {
		x := 12 + float64(i%3)*300
		y := panelH + 16 + float64(i/3)*18
		dash := ""
		if s.dash != "" {
			dash = fmt.Sprintf(` stroke-dasharray="%s"`, s.dash)
		}
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"%s/>`+"\n", x, y, x+24, y, s.color, dash)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text>`+"\n", x+30, y+4, html.EscapeString(s.name))
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 || math.IsNaN(v) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}
