package provider

import (
	"iter"
	"slices"
	"strconv"
	"strings"
)

// suggestControlID is the id among ids that id was most likely meant to be, or "": the same id in another case
// first, else the nearest by edit distance (ignoring case) if it is near enough to be a slip (at most a fifth of
// the id's length, and at least 2, edits). Ties go to the first in sorted order, so the suggestion is stable.
func suggestControlID(id string, ids iter.Seq[string]) string {
	sorted := slices.Sorted(ids)
	for _, c := range sorted {
		if strings.EqualFold(c, id) {
			return c
		}
	}
	best, bestDistance := "", max(2, len(id)/5)+1
	lower := strings.ToLower(id)
	for _, c := range sorted {
		if d := levenshtein(lower, strings.ToLower(c), bestDistance); d < bestDistance {
			best, bestDistance = c, d
		}
	}
	return best
}

// levenshtein is the Levenshtein distance of a and b in bytes, or bound when it is bound or more.
func levenshtein(a, b string, bound int) int {
	if d := len(a) - len(b); d >= bound || -d >= bound {
		return bound
	}
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= bound {
			return bound
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], bound)
}

// didYouMean is " Did you mean %q?" for a suggestion, or "".
func didYouMean(suggestion string) string {
	if suggestion == "" {
		return ""
	}
	return " Did you mean " + strconv.Quote(suggestion) + "?"
}
