from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Huikuan administration")
admin.site.site_title = _("Huikuan")
admin.site.index_title = _("Receivables and collections")

urlpatterns = [
    path("", include("huikuan.web.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("huikuan.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
