terraform {
  required_version = ">= 1.5.0"

  required_providers {
    securescore = {
      source  = "securescore/securescore"
      version = "~> 0.2.0"
    }
  }
}

# Credentials usually come from the environment:
#   export ARM_TENANT_ID=<directory (tenant) ID>
#   export ARM_CLIENT_ID=<application (client) ID>
#   export ARM_CLIENT_SECRET=<client secret value>
provider "securescore" {}

# Every argument can also be set in the block; a value here wins over the environment.
provider "securescore" {
  alias         = "usgov"
  environment   = "usgovernment"
  tenant_id     = var.tenant_id
  client_id     = var.client_id
  client_secret = var.client_secret
}

variable "tenant_id" {
  type = string
}

variable "client_id" {
  type = string
}

variable "client_secret" {
  type      = string
  sensitive = true
}
