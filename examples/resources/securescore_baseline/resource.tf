# The decisions for many controls of the provider's tenant, in one resource.
resource "securescore_baseline" "this" {
  controls = {
    BlockLegacyAuthentication = { state = "ThirdParty", comment = "Blocked at the mail gateway" }
    AdminMFAV2                = { state = "Reviewed", assigned_to = "secops@contoso.com" }
    OneAdmin                  = { state = "Ignored", comment = "Break-glass accounts, risk accepted" }
  }

  # A baseline shared by tenants with different licences: skip (and list) the controls a tenant lacks.
  missing_controls = "warn"
}

output "skipped_controls" {
  value = securescore_baseline.this.skipped_controls
}
