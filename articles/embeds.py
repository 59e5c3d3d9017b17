"""Posts from other sites that a story may show: which providers, and how their links look.

Only links are stored (the canonical URL of the original post). Pages never load anything
from the provider until a reader clicks: the facade (``static/js/embeds.js``) then inserts
the provider's player, so a page view tells YouTube or Telegram nothing.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com"}
YOUTUBE_SHORT_HOSTS = {"youtu.be", "www.youtu.be"}
TELEGRAM_HOSTS = {"t.me", "www.t.me", "telegram.me", "www.telegram.me"}
YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
# Public channel names: 5-32 letters, digits and underscores, starting with a letter.
TELEGRAM_CHANNEL = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
TELEGRAM_POST = re.compile(r"[1-9][0-9]{0,9}")
# Paths of t.me that look like a channel but are Telegram's own pages.
TELEGRAM_RESERVED = {
    "joinchat", "addstickers", "addemoji", "addtheme", "addlist", "share", "proxy", "socks",
    "setlanguage", "login", "boost", "invoice", "contact", "iv",
}  # fmt: skip
MAX_URL_LENGTH = 500

PROVIDERS = {"youtube": "YouTube", "telegram": "Telegram"}


@dataclass(frozen=True)
class Embed:
    provider: str  # a key of PROVIDERS
    key: str  # the video id, or "channel/post"
    url: str  # the original post, canonical: what the body stores and the facade links to

    @property
    def provider_name(self) -> str:
        return PROVIDERS[self.provider]


def _refuse() -> ValidationError:
    return ValidationError(
        _(
            "Only YouTube videos and public Telegram posts can be embedded. Paste the address "
            "of the video or post, for example https://www.youtube.com/watch?v=… or "
            "https://t.me/channel/123."
        ),
        code="unknown_provider",
    )


def embed_from_url(url: str) -> Embed:
    """The embed a link points to; ``ValidationError`` for anything but a known provider."""
    url = (url or "").strip()
    if not url or len(url) > MAX_URL_LENGTH:
        raise _refuse()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refuse() from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or port or parts.username or parts.password:
        raise _refuse()
    segments = [s for s in parts.path.split("/") if s]

    if host in YOUTUBE_HOSTS or host in YOUTUBE_SHORT_HOSTS:
        video = None
        if host in YOUTUBE_SHORT_HOSTS and len(segments) == 1:
            video = segments[0]
        elif segments == ["watch"]:
            video = (parse_qs(parts.query).get("v") or [None])[0]
        elif len(segments) == 2 and segments[0] == "shorts":
            video = segments[1]
        if not video or not YOUTUBE_ID.fullmatch(video):
            raise ValidationError(
                _("This YouTube address does not point to a video. Copy the link of the video."),
                code="bad_youtube",
            )
        return Embed("youtube", video, f"https://www.youtube.com/watch?v={video}")

    if host in TELEGRAM_HOSTS:
        if (
            len(segments) != 2
            or not TELEGRAM_CHANNEL.fullmatch(segments[0])
            or segments[0].lower() in TELEGRAM_RESERVED
            or not TELEGRAM_POST.fullmatch(segments[1])
        ):
            raise ValidationError(
                _(
                    "Only a post of a public Telegram channel can be embedded: "
                    "https://t.me/<channel>/<number>."
                ),
                code="bad_telegram",
            )
        key = f"{segments[0]}/{segments[1]}"
        return Embed("telegram", key, f"https://t.me/{key}")

    raise _refuse()


def embed_or_none(url: str) -> Embed | None:
    try:
        return embed_from_url(url)
    except ValidationError:
        return None
