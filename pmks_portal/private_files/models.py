"""The fields every privately stored upload has (an abstract model: no table of its own)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pmks_portal.private_files import names


class PrivateFile(models.Model):
    """An uploaded file kept outside any public path, with what the portal knows of it.

    Each concrete model declares its own `file` (the folder, upload_to, is its own) and its link
    to what the file belongs to; one without a description sets `description = None`.
    """

    file = models.FileField()
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def download_name(self) -> str:
        """The user's file name, made safe, with the extension of what the file really is."""
        return names.download_name(self.original_name, self.content_type)
