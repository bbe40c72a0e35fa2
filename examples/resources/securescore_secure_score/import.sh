# A secure score is imported by its ID, <tenant id>_<yyyy-MM-dd>.
terraform import securescore_secure_score.current 4b8c18bd-1f5e-4a55-8f3c-1a2b3c4d5e6f_2026-07-17
