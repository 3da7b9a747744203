from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = _("Huikuan administration")
admin.site.site_title = _("Huikuan")
admin.site.index_title = _("Receivables and collections")

urlpatterns = [
    path("", RedirectView.as_view(url="/api/docs/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/", include("huikuan.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
