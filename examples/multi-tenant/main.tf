# One provider configuration for a fleet of tenants: one multi-tenant app registration, consented in each tenant,
# signs in to every tenant from one plugin process. Each baseline names its tenant with tenant_id.
terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}

# The app's client id and secret come from ARM_CLIENT_ID and ARM_CLIENT_SECRET (or a certificate, or OIDC).
# No tenant_id here: every baseline names its own.
provider "securescore" {}

variable "tenants" {
  description = "The customers, by a name of your choice: their tenant, contact, and exceptions to the shared baseline."
  type = map(object({
    tenant_id   = string # GUID or verified domain
    assigned_to = string
    exceptions = optional(map(object({
      state       = string
      assigned_to = optional(string)
      comment     = optional(string)
    })), {})
    # "warn" keeps a tenant that refuses the app (consent withdrawn) from failing the fleet's plan. Temporary only:
    # while it warns, that tenant's baseline is not enforced.
    tenant_unavailable = optional(string, "error")
  }))
}

module "tenant" {
  source   = "./baseline"
  for_each = var.tenants

  tenant_id          = each.value.tenant_id
  assigned_to        = each.value.assigned_to
  exceptions         = each.value.exceptions
  tenant_unavailable = each.value.tenant_unavailable
}

output "skipped_controls" {
  value = { for name, m in module.tenant : name => m.skipped_controls }
}
