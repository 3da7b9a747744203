"""The report pages' addresses: each views module lists its own."""

from huikuan.reports.views import aging, alerts, arrears, forecast, kpis, plan, statement, targets

urlpatterns = [
    *aging.urlpatterns,
    *arrears.urlpatterns,
    *kpis.urlpatterns,
    *statement.urlpatterns,
    *plan.urlpatterns,
    *targets.urlpatterns,
    *forecast.urlpatterns,
    *alerts.urlpatterns,
]
