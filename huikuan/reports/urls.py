"""The report pages' addresses: each views module lists its own."""

from huikuan.reports.views import aging, statement

urlpatterns = [*aging.urlpatterns, *statement.urlpatterns]
