# Bring every decision already made in the tenant under Terraform, then write it as HCL with
#   terraform plan -generate-config-out=baseline.tf
import {
  to = securescore_baseline.this
  id = "00000000-0000-4000-8000-000000000001" # the tenant: its id or a verified domain
}
