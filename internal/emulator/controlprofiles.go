package emulator

// /security/secureScoreControlProfiles: list, get and PATCH (the documented v1.0 body:
// assignedTo, comment, state, vendorInformation; beta's controlStateUpdates form is accepted too).

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

const controlProfilesPath = "security/secureScoreControlProfiles"

// stateUpdateTimeLayout is the service's 7-fractional-digit UTC form.
const stateUpdateTimeLayout = "2006-01-02T15:04:05.0000000Z"

func (e *Emulator) listControlProfiles(g *graphCtx) *response {
	return e.listSet(g, controlProfileType, controlProfilesPath, func(s *state) []*entity { return s.Profiles })
}

func (e *Emulator) getControlProfile(g *graphCtx, id string) *response {
	return e.getEntity(g, controlProfileType, controlProfilesPath, id, (*state).profile)
}

func (e *Emulator) patchControlProfile(g *graphCtx, who *principal, id string, body []byte) *response {
	patch, bad := g.patchBody(body)
	if bad != nil {
		return bad
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	p := g.t.profile(id)
	if p == nil {
		return notFound(g, controlProfileType, id)
	}
	if isDefenderControl(p.id()) {
		// Defender for Endpoint controls are changed in the Defender portal; the API answers with this shape.
		return g.errorf(http.StatusBadRequest, "", "Http request failed with statusCode=BadRequest")
	}
	if err := e.updateProfileLocked(g.t, p, patch, who.identity(), false); err != nil {
		return g.errorf(http.StatusBadRequest, "BadRequest", "%s", err.Error())
	}
	if err := e.save(); err != nil {
		return g.errorf(http.StatusInternalServerError, "generalException", "The state could not be saved: %v", err)
	}
	switch preferReturn(g.r.Header) {
	case "representation":
		resp := g.entityResponse(p, controlProfileType, controlProfilesPath)
		resp.header.Set("Preference-Applied", "return=representation")
		return resp
	case "minimal":
		return g.noContent(http.Header{"Preference-Applied": {"return=minimal"}})
	}
	return g.noContent(nil)
}

// stateUpdateKeys are the properties a control-profile PATCH may set.
var stateUpdateKeys = map[string]bool{"assignedTo": true, "comment": true, "state": true, "vendorInformation": true, "controlStateUpdates": true}

// updateProfileLocked validates and applies a PATCH body, appends a controlStateUpdates entry by
// updatedBy and moves tenant t's current score. admin (drift) may also set read-only properties.
func (e *Emulator) updateProfileLocked(t *state, p *entity, patch map[string]any, updatedBy string, admin bool) error {
	obj := cloneObject(p.obj)
	before := currentState(p.obj)
	var last map[string]any
	if ups, _ := obj["controlStateUpdates"].([]any); len(ups) > 0 {
		last, _ = ups[len(ups)-1].(map[string]any)
	}
	entry := map[string]any{"assignedTo": nil, "comment": nil, "state": before}
	if last != nil {
		entry["assignedTo"], entry["comment"] = last["assignedTo"], last["comment"]
	}

	keys := make([]string, 0, len(patch))
	for k := range patch {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	stateUpdate := !admin
	for _, k := range keys {
		v := patch[k]
		if isAnnotation(k) {
			continue
		}
		switch k {
		case "assignedTo", "comment":
			n, err := normalizeValue(k, propDef{name: k}, v)
			if err != nil {
				return err
			}
			entry[k] = n
		case "state":
			s, err := validState(k, v)
			if err != nil {
				return err
			}
			sent, _ := v.(string) // validState accepted it, so it is a string
			entry["state"] = e.spellState(sent, s)
		case "vendorInformation":
			if v == nil {
				continue
			}
			n, err := normalizeComplex(k, vendorInformationType, v)
			if err != nil {
				return err
			}
			vi, _ := n.(map[string]any) // normalizeComplex returns an object for non-null input
			for _, req := range []string{"provider", "vendor"} {
				if s, _ := vi[req].(string); s == "" {
					return &propError{prop: k + "." + req, msg: "the property is required and must be a non-empty string."}
				}
			}
			for _, opt := range []string{"providerVersion", "subProvider"} {
				if _, ok := vi[opt]; !ok {
					vi[opt] = nil
				}
			}
			obj[k] = vi
		case "controlStateUpdates":
			// Beta's documented form: the newest element carries the new state.
			n, err := normalizeValue(k, controlProfileType.props["controlstateupdates"], v)
			if err != nil {
				return err
			}
			arr, _ := n.([]any)
			if len(arr) == 0 {
				return &propError{prop: k, msg: "at least one secureScoreControlStateUpdate is required."}
			}
			el, _ := arr[len(arr)-1].(map[string]any) // elements are normalized objects
			for _, f := range []string{"assignedTo", "comment"} {
				if val, ok := el[f]; ok {
					entry[f] = val
				}
			}
			if val, ok := el["state"]; ok {
				s, err := validState(k+"[].state", val)
				if err != nil {
					return err
				}
				sent, _ := val.(string)
				entry["state"] = e.spellState(sent, s)
			}
		case "id", "azureTenantId":
			if err := checkImmutable(k, obj[k], v); err != nil {
				return err
			}
		default:
			def, declared := controlProfileType.props[strings.ToLower(k)]
			if !declared || def.name != k {
				obj[k] = stripAnnotations(v) // dynamic property of the open type
				continue
			}
			if !admin {
				return &propError{prop: k, msg: "the property is read-only and cannot be updated; a PATCH may set assignedTo, comment, state and vendorInformation."}
			}
			n, err := normalizeValue(k, def, v)
			if err != nil {
				return err
			}
			obj[k] = n
		}
		if stateUpdateKeys[k] {
			stateUpdate = true
		}
	}
	// The documented v1.0 body carries vendorInformation (provider and vendor required); the beta form does not.
	if v := patch["vendorInformation"]; !admin && v == nil && patch["controlStateUpdates"] == nil {
		return &propError{prop: "vendorInformation", msg: "the property is required: the body carries assignedTo, comment, state and vendorInformation (provider and vendor required)."}
	}
	if stateUpdate {
		now := e.now().Format(stateUpdateTimeLayout)
		entry["updatedBy"] = updatedBy
		entry["updatedDateTime"] = now
		ups, _ := obj["controlStateUpdates"].([]any)
		obj["controlStateUpdates"] = append(ups, entry)
		obj["lastModifiedDateTime"] = now
	}
	p.set(obj)
	if currentState(obj) != before || admin {
		e.rescoreLocked(t, obj, before, admin)
	}
	return nil
}

// isDefenderControl is true for Microsoft Defender for Endpoint controls (ids scid_…), which the API refuses to update.
func isDefenderControl(id string) bool { return strings.HasPrefix(strings.ToLower(id), "scid_") }

// spellState is the spelling stored (and returned) for a state sent as sent: the client's own spelling, or lower
// camel case (thirdParty) under Config.StateCase "lowerCamel", as the service has been seen to answer.
func (e *Emulator) spellState(sent, canonical string) string {
	if e.cfg.StateCase == StateCaseLowerCamel {
		return strings.ToLower(canonical[:1]) + canonical[1:]
	}
	return sent
}

func validState(prop string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", &propError{prop: prop, msg: fmt.Sprintf("expected one of %s, got %s.", strings.Join(controlStates, ", "), literal(v))}
	}
	for _, st := range controlStates {
		if strings.EqualFold(s, st) {
			return st, nil
		}
	}
	return "", &propError{prop: prop, msg: fmt.Sprintf("'%s' is not a valid state; expected one of %s.", s, strings.Join(controlStates, ", "))}
}
