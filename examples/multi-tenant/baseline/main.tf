# One baseline: the decisions every tenant shares. The caller passes the tenant's provider configuration.
terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}

variable "assigned_to" {
  description = "Who handles Secure Score decisions in this tenant (usually an address in the customer's own domain)."
  type        = string
}

resource "securescore_baseline" "this" {
  controls = {
    BlockLegacyAuthentication = { state = "ThirdParty", comment = "Blocked at the mail gateway" }
    AdminMFAV2                = { state = "Reviewed", assigned_to = var.assigned_to }
    OneAdmin                  = { state = "Ignored", comment = "Break-glass accounts, risk accepted" }
    # Intune and Defender for Office controls: only tenants with those licences have them. (Defender for Endpoint
    # controls, scid_..., cannot be set through this API: they are changed in the Defender portal.)
    intune_windows_compliance_policy = { state = "ThirdParty", comment = "Another MDM enforces compliance" }
    mdo_safeattachments              = { state = "ThirdParty", comment = "Attachments are scanned at the mail gateway" }
  }

  # Tenants differ in licences: skip (and list) what a tenant lacks instead of failing its plan.
  missing_controls = "warn"
}

output "tenant_id" {
  value = securescore_baseline.this.id
}

output "skipped_controls" {
  value = securescore_baseline.this.skipped_controls
}
