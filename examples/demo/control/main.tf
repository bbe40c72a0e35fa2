# The second part of `make demo`: mark a Secure Score control as resolved through a third party and show the
# tenant's current score moving because of it. Credentials and endpoints come from ARM_* environment variables.
#
# The emulator rescores at once so that the demo can show the effect. Microsoft's service does not: the secure
# score generally reflects a state change after about 24 hours (users report up to 48), so against a real
# tenant `score_moved_by` is 0 on the day of the change.
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    securescore = {
      source  = "securescore/securescore"
      version = "~> 0.2.0"
    }
  }
}

provider "securescore" {}

# The current score, read while planning, before the control changes.
data "securescore_secure_score" "before" {}

# Keeps the score as it was at the first apply, so later plans stay empty.
resource "terraform_data" "score_before" {
  input = data.securescore_secure_score.before.current_score

  lifecycle {
    ignore_changes = [input]
  }
}

resource "securescore_control_profile" "block_legacy_auth" {
  control_id  = "BlockLegacyAuthentication"
  state       = "ThirdParty"
  assigned_to = "secops@contoso.com"
  comment     = "Legacy authentication is blocked at the reverse proxy"

  depends_on = [terraform_data.score_before]
}

# The current score, read after the control changed.
data "securescore_secure_score" "after" {
  depends_on = [securescore_control_profile.block_legacy_auth]
}

# The control's catalog facts (title, max score, ...) are the data source's; the resource keeps what it manages.
data "securescore_control_profile" "block_legacy_auth" {
  id = securescore_control_profile.block_legacy_auth.control_id
}

output "control" {
  value = {
    id        = securescore_control_profile.block_legacy_auth.id
    title     = data.securescore_control_profile.block_legacy_auth.title
    state     = securescore_control_profile.block_legacy_auth.state
    max_score = data.securescore_control_profile.block_legacy_auth.max_score
  }
}

output "score_before" {
  value = terraform_data.score_before.output
}

output "score_after" {
  value = data.securescore_secure_score.after.current_score
}

# Rounded to hundredths: the saved number and the freshly read one differ in binary precision.
output "score_moved_by" {
  value = floor((data.securescore_secure_score.after.current_score - terraform_data.score_before.output) * 100 + 0.5) / 100
}

output "control_score_after" {
  value = one([
    for c in data.securescore_secure_score.after.control_scores : {
      score  = c.score
      status = c.implementation_status
    } if c.control_name == securescore_control_profile.block_legacy_auth.control_id
  ])
}
