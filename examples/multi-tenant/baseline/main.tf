# One tenant's baseline: the decisions every tenant shares, plus the tenant's own exceptions.
terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}

variable "tenant_id" {
  description = "The tenant (GUID or verified domain). null: the tenant of the provider configuration passed in."
  type        = string
  default     = null
}

variable "assigned_to" {
  description = "Who handles Secure Score decisions in this tenant (usually an address in the customer's own domain)."
  type        = string
}

variable "exceptions" {
  description = "This tenant's own decisions: a control here replaces the shared decision, or adds one."
  type = map(object({
    state       = string
    assigned_to = optional(string)
    comment     = optional(string)
  }))
  default = {}
}

variable "tenant_unavailable" {
  description = "\"error\" (the default) or \"warn\": see the baseline's tenant_unavailable."
  type        = string
  default     = "error"
}

locals {
  # The decisions every tenant shares.
  common = {
    BlockLegacyAuthentication = { state = "ThirdParty", comment = "Blocked at the mail gateway" }
    OneAdmin                  = { state = "Ignored", comment = "Break-glass accounts, risk accepted" }
    # Intune and Defender for Office controls: only tenants with those licences have them. (Defender for Endpoint
    # controls, scid_..., cannot be set through this API: they are changed in the Defender portal.)
    intune_windows_compliance_policy = { state = "ThirdParty", comment = "Another MDM enforces compliance" }
    mdo_safeattachments              = { state = "ThirdParty", comment = "Attachments are scanned at the mail gateway" }
  }
}

resource "securescore_baseline" "this" {
  tenant_id = var.tenant_id

  # Shared decisions, then this tenant's: a control in both takes the tenant's exception.
  controls = merge(
    local.common,
    { AdminMFAV2 = { state = "Reviewed", assigned_to = var.assigned_to } },
    var.exceptions,
  )

  # Tenants differ in licences: skip (and list) what a tenant lacks instead of failing its plan.
  missing_controls = "warn"

  tenant_unavailable = var.tenant_unavailable
}

output "tenant_id" {
  description = "The tenant's GUID."
  value       = securescore_baseline.this.id
}

output "skipped_controls" {
  value = securescore_baseline.this.skipped_controls
}
