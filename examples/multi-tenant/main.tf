# One module applied to three tenants through one multi-tenant app registration, consented in each tenant.
# Terraform has no for_each over provider configurations, so each tenant gets an alias and a module block.
# The app's client id and secret come from ARM_CLIENT_ID and ARM_CLIENT_SECRET (or a certificate or OIDC);
# only the tenant differs per alias.
terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}

variable "tenant_ids" {
  description = "The tenant id (GUID or domain) of each customer."
  type        = map(string)
}

variable "assignees" {
  description = "Who handles Secure Score decisions in each customer tenant, by the same keys as tenant_ids."
  type        = map(string)
}

provider "securescore" {
  alias     = "contoso"
  tenant_id = var.tenant_ids["contoso"]
}

provider "securescore" {
  alias     = "fabrikam"
  tenant_id = var.tenant_ids["fabrikam"]
}

provider "securescore" {
  alias     = "northwind"
  tenant_id = var.tenant_ids["northwind"]
}

module "contoso" {
  source      = "./baseline"
  providers   = { securescore = securescore.contoso }
  assigned_to = var.assignees["contoso"]
}

module "fabrikam" {
  source      = "./baseline"
  providers   = { securescore = securescore.fabrikam }
  assigned_to = var.assignees["fabrikam"]
}

module "northwind" {
  source      = "./baseline"
  providers   = { securescore = securescore.northwind }
  assigned_to = var.assignees["northwind"]
}

output "skipped_controls" {
  value = {
    contoso   = module.contoso.skipped_controls
    fabrikam  = module.fabrikam.skipped_controls
    northwind = module.northwind.skipped_controls
  }
}
