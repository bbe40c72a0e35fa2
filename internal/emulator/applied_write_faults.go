package emulator

// Faults that change only how an applied PATCH is answered: the change is stored either way.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
)

// answerAppliedWrite rewrites resp, the answer to a PATCH, for the post fault: "noContent" (any set) and
// "scoreNoContent" (secureScores only) answer 204 without a body, "oddTypes" keeps 200 with odd property
// types. A PATCH that failed is answered as it was.
func answerAppliedWrite(resp *response, rt route, post string) {
	if resp.status < 200 || resp.status > 299 {
		return
	}
	switch post {
	case "scoreNoContent":
		if rt.set != "secureScores" {
			return
		}
		fallthrough
	case "noContent":
		resp.status, resp.body = http.StatusNoContent, nil
		resp.header.Del("Content-Type")
		resp.header.Del("Preference-Applied")
	case "oddTypes":
		if b, ok := oddTypesBody(resp.body); ok {
			resp.status, resp.body = http.StatusOK, b
			resp.header.Set("Content-Type", odataContentType)
		}
	}
}

// oddTypesBody rewrites an entity's top-level properties, as a faulty gateway or a service bug might: numbers
// become 1e400 (valid JSON, out of every numeric range), booleans the string "yes", and collections of strings
// the number 42. Annotations stay. It reports false for a body that is not a JSON object (e.g. a 204).
func oddTypesBody(body []byte) ([]byte, bool) {
	var obj map[string]json.RawMessage
	if len(bytes.TrimSpace(body)) == 0 || json.Unmarshal(body, &obj) != nil || obj == nil {
		return nil, false
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(k) // a string always encodes
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(oddValue(k, obj[k]))
	}
	buf.WriteByte('}')
	return buf.Bytes(), true
}

func oddValue(key string, raw json.RawMessage) []byte {
	v := bytes.TrimSpace(raw)
	if isAnnotation(key) || len(v) == 0 {
		return raw
	}
	switch {
	case v[0] == '-' || (v[0] >= '0' && v[0] <= '9'):
		return []byte("1e400")
	case string(v) == "true" || string(v) == "false":
		return []byte(`"yes"`)
	case v[0] == '[':
		var items []string
		if json.Unmarshal(v, &items) == nil && len(items) > 0 {
			return []byte("42")
		}
	}
	return raw
}
