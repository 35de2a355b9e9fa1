from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from fedportal.core import views as core_views

admin.site.site_header = _("残联业务管理平台 · 系统管理")
admin.site.site_title = _("残联业务管理平台")
admin.site.index_title = _("系统管理")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # Open to everyone: the language is chosen on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/", include("fedportal.accounts.urls")),
    path("jobs/", include("fedportal.jobs.urls")),
    path("audit/", include("fedportal.audit.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("persons/", include("cases.urls")),
    path("certificates/", include("certificates.urls")),
    path("subsidies/", include("subsidies.urls")),
    path("rehab/", include("rehab.urls")),
    path("community/", include("community.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
