import {
  to = securescore_secure_score.current
  id = "4b8c18bd-1f5e-4a55-8f3c-1a2b3c4d5e6f" # the tenant id, or a verified domain
}
