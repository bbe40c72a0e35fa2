package emulator

// Steps shared by the entity-set handlers (/security/secureScores and /security/secureScoreControlProfiles).

import (
	"fmt"
	"net/http"
	"strings"
)

// listSet answers GET on an entity set of the caller's tenant (g.t): the OData query options, then one page of items. Rendering happens under
// the read lock because writers update entities in place.
func (e *Emulator) listSet(g *graphCtx, et *entityType, setPath string, items func(*state) []*entity) *response {
	lq, msg := parseListQuery(g.r.URL.Query(), et)
	if msg != "" {
		return g.errorf(http.StatusBadRequest, "BadRequest", "%s", msg)
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	return g.page(items(g.t), lq, et, setPath)
}

// getEntity answers GET on the entity lookup finds by id, or the service's 404.
func (e *Emulator) getEntity(g *graphCtx, et *entityType, setPath, id string, lookup func(*state, string) *entity) *response {
	e.mu.RLock()
	defer e.mu.RUnlock()
	it := lookup(g.t, id)
	if it == nil {
		return notFound(g, et, id)
	}
	return g.entityResponse(it, et, setPath)
}

// notFound is the service's 404 for an entity of type et, e.g. "The requested secureScore 'x' was not found.".
func notFound(g *graphCtx, et *entityType, id string) *response {
	return g.errorf(http.StatusNotFound, "itemNotFound", "The requested %s '%s' was not found.", strings.TrimPrefix(et.name, "microsoft.graph."), id)
}

// patchBody decodes a PATCH body, or returns the 400 to answer with.
func (g *graphCtx) patchBody(body []byte) (map[string]any, *response) {
	patch, msg := decodePatchBody(body)
	if msg != "" {
		return nil, g.errorf(http.StatusBadRequest, "BadRequest", "%s", msg)
	}
	return patch, nil
}

// decodePatchBody reads a PATCH body: one JSON object (numbers kept exact).
func decodePatchBody(body []byte) (map[string]any, string) {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil, "Empty Payload. JSON content expected."
	}
	v, err := decodeJSON(body)
	if err != nil {
		return nil, fmt.Sprintf("Invalid JSON. %s", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, "Invalid JSON. A JSON object was expected as the request body."
	}
	return m, ""
}
