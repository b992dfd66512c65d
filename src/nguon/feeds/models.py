"""The public-data version: one row whose number moves on every change the public can see."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

#: The primary key of the one :class:`PublicVersion` row.
PUBLIC_VERSION_ID = 1


class PublicVersion(models.Model):
    """How many times the public data (bulletins on the portal, translations, category and unit names)
    changed, and when it last did. The lists of the feeds and the public API take their ETag and
    Last-Modified from it, so a revalidation is one primary-key read. One row, ``id`` 1."""

    number = models.BigIntegerField(_("số phiên bản"), default=0)
    changed_at = models.DateTimeField(_("thay đổi lúc"))

    class Meta:
        verbose_name = _("phiên bản dữ liệu công khai")
        verbose_name_plural = _("phiên bản dữ liệu công khai")

    def __str__(self) -> str:
        return f"v{self.number} @ {self.changed_at.isoformat()}"
