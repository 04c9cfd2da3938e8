"""Demo data: how common each category is, who is in it, and what happens to its cases
(the workflow as it happens, close and referral texts, providers)."""

from dataclasses import dataclass

from cases.demo.names import _words
from cases.models import (
    CaseSource,
    CaseStatus,
    CloseReason,
    InterventionType,
    Programme,
)

S = CaseStatus


@dataclass(frozen=True)
class CategoryProfile:
    weight: float
    ages: tuple[int, int]
    female: float  # share of women
    no_nik: float  # share of persons without a NIK
    interventions: tuple[str, ...]
    disability: tuple[str, ...] = ()


IT = InterventionType
CATEGORIES = {
    "ABT": CategoryProfile(15, (0, 4), 0.5, 0.70, (IT.REFERRAL_PANTI, IT.AID, IT.HEALTH_INSURANCE)),
    "AT": CategoryProfile(
        40, (5, 17), 0.5, 0.45, (IT.REFERRAL_PANTI, IT.AID, IT.SCHOOL, IT.REUNIFICATION)
    ),
    "ABH": CategoryProfile(
        12, (12, 17), 0.2, 0.30, (IT.COUNSELLING, IT.REHABILITATION, IT.REUNIFICATION)
    ),
    "AJ": CategoryProfile(
        1, (5, 17), 0.35, 0.75, (IT.REFERRAL_PANTI, IT.REUNIFICATION, IT.SCHOOL, IT.COUNSELLING)
    ),
    "ADK": CategoryProfile(
        35,
        (0, 17),
        0.45,
        0.30,
        (IT.REHABILITATION, IT.AID, IT.HEALTH_INSURANCE),
        _words(
            "Disabilitas_fisik Disabilitas_intelektual Tunarungu Tunanetra "
            "Cerebral_palsy Autisme Down_syndrome"
        ),
    ),
    "AKTK": CategoryProfile(
        15, (3, 17), 0.65, 0.25, (IT.COUNSELLING, IT.REFERRAL_HOSPITAL, IT.REFERRAL_PANTI)
    ),
    "AMPK": CategoryProfile(
        8, (5, 17), 0.55, 0.40, (IT.REFERRAL_PANTI, IT.COUNSELLING, IT.REUNIFICATION)
    ),
    "LUT": CategoryProfile(
        110, (60, 92), 0.55, 0.30, (IT.AID, IT.REFERRAL_PANTI, IT.HEALTH_INSURANCE)
    ),
    "PD": CategoryProfile(
        130,
        (15, 80),
        0.45,
        0.30,
        (IT.REHABILITATION, IT.AID, IT.HEALTH_INSURANCE, IT.TRAINING),
        _words(
            "Disabilitas_fisik Disabilitas_netra Disabilitas_rungu_wicara "
            "Disabilitas_intelektual Disabilitas_mental_(ODGJ) "
            "Disabilitas_ganda Amputasi_kaki Lumpuh_layu"
        ),
    ),
    "TS": CategoryProfile(
        3, (18, 45), 0.96, 0.35, (IT.TRAINING, IT.RETURN_HOME, IT.AID, IT.COUNSELLING)
    ),
    "GLD": CategoryProfile(20, (20, 75), 0.30, 0.90, (IT.REFERRAL_PANTI, IT.RETURN_HOME, IT.AID)),
    "PGM": CategoryProfile(15, (15, 78), 0.45, 0.75, (IT.REFERRAL_PANTI, IT.RETURN_HOME, IT.AID)),
    "PML": CategoryProfile(20, (15, 68), 0.40, 0.55, (IT.AID, IT.TRAINING, IT.HEALTH_INSURANCE)),
    "KMi": CategoryProfile(3, (18, 70), 0.50, 0.40, (IT.COUNSELLING, IT.AID)),
    "BWBLP": CategoryProfile(10, (20, 58), 0.10, 0.30, (IT.TRAINING, IT.COUNSELLING, IT.AID)),
    "ODHA": CategoryProfile(
        8, (20, 58), 0.40, 0.30, (IT.REFERRAL_HOSPITAL, IT.HEALTH_INSURANCE, IT.COUNSELLING)
    ),
    "KNAPZA": CategoryProfile(
        12, (16, 45), 0.12, 0.30, (IT.REHABILITATION, IT.COUNSELLING, IT.REFERRAL_HOSPITAL)
    ),
    "KTr": CategoryProfile(
        5, (14, 35), 0.70, 0.40, (IT.RETURN_HOME, IT.COUNSELLING, IT.REFERRAL_PANTI)
    ),
    "KTK": CategoryProfile(
        25, (18, 60), 0.75, 0.20, (IT.COUNSELLING, IT.REFERRAL_HOSPITAL, IT.REFERRAL_PANTI)
    ),
    "PMBS": CategoryProfile(8, (20, 50), 0.55, 0.25, (IT.RETURN_HOME, IT.AID, IT.COUNSELLING)),
    "KBA": CategoryProfile(50, (0, 85), 0.50, 0.30, (IT.AID, IT.HEALTH_INSURANCE)),
    "KBS": CategoryProfile(10, (0, 85), 0.50, 0.30, (IT.AID, IT.COUNSELLING)),
    "PRSE": CategoryProfile(60, (18, 59), 1.0, 0.20, (IT.AID, IT.TRAINING)),
    "FM": CategoryProfile(330, (18, 80), 0.50, 0.22, (IT.AID, IT.TRAINING, IT.HEALTH_INSURANCE)),
    "KBSP": CategoryProfile(20, (20, 60), 0.55, 0.20, (IT.COUNSELLING, IT.AID)),
    "KAT": CategoryProfile(15, (0, 80), 0.50, 0.60, (IT.AID, IT.HEALTH_INSURANCE, IT.TRAINING)),
}
# A second case of the same person, in a category that goes with the first.
SECOND_CASE = {
    "FM": ("PD", "KBA", "PRSE", "LUT"),
    "PD": ("FM",),
    "LUT": ("FM",),
    "PRSE": ("FM", "KTK"),
    "GLD": ("PGM", "PML"),
    "PGM": ("GLD",),
    "PML": ("FM", "GLD"),
    "AJ": ("AT", "AKTK"),
    "AT": ("ABH", "AJ"),
    "KNAPZA": ("BWBLP",),
    "BWBLP": ("KNAPZA", "FM"),
    "KTK": ("PRSE",),
    "KBA": ("FM",),
    "ODHA": ("FM",),
    "TS": ("PRSE",),
}
SECOND_CASE_SHARE = 0.08
PASUNG_SHARE_OF_PD = 0.015
SHOWCASE_BOOST = 8
ODGJ = "Disabilitas mental (ODGJ)"

# The workflow as it happens: where a case goes next, how likely, and the mean wait in days.
# Every move is one that cases.workflow allows (a test checks it).
NEXT = {
    S.REGISTERED: (((S.VERIFIED, 0.86), (S.REFERRED, 0.06), (S.CLOSED, 0.08)), 45),
    S.VERIFIED: (((S.IN_HANDLING, 0.88), (S.REFERRED, 0.07), (S.CLOSED, 0.05)), 60),
    S.IN_HANDLING: (((S.RESOLVED, 0.80), (S.REFERRED, 0.12), (S.CLOSED, 0.08)), 270),
    S.REFERRED: (((S.IN_HANDLING, 0.40), (S.RESOLVED, 0.48), (S.CLOSED, 0.12)), 120),
    S.RESOLVED: (((S.IN_HANDLING, 0.08), (None, 0.92)), 240),
}
STALLED_SHARE = 0.10  # cases that stay registered however old (a backlog, as in real life)
CLOSE_REASONS = (
    (CloseReason.DIED, 0.2),
    (CloseReason.MOVED, 0.35),
    (CloseReason.REFUSED, 0.35),
    (CloseReason.DUPLICATE, 0.1),
)
CLOSE_TEXT = {
    CloseReason.DIED: ("Meninggal dunia.", "Meninggal dunia di rumah sakit."),
    CloseReason.MOVED: (
        "Pindah domisili ke luar daerah.",
        "Pindah ikut keluarga.",
        "Tidak ditemukan lagi di alamat.",
    ),
    CloseReason.REFUSED: ("Menolak pendampingan.", "Keluarga menolak penanganan."),
    CloseReason.DUPLICATE: ("Data ganda dengan kasus lain.",),
}
REFER_TEXT = (
    "Dirujuk ke RSJD Atma Husada Mahakam.",
    "Dirujuk ke panti sosial provinsi.",
    "Dirujuk ke LKS setempat.",
    "Dirujuk ke Dinas Kesehatan.",
    "Dirujuk ke UPTD Perlindungan Perempuan dan Anak.",
    "Dirujuk ke puskesmas.",
)
RELAPSE_TEXT = {
    "AJ": ("Ditemukan kembali di jalan.", "Kembali mengamen di simpang."),
    Programme.PASUNG: ("Dipasung kembali oleh keluarga.",),
    "GLD": ("Kembali hidup di jalan.",),
    "PGM": ("Kembali mengemis.",),
}
SOURCES = (
    (CaseSource.OUTREACH, 0.33),
    (CaseSource.PUBLIC_REPORT, 0.18),
    (CaseSource.REFERRAL, 0.15),
    (CaseSource.SURVEY, 0.28),
    (CaseSource.IMPORT, 0.06),
)
STREET_SOURCES = (
    (CaseSource.OUTREACH, 0.7),
    (CaseSource.PUBLIC_REPORT, 0.2),
    (CaseSource.REFERRAL, 0.1),
)
OUTCOMES = (
    "Selesai",
    "Berlanjut",
    "Diterima keluarga",
    "Sudah menerima bantuan",
    "Menunggu tindak lanjut",
    "Kondisi membaik",
    "",
)
PROVIDERS = {
    IT.REHABILITATION: ("Balai Rehabilitasi Sosial", "Dinas Sosial {regency}"),
    IT.REFERRAL_HOSPITAL: ("RSJD Atma Husada Mahakam", "RSUD {capital}", "Puskesmas {district}"),
    IT.REFERRAL_PANTI: (
        "Panti Sosial Tresna Werdha Nirwana Puri",
        "LKSA {capital}",
        "Panti Perlindungan Anak Dharma",
        "Rumah Singgah {capital}",
        "Panti Rehabilitasi Tuna Sosial",
    ),
    IT.AID: ("Dinas Sosial {regency}", "Baznas {capital}", "Kementerian Sosial (ATENSI)"),
    IT.TRAINING: ("Dinas Sosial {regency}", "BLK {capital}", "LKS Mandiri Sejahtera"),
    IT.REUNIFICATION: ("Dinas Sosial {regency}", "TKSK Kecamatan {district}"),
    IT.RETURN_HOME: ("Dinas Sosial Provinsi Kalimantan Timur", "Dinas Sosial {regency}"),
    IT.SCHOOL: ("Dinas Pendidikan {regency}", "TKSK Kecamatan {district}"),
    IT.HEALTH_INSURANCE: ("BPJS Kesehatan {capital}", "Dinas Sosial {regency}"),
    IT.COUNSELLING: ("UPTD PPA {capital}", "LK3 {capital}", "Pekerja sosial Dinas Sosial"),
    IT.OTHER: ("Dinas Sosial {regency}",),
}
GUARDIANS = (
    ("Ibu", "P", 0.5),
    ("Ayah", "L", 0.25),
    ("Nenek", "P", 0.12),
    ("Paman", "L", 0.08),
    ("Kakak", "P", 0.05),
)
