"""The DTSEN reconciliation items on "Tugas saya" (worklists.registry): the open items of the
latest version in the user's scope, oldest first, linked to the worklist."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dtsen import selectors
from worklists.registry import Row, Worklist


class ReconciliationItems(Worklist):
    key = "dtsen"
    label = _("DTSEN reconciliation items")
    description = _(
        "Differences between the registry and the latest DTSEN extract, waiting to be worked."
    )

    def items(self, user, today):
        return selectors.open_items_for(user)

    def row(self, item):
        return Row(
            f"{item.person.name} · {item.get_kind_display()}",
            reverse("dtsen:item", args=[item.pk]),
            item.get_status_display(),
        )

    def url(self):
        return reverse("dtsen:worklist")
