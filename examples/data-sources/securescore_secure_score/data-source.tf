# The tenant's current (newest) secure score.
data "securescore_secure_score" "current" {}

# Another tenant's current score through the same provider configuration: its application is consented
# there. tenant_id takes the tenant's GUID or a verified domain.
data "securescore_secure_score" "fabrikam" {
  tenant_id = "fabrikam.onmicrosoft.com"
}

# One day of the history, by id.
data "securescore_secure_score" "start_of_month" {
  id = "4b8c18bd-1f5e-4a55-8f3c-1a2b3c4d5e6f_2026-07-01"
}

output "score_percent" {
  value = floor(data.securescore_secure_score.current.current_score / data.securescore_secure_score.current.max_score * 1000 + 0.5) / 10
}

# Controls that are not fully in place, with Graph's own status text.
output "open_controls" {
  value = {
    for c in data.securescore_secure_score.current.control_scores :
    c.control_name => c.implementation_status if c.on == false
  }
}

# How comparable tenants (by seat count) score per category.
output "peers_identity_score" {
  value = [
    for a in data.securescore_secure_score.current.average_comparative_scores :
    a.identity_score if a.basis == "TotalSeats"
  ]
}
