"""Synthetic persons and cases for the demo and the benchmarks. Demo mode only.

Deterministic: the same seed on the same database gives the same people. Shaped like Kaltim
(DOMAIN.md §1, §3, §5): cases spread over the 10 regencies by population, names of Javanese,
Banjar, Bugis, Kutai/Paser and Dayak flavour, NIKs that follow the structure (district of the
village, birth date with +40 for women, serial from 0001, unique), about 30% of persons without
a NIK (street children, the homeless, shackled people), ages that fit the category, statuses
spread along the workflow with their history, interventions, and the target programmes' details.

Fast at a million cases: rows are built as plain values and written in batches, with COPY on
PostgreSQL and bulk_create elsewhere; no services, no audit event per row (one per run).
"""

import io
import random
import time
from bisect import bisect
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from queue import Queue
from threading import Thread

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.demo import DEMO_USERS
from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEvent
from cases.models import (
    Case,
    CaseSource,
    CaseStatus,
    CaseTransition,
    Category,
    CloseReason,
    FamilyStatus,
    HealthCover,
    Intervention,
    InterventionType,
    PasungDetail,
    PasungEvent,
    PasungStatus,
    Person,
    Programme,
    RestraintForm,
    SchoolStatus,
    SexWorkDetail,
    StreetActivity,
    StreetChildDetail,
    StreetHandling,
)
from regions.models import Level, Region

DEFAULT_SEED = 64
SEED_REASON = "Synthetic demo data (seed_demo)"  # the one audit event of each run
BATCH_SIZE = 5_000
YEARS_BACK = 3

S = CaseStatus


# --- Regencies: population (thousands, SP2020), capital and the mix of name flavours --------


@dataclass(frozen=True)
class RegencyProfile:
    population: int
    capital: str
    flavours: dict[str, float]
    city: bool = False


REGENCIES = {
    "64.01": RegencyProfile(
        275,
        "Tanah Grogot",
        {"jawa": 30, "bugis": 28, "melayu": 20, "banjar": 14, "dayak": 5, "lain": 3},
    ),
    "64.02": RegencyProfile(
        729,
        "Tenggarong",
        {"melayu": 30, "jawa": 25, "banjar": 20, "bugis": 17, "dayak": 5, "lain": 3},
    ),
    "64.03": RegencyProfile(
        248,
        "Tanjung Redeb",
        {"bugis": 30, "jawa": 25, "melayu": 15, "banjar": 12, "dayak": 13, "lain": 5},
    ),
    "64.07": RegencyProfile(
        166, "Sendawar", {"dayak": 60, "jawa": 15, "melayu": 10, "banjar": 8, "bugis": 5, "lain": 2}
    ),
    "64.08": RegencyProfile(
        434,
        "Sangatta",
        {"bugis": 30, "jawa": 28, "melayu": 14, "banjar": 12, "dayak": 10, "lain": 6},
    ),
    "64.09": RegencyProfile(
        179, "Penajam", {"jawa": 40, "bugis": 30, "banjar": 12, "melayu": 8, "dayak": 5, "lain": 5}
    ),
    "64.11": RegencyProfile(
        33, "Ujoh Bilang", {"dayak": 85, "melayu": 5, "jawa": 5, "banjar": 3, "bugis": 2}
    ),
    "64.71": RegencyProfile(
        688,
        "Balikpapan",
        {"jawa": 38, "bugis": 22, "banjar": 20, "melayu": 5, "dayak": 3, "lain": 12},
        True,
    ),
    "64.72": RegencyProfile(
        828,
        "Samarinda",
        {"jawa": 32, "banjar": 30, "bugis": 20, "melayu": 8, "dayak": 4, "lain": 6},
        True,
    ),
    "64.74": RegencyProfile(
        179,
        "Bontang",
        {"bugis": 35, "jawa": 30, "banjar": 15, "melayu": 10, "dayak": 3, "lain": 7},
        True,
    ),
}
STREET_CHILD_CITIES = {"64.72": 45.0, "64.71": 40.0}  # DOMAIN.md §3.3: only these two


# --- Names ------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(name.replace("_", " ") for name in text.split())


@dataclass(frozen=True)
class Flavour:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]
    male_titles: tuple[str, ...] = ()
    female_titles: tuple[str, ...] = ()
    two_part: float = 0.6  # share of names with a second part


FLAVOURS = {
    "jawa": Flavour(
        male=_words("""Slamet Sutrisno Suparman Sugeng Bambang Joko Agus Budi Heru Wahyu Eko Dwi
            Hadi Sarwono Widodo Sugiarto Supriyadi Teguh Purnomo Santoso Prasetyo Gunawan
            Kusnadi Mulyono Tukiman Paijo Sukirman Riyanto Suwarno Parjo Hartono Susilo
            Yulianto Rudi Anto Aris Dedi Bagus Adi Rahmat Ilham Sutarjo Warsito Tri Darmaji
            Sumarno Wagiman Sukardi Edi Yanto Dimas Rizky Fajar Bayu Galih"""),
        female=_words("""Sri Siti Suminah Sumiati Sulastri Suparmi Tumini Wartini Sukarsih Ngatini
            Painem Tukinem Endang Rini Wulan Dewi Lestari Ratna Yuni Nanik Purwanti Suryani
            Kartini Murni Winarsih Setyowati Puji Ambarwati Widayati Indah Ayu Sumarni Partini
            Wahyuni Rahayu Tuminah Sukinah Mujiati Siti_Aminah Sri_Rahayu Tri_Wahyuni"""),
        family=_words("""Santoso Wibowo Prasetyo Nugroho Saputra Susanto Hidayat Kurniawan Setiawan
            Wijaya Purnomo Suryono Hartono Utomo Pratama Rahayu Lestari Wulandari Handayani
            Kusumawati Anggraini Pertiwi Puspitasari Maharani Safitri Ningsih Ningrum Astuti
            Susanti Wahyudi Sulistyo Raharjo Hermawan Firmansyah Kuncoro Sasongko Widiastuti"""),
        two_part=0.6,
    ),
    "banjar": Flavour(
        male=_words("""Muhammad Ahmad Abdul Rahmadi Syahrani Norhadi Fahrul Jumberi Masrani Asmuni
            Husin Syamsudin Samsudin Anang Utuh Ijai Rusdi Arbain Jailani Mahyuni Samsuri
            Basrani Taufik Sarbini Saberan Zainal Riduan Hamdani Ridwan Syahrul Norman Mursyid
            Fauzi Hairil Abdurrahman Salman Aspiannor Mukhlis Khairil Muhamad Noor Jumadi"""),
        female=_words("""Norhayati Noorjannah Norjanah Norma Mahrita Rusmini Jumiati Aluh Galuh
            Masniah Rabiatul Salasiah Nurul Rahmah Mariana Fatimah Saidah Halimah Mahrani
            Nor_Laila Aminah Zubaidah Raudah Masitah Nurhasanah Jamilah Siti_Aisyah Hayati
            Rusmilawati Syarifah Kamariah Noorhidayah Masrupah Rahimah Nor_Aida Siti_Jubaidah"""),
        family=_words("""Hidayatullah Rahman Rahim Ansyari Fitriani Noor Syarifuddin Basri Arsyad
            Fadillah Hasbullah Aini Maulidah Jannah Rahmadani Hairani Husaini Hamdan Gazali
            Akbar Rahmatullah Sofyan Ramadhani Nor_Ilmi Hayati Ariadi Mahmud Hasanah"""),
        male_titles=_words("Gusti Muhammad Ahmad"),
        female_titles=_words("Gusti Siti"),
        two_part=0.55,
    ),
    "bugis": Flavour(
        male=_words("""Ambo Baso Muhammad Hasanuddin Syamsul Muh._Arsyad Sulaiman Abdullah Haris
            Rusli Ismail Jamaluddin Amiruddin Nasrullah Tajuddin Muhammad_Yusuf Firman Irwan
            Asri Zulkifli Sudirman Bahar Rahmat Mansur Jufri Syahrir Kaharuddin Hasbi Muhtar
            Arifin Bachtiar Ilyas Nurdin Sainuddin Anwar Jusman Mustari Saharuddin Baharuddin"""),
        female=_words("""Hasnawati Nurhayati Nurhayaty Sitti Hasmiah Rosmini Nurlina Suriani
            Hamsiah Darmawati Jumriah Megawati Sunarti Hajrah Nurjannah Ratnawati Masniati
            Rahmawati Kasmawati Mardiana Irmawati Hasnah Salmawati Nurbaya Sitti_Aminah
            Haslinda Rosdiana Nursiah Andriani Kartika Hasriani Nurmala Sulfiani"""),
        family=_words("""Daeng_Matta Baso Tang Lolo Pawellangi Mappanganro Tenri Rahman Ramli
            Amir Salim Sulaiman Mustafa Saleh Syam Latif Hamzah Tahir Nur Bakri Mappiare
            Lamba Sompa Beddu Mallombasi Makkasau Pananrangi Hasyim Ruslan"""),
        male_titles=_words("Andi Andi La"),
        female_titles=_words("Andi Andi"),
        two_part=0.55,
    ),
    "melayu": Flavour(  # Kutai, Paser and Berau Malay
        male=_words("""Syahril Sainal Rusdiansyah Syahruddin Jubaidi Johansyah Herliansyah
            Rahmadansyah Ardiansyah Irwansyah Hendriansyah Fadliansyah Kasim Imran Saipul
            Arsyad Mansyur Idrus Sofyan Syaiful Rusdi Ramli Hamdan Awang_Faisal Jumransyah
            Marhaban Syarkawi Salehuddin Aspian Hairul Jaelani Mahmudin Effendi Rizal Safruddin"""),
        female=_words("""Mardiana Rusmiati Syamsiah Hairiah Aprianti Herlina Nurbaiti Rosita
            Marlina Masrah Rahmiati Hamsiah Saniah Jamrah Kamariah Norsiah Fitriyani Jumiati
            Rusnah Hadijah Maimunah Normala Siti_Rahmah Khairunnisa Juwita Marsiah Salmah"""),
        family=_words("""Ansyah Syahrani Syahruddin Hadiansyah Irawan Mansyur Rusdi Yusuf Idris
            Effendi Muis Saleh Aminuddin Jumadil Ramadhan Kurniansyah Saputra Maulana
            Hidayat Darmawansyah Syafrudin Nasution Anshari Fahmi Rifai"""),
        male_titles=_words("Aji Awang Aji"),
        female_titles=_words("Aji Dayang"),
        two_part=0.5,
    ),
    "dayak": Flavour(
        male=_words("""Yohanes Petrus Paulus Stefanus Yosef Markus Lukas Agustinus Fransiskus
            Antonius Lahang Ajang Ding Lung Ibau Hanyeq Lejau Jalung Bilung Lawing Hang Ngau
            Juk Unyang Yakobus Benediktus Kristian Simon Dominikus Ignasius Emanuel Hendrikus
            Yulius Matius Anyeq Usat Jiu Laing Merang Bo"""),
        female=_words("""Maria Yuliana Magdalena Theresia Veronika Agustina Fransiska Margaretha
            Elisabeth Katarina Lusia Monika Yasinta Ingan Lenjau Anyeq Uring Bulan Ping Ubung
            Lirung Bungan Hanya Asung Ibeq Yovita Natalia Kristina Martina Rosalina Bernadeta
            Imelda Dayang Ubang Lencau"""),
        family=_words("""Lahang Ajang Jalung Ding Lawing Bilung Ibau Hanyeq Ingan Lejau Anyeq Ngau
            Bit Uyang Laing Lencau Merang Hibau Jau Usat Luhat Tingang Beluluq Huvang Hurang
            Lerang Ngang Avun Jiu Ledung Ahang Bong Lii Ipui Hudoq Lenjau Taman Imang"""),
        two_part=0.8,
    ),
    "lain": Flavour(  # Batak, Toraja, Manado, Flores, Timor, Chinese-Indonesian
        male=_words("""Robert Daniel Jhonson Hendra Frans Samuel Ferdinand Albert Marthen
            Yosua Rudolf Hendrik Benyamin Obed Victor Gerson Andreas Steven Ronald Kevin Budiman
            Hendrawan Sutanto Lukman Jefri Ricky Alfons Melkianus"""),
        female=_words("""Ruth Debora Yohana Grace Merry Lidya Sarah Hana Febriyanti Ester Rosa
            Yuliani Meilani Sinta Susana Clara Helena Lenny Rina Mega Natalia Selvi Kristin
            Lilis Erna Agnes"""),
        family=_words("""Simanjuntak Siregar Sihombing Nainggolan Pardede Hutapea Situmorang
            Sitorus Manurung Tampubolon Sinaga Pasaribu Tandirerung Pasanda Sampe Rante Palinggi
            Tangdililing Wenas Lumentut Mandagi Rumengan Pandie Fanggidae Tanaem Lamanepa
            Da_Costa Laoli Zebua Halim Tanoto Gunadi"""),
        two_part=0.95,
    ),
}

BIRTH_PLACES_AWAY = {
    "jawa": _words(
        "Surabaya Malang Kediri Banyuwangi Semarang Surakarta Yogyakarta Madiun "
        "Jember Tulungagung Blitar Ponorogo Ngawi Lamongan"
    ),
    "banjar": _words("Banjarmasin Martapura Amuntai Kandangan Barabai Rantau Tanjung Pelaihari"),
    "bugis": _words("Makassar Bone Wajo Sidrap Parepare Soppeng Pinrang Sinjai Bulukumba Palopo"),
    "melayu": _words("Tenggarong Muara_Kaman Kota_Bangun Muara_Muntai Tanjung_Redeb Long_Ikis"),
    "dayak": _words(
        "Long_Bagun Melak Barong_Tongkok Long_Iram Data_Dawai Long_Pahangai "
        "Muara_Wahau Long_Apari Tering Damai"
    ),
    "lain": _words("Medan Pematangsiantar Rantepao Makale Manado Kupang Ende Maumere Ambon"),
}

STREETS = _words("""Jend._Sudirman Ahmad_Yani Diponegoro Gatot_Subroto P._Antasari Pahlawan
    Juanda Kusuma_Bangsa Cendana Flamboyan Merdeka Pramuka Siradj_Salman M.T._Haryono
    Slamet_Riyadi Ruhui_Rahayu Soekarno-Hatta Mulawarman Awang_Long Letjen_Suprapto Imam_Bonjol
    Hasanuddin Pangeran_Suryanata Kadrie_Oening Wahid_Hasyim Bhayangkara Sultan_Alimuddin
    Pesut Lembuswana Mahakam Manggis Rambutan Durian Kenanga Anggrek Teratai Poros_Desa""")

STREET_SPOTS = {
    "64.72": _words("""Simpang_Lembuswana Lampu_merah_Air_Hitam Pasar_Segiri Terminal_Sungai_Kunjang
        Simpang_Empat_Sempaja Jl._Pahlawan Tepian_Mahakam Pasar_Pagi Simpang_Mal_Lembuswana
        Taman_Samarendah Jembatan_Mahkota_II Pasar_Merdeka"""),
    "64.71": _words("""Simpang_Muara_Rapak Lampu_merah_Gunung_Malang Pasar_Pandansari
        Terminal_Batu_Ampar Lapangan_Merdeka Simpang_Plaza_Balikpapan Pasar_Klandasan
        Bundaran_Tugu_Adipura Jl._Jend._Sudirman Pantai_Manggar"""),
}
LOKALISASI = {
    "64.72": ("Bayur (Samarinda Utara)", "Solong", "Loa Hui"),
    "64.71": ("Km 17 Karang Joang (Lembah Harapan Baru)", "Manggar Sari"),
    "64.02": ("Kitadin", "Km 10 Loa Janan"),
}
HOME_REGIONS = (
    "Jawa Timur",
    "Jawa Tengah",
    "Jawa Barat",
    "Sulawesi Selatan",
    "Kalimantan Selatan",
    "Nusa Tenggara Barat",
    "Sulawesi Tengah",
)


# --- Categories: how common, who, and what happens to them -----------------------------------


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


# --- Small fast helpers ----------------------------------------------------------------------


class Weighted:
    """Picks from weighted items with one random number and a bisection."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs):
        pairs = [(item, weight) for item, weight in pairs if weight > 0]
        self.items = [item for item, _ in pairs]
        self.cum, total = [], 0.0
        for _, weight in pairs:
            total += weight
            self.cum.append(total)
        self.total = total

    def pick(self, rnd):
        return self.items[min(bisect(self.cum, rnd() * self.total), len(self.items) - 1)]


def _digits_of(code: str) -> str:
    return code.replace(".", "")


@dataclass
class Place:
    regency: str
    district: str
    village: str
    district_name: str


@dataclass
class Catalogue:
    """What the generator needs from the database: places, categories, the staff who record."""

    places: dict[str, Weighted]  # regency code -> weighted villages
    regency_names: dict[str, str]
    categories: dict[str, int]  # code -> id
    staff: dict[str, int]  # regency code -> id of a demo staff user

    @classmethod
    def load(cls, rng: random.Random) -> "Catalogue":
        regions = {r.code: r for r in Region.objects.filter(code__startswith="64.")}
        regency_names = {code: regions[code].name for code in REGENCIES if code in regions}
        missing = set(REGENCIES) - set(regency_names)
        if missing:
            raise ImproperlyConfigured(
                "Kaltim's regions are not loaded (missing %s): run load_regions first."
                % ", ".join(sorted(missing))
            )
        villages: dict[str, list] = {code: [] for code in REGENCIES}
        for region in sorted(regions.values(), key=lambda r: r.code):
            if region.level != Level.VILLAGE or not region.is_active:
                continue
            district = regions.get(region.parent_id)
            regency = region.regency_code
            if district is None or regency not in villages:
                continue
            # Urban kelurahan (x.1xxx) are denser than rural desa (x.2xxx); each village also
            # gets its own size so that some are busier than others.
            weight = 3.0 if region.code.rsplit(".", 1)[1].startswith("1") else 1.0
            weight *= rng.lognormvariate(0, 0.6)
            villages[regency].append(
                (Place(regency, district.code, region.code, district.name), weight)
            )
        categories = dict(Category.objects.values_list("code", "id"))
        absent = set(CATEGORIES) - set(categories)
        if absent:
            raise ImproperlyConfigured("PMKS categories missing: %s" % ", ".join(sorted(absent)))
        # Cases of a regency with a demo staff member are recorded by them; others by nobody
        # in particular (as if imported before the portal).
        staff_names = [user.username for user in DEMO_USERS if user.role == Role.REGENCY_STAFF]
        staff = {
            regency: user_id
            for user_id, regency in User.objects.filter(
                username__in=staff_names, regency__isnull=False
            ).values_list("id", "regency_id")
        }
        return cls(
            places={code: Weighted(rows) for code, rows in villages.items() if rows},
            regency_names=regency_names,
            categories=categories,
            staff=staff,
        )


# --- The generator ---------------------------------------------------------------------------


@dataclass
class Batch:
    """Rows of one batch as plain values; references between them are list positions."""

    persons: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)  # "_person": index into persons
    transitions: list[dict] = field(default_factory=list)  # "_case": index into cases
    interventions: list[dict] = field(default_factory=list)
    pasung: list[dict] = field(default_factory=list)
    pasung_events: list[dict] = field(default_factory=list)  # "_detail": index into pasung
    street_children: list[dict] = field(default_factory=list)
    sex_work: list[dict] = field(default_factory=list)


class Generator:
    def __init__(
        self,
        catalogue: Catalogue,
        *,
        seed,
        today: date | None = None,
        used_niks: set[int] | None = None,
        showcase: bool = False,
    ):
        """`showcase` makes the rare target cases (street children, tuna susila, pasung) common
        enough to be seen in a small demo set; benchmarks keep the realistic shares."""
        boost = SHOWCASE_BOOST if showcase else 1
        self.pasung_share = PASUNG_SHARE_OF_PD * boost
        self.rng = random.Random(seed)
        self.rnd = self.rng.random
        self.catalogue = catalogue
        self.today = today or timezone.localdate()
        self.tz = timezone.get_current_timezone()
        self.used_niks = used_niks if used_niks is not None else set()
        self.regencies = Weighted(
            (code, profile.population)
            for code, profile in REGENCIES.items()
            if code in catalogue.places
        )
        self.flavours = {
            code: Weighted(profile.flavours.items()) for code, profile in REGENCIES.items()
        }
        self.categories_by_regency = {}
        for code, profile in REGENCIES.items():
            weights = []
            for category, cat in CATEGORIES.items():
                weight = cat.weight
                if category == "AJ":
                    weight = STREET_CHILD_CITIES.get(code, 0.3) * boost
                elif category in ("GLD", "PGM", "PML") and profile.city:
                    weight *= 2
                elif category == "KAT":
                    weight *= 0 if profile.city else (3 if code in ("64.07", "64.11") else 1)
                elif category == "TS":
                    weight *= (2 if (profile.city or code == "64.02") else 0.3) * boost
                weights.append((category, weight))
            self.categories_by_regency[code] = Weighted(weights)
        self.next_status = {
            status: (Weighted(moves), mean) for status, (moves, mean) in NEXT.items()
        }
        self.close_reasons = Weighted(CLOSE_REASONS)
        self.sources = Weighted(SOURCES)
        self.street_sources = Weighted(STREET_SOURCES)
        self.guardians = Weighted(((rel, sex), w) for rel, sex, w in GUARDIANS)
        self.days_back = (self.today - date(self.today.year - YEARS_BACK, self.today.month, 1)).days

    # Names and people

    def name(self, flavour_code: str, sex: str) -> str:
        rnd, flavour = self.rnd, FLAVOURS[flavour_code]
        given = flavour.female if sex == "P" else flavour.male
        titles = flavour.female_titles if sex == "P" else flavour.male_titles
        parts = [given[int(rnd() * len(given))]]
        if titles and rnd() < 0.12:
            parts.insert(0, titles[int(rnd() * len(titles))])
        if rnd() < flavour.two_part:
            second = flavour.family if rnd() < 0.75 else given
            word = second[int(rnd() * len(second))]
            if word not in parts[-1]:
                parts.append(word)
        return " ".join(parts)

    def nik(self, place: Place, birth: date, sex: str) -> str:
        day = birth.day + (40 if sex == "P" else 0)
        prefix = int(f"{_digits_of(place.district)}{day:02d}{birth:%m%y}")
        # Serials start at 0001; busier dates and places run further.
        serial = 1 + int(self.rnd() ** 3 * 40)
        number = prefix * 10_000 + serial
        while number in self.used_niks:
            serial += 1
            if serial > 9999:  # every serial of this date and place is taken: another day
                return self.nik(place, birth + timedelta(days=1), sex)
            number = prefix * 10_000 + serial
        self.used_niks.add(number)
        return f"{number:016d}"

    def kk(self, place: Place, found: date) -> str:
        issued = found - timedelta(days=int(self.rnd() * 6000) + 30)
        serial = 1 + int(self.rnd() * 400)
        return f"{_digits_of(place.district)}{issued:%d%m%y}{serial:04d}"

    def phone(self) -> str:
        prefix = ("0811", "0812", "0813", "0821", "0822", "0852", "0853", "0857", "0878", "0896")[
            int(self.rnd() * 10)
        ]
        return f"{prefix}{int(self.rnd() * 10**8):08d}"

    def at(self, day: date) -> datetime:
        """A working-hours moment of that day."""
        minutes = 8 * 60 + int(self.rnd() * 8 * 60)
        return datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=self.tz)

    def person(self, place: Place, category: str, found: date, *, homeless: bool) -> dict:
        rnd, profile = self.rnd, CATEGORIES[category]
        flavour = self.flavours[place.regency].pick(rnd)
        sex = "P" if rnd() < profile.female else "L"
        low, high = profile.ages
        age = low + int(rnd() * (high - low + 1))
        birth = found - timedelta(days=age * 365 + int(rnd() * 365))
        has_nik = rnd() >= profile.no_nik
        row = {
            "name": self.name(flavour, sex),
            "sex": sex,
            "regency_id": place.regency,
            "village_id": place.village,
        }
        if has_nik:
            row["nik"] = self.nik(place, birth, sex)
            row["birth_date"] = birth
            if rnd() < 0.8:
                row["kk_number"] = self.kk(place, found)
        else:
            shape = rnd()
            if shape < 0.6:  # age told or guessed: the middle of the year of birth
                # (the 1st of January for a baby found before July: never after being found)
                estimate = date(found.year - age, 7, 1)
                row["birth_date"] = estimate if estimate <= found else date(found.year, 1, 1)
                row["birth_date_is_estimate"] = True
            elif shape < 0.85:
                row["birth_date"] = birth
        if has_nik or rnd() < 0.4:
            if rnd() < 0.65:
                row["birth_place"] = REGENCIES[place.regency].capital
            else:
                away = BIRTH_PLACES_AWAY[flavour]
                row["birth_place"] = away[int(rnd() * len(away))]
        if homeless:
            row["address"] = "" if rnd() < 0.5 else f"Tidak tetap, sekitar {place.district_name}"
        else:
            street = STREETS[int(rnd() * len(STREETS))]
            row["address"] = (
                f"Jl. {street} No. {1 + int(rnd() * 150)}, RT {1 + int(rnd() * 40):03d}"
                if rnd() < 0.7
                else f"Gg. {street} RT {1 + int(rnd() * 40):03d}"
            )
        if rnd() < 0.35:
            row["phone"] = self.phone()
        if age < 18:
            relation, guardian_sex = self.guardians.pick(rnd)
            row["guardian_name"] = self.name(flavour, guardian_sex)
            row["guardian_relation"] = relation
            if rnd() < 0.5:
                row["guardian_phone"] = self.phone()
        if profile.disability:
            row["disability"] = profile.disability[int(rnd() * len(profile.disability))]
        return row

    # Cases and what happens to them

    def found_on(self) -> date:
        # Slightly more cases in recent months: outreach grew.
        return self.today - timedelta(days=int(self.days_back * self.rnd() ** 1.15))

    def lifecycle(self, found: date, category: str, programme: str):
        """(status, close_reason, relapses, [(from, to, date, relapse, reason)])."""
        rnd = self.rnd
        moves = [("", S.REGISTERED, found, False, "")]
        status, close_reason, relapses, day = S.REGISTERED, "", 0, found
        if rnd() < STALLED_SHARE:
            return status, close_reason, relapses, moves
        while status in self.next_status and len(moves) < 9:
            choices, mean = self.next_status[status]
            day = day + timedelta(days=1 + int(self.rng.expovariate(1 / mean)))
            if day > self.today:
                break
            target = choices.pick(rnd)
            if target is None:
                break
            relapse = status == S.RESOLVED
            reason = ""
            if target == S.CLOSED:
                close_reason = self.close_reasons.pick(rnd)
                texts = CLOSE_TEXT[close_reason]
                reason = texts[int(rnd() * len(texts))]
            elif target == S.REFERRED:
                reason = REFER_TEXT[int(rnd() * len(REFER_TEXT))]
            elif relapse:
                texts = (
                    RELAPSE_TEXT.get(programme)
                    or RELAPSE_TEXT.get(category)
                    or ("Masalah muncul kembali.",)
                )
                reason = texts[int(rnd() * len(texts))]
                relapses += 1
            moves.append((status, target, day, relapse, reason))
            status = target
        return status, close_reason, relapses, moves

    def case(
        self,
        batch: Batch,
        person_index: int,
        place: Place,
        category: str,
        found: date,
        pasung: bool,
    ):
        rnd = self.rnd
        programme = (
            Programme.PASUNG
            if pasung
            else {"AJ": Programme.STREET_CHILDREN, "TS": Programme.PROSTITUTION}.get(category, "")
        )
        status, close_reason, relapses, moves = self.lifecycle(found, category, programme)
        registered = min(found + timedelta(days=int(rnd() ** 2 * 14)), self.today)
        staff = self.catalogue.staff.get(place.regency)
        with_village = rnd() < 0.95
        created = self.at(registered)
        case_index = len(batch.cases)
        batch.cases.append(
            {
                "_person": person_index,
                "category_id": self.catalogue.categories[category],
                "programme": programme,
                "regency_id": place.regency,
                "district_id": place.district,
                "village_id": place.village if with_village else None,
                "found_on": found,
                "registered_on": registered,
                "source": (
                    self.street_sources
                    if category in ("AJ", "GLD", "PGM") or pasung
                    else self.sources
                ).pick(rnd),
                "status": status,
                "close_reason": close_reason,
                "status_changed_on": moves[-1][2],
                "relapse_count": relapses,
                "version": len(moves),
                "created_by_id": staff,
                "created_at": created,
                "updated_at": self.at(moves[-1][2]) if len(moves) > 1 else created,
            }
        )
        for before, after, day, relapse, reason in moves:
            batch.transitions.append(
                {
                    "_case": case_index,
                    "from_status": before,
                    "to_status": after,
                    "effective_on": day,
                    "is_relapse": relapse,
                    "reason": reason,
                    "by_id": staff,
                    "at": self.at(day) if before else created,
                }
            )
        handled = [day for _, after, day, _, _ in moves if after == S.IN_HANDLING]
        if handled:
            start, end = handled[0], self.today if status == S.IN_HANDLING else moves[-1][2]
            kinds = CATEGORIES[category].interventions
            if pasung:
                kinds = (IT.REFERRAL_HOSPITAL, IT.HEALTH_INSURANCE, IT.REUNIFICATION)
            count = 1 + (rnd() < 0.4) + (rnd() < 0.15)
            span = max((end - start).days, 0)
            for _ in range(count):
                kind = kinds[int(rnd() * len(kinds))]
                providers = PROVIDERS[kind]
                batch.interventions.append(
                    {
                        "_case": case_index,
                        "date": start + timedelta(days=int(rnd() * (span + 1))),
                        "type": kind,
                        "provider": providers[int(rnd() * len(providers))].format(
                            regency=self.catalogue.regency_names[place.regency],
                            capital=REGENCIES[place.regency].capital,
                            district=place.district_name,
                        ),
                        "outcome": OUTCOMES[int(rnd() * len(OUTCOMES))],
                        "created_by_id": staff,
                        "created_at": self.at(start),
                    }
                )
        if pasung:
            self.pasung_detail(batch, case_index, found, status, close_reason, moves, place)
        elif programme == Programme.STREET_CHILDREN:
            self.street_child(batch, case_index, place, status, relapses)
        elif programme == Programme.PROSTITUTION:
            self.sex_work(batch, case_index, place, status, moves)

    def pasung_detail(self, batch, case_index, found, status, close_reason, moves, place):
        rnd = self.rnd
        released = next((day for _, after, day, _, _ in moves if after == S.IN_HANDLING), None)
        resolved = next(
            (day for _, after, day, _, _ in reversed(moves) if after == S.RESOLVED), None
        )
        if status == S.CLOSED and close_reason == CloseReason.DIED:
            pasung_status = PasungStatus.DIED
        elif status == S.RESOLVED:
            pasung_status = PasungStatus.RELEASED
        elif status in (S.IN_HANDLING, S.REFERRED) and released:
            pasung_status = PasungStatus.IN_TREATMENT
        else:
            pasung_status = PasungStatus.RESTRAINED
        forms = RestraintForm.values
        row = {
            "_case": case_index,
            "pasung_status": pasung_status,
            "restraint_form": forms[int(rnd() * len(forms))],
            "restrained_since": found - timedelta(days=30 + int(rnd() * 3650)),
            "health_cover": (HealthCover.KIS, HealthCover.BPJS_PBI, HealthCover.NONE)[
                int(rnd() * 3)
            ],
        }
        if released:
            row.update(
                released_on=released,
                admitted_on=released + timedelta(days=1),
                release_team=f"Dinas Sosial, TKSK Kecamatan {place.district_name} dan Puskesmas",
                facility="RSJD Atma Husada Mahakam",
            )
        if resolved:
            row.update(discharged_on=resolved, returned_to_family_on=resolved)
        detail_index = len(batch.pasung)
        batch.pasung.append(row)
        if resolved:
            visit = resolved
            for _ in range(1 + int(rnd() * 3)):
                visit += timedelta(days=20 + int(rnd() * 60))
                if visit > self.today:
                    break
                batch.pasung_events.append(
                    {
                        "_detail": detail_index,
                        "kind": PasungEvent.Kind.FOLLOW_UP,
                        "date": visit,
                        "takes_medication": rnd() < 0.8,
                        "notes": "Kunjungan rumah.",
                    }
                )
        for _, _, day, relapse, _ in moves:
            if relapse:
                batch.pasung_events.append(
                    {
                        "_detail": detail_index,
                        "kind": PasungEvent.Kind.RESHACKLED,
                        "date": day,
                        "takes_medication": False,
                        "notes": "Dipasung kembali oleh keluarga.",
                    }
                )

    def street_child(self, batch, case_index, place, status, relapses):
        rnd = self.rnd
        spots = STREET_SPOTS.get(place.regency) or (f"Pasar {REGENCIES[place.regency].capital}",)
        if status == S.RESOLVED:
            handling = (
                StreetHandling.REUNIFIED,
                StreetHandling.BACK_TO_SCHOOL,
                StreetHandling.LKSA,
            )[int(rnd() * 3)]
        elif status in (S.IN_HANDLING, S.REFERRED):
            handling = StreetHandling.RUMAH_SINGGAH
        else:
            handling = StreetHandling.OUTREACH
        activities = StreetActivity.values
        batch.street_children.append(
            {
                "_case": case_index,
                "location_found": spots[int(rnd() * len(spots))],
                "activity": activities[int(rnd() * len(activities))],
                "hours_per_day": 3 + int(rnd() * 10),
                "school_status": SchoolStatus.values[int(rnd() * len(SchoolStatus.values))],
                "family_status": FamilyStatus.values[int(rnd() * len(FamilyStatus.values))],
                "handling": handling,
                "encounter_count": 1 + relapses + int(rnd() ** 3 * 5),
            }
        )

    def sex_work(self, batch, case_index, place, status, moves):
        rnd = self.rnd
        sites = LOKALISASI.get(place.regency, ())
        trainings = ("Tata boga", "Menjahit", "Tata rias", "Kerajinan tangan", "")
        row = {
            "_case": case_index,
            "former_lokalisasi": sites[int(rnd() * len(sites))] if sites and rnd() < 0.6 else "",
            "training": trainings[int(rnd() * len(trainings))],
            "home_region": HOME_REGIONS[int(rnd() * len(HOME_REGIONS))],
        }
        if status in (S.IN_HANDLING, S.RESOLVED, S.REFERRED):
            row["exit_programme"] = "Rehabilitasi di Panti Rehabilitasi Tuna Sosial"
            if rnd() < 0.6:
                row["uep_grant"] = Decimal("5000000.00")
        if status == S.RESOLVED and rnd() < 0.5:
            row["returned_home_on"] = moves[-1][2]
        batch.sex_work.append(row)

    def batch(self, n_cases: int) -> Batch:
        """About `n_cases` cases (exactly, unless a second case would overshoot: then fewer)."""
        rnd, batch = self.rnd, Batch()
        while len(batch.cases) < n_cases:
            regency = self.regencies.pick(rnd)
            place = self.catalogue.places[regency].pick(rnd)
            category = self.categories_by_regency[regency].pick(rnd)
            pasung = category == "PD" and rnd() < self.pasung_share
            homeless = category in ("AJ", "GLD", "PGM") and rnd() < 0.6
            found = self.found_on()
            person = self.person(place, category, found, homeless=homeless)
            if pasung:
                person["disability"] = ODGJ
            person_index = len(batch.persons)
            person["created_by_id"] = self.catalogue.staff.get(regency)
            person["created_at"] = person["updated_at"] = self.at(found)
            batch.persons.append(person)
            self.case(batch, person_index, place, category, found, pasung)
            if len(batch.cases) < n_cases and rnd() < SECOND_CASE_SHARE:
                self.second_case(batch, person_index, place, category, found)
        return batch

    def second_case(self, batch, person_index, place, first_category, first_found):
        rnd = self.rnd
        options = SECOND_CASE.get(first_category)
        if not options:
            return
        category = options[int(rnd() * len(options))]
        person = batch.persons[person_index]
        profile = CATEGORIES[category]
        birth = person.get("birth_date")
        found = first_found + timedelta(days=int(rnd() * max((self.today - first_found).days, 0)))
        age = (found - birth).days // 365 if birth else None
        if age is not None and not profile.ages[0] <= age <= profile.ages[1]:
            return
        if profile.female >= 1 and person["sex"] != "P":
            return
        if category == "AJ" and place.regency not in STREET_CHILD_CITIES:
            return
        self.case(batch, person_index, place, category, found, pasung=False)


# --- Writing ---------------------------------------------------------------------------------

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


class Writer:
    """Inserts rows of one model and returns the new ids (when asked for)."""

    def __init__(self):
        self.now = timezone.now()
        self._columns: dict[type[models.Model], list[tuple[str, str, object]]] = {}

    def columns(self, model):
        """(attname, column, default) of the concrete fields, the primary key first."""
        if model not in self._columns:
            columns = [(model._meta.pk.attname, model._meta.pk.column, None)]
            for model_field in model._meta.concrete_fields:
                if model_field.primary_key:
                    continue
                if getattr(model_field, "auto_now", False) or getattr(
                    model_field, "auto_now_add", False
                ):
                    default = self.now
                else:
                    default = model_field.get_default()
                columns.append((model_field.attname, model_field.column, default))
            self._columns[model] = columns
        return self._columns[model]

    def insert(self, model, rows: list[dict], *, ids: bool) -> list[int]:
        raise NotImplementedError

    def flush(self) -> None:
        """Writes what `insert` left pending, in the current thread's connection."""


class OrmWriter(Writer):
    """bulk_create, for SQLite and any other database."""

    def insert(self, model, rows, *, ids):
        if not rows:
            return []
        objects = model.objects.bulk_create(
            [model(**row) for row in rows], batch_size=BATCH_SIZE if ids else 1000
        )
        return [obj.pk for obj in objects] if ids else []


class CopyWriter(Writer):
    """COPY FROM STDIN on PostgreSQL: about ten times faster than INSERT for many rows.

    `insert` takes the ids from the sequences at once and prepares the COPY text; `flush` sends
    it, possibly from another thread (see _write_alongside).
    """

    def __init__(self):
        super().__init__()
        self._sequences: dict[str, str] = {}
        self.pending: list[tuple[str, str]] = []

    def allocate(self, cursor, table: str, count: int) -> list[int]:
        if table not in self._sequences:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            self._sequences[table] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT nextval(%s) FROM generate_series(1, %s)", [self._sequences[table], count]
        )
        return [row[0] for row in cursor.fetchall()]

    def insert(self, model, rows, *, ids):
        if not rows:
            return []
        table = model._meta.db_table
        columns = self.columns(model)
        buffer = io.StringIO()
        write = buffer.write
        if ids:
            with connection.cursor() as cursor:
                new_ids = self.allocate(cursor, table, len(rows))
            for pk, row in zip(new_ids, rows, strict=True):
                get = row.get
                write(str(pk))
                for attname, _column, default in columns[1:]:
                    write("\t")
                    write(_copy_text(get(attname, default)))
                write("\n")
        else:
            new_ids = []
            columns = columns[1:]  # the identity column fills itself
            for row in rows:
                get = row.get
                write(
                    "\t".join(
                        _copy_text(get(attname, default)) for attname, _column, default in columns
                    )
                )
                write("\n")
        names = ", ".join(connection.ops.quote_name(column) for _, column, _ in columns)
        self.pending.append(
            (f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN", buffer.getvalue())
        )
        return new_ids

    def take(self) -> list[tuple[str, str]]:
        pending, self.pending = self.pending, []
        return pending

    def flush(self, statements: list[tuple[str, str]] | None = None) -> None:
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for sql, text in self.take() if statements is None else statements:
                if hasattr(raw, "copy_expert"):  # psycopg2
                    raw.copy_expert(sql, io.StringIO(text))
                else:  # psycopg 3
                    with raw.copy(sql) as copy:
                        copy.write(text)


def _resolve(rows: list[dict], key: str, target: str, ids: list[int]) -> list[dict]:
    for row in rows:
        row[target] = ids[row.pop(key)]
    return rows


@dataclass
class SeedResult:
    cases: int = 0
    persons: int = 0
    transitions: int = 0
    interventions: int = 0
    pasung: int = 0
    street_children: int = 0
    sex_work: int = 0
    without_nik: int = 0
    seconds: float = 0.0

    def add(self, other: "SeedResult") -> None:
        for counter in fields(self):
            if counter.name != "seconds":
                setattr(
                    self, counter.name, getattr(self, counter.name) + getattr(other, counter.name)
                )

    @property
    def rows_per_second(self) -> float:
        return self.cases / self.seconds if self.seconds else 0.0


def write_batch(writer: Writer, batch: Batch) -> SeedResult:
    """Inserts a batch (COPY: prepares it, for `flush`); returns what it holds."""
    person_ids = writer.insert(Person, batch.persons, ids=True)
    case_ids = writer.insert(
        Case, _resolve(batch.cases, "_person", "person_id", person_ids), ids=True
    )
    writer.insert(
        CaseTransition, _resolve(batch.transitions, "_case", "case_id", case_ids), ids=False
    )
    writer.insert(
        Intervention, _resolve(batch.interventions, "_case", "case_id", case_ids), ids=False
    )
    detail_ids = writer.insert(
        PasungDetail, _resolve(batch.pasung, "_case", "case_id", case_ids), ids=True
    )
    writer.insert(
        PasungEvent, _resolve(batch.pasung_events, "_detail", "detail_id", detail_ids), ids=False
    )
    writer.insert(
        StreetChildDetail, _resolve(batch.street_children, "_case", "case_id", case_ids), ids=False
    )
    writer.insert(SexWorkDetail, _resolve(batch.sex_work, "_case", "case_id", case_ids), ids=False)
    return SeedResult(
        cases=len(batch.cases),
        persons=len(batch.persons),
        transitions=len(batch.transitions),
        interventions=len(batch.interventions),
        pasung=len(batch.pasung),
        street_children=len(batch.street_children),
        sex_work=len(batch.sex_work),
        without_nik=sum(1 for person in batch.persons if not person.get("nik")),
    )


def seeded_before() -> int:
    """How many synthetic cases earlier runs added (their audit events say so)."""
    events = AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, target_type=Case._meta.label_lower, reason=SEED_REASON
    )
    return sum(event.changes.get("demo_seed", {}).get("cases", 0) for event in events)


def existing_niks() -> set[int]:
    return {
        int(nik)
        for nik in Person.objects.filter(nik__isnull=False)
        .values_list("nik", flat=True)
        .iterator(chunk_size=50_000)
    }


@contextmanager
def _batch_transaction():
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Demo data: losing the last batches in a crash is fine, waiting is not.
                cursor.execute("SET LOCAL synchronous_commit TO off")
        yield


def _write_in_turn(writer: Writer, batches, result: SeedResult, written) -> None:
    for batch in batches:
        with _batch_transaction():
            counts = write_batch(writer, batch)
            writer.flush()
        result.add(counts)
        written()


def _write_alongside(batches, result: SeedResult, written) -> None:
    """This thread builds each batch and its COPY text; a second thread, with its own
    connection, sends it while the next is built: PostgreSQL and Python each use a core."""
    writer = CopyWriter()
    queue: Queue = Queue(maxsize=2)
    failures: list[BaseException] = []

    def send_all():
        try:
            while (item := queue.get()) is not None:
                statements, counts = item
                if not failures:
                    with _batch_transaction():
                        writer.flush(statements)
                    result.add(counts)
                    written()
        except BaseException as failure:  # handed to the main thread, which raises it
            failures.append(failure)
            while queue.get() is not None:  # let the main thread finish its put()s
                pass
        finally:
            connection.close()

    thread = Thread(target=send_all, name="seed-writer")
    thread.start()
    try:
        for batch in batches:
            if failures:
                break
            counts = write_batch(writer, batch)
            queue.put((writer.take(), counts))
    finally:
        queue.put(None)
        thread.join()
    if failures:
        raise failures[0]


def seed_cases(
    n_cases: int,
    *,
    seed=DEFAULT_SEED,
    batch_size: int = BATCH_SIZE,
    progress=None,
    showcase: bool = False,
) -> SeedResult:
    """Adds `n_cases` synthetic cases (and their persons and history). Demo mode only.

    Each batch is its own transaction, so an interrupted run leaves whole batches. `progress`,
    when given, is called with the result so far after each batch. On PostgreSQL, outside a
    transaction, batches are written by a second thread while the next one is built.
    """
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("Synthetic cases exist only in demo mode (PMKS_DEMO=1).")
    started = time.perf_counter()
    existing_cases = Case.objects.count()
    # Another run on the same database continues with other people, still deterministically.
    rng_seed = f"{seed}:{existing_cases}"
    catalogue = Catalogue.load(random.Random(f"{seed}:places"))
    generator = Generator(catalogue, seed=rng_seed, used_niks=existing_niks(), showcase=showcase)
    batches = (
        generator.batch(min(batch_size, n_cases - done)) for done in range(0, n_cases, batch_size)
    )
    result = SeedResult()

    def written():
        result.seconds = time.perf_counter() - started
        if progress:
            progress(result)

    if connection.vendor != "postgresql":
        _write_in_turn(OrmWriter(), batches, result, written)
    elif connection.in_atomic_block:  # another thread would not see this transaction's rows
        _write_in_turn(CopyWriter(), batches, result, written)
    else:
        _write_alongside(batches, result, written)
    result.seconds = time.perf_counter() - started
    AuditEvent.objects.create(
        action=AuditEvent.Action.CREATE,
        target_type=Case._meta.label_lower,
        target_id="*",
        reason=SEED_REASON,
        changes={
            "demo_seed": {
                "seed": str(seed),
                "cases": result.cases,
                "persons": result.persons,
                "transitions": result.transitions,
                "interventions": result.interventions,
                "seconds": round(result.seconds, 1),
            }
        },
    )
    return result
