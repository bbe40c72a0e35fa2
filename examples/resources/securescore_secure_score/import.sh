# The tenant's secure score is imported by its tenant: the tenant id, or a verified domain. A snapshot id
# (<tenant id>_<yyyy-MM-dd>) is accepted too and mapped to its tenant.
terraform import securescore_secure_score.current 4b8c18bd-1f5e-4a55-8f3c-1a2b3c4d5e6f
terraform import securescore_secure_score.fabrikam fabrikam.onmicrosoft.com
