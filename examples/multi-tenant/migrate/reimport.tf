# The other way from aliases to ../main.tf: forget the old addresses without destroying them, and import each
# tenant's baseline at its new address (by its tenant id). Use it when the old state cannot be moved (another
# repository, another backend). An imported baseline's prior decisions are the decisions found at import, so a later
# destroy keeps Terraform's decisions rather than restoring those from before Terraform: prefer moved.tf when you can.
# Put this file beside ../main.tf in place of the per-tenant module blocks, apply, then delete this file: the
# aliases below stay until that apply is done, as Terraform needs a resource's provider configuration even to
# forget it.
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
removed {
  from = module.contoso.securescore_baseline.this
  lifecycle {
    destroy = false
  }
}

import {
  to = module.tenant["contoso"].securescore_baseline.this
  id = "00000000-0000-4000-8000-000000000001"
}

removed {
  from = module.fabrikam.securescore_baseline.this
  lifecycle {
    destroy = false
  }
}

import {
  to = module.tenant["fabrikam"].securescore_baseline.this
  id = "00000000-0000-4000-8000-000000000002"
}

removed {
  from = module.northwind.securescore_baseline.this
  lifecycle {
    destroy = false
  }
}

import {
  to = module.tenant["northwind"].securescore_baseline.this
  id = "00000000-0000-4000-8000-000000000003"
}
