"""Two-factor authentication for the newsroom (django-otp, TOTP apps such as Google
Authenticator or Aegis).

Django's admin login stays as it is (user name and password, throttled by django-axes); the
second factor is a step after it. RequireTwoFactorMiddleware sends a staff session that has
not passed it to one of two pages before any other admin page:

- verify: the account has a confirmed device, so every new session must give a code from
  it (whatever OTP_REQUIRED_FOR_EDITORS says: an enrolled account is always protected);
- setup: no device yet, and OTP_REQUIRED_FOR_EDITORS=1 makes it mandatory for editors and
  superusers. Anyone on the staff may enrol from the link in the admin's header.

A lost phone: a superuser deletes the account's device under "TOTP devices" in the admin,
and the account enrols again at its next login.
"""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

SETUP_URL_NAME = "two_factor_setup"
VERIFY_URL_NAME = "two_factor_verify"


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code from the app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip().replace(" ", "")


def must_use_two_factor(user) -> bool:
    """Editors and superusers, when OTP_REQUIRED_FOR_EDITORS is on.

    "Editor" is whoever may publish, as in articles.roles.is_editor; spelled out here so the
    check does not depend on where that helper lives.
    """
    if not getattr(settings, "OTP_REQUIRED_FOR_EDITORS", False):
        return False
    return user.is_superuser or user.has_perm("articles.publish_article")


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index")


def _page(request, template: str, context: dict, *, title: str) -> TemplateResponse:
    return TemplateResponse(
        request,
        template,
        {
            **admin.site.each_context(request),
            "title": title,
            "next": _next_url(request),
            **context,
        },
    )


def setup(request):
    """Enrol a TOTP app: show its key (otpauth:// URI and QR code), confirm with one code."""
    user = request.user
    if user_has_device(user, confirmed=True):
        if not user.is_verified():
            # With only the password, nobody may add a second device to the account.
            return redirect(f"{reverse(VERIFY_URL_NAME)}?{urlencode({'next': _next_url(request)})}")
        return _page(
            request, "admin/two_factor/enabled.html", {}, title=_("Two-factor authentication")
        )
    # One pending device per account, so reloading the page shows the same key.
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            verified = device.verify_token(form.cleaned_data["token"])
            if verified:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        if verified:
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on for your account."))
            return redirect(_next_url(request))
        form.add_error("token", _("The code is not right. Check the phone's clock and try again."))
    uri = device.config_url
    return _page(
        request,
        "admin/two_factor/setup.html",
        {
            "form": form,
            "otpauth_uri": uri,
            "secret": b32encode(device.bin_key).decode(),
            "qr_svg": segno.make(uri, error="m").svg_inline(scale=5, title="QR"),
            "required": must_use_two_factor(user),
        },
        title=_("Set up two-factor authentication"),
    )


def verify(request):
    """Ask a session that has only passed the password for a code from the account's app."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not user_has_device(user, confirmed=True):
        return redirect(f"{reverse(SETUP_URL_NAME)}?{urlencode({'next': _next_url(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        for device in devices_for_user(user, confirmed=True):
            # django-otp's verify_token locks the device row: wrong codes are throttled
            # (OTP_TOTP_THROTTLE_FACTOR) and a used code cannot be replayed.
            matched = otp_verify_token(user, device.persistent_id, token)
            if matched is not None:
                otp_login(request, matched)
                return redirect(_next_url(request))
        form.add_error("token", _("The code is not right. Check the phone's clock and try again."))
    return _page(
        request,
        "admin/two_factor/verify.html",
        {"form": form},
        title=_("Two-factor authentication"),
    )


class RequireTwoFactorMiddleware:
    """Before any admin page: a code for enrolled accounts, enrolment for required ones.

    Goes after django_otp's OTPMiddleware, which gives request.user its is_verified().
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        target = self._redirect_for(request)
        if target:
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _redirect_for(request) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return None
        try:
            admin_root = reverse("admin:index")
        except NoReverseMatch:  # a URLconf without the admin (tests, tools)
            return None
        if not request.path_info.startswith(admin_root):
            return None
        if user.is_verified():
            return None
        open_paths = {
            reverse("admin:login"),
            reverse("admin:logout"),
            reverse(SETUP_URL_NAME),
            reverse(VERIFY_URL_NAME),
        }
        if request.path_info in open_paths:
            return None
        if user_has_device(user, confirmed=True):
            return VERIFY_URL_NAME
        if must_use_two_factor(user):
            return SETUP_URL_NAME
        return None
