package provider

import (
	"context"
	"strings"
	"sync"

	"github.com/securescore/terraform-provider-securescore/internal/auth"
)

// tenantDirectory hands out one tenantData per tenant of this process, created on first use and kept: one token
// source, Graph client, control-profile listing and set of baseline claims per tenant, whatever names the
// configuration uses for it. A tenant named by a verified domain (or the identity's own tenant, when none is
// configured) is the same tenant as its GUID: its first token tells which (tid), and both names then lead to the
// same tenantData, so the tenant costs one token request and shares one request budget.
type tenantDirectory struct {
	credential *auth.Credential
	newTenant  func(name string) (*tenantData, error) // builds a tenant's data; contacts nothing

	mu     sync.Mutex
	byName map[string]*tenantEntry // lower-case GUID or domain; "" = the identity's own tenant
}

// tenantEntry is one name's tenant: ready is closed once data and err are final.
type tenantEntry struct {
	ready chan struct{}
	data  *tenantData
	err   error
}

func newTenantDirectory(credential *auth.Credential, newTenant func(name string) (*tenantData, error)) *tenantDirectory {
	return &tenantDirectory{credential: credential, newTenant: newTenant, byName: map[string]*tenantEntry{}}
}

// get returns the tenant called name: a GUID, a verified domain, or "" for the identity's own tenant. A name other
// than a GUID signs in to learn its GUID, once; a GUID waits for such sign-ins in flight, since it may be one of
// them. The waits end with the sign-in, which its token source bounds (auth's fetch timeout).
func (dir *tenantDirectory) get(name string) (*tenantData, error) {
	key := strings.ToLower(name)
	for {
		dir.mu.Lock()
		if e := dir.byName[key]; e != nil {
			dir.mu.Unlock()
			<-e.ready
			return e.data, e.err
		}
		if !isTenantGUID(key) {
			e, data, err := dir.beginLocked(key)
			dir.mu.Unlock()
			dir.learnGUID(e, data, err)
			return e.data, e.err
		}
		if pending := dir.pendingLocked(); pending != nil {
			dir.mu.Unlock()
			<-pending.ready
			continue
		}
		if !dir.credential.CrossTenant() && key != strings.ToLower(dir.credential.Tenant()) {
			dir.mu.Unlock()
			return dir.ownTenantAs(key)
		}
		e := &tenantEntry{ready: make(chan struct{})}
		e.data, e.err = dir.newTenant(key)
		close(e.ready)
		dir.byName[key] = e
		dir.mu.Unlock()
		return e.data, e.err
	}
}

// start begins the sign-in of the provider's own tenant without waiting for it, so that it overlaps Terraform's
// work before the first request (Prefetch): a GUID's token is requested, another name's GUID is learned in the
// background. It returns the tenant's data at once, or nil when the name has none (no tenant is configured).
func (dir *tenantDirectory) start(ctx context.Context, name string) (*tenantData, error) {
	key := strings.ToLower(name)
	if isTenantGUID(key) {
		data, err := dir.get(key)
		if err == nil {
			data.tokens.Prefetch(ctx)
		}
		return data, err
	}
	dir.mu.Lock()
	if e := dir.byName[key]; e != nil {
		dir.mu.Unlock()
		<-e.ready
		return e.data, e.err
	}
	e, data, err := dir.beginLocked(key)
	dir.mu.Unlock()
	go dir.learnGUID(e, data, err)
	return data, err
}

// beginLocked adds the entry of a name that is not a GUID and builds its data; learnGUID must follow. Caller
// holds mu.
func (dir *tenantDirectory) beginLocked(key string) (*tenantEntry, *tenantData, error) {
	e := &tenantEntry{ready: make(chan struct{})}
	dir.byName[key] = e
	data, err := dir.newTenant(key)
	return e, data, err
}

// learnGUID signs in to the tenant of e and files it under its GUID too; if that GUID already has its data, e
// takes it (the token spent learning it is the only cost). A failed sign-in leaves the data unfiled: its requests
// report the failure, and its GUID is learned on a later sign-in.
func (dir *tenantDirectory) learnGUID(e *tenantEntry, data *tenantData, err error) {
	defer close(e.ready)
	if err != nil {
		dir.mu.Lock()
		e.err = err
		dir.mu.Unlock()
		return
	}
	id, gerr := data.guid(context.Background())
	dir.mu.Lock()
	defer dir.mu.Unlock()
	e.data = data
	if gerr != nil {
		return
	}
	if other := dir.byName[id]; other != nil {
		e.data, e.err = other.data, other.err
		return
	}
	dir.byName[id] = e
}

// pendingLocked is an entry whose GUID is being learned, or nil. Caller holds mu.
func (dir *tenantDirectory) pendingLocked() *tenantEntry {
	for _, e := range dir.byName {
		select {
		case <-e.ready:
		default:
			return e
		}
	}
	return nil
}

// ownTenantAs is, for a method that cannot leave its own tenant (a managed identity), that tenant when it is the
// GUID asked for, filed under that GUID too; any other tenant is a *auth.CrossTenantError.
func (dir *tenantDirectory) ownTenantAs(id string) (*tenantData, error) {
	configured := dir.credential.Tenant()
	cross := &auth.CrossTenantError{Method: dir.credential.Method(), Tenant: id, Configured: configured}
	own, err := dir.get(configured)
	if err != nil {
		return nil, err
	}
	ownID, err := own.guid(context.Background())
	if err != nil {
		// Which tenant the identity belongs to is unknown: it cannot be shown to be this one.
		return nil, &tenantCheckError{cross: cross, cause: err}
	}
	if ownID != id {
		return nil, cross
	}
	dir.mu.Lock()
	defer dir.mu.Unlock()
	if dir.byName[id] == nil {
		e := &tenantEntry{ready: make(chan struct{}), data: own}
		close(e.ready)
		dir.byName[id] = e
	}
	return own, nil
}

// tenantCheckError is a tenant that could not be shown to be the identity's own, because the identity's sign-in
// failed.
type tenantCheckError struct {
	cross *auth.CrossTenantError
	cause error
}

func (e *tenantCheckError) Error() string {
	return e.cross.Error() + "; whether it is the identity's own tenant could not be checked: " + e.cause.Error()
}

func (e *tenantCheckError) Unwrap() []error { return []error{e.cross, e.cause} }
