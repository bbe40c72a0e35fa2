# The tenant's core identity controls (deprecated ones are left out by default).
data "securescore_control_profiles" "identity" {
  control_category = "Identity"
  tier             = "Core"
}

output "identity_controls" {
  value = {
    for p in data.securescore_control_profiles.identity.control_profiles :
    p.id => { title = p.title, max_score = p.max_score, state = p.state }
  }
}
