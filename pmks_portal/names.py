"""Names as people type them, without the characters that make a name lie about itself.

A right-to-left override (U+202E) shows "Siti\u202eadroN" as "SitiNorda", and isolates or
embeddings (U+202A-202D, U+2066-2069) reorder what follows on every page, export and PDF; control
characters (C0, DEL, C1) have no place in a name and break files. They are removed, and runs of
white space become one space.
"""

import re

# C0 controls and DEL, C1 controls, bidirectional embeddings/overrides and isolates.
_HIDDEN = re.compile("[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]")


def clean_name(value) -> str:
    """The name without bidirectional-override and control characters, spaces collapsed."""
    text = "" if value is None else str(value)
    # Tabs and line breaks separate words; the other hidden characters join nothing.
    text = re.sub(r"[\t\n\r\v\f]", " ", text)
    return " ".join(_HIDDEN.sub("", text).split())
