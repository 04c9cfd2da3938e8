from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pmks_portal import access


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    REGENCY = "regency", _("Regency/city")
    DISTRICT = "district", _("District (kecamatan)")
    VILLAGE = "village", _("Village (desa/kelurahan)")


# The number of dot-separated parts of a Kemendagri code at each level: 64, 64.72, 64.72.05, ...
LEVEL_BY_PARTS = {1: Level.PROVINCE, 2: Level.REGENCY, 3: Level.DISTRICT, 4: Level.VILLAGE}
CODE_PATTERN = r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?"


def regency_field(verbose_name=None, *, null: bool = False) -> models.ForeignKey:
    """The regency or city that owns a record (scope is decided on it; a region in use is never
    deleted from under it). `null`: a record of the whole province, which only roles that see
    the province reach (a regency's scope filters on its code)."""
    return models.ForeignKey(
        "regions.Region",
        verbose_name=verbose_name or _("regency/city"),
        on_delete=models.PROTECT,
        related_name="+",
        null=null,
        blank=null,
    )


def place_field(verbose_name) -> models.ForeignKey:
    """A record's district or village: optional, and never deleted from under it."""
    return models.ForeignKey(
        "regions.Region",
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )


class RegionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return access.scope_regions(self, user)

    def active(self):
        return self.filter(is_active=True)

    def regencies(self):
        return self.filter(level=Level.REGENCY)

    def in_province(self, province_code: str):
        return self.filter(code__startswith=f"{province_code}.")

    def province_regencies(self):
        """The regencies and cities of the portal's province (settings.PMKS_PROVINCE_CODE): the
        one selector the pages, forms, imports and summaries use."""
        return self.regencies().in_province(settings.PMKS_PROVINCE_CODE)

    def with_child_counts(self):
        return self.annotate(child_count=models.Count("children"))


class Region(models.Model):
    """A unit of Indonesia's administrative hierarchy, keyed by its Kemendagri code.

    One table for all four levels, so that a record can point at whichever level it knows and
    scoping is a matter of code prefixes.
    """

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"], name="region_level_code")]

    def __str__(self):
        return self.name

    @property
    def regency_code(self) -> str | None:
        parts = self.code.split(".")
        return ".".join(parts[:2]) if len(parts) >= 2 else None

    @property
    def is_city(self) -> bool:
        """Kemendagri numbers cities (kota) from 71 upwards within a province."""
        return self.level == Level.REGENCY and int(self.code.split(".")[1]) >= 71

    def ancestors(self) -> list["Region"]:
        """From the province down to the parent, without one query per level."""
        parts = self.code.split(".")
        codes = [".".join(parts[:n]) for n in range(1, len(parts))]
        found = {region.code: region for region in Region.objects.filter(code__in=codes)}
        return [found[code] for code in codes if code in found]

    def writable_by(self, user) -> bool:
        return access.can(user, access.Capability.MANAGE_REGIONS)
