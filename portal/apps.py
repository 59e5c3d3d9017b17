from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    # Two configs live here: "portal" in INSTALLED_APPS must still pick this one.
    default = True
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from portal import checks  # noqa: F401  (registers the deploy checks)


# Imported as a module attribute: a bare ``AdminConfig`` name here would be a second default.
class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin app with the portal's site (``portal.admin_site``) as ``admin.site``."""

    default = False
    default_site = "portal.admin_site.PortalAdminSite"
