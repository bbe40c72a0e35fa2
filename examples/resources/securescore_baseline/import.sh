# Import by the tenant id the provider is configured for.
terraform import securescore_baseline.this 00000000-0000-4000-8000-000000000001
