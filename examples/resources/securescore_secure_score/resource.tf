# Manage the tenant's current secure score. Attributes left out are read from Microsoft Graph
# and never show as a change.
resource "securescore_secure_score" "current" {
  active_user_count   = 15
  licensed_user_count = 20
  enabled_services    = ["HasExchange", "HasSharePoint", "HasOD4B"]

  vendor_information = {
    provider = "SecureScore"
    vendor   = "Microsoft"
  }

  timeouts {
    create = "30m"
    update = "30m"
    read   = "5m"
  }
}

output "current_score" {
  value = securescore_secure_score.current.current_score
}

# The same for another tenant the provider's application is consented in. Changing tenant_id replaces the
# resource: it is never moved from one tenant to another.
resource "securescore_secure_score" "fabrikam" {
  tenant_id         = "fabrikam.onmicrosoft.com"
  active_user_count = 40
}
