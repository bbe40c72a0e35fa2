# The identity controls of Entra ID, deprecated ones included, whatever their state.
list "securescore_control_profile" "identity" {
  provider = securescore
  limit    = 1000

  config {
    categories         = ["Identity"]
    services           = ["AzureAD"]
    include_deprecated = true
  }
}
