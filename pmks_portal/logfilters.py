"""Log filters: no national ID number reaches a log in clear."""

import logging

from pmks_portal.masking import mask_text


class MaskNikFilter(logging.Filter):
    """Masks 16-digit runs (NIK, KK) in every log record's final message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # An exception's message may quote the number; formatters reuse exc_text as it is.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True
