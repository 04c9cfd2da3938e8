"""The 26 PMKS/PPKS categories of Permensos 8/2012 (same list as Permensos 5/2019), and the
legacy codes of the 2007 Depsos glossary mapped to them (DOMAIN.md §1.2, §1.4).

PACA (Penyandang Cacat) maps to PD; a child with disability is recoded to ADK by staff.
RTLH has no 2012 equivalent (a programme, not a PMKS) and is deliberately not mapped.
"""

CATEGORIES = [
    (1, "ABT", "Anak Balita Terlantar", "Neglected child under five", "Anak", ""),
    (2, "AT", "Anak Terlantar", "Neglected child", "Anak", ""),
    (3, "ABH", "Anak yang Berhadapan dengan Hukum", "Child in contact with the law", "Anak", ""),
    (4, "AJ", "Anak Jalanan", "Street child", "Anak", "street_children"),
    (5, "ADK", "Anak dengan Kedisabilitasan", "Child with disability", "Anak", ""),
    (
        6,
        "AKTK",
        "Anak yang menjadi Korban Tindak Kekerasan",
        "Child victim of violence",
        "Anak",
        "",
    ),
    (
        7,
        "AMPK",
        "Anak yang Memerlukan Perlindungan Khusus",
        "Child needing special protection",
        "Anak",
        "",
    ),
    (8, "LUT", "Lanjut Usia Terlantar", "Neglected elderly person", "Lanjut usia", ""),
    (9, "PD", "Penyandang Disabilitas", "Person with disability", "Disabilitas", ""),
    (
        10,
        "TS",
        "Tuna Susila",
        "Person in commercial sex work",
        "Tuna sosial dan perilaku",
        "prostitution",
    ),
    (11, "GLD", "Gelandangan", "Homeless vagrant", "Tuna sosial dan perilaku", ""),
    (12, "PGM", "Pengemis", "Beggar", "Tuna sosial dan perilaku", ""),
    (13, "PML", "Pemulung", "Scavenger", "Tuna sosial dan perilaku", ""),
    (
        14,
        "KMi",
        "Kelompok Minoritas",
        "Minority group facing discrimination",
        "Tuna sosial dan perilaku",
        "",
    ),
    (
        15,
        "BWBLP",
        "Bekas Warga Binaan Lembaga Pemasyarakatan",
        "Ex-prisoner with reintegration problems",
        "Tuna sosial dan perilaku",
        "",
    ),
    (
        16,
        "ODHA",
        "Orang dengan HIV/AIDS",
        "Person living with HIV/AIDS",
        "Tuna sosial dan perilaku",
        "",
    ),
    (
        17,
        "KNAPZA",
        "Korban Penyalahgunaan NAPZA",
        "Victim of drug or alcohol abuse",
        "Tuna sosial dan perilaku",
        "",
    ),
    (18, "KTr", "Korban Trafficking", "Trafficking victim", "Korban", ""),
    (19, "KTK", "Korban Tindak Kekerasan", "Victim of violence", "Korban", ""),
    (
        20,
        "PMBS",
        "Pekerja Migran Bermasalah Sosial",
        "Migrant worker with social problems",
        "Korban",
        "",
    ),
    (21, "KBA", "Korban Bencana Alam", "Natural-disaster victim", "Korban", ""),
    (22, "KBS", "Korban Bencana Sosial", "Social-disaster victim", "Korban", ""),
    (
        23,
        "PRSE",
        "Perempuan Rawan Sosial Ekonomi",
        "Socio-economically vulnerable woman",
        "Kemiskinan dan keluarga",
        "",
    ),
    (24, "FM", "Fakir Miskin", "Destitute person or household", "Kemiskinan dan keluarga", ""),
    (
        25,
        "KBSP",
        "Keluarga Bermasalah Sosial Psikologis",
        "Family with psychosocial problems",
        "Kemiskinan dan keluarga",
        "",
    ),
    (26, "KAT", "Komunitas Adat Terpencil", "Remote indigenous community", "Keterpencilan", ""),
]

LEGACY_ALIASES = {
    "WRSE": "PRSE",
    "KFM": "FM",
    "PACA": "PD",
    "AN": "ABH",
    "PGMS": "PGM",
    "GLDNG": "GLD",
    "BWBLK": "BWBLP",
    "NAPZA": "KNAPZA",
    "PM": "PMBS",
    "PENYANDANG CACAT": "PD",
    "WANITA RAWAN SOSIAL EKONOMI": "PRSE",
    "KELUARGA FAKIR MISKIN": "FM",
    "ANAK NAKAL": "ABH",
}


def load_default_categories(category_model, alias_model) -> None:
    """Creates the categories and aliases that are missing; used by the migration and by tests
    that need them back after a database flush."""
    by_code = {}
    for order, code, name, name_en, cluster, programme in CATEGORIES:
        by_code[code], _ = category_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "cluster": cluster,
                "programme": programme,
                "sort_order": order,
            },
        )
    for alias, code in LEGACY_ALIASES.items():
        alias_model.objects.get_or_create(alias=alias, defaults={"category": by_code[code]})
