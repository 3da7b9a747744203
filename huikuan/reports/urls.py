"""The report pages' addresses: each views module lists its own."""

from huikuan.reports.views import aging, arrears, statement

urlpatterns = [*aging.urlpatterns, *arrears.urlpatterns, *statement.urlpatterns]
