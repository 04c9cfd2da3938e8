"""The report's two files: a PDF (reportlab) for reading and printing, an XLSX (openpyxl) for
working with the numbers. Both are drawn from the same content dict (reports.content), so they
always agree; the PDF carries the first characters of the content hash as a verification code.

Both are reproducible: the same content gives the same bytes (the PDF through reportlab's
invariant mode, the XLSX repacked with its one time, the data-as-of). Times print in WITA, the
zone named.
"""

from reports.render.pdf import write_pdf
from reports.render.xlsx import write_xlsx

__all__ = ["write_pdf", "write_xlsx"]
