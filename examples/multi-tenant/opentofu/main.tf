# The same baseline module applied to every tenant with OpenTofu (1.9 or later), which accepts for_each on a
# provider configuration: one provider block holds one instance per tenant, and one module block uses them.
# The app's client id and secret come from ARM_CLIENT_ID and ARM_CLIENT_SECRET (or a certificate or OIDC);
# only the tenant differs per instance.
terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}

variable "tenant_ids" {
  description = "The tenant id (GUID or domain) of each customer: one provider instance each."
  type        = map(string)
}

variable "assignees" {
  description = "Who handles Secure Score decisions in each customer tenant, by the same keys as tenant_ids."
  type        = map(string)
}

variable "retired_tenants" {
  description = "Tenants whose baseline is being removed. Their provider instance stays until that apply is done."
  type        = set(string)
  default     = []
}

# for_each on a provider needs an alias and a value known at plan time (variables and locals, not resource
# attributes); the instances are securescore.tenant["<key>"].
provider "securescore" {
  alias     = "tenant"
  for_each  = var.tenant_ids
  tenant_id = each.value
}

# The module iterates over a different expression than the provider: to drop a tenant, list it in retired_tenants
# and apply (its baseline is destroyed through its still-configured provider instance), then remove it from
# tenant_ids. Removing it from tenant_ids at once fails the plan: its baseline would have no provider instance.
module "baseline" {
  source   = "../baseline"
  for_each = { for name, id in var.tenant_ids : name => id if !contains(var.retired_tenants, name) }

  providers = {
    securescore = securescore.tenant[each.key]
  }
  assigned_to = var.assignees[each.key]
}

output "skipped_controls" {
  value = { for name, m in module.baseline : name => m.skipped_controls }
}
