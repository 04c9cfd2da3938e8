"""What meetings and follow-ups accept as files: PDF; Word, Excel and PowerPoint files of Office
2007 and later (macro-free); JPEG and PNG photos.

How they are checked, cleaned (photos lose EXIF, such as the GPS position of where a photo of a
released pasung victim was taken), stored and served is the same for every upload of the portal:
see pmks_portal/private_files.
"""

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pmks_portal.private_files.content import Acceptance
from pmks_portal.private_files.kinds import DOCX, JPEG, PDF, PNG, PPTX, XLSX

# Presentations with pictures are large; a scanned decree is not.
MAX_BYTES = 20 * 1024 * 1024

MEETING_FILES = Acceptance(
    kinds=(PDF, DOCX, XLSX, PPTX, JPEG, PNG),
    refused=gettext_lazy(
        "Only PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), JPEG and PNG files "
        "can be uploaded."
    ),
    damaged=gettext_lazy(
        "The file could not be read as the kind of document its content claims to be."
    ),
    fallback_name="dokumen",
    max_bytes=MAX_BYTES,
)
ACCEPT_ATTRIBUTE = MEETING_FILES.accept_attribute


def accepted_help() -> str:
    return _("PDF, Word, Excel, PowerPoint, JPEG or PNG, up to %(limit)s.") % {
        "limit": filesizeformat(MAX_BYTES)
    }
