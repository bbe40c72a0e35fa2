# From one provider alias and module block per tenant to ../main.tf's one provider block: put this file beside
# ../main.tf, in place of the aliases and the per-tenant module blocks, list every tenant in var.tenants, and apply. Each
# tenant's module instance moves in state to module.tenant["<name>"], with its prior decisions; the apply sends
# nothing to Graph, and the next plan is empty. Delete this file after that apply.
moved {
  from = module.contoso
  to   = module.tenant["contoso"]
}

moved {
  from = module.fabrikam
  to   = module.tenant["fabrikam"]
}

moved {
  from = module.northwind
  to   = module.tenant["northwind"]
}
