package emulator

// /security/secureScores: list, get, PATCH on the collection (the tenant's current score) and by id.

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

const secureScoresPath = "security/secureScores"

func (e *Emulator) listSecureScores(g *graphCtx) *response {
	return e.listSet(g, secureScoreType, secureScoresPath, func(s *state) []*entity { return s.Scores })
}

func (e *Emulator) getSecureScore(g *graphCtx, id string) *response {
	return e.getEntity(g, secureScoreType, secureScoresPath, id, func(s *state, id string) *entity {
		_, sc := s.score(id)
		return sc
	})
}

// patchSecureScores is PATCH /security/secureScores: it updates the tenant's current (newest)
// score, creating today's score first when the tenant has none.
func (e *Emulator) patchSecureScores(g *graphCtx, body []byte) *response {
	patch, bad := g.patchBody(body)
	if bad != nil {
		return bad
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	cur := g.t.current()
	created := false
	if cur == nil {
		cur = newEntity(secureScoreType, g.t.scoreFromProfiles(e.now()))
		created = true
	}
	return e.commitScorePatchLocked(g, cur, patch, created)
}

func (e *Emulator) patchSecureScore(g *graphCtx, id string, body []byte) *response {
	patch, bad := g.patchBody(body)
	if bad != nil {
		return bad
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, sc := g.t.score(id)
	if sc == nil {
		return notFound(g, secureScoreType, id)
	}
	return e.commitScorePatchLocked(g, sc, patch, false)
}

func (e *Emulator) commitScorePatchLocked(g *graphCtx, sc *entity, patch map[string]any, created bool) *response {
	upd, err := applySecureScorePatch(sc.obj, patch, false)
	if err != nil {
		return g.errorf(http.StatusBadRequest, "BadRequest", "%s", err.Error())
	}
	old := sc.obj
	sc.set(upd)
	if created {
		g.t.Scores = append(g.t.Scores, sc)
	}
	g.t.sortScores()
	if err := e.save(); err != nil {
		// Keep memory and disk in step: undo.
		sc.set(old)
		if created {
			g.t.Scores = g.t.Scores[:0:0]
		}
		return g.errorf(http.StatusInternalServerError, "generalException", "The state could not be saved: %v", err)
	}
	return g.entityResponse(sc, secureScoreType, secureScoresPath)
}

// applySecureScorePatch validates patch against the secureScore type and returns the updated
// object. Declared properties are type-checked (Int32 range, Double incl. "NaN"/"INF"/"-INF",
// DateTimeOffset); id, azureTenantId and createdDateTime must hold their current values unless
// admin; annotations are ignored; unknown properties are kept (open type). Collections replace.
func applySecureScorePatch(held, patch map[string]any, admin bool) (map[string]any, error) {
	keys := make([]string, 0, len(patch))
	for k := range patch {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := cloneObject(held)
	for _, k := range keys {
		if isAnnotation(k) {
			continue
		}
		v := patch[k]
		def, ok := secureScoreType.props[strings.ToLower(k)]
		if !ok || def.name != k {
			out[k] = stripAnnotations(v) // dynamic property of the open type
			continue
		}
		n, err := normalizeValue(k, def, v)
		if err != nil {
			return nil, err
		}
		if !admin {
			if err := checkImmutable(k, held[k], n); err != nil {
				return nil, err
			}
		} else if k == "id" || k == "azureTenantId" {
			if s, _ := n.(string); s == "" {
				return nil, &propError{prop: k, msg: "the property cannot be null or empty."}
			}
		}
		out[k] = n
	}
	return out, nil
}

// checkImmutable lets id, azureTenantId and createdDateTime through only with the held value.
func checkImmutable(k string, held, v any) error {
	switch k {
	case "id", "azureTenantId":
		hs, _ := held.(string)
		s, ok := v.(string)
		if !ok || !strings.EqualFold(s, hs) {
			return &propError{prop: k, msg: fmt.Sprintf("the property is read-only; only its current value '%s' is accepted, got %s.", hs, literal(v))}
		}
	case "createdDateTime":
		hs, _ := held.(string)
		s, _ := v.(string)
		if held == nil || v == nil {
			if held == nil && v == nil {
				return nil
			}
			return &propError{prop: k, msg: fmt.Sprintf("the property is read-only; only its current value %s is accepted, got %s.", literal(held), literal(v))}
		}
		ht, err1 := parseDateTimeOffset(hs)
		t, err2 := parseDateTimeOffset(s)
		if err1 != nil || err2 != nil || !ht.Equal(t) {
			return &propError{prop: k, msg: fmt.Sprintf("the property is read-only; only its current value '%s' (or the same instant) is accepted, got %s.", hs, literal(v))}
		}
	}
	return nil
}

// scoreFromProfiles builds today's secureScore from the profiles' current states; the caller holds
// the write lock.
func (s *state) scoreFromProfiles(now time.Time) map[string]any {
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	var current, maxTotal float64
	controls := []any{}
	for _, p := range s.Profiles {
		id := p.id()
		deprecated, _ := p.obj["deprecated"].(bool)
		maxS, _ := asFloat(p.obj["maxScore"])
		state := currentState(p.obj)
		score, m, counted := contribution(state, deprecated, maxS, s.Implemented[id])
		if !counted {
			continue
		}
		current += score
		maxTotal += m
		controls = append(controls, map[string]any{
			"controlCategory":      p.obj["controlCategory"],
			"controlName":          id,
			"description":          p.obj["title"],
			"score":                doubleValue(score),
			"scoreInPercentage":    doubleValue(percent(score, maxS)),
			"on":                   fmt.Sprint(state == stateThirdParty || score >= maxS),
			"lastSynced":           now.Format("2006-01-02T15:04:05Z"),
			"implementationStatus": implementationStatus(state, score, maxS, false, 0, 0),
		})
	}
	return map[string]any{
		"id":                       fmt.Sprintf("%s_%s", s.TenantID, day.Format("2006-01-02")),
		"azureTenantId":            s.TenantID,
		"activeUserCount":          jsonInt(seedActiveUsers),
		"createdDateTime":          day.Format("2006-01-02T15:04:05Z"),
		"currentScore":             doubleValue(round2(current)),
		"enabledServices":          s.cfg.enabledServices(),
		"licensedUserCount":        jsonInt(seedLicensedUsers),
		"maxScore":                 doubleValue(round2(maxTotal)),
		"averageComparativeScores": []any{},
		"controlScores":            controls,
		"vendorInformation":        vendorInformation(),
	}
}
