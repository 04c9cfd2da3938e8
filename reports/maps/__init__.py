"""The province map of the dashboards: regencies coloured by their status against each target.

Drawn by the server as SVG, nothing from a CDN and no script: a tile grid laid out roughly as
the regencies lie (`tiles`), or the regencies' real outlines once an administrator uploads them
as GeoJSON (`geojson` reads and checks the file, `shapes` simplifies and projects it, `services`
stores it, `selectors` reads it back, cached).
"""
