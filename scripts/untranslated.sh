#!/usr/bin/env bash
# Counts untranslated and fuzzy entries in the Indonesian catalogs (locale/id by default)
# and fails if there are any, so CI catches strings that would show up in English.
# Usage: scripts/untranslated.sh [-v] [LOCALE_DIR]
#   -v          also list the msgids that need work
#   LOCALE_DIR  a folder holding LC_MESSAGES/*.po (default: locale/id of this repository)
# Exit status: 0 all translated, 1 some untranslated or fuzzy, 2 cannot check.
set -euo pipefail
export LC_ALL=C

verbose=0
if [ "${1:-}" = "-v" ]; then verbose=1; shift; fi
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/locale/id}

command -v msgattrib >/dev/null || { echo "msgattrib is missing: install gettext (apt-get install gettext)" >&2; exit 2; }
shopt -s nullglob
files=("$dir"/LC_MESSAGES/*.po)
[ ${#files[@]} -gt 0 ] || { echo "No .po files in $dir/LC_MESSAGES" >&2; exit 2; }

# Prints the msgids of the entries in a PO stream, one a line, skipping the header (empty msgid).
list_msgids() {
  awk '
    function flush() { if (inid && id != "") print id; inid = 0; id = "" }
    /^msgid "/      { flush(); inid = 1; s = $0; sub(/^msgid "/, "", s); sub(/"$/, "", s); id = s; next }
    inid && /^"/    { s = $0; sub(/^"/, "", s); sub(/"$/, "", s); id = id s; next }
    { flush() }
    END { flush() }
  '
}

total=0
for po in "${files[@]}"; do
  msgfmt --check-format -o /dev/null "$po" || { echo "$po does not parse" >&2; exit 2; }
  untranslated=$(msgattrib --untranslated --no-fuzzy --no-obsolete --no-wrap "$po" | list_msgids)
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete --no-wrap "$po" | list_msgids)
  n_untranslated=$(printf '%s' "$untranslated" | grep -c '' || true)
  n_fuzzy=$(printf '%s' "$fuzzy" | grep -c '' || true)
  # A fuzzy header (the entry with an empty msgid) means the catalog was never set up.
  header_fuzzy=$(awk '
    /^#,.*fuzzy/ { f = 1; next }
    /^msgid /    { entry_fuzzy = f; f = 0 }
    /^msgstr / && prev == "msgid \"\"" && entry_fuzzy { found = 1 }
    { prev = $0 }
    END { print found ? 1 : 0 }' "$po")
  count=$((n_untranslated + n_fuzzy + header_fuzzy))
  total=$((total + count))
  rel=${po#"$root"/}
  echo "$rel: $n_untranslated untranslated, $n_fuzzy fuzzy$([ $header_fuzzy = 1 ] && echo ', fuzzy header')"
  if [ "$verbose" = 1 ] && [ "$count" -gt 0 ]; then
    [ -n "$untranslated" ] && printf '  untranslated: %s\n' "$untranslated" | sed '2,$s/^/  untranslated: /'
    [ -n "$fuzzy" ] && printf '  fuzzy: %s\n' "$fuzzy" | sed '2,$s/^/  fuzzy: /'
  fi
done
echo "Untranslated or fuzzy entries: $total"
[ "$total" -eq 0 ]
