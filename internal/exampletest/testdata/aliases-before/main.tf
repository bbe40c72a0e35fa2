# The multi-tenant example as it was before tenant_id (examples/multi-tenant/main.tf up to v0.x): one alias and one
# module block per tenant. TestMultiTenantMigrationFromAliases applies it, then moves to one provider block.
terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}

variable "tenants" {
  type = map(object({
    tenant_id   = string
    assigned_to = string
  }))
}

provider "securescore" {
  alias     = "contoso"
  tenant_id = var.tenants["contoso"].tenant_id
}

provider "securescore" {
  alias     = "fabrikam"
  tenant_id = var.tenants["fabrikam"].tenant_id
}

provider "securescore" {
  alias     = "northwind"
  tenant_id = var.tenants["northwind"].tenant_id
}

module "contoso" {
  source      = "./baseline"
  providers   = { securescore = securescore.contoso }
  assigned_to = var.tenants["contoso"].assigned_to
}

module "fabrikam" {
  source      = "./baseline"
  providers   = { securescore = securescore.fabrikam }
  assigned_to = var.tenants["fabrikam"].assigned_to
}

module "northwind" {
  source      = "./baseline"
  providers   = { securescore = securescore.northwind }
  assigned_to = var.tenants["northwind"].assigned_to
}
