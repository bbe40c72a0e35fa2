package provider

import (
	"iter"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// What a user most likely meant by a word that is not accepted: a control id in the wrong case or with a typo,
// a state in another spelling. Two rules share one edit distance: a state is one of a few short words, so only
// a single, unambiguous near word is offered (closest); a control id is one of hundreds of long ids, so the
// nearest within a fifth of its length is (suggestControlID).

// lettersOnly is s without spaces, punctuation and digits, in lower case.
func lettersOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// sameButCase is the first of candidates that is s in another case.
func sameButCase(s string, candidates []string) (string, bool) {
	for _, c := range candidates {
		if strings.EqualFold(c, s) {
			return c, true
		}
	}
	return "", false
}

// closest is the one candidate s most likely means: the same in another case or spelling (letters only), or
// the single nearest within a small edit distance (1 for short words, 2 from 6 characters on).
func closest(s string, candidates []string) (string, bool) {
	if c, ok := sameButCase(s, candidates); ok {
		return c, true
	}
	letters := lettersOnly(s)
	for _, c := range candidates {
		if letters != "" && lettersOnly(c) == letters {
			return c, true
		}
	}
	limit := 1
	if len(s) >= 6 {
		limit = 2
	}
	best, bestDistance, ties := "", limit+1, 0
	lower := strings.ToLower(s)
	for _, c := range candidates {
		switch d := editDistance(lower, strings.ToLower(c), limit); {
		case d < bestDistance:
			best, bestDistance, ties = c, d, 1
		case d == bestDistance:
			ties++
		}
	}
	return best, bestDistance <= limit && ties == 1
}

// suggestControlID is the id among ids that id was most likely meant to be, or "": the same id in another case
// first, else the nearest by edit distance (ignoring case) if it is near enough to be a slip (at most a fifth of
// the id's length, and at least 2, edits). Ties go to the first in sorted order, so the suggestion is stable.
func suggestControlID(id string, ids iter.Seq[string]) string {
	sorted := slices.Sorted(ids)
	if c, ok := sameButCase(id, sorted); ok {
		return c
	}
	limit := max(2, len(id)/5)
	best, bestDistance := "", limit+1
	lower := strings.ToLower(id)
	for _, c := range sorted {
		if d := editDistance(lower, strings.ToLower(c), bestDistance-1); d < bestDistance {
			best, bestDistance = c, d
		}
	}
	return best
}

// didYouMean is " Did you mean %q?" for a suggestion, or "".
func didYouMean(suggestion string) string {
	if suggestion == "" {
		return ""
	}
	return " Did you mean " + strconv.Quote(suggestion) + "?"
}

// editDistance is the Levenshtein distance of a and b in bytes, or limit+1 when it is larger than limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
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
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit+1)
}
