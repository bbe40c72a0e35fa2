# One fleet split into shards: the same configuration, applied once per shard, each shard in its own workspace
# (its own state) and usually its own CI job. Every shard holds the tenants whose name hashes to it.
#
#   terraform workspace select -or-create shard-0 && terraform apply
#   terraform workspace select -or-create shard-1 && terraform apply
#
# github-actions-matrix.yml runs the shards as a CI matrix. Configure a remote backend (each workspace keeps its own
# state there); this example keeps state locally in terraform.tfstate.d/.
terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}

# The multi-tenant app, from ARM_CLIENT_ID and ARM_CLIENT_SECRET (or a certificate, or OIDC), in every shard.
provider "securescore" {}

variable "shard_count" {
  description = "How many shards the fleet is split into. Changing it moves tenants between shards (see the guide)."
  type        = number
  default     = 2
}

variable "shard" {
  description = "This run's shard, 0 to shard_count - 1. null: taken from the workspace name, shard-<n>."
  type        = number
  default     = null
}

locals {
  # The whole fleet, in the shape of ../main.tf's tenants variable (exceptions and tenant_unavailable optional):
  # one file every shard reads, generated from your customer list.
  tenants = jsondecode(file("${path.module}/tenants.json"))

  from_workspace = trimprefix(terraform.workspace, "shard-")
  shard          = var.shard != null ? var.shard : (can(tonumber(local.from_workspace)) ? tonumber(local.from_workspace) : -1)

  # A tenant's shard follows from its name alone: adding or removing tenants never moves another one (and its state)
  # to another shard.
  mine = {
    for name, t in local.tenants : name => t
    if parseint(substr(sha256(name), 0, 7), 16) % var.shard_count == local.shard
  }
}

module "tenant" {
  source   = "../baseline"
  for_each = local.mine

  tenant_id          = each.value.tenant_id
  assigned_to        = each.value.assigned_to
  exceptions         = try(each.value.exceptions, {})
  tenant_unavailable = try(each.value.tenant_unavailable, "error")
}

output "shard" {
  value = local.shard
  precondition {
    condition     = local.shard >= 0 && local.shard < var.shard_count
    error_message = "This run has no shard: select a workspace named shard-<n> (terraform workspace select -or-create shard-0), or set var.shard, from 0 to shard_count - 1."
  }
}

output "tenants" {
  description = "The tenants of this shard."
  value       = sort(keys(local.mine))
}

output "skipped_controls" {
  value = { for name, m in module.tenant : name => m.skipped_controls }
}
