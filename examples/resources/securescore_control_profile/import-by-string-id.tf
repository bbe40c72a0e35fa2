import {
  to = securescore_control_profile.block_legacy_auth
  id = "BlockLegacyAuthentication"
}
