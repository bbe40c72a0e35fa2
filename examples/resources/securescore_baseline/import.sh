# Import by tenant: its id (a GUID) or a verified domain.
terraform import securescore_baseline.this 00000000-0000-4000-8000-000000000001
