import {
  to = securescore_secure_score.current
  identity = {
    tenant_id = "contoso.onmicrosoft.com" # the tenant's GUID or a verified domain; left out: the provider's tenant
  }
}
