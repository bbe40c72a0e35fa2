# Legacy authentication is blocked by a third-party proxy: the control earns its points.
resource "securescore_control_profile" "block_legacy_auth" {
  control_id  = "BlockLegacyAuthentication"
  state       = "ThirdParty"
  assigned_to = "secops@contoso.com"
  comment     = "Blocked at the reverse proxy (change CHG-1042)"
}

# Risk accepted: the control earns no points. Keep that decision when the resource is destroyed (the default,
# on_destroy = "restore", would put back the decision it had before Terraform changed it).
resource "securescore_control_profile" "google_2fa" {
  control_id = "11770.MDA_Google_EnableTwoFactorAuth"
  state      = "Ignored"
  comment    = "Google Workspace is being retired this quarter"
  on_destroy = "keep"

  timeouts {
    create = "10m"
    update = "10m"
    read   = "2m"
    delete = "10m"
  }
}

output "block_legacy_auth_max_score" {
  value = data.securescore_control_profile.block_legacy_auth.max_score
}

output "block_legacy_auth_last_change" {
  value = "${securescore_control_profile.block_legacy_auth.updated_by} at ${securescore_control_profile.block_legacy_auth.updated_date_time}"
}

# The full update history is the data source's.
data "securescore_control_profile" "block_legacy_auth" {
  id         = securescore_control_profile.block_legacy_auth.control_id
  depends_on = [securescore_control_profile.block_legacy_auth]
}

output "block_legacy_auth_history" {
  value = data.securescore_control_profile.block_legacy_auth.control_state_updates
}
