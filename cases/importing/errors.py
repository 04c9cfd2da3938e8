"""The one error of the case import that stops a whole file (rows have their own reasons)."""


class ImportFileError(Exception):
    """The file as a whole cannot be imported: wrong type, too big, no header row..."""
