# One securescore_control_profile per control the tenant has already decided on, imported in one plan.
# Read the traps in the resource's documentation before using this recipe.
data "securescore_control_profiles" "all" {}

locals {
  decided = {
    for p in data.securescore_control_profiles.all.control_profiles : p.id => p
    if p.state != "Default" || p.assigned_to != null || p.comment != null
  }
}

import {
  for_each = local.decided
  to       = securescore_control_profile.this[each.key]
  id       = each.key
}

resource "securescore_control_profile" "this" {
  for_each   = local.decided
  control_id = each.key
  # Copy the values into the configuration once imported: a configuration fed from live data never shows drift.
  state       = each.value.state
  assigned_to = each.value.assigned_to
  comment     = each.value.comment
}
