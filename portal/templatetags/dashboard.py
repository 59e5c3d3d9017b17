from django import template

from portal.dashboard import dashboard_for

register = template.Library()


@register.inclusion_tag("admin/dashboard.html", takes_context=True)
def newsroom_dashboard(context):
    return {"blocks": dashboard_for(context["request"].user)}
