import {
  to = securescore_control_profile.block_legacy_auth
  identity = {
    tenant_id  = "contoso.onmicrosoft.com" # the tenant's GUID or a verified domain; left out: the provider's tenant
    control_id = "BlockLegacyAuthentication"
  }
}
