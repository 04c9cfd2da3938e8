"""Default retention periods per PMKS category: years after a person's last case ended
(resolved or closed). Proposals for the data protection officer to approve against the
province's archive retention schedule (JRA); admins override them per category
(privacy.RetentionRule). Reasons in docs/RETENTION.md."""

from django.utils.translation import gettext_lazy as _

# Most categories: five years covers the five-year plan (RPJMD) period the targets are judged
# over, and the audit period of the BPK, after which the summary keeps the figures.
DEFAULT_YEARS = 5
DEFAULT_REASON = _(
    "Five years: the plan period the targets are judged over and the audit period; the "
    "dashboards keep the figures after that."
)

# By cluster of the category (cases.Category.cluster).
BY_CLUSTER = {
    # Children: a child may come back as an adult, or a court may ask, about care received;
    # ten years takes most children past the age of majority.
    "Anak": (
        10,
        _("Ten years: a child may ask as an adult, or a court, about the care received."),
    ),
}

# By category code, before the cluster.
BY_CODE = {
    # Sex work is specific personal data whose exposure harms most; the exit programme's
    # follow-up lasts two years.
    "TS": (
        2,
        _(
            "Two years: specific personal data whose exposure harms most; the exit programme's "
            "follow-up lasts two years."
        ),
    ),
}


def default_for(code: str, cluster: str) -> tuple[int, str]:
    """(years, reason) of a category without a rule of its own."""
    if code in BY_CODE:
        return BY_CODE[code]
    if cluster in BY_CLUSTER:
        return BY_CLUSTER[cluster]
    return DEFAULT_YEARS, DEFAULT_REASON
