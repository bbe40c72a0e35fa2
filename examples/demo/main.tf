# The configuration `make demo` applies against the emulator. Credentials and endpoints come from
# ARM_* environment variables, so the same file works against a real tenant.
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

resource "securescore_secure_score" "current" {
  active_user_count   = 15
  licensed_user_count = 20
  enabled_services    = ["HasExchange", "HasSharePoint", "HasOD4B"]

  vendor_information = {
    provider = "SecureScore"
    vendor   = "Microsoft"
  }
}

output "secure_score_id" {
  value = securescore_secure_score.current.id
}

output "current_score" {
  value = securescore_secure_score.current.current_score
}

output "control_count" {
  value = length(securescore_secure_score.current.control_scores)
}
