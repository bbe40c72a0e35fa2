# The last 30 days of the tenant's secure score, newest first.
data "securescore_secure_scores" "last_month" {
  top = 30
}

output "score_trend" {
  value = [
    for s in data.securescore_secure_scores.last_month.secure_scores :
    { day = substr(s.created_date_time, 0, 10), score = s.current_score }
  ]
}
