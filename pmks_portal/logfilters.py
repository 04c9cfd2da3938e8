"""Log filters: no national ID number reaches a log in clear."""

import logging
import re

SIXTEEN_DIGITS = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")


def mask_sixteen_digits(text: str) -> str:
    return SIXTEEN_DIGITS.sub(r"\1********\2", text)


class MaskNikFilter(logging.Filter):
    """Masks 16-digit runs (NIK, KK) in every log record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_sixteen_digits(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
