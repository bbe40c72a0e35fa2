# Control decisions as a module, as a team shares them between workspaces: one securescore_control_profile per
# entry. Its presence is what the pipeline's lock step must cope with: `terraform providers lock` reads the
# whole configuration, modules included, so run.sh installs them with `terraform get` first.
terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}

variable "decisions" {
  description = "Control id => the decision recorded on it."
  type = map(object({
    state       = string
    assigned_to = string
    comment     = string
  }))
}

resource "securescore_control_profile" "this" {
  for_each    = var.decisions
  control_id  = each.key
  state       = each.value.state
  assigned_to = each.value.assigned_to
  comment     = each.value.comment
}

output "states" {
  description = "Control id => the state recorded, from the resources (not a data source, which is read at every plan)."
  value       = { for id, p in securescore_control_profile.this : id => p.state }
}
