# The decisions for many controls of one tenant, in one resource.
resource "securescore_baseline" "this" {
  # Leave it out for the provider's tenant. Changing it replaces the baseline.
  tenant_id = "00000000-0000-4000-8000-000000000001"

  controls = {
    BlockLegacyAuthentication = { state = "ThirdParty", comment = "Blocked at the mail gateway" }
    AdminMFAV2                = { state = "Reviewed", assigned_to = "secops@contoso.com" }
    OneAdmin                  = { state = "Ignored", comment = "Break-glass accounts, risk accepted" }
  }

  # A baseline shared by tenants with different licences: skip (and list) the controls a tenant lacks,
  # and Defender for Endpoint (scid_...) controls, which are changed in the Defender portal.
  missing_controls = "warn"

  # The default: on destroy, and for a control removed from controls, put back the decision it had
  # before this baseline changed it (see prior_decisions).
  on_destroy = "restore"
}

output "skipped_controls" {
  value = securescore_baseline.this.skipped_controls
}
