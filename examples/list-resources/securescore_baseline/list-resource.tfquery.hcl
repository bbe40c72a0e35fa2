# fleet.tfquery.hcl: one baseline per customer tenant that consented to the provider's application, written as
# import blocks and securescore_baseline resources with
#   terraform query -generate-config-out=baselines.tf
list "securescore_baseline" "customers" {
  provider = securescore

  config {
    tenant_ids = [
      "contoso.onmicrosoft.com",
      "fabrikam.onmicrosoft.com",
      "00000000-0000-4000-8000-000000000003", # a GUID works as well as a domain
    ]
  }
}
