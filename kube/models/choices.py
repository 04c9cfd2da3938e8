"""The fixed choices of KUBE: stage, status, member role, grant source, partner type,
support kind and where a stage change came from."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The three-stage grading of DOMAIN.md §2.5 (unconfirmed there; scored in kube/scoring.py)."""

    TUMBUH = "tumbuh", _("Tumbuh (growing)")
    BERKEMBANG = "berkembang", _("Berkembang (developing)")
    MAJU = "maju", _("Maju/mandiri (advanced)")


class KubeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    GRADUATED = "graduated", _("Graduated (independent)")


class MemberRole(models.TextChoices):
    KETUA = "ketua", _("Chair (ketua)")
    SEKRETARIS = "sekretaris", _("Secretary (sekretaris)")
    BENDAHARA = "bendahara", _("Treasurer (bendahara)")
    ANGGOTA = "anggota", _("Member (anggota)")


class GrantSource(models.TextChoices):
    APBN = "apbn", _("APBN (central government)")
    APBD_PROVINCE = "apbd_province", _("APBD provinsi")
    APBD_REGENCY = "apbd_regency", _("APBD kabupaten/kota")
    CSR = "csr", _("CSR partner")
    OTHER = "other", _("Other")


class PartnerType(models.TextChoices):
    CSR = "csr", _("Company (CSR, Forum CSR)")
    UNIVERSITY = "university", _("University")
    LKS = "lks", _("Social welfare institution (LKS)")
    GOVERNMENT = "government", _("Government office")
    BANK = "bank", _("Bank or cooperative")
    OTHER = "other", _("Other")


class SupportKind(models.TextChoices):
    TRAINING = "training", _("Training")
    MARKET = "market", _("Market access")
    CAPITAL = "capital", _("Capital")
    EQUIPMENT = "equipment", _("Equipment")
    MENTORING = "mentoring", _("Mentoring")
    OTHER = "other", _("Other")


class StageChangeSource(models.TextChoices):
    COMPUTED = "computed", _("computed")
    OVERRIDE = "override", _("set by hand")
    OVERRIDE_CLEARED = "override_cleared", _("hand-set stage removed")
