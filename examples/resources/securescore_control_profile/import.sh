# A control profile is imported by its id, the control's name.
terraform import securescore_control_profile.block_legacy_auth BlockLegacyAuthentication
