# A control profile is imported by its tenant and id (the control's name), or by its id alone for the provider's tenant.
terraform import securescore_control_profile.block_legacy_auth contoso.onmicrosoft.com/BlockLegacyAuthentication
terraform import securescore_control_profile.block_legacy_auth BlockLegacyAuthentication
