# controls.tfquery.hcl, beside the configuration's provider block. Every control of the tenant that someone has
# decided on (not Default), listed with `terraform query`, or written as import blocks and resources with
#   terraform query -generate-config-out=controls.tf
list "securescore_control_profile" "decided" {
  provider = securescore
  limit    = 1000 # Terraform lists 100 results unless told otherwise

  config {
    tenant_id = "contoso.onmicrosoft.com" # left out: the provider's tenant
    states    = ["Ignored", "ThirdParty", "Reviewed"]
  }
}
