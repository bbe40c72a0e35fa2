# One control, by its id (the control's name).
data "securescore_control_profile" "admin_mfa" {
  id = "AdminMFAV2"
}

output "admin_mfa" {
  value = {
    title       = data.securescore_control_profile.admin_mfa.title
    max_score   = data.securescore_control_profile.admin_mfa.max_score
    state       = data.securescore_control_profile.admin_mfa.state
    remediation = data.securescore_control_profile.admin_mfa.remediation
  }
}
