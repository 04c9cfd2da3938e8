"""Files that people upload (a case's photos, a meeting's minutes, a follow-up's evidence): checked
by their content, stripped of metadata, stored privately, served only as safe downloads.

One set of rules for every upload; each kind of upload only says which types it accepts and how
a refusal is worded (an `Acceptance`, in the app that owns the upload):

* What a file is, is decided by its first bytes (its magic number), never by its name or by the
  content type the browser claims (kinds.py). Anything an upload does not accept (a renamed
  program, an HTML or SVG page) is refused.
* Photos are decoded and written again from their pixels alone, upright by their EXIF orientation
  (images.py). Nothing of the original file survives but the picture: no EXIF (and so no GPS
  position of where a child or a shackled person was found), no XMP, no comments, no text chunks,
  no ICC profile, no thumbnail.
* PDFs are stored byte for byte; those plainly declaring active content (JavaScript, launch
  actions, embedded files) are refused (content.py). That is a tripwire, not a guarantee, which is
  why PDFs are only ever served as downloads.
* Office documents (.docx, .xlsx, .pptx) are checked for what they are, for zip bombs and for
  macros, not rewritten.
* Files are stored under MEDIA_ROOT (outside any public path) with a random name; the name the user
  gave is kept only in the database and used, made safe, when the file is downloaded (names.py,
  storage.py, serving.py). The model fields are those of `models.PrivateFile`.
"""
