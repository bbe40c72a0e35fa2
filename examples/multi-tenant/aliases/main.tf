# A fleet where one tenant needs a credential of its own (its own app registration, or a certificate it issued):
# that tenant gets a provider alias and a module block; every other tenant stays in the one provider block.
# Aliases cost a plugin process each (Terraform starts one per provider configuration, all at once), so keep them
# for the tenants that need them.
terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}

# The multi-tenant app, from ARM_CLIENT_ID and ARM_CLIENT_SECRET: every tenant but contoso.
provider "securescore" {}

variable "tenants" {
  description = "The customers: their tenant and contact (see ../main.tf for exceptions and tenant_unavailable)."
  type = map(object({
    tenant_id   = string
    assigned_to = string
  }))
}

variable "contoso_app" {
  description = "The app registration contoso requires us to use in its tenant."
  type = object({
    client_id     = string
    client_secret = string
  })
  sensitive = true
}

# Contoso's own app: a provider configuration of its own, with every credential setting named here (settings left
# out would still come from ARM_*).
provider "securescore" {
  alias         = "contoso"
  tenant_id     = var.tenants["contoso"].tenant_id
  client_id     = var.contoso_app.client_id
  client_secret = var.contoso_app.client_secret
}

module "contoso" {
  source    = "../baseline"
  providers = { securescore = securescore.contoso }

  assigned_to = var.tenants["contoso"].assigned_to
}

module "tenant" {
  source   = "../baseline"
  for_each = { for name, t in var.tenants : name => t if name != "contoso" }

  tenant_id   = each.value.tenant_id
  assigned_to = each.value.assigned_to
}

output "skipped_controls" {
  value = merge(
    { contoso = module.contoso.skipped_controls },
    { for name, m in module.tenant : name => m.skipped_controls },
  )
}
