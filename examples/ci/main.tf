# A configuration for an offline pipeline: run.sh applies it against the emulator and checks that a second
# plan is empty. The same file works against a real tenant (credentials from ARM_* variables).
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

module "decisions" {
  source = "./modules/decisions"

  decisions = {
    BlockLegacyAuthentication = {
      state       = "ThirdParty"
      assigned_to = "secops@contoso.com"
      comment     = "Legacy authentication is blocked at the reverse proxy"
    }
  }
}

# Outputs come from the resources, not from a data source: a data source is read again at every plan, so an
# output of its values shows as a change after the apply and `plan -detailed-exitcode` returns 2.
output "block_legacy_auth_state" {
  value = module.decisions.states["BlockLegacyAuthentication"]
}
