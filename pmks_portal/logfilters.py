"""Log filters: no national ID number reaches a log in clear."""

import logging
import re

SIXTEEN_DIGITS = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")


def mask_sixteen_digits(text: str) -> str:
    return SIXTEEN_DIGITS.sub(r"\1********\2", text)


class MaskNikFilter(logging.Filter):
    """Masks 16-digit runs (NIK, KK) in every log record's final message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_sixteen_digits(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # An exception's message may quote the number; formatters reuse exc_text as it is.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_sixteen_digits(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_sixteen_digits(record.stack_info)
        return True
