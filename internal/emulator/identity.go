package emulator

// Managed identity endpoints: the Azure Instance Metadata Service (IMDS) protocol and App Service's
// local identity endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER). Both issue the same Graph access
// tokens as the token endpoint, for the identities in Config.ManagedIdentities.
//
//   - IMDS: GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=…[&client_id=…|object_id=…]
//     with "Metadata: true"; refuses requests carrying X-Forwarded-For, as IMDS does.
//   - App Service: GET /msi/token?api-version=2019-08-01&resource=…[&client_id=…|principal_id=…]
//     with "X-IDENTITY-HEADER: <Config.IdentityHeader>".
//
// resource is a Graph host of any cloud or the emulator's base URL, with or without a trailing
// slash; the response echoes it as sent.

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// imdsAPIVersions are the IMDS identity API versions the emulator answers.
var imdsAPIVersions = []string{"2018-02-01", "2018-04-02", "2018-10-01", "2019-02-01", "2019-03-11", "2019-04-30", "2019-06-01", "2019-06-04", "2019-08-01", "2019-08-15", "2019-11-01", "2020-06-01", "2020-07-15", "2020-09-01", "2020-10-01", "2020-12-01", "2021-01-01", "2021-02-01"}

const appServiceAPIVersion = "2019-08-01"

// identityObjectID is the service principal object id of a managed identity, stable per client id.
func identityObjectID(clientID string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("securescore-emulator/sp/"+strings.ToLower(clientID))).String()
}

func (e *Emulator) handleIMDS(r *http.Request) *response {
	fail := func(status int, code, desc string) *response {
		return oidcJSON(status, map[string]string{"error": code, "error_description": desc})
	}
	if r.Method != http.MethodGet {
		return fail(http.StatusMethodNotAllowed, "invalid_request", "The request method is not supported; use GET.")
	}
	if r.Header.Get("X-Forwarded-For") != "" {
		return fail(http.StatusBadRequest, "invalid_request", "Request contains X-Forwarded-For header")
	}
	if !strings.EqualFold(r.Header.Get("Metadata"), "true") {
		return fail(http.StatusBadRequest, "invalid_request", "Required metadata header not specified")
	}
	q := r.URL.Query()
	switch v := q.Get("api-version"); {
	case v == "":
		return oidcJSON(http.StatusBadRequest, map[string]any{"error": "Bad request. api-version was not specified in the request. For more information refer to aka.ms/azureimds", "newest-versions": imdsAPIVersions[len(imdsAPIVersions)-3:]})
	case !slices.Contains(imdsAPIVersions, v):
		return oidcJSON(http.StatusBadRequest, map[string]any{"error": "Bad request. api-version is invalid or was not specified in the request. For more information refer to aka.ms/azureimds", "newest-versions": imdsAPIVersions[len(imdsAPIVersions)-3:]})
	}
	resource := q.Get("resource")
	if resource == "" {
		return fail(http.StatusBadRequest, "invalid_request", "Required audience parameter not specified")
	}
	aud, ok := e.identityResource(r, resource)
	if !ok {
		return fail(http.StatusBadRequest, "invalid_resource", "AADSTS500011: The resource principal named "+resource+" was not found in the tenant named "+e.cfg.TenantID+". This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.")
	}
	if q.Get("msi_res_id") != "" || q.Get("mi_res_id") != "" {
		return fail(http.StatusBadRequest, "invalid_request", "Identity not found (the emulator selects identities by client_id or object_id only)")
	}
	mi, msg := e.selectIdentity(q.Get("client_id"), q.Get("object_id"))
	if mi == nil {
		return fail(http.StatusBadRequest, "invalid_request", msg)
	}
	return e.identityToken(mi, aud, resource, true)
}

func (e *Emulator) handleAppServiceIdentity(r *http.Request) *response {
	fail := func(status int, msg string) *response {
		return oidcJSON(status, map[string]any{"statusCode": status, "message": msg})
	}
	if r.Method != http.MethodGet {
		return fail(http.StatusMethodNotAllowed, "The request method is not supported; use GET.")
	}
	h := r.Header.Get("X-IDENTITY-HEADER")
	if h == "" {
		return fail(http.StatusBadRequest, "The X-IDENTITY-HEADER header is required.")
	}
	if h != e.cfg.IdentityHeader {
		return fail(http.StatusUnauthorized, "The X-IDENTITY-HEADER value is not valid.")
	}
	q := r.URL.Query()
	if v := q.Get("api-version"); v != appServiceAPIVersion {
		return fail(http.StatusBadRequest, "api-version '"+v+"' is not supported; use "+appServiceAPIVersion+" (the older 2017-09-01 Secret-header protocol is not emulated).")
	}
	resource := q.Get("resource")
	if resource == "" {
		return fail(http.StatusBadRequest, "The resource parameter is required.")
	}
	aud, ok := e.identityResource(r, resource)
	if !ok {
		return fail(http.StatusBadRequest, "AADSTS500011: The resource principal named "+resource+" was not found in the tenant named "+e.cfg.TenantID+".")
	}
	if q.Get("mi_res_id") != "" {
		return fail(http.StatusBadRequest, "Identity not found (the emulator selects identities by client_id or principal_id only)")
	}
	mi, msg := e.selectIdentity(q.Get("client_id"), q.Get("principal_id"))
	if mi == nil {
		return fail(http.StatusBadRequest, msg)
	}
	return e.identityToken(mi, aud, resource, false)
}

// identityResource maps a managed identity "resource" to a token audience, as scopeResource does for scopes.
func (e *Emulator) identityResource(r *http.Request, resource string) (string, bool) {
	return e.scopeResource(r, strings.TrimRight(resource, "/")+"/.default")
}

// selectIdentity picks the identity named by client id or object id, else the system-assigned one,
// else the only user-assigned one, as IMDS does.
func (e *Emulator) selectIdentity(clientID, objectID string) (*ManagedIdentity, string) {
	ids := e.cfg.ManagedIdentities
	if clientID != "" || objectID != "" {
		for i := range ids {
			if (clientID != "" && strings.EqualFold(ids[i].ClientID, clientID)) || (objectID != "" && strings.EqualFold(identityObjectID(ids[i].ClientID), objectID)) {
				return &ids[i], ""
			}
		}
		return nil, "Identity not found"
	}
	var user []*ManagedIdentity
	for i := range ids {
		if !ids[i].UserAssigned {
			return &ids[i], ""
		}
		user = append(user, &ids[i])
	}
	if len(user) == 1 {
		return user[0], ""
	}
	if len(user) > 1 {
		return nil, "Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request"
	}
	return nil, "Identity not found"
}

func (e *Emulator) identityToken(mi *ManagedIdentity, aud, resource string, imds bool) *response {
	roles := mi.Roles
	if len(roles) == 0 {
		roles = []string{roleReadWrite}
	}
	name := "Secure Score system-assigned identity (emulator)"
	if mi.UserAssigned {
		name = "Secure Score user-assigned identity (emulator)"
	}
	a := &app{id: mi.ClientID, name: name, roles: roles, acr: "2"}
	tok, life, err := e.mint(a, aud)
	if err != nil {
		return oidcJSON(http.StatusInternalServerError, map[string]string{"error": "internal_error", "error_description": err.Error()})
	}
	now := e.now()
	secs := strconv.Itoa(int(life.Seconds()))
	exp := strconv.FormatInt(now.Add(life).Unix(), 10)
	if !imds {
		return oidcJSON(http.StatusOK, map[string]string{"access_token": tok, "expires_on": exp, "resource": resource, "token_type": "Bearer", "client_id": mi.ClientID})
	}
	return oidcJSON(http.StatusOK, map[string]string{
		"access_token": tok, "client_id": mi.ClientID, "expires_in": secs, "expires_on": exp, "ext_expires_in": secs,
		"not_before": strconv.FormatInt(now.Unix(), 10), "resource": resource, "token_type": "Bearer",
	})
}
