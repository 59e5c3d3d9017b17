from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

# The newsroom's name wherever Django's admin would say "Django administration".
admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = _("Newsroom")
