"""Demo data: the 2024 Rakornis hosted by Kutai Timur (DOMAIN.md §8), for demo mode only.

About 140 participants from the ten regencies and cities, the provincial office and partners,
their attendance over the three days, the agenda, and five recommendations whose follow-ups are
in every state (some done, some in progress, some overdue and not started). Names are made up.

Idempotent (a second call finds the meeting and adds nothing) and fast (bulk inserts, well under
a second on SQLite).
"""

import random
from dataclasses import dataclass
from datetime import date, time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from rakornis.models import (
    AgendaSession,
    Attendance,
    AttendanceSource,
    FollowUp,
    FollowUpStatus,
    FollowUpUpdate,
    Indicator,
    InstitutionType,
    Meeting,
    MeetingStatus,
    MeetingType,
    Participant,
    ParticipantRole,
    Recommendation,
)
from regions.models import Region

TITLE = "Rapat Koordinasi dan Sinkronisasi Teknis Bidang Kesejahteraan Sosial se-Kalimantan Timur"
YEAR = 2024
KUTAI_TIMUR = "64.08"
DAYS = [date(2024, 5, 15), date(2024, 5, 16), date(2024, 5, 17)]

FIRST_NAMES = [
    "Ahmad",
    "Budi",
    "Citra",
    "Dewi",
    "Eko",
    "Fitri",
    "Gusti",
    "Hendra",
    "Indah",
    "Joko",
    "Kartika",
    "Lestari",
    "Muhammad",
    "Nur",
    "Putri",
    "Rahmat",
    "Siti",
    "Taufik",
    "Utami",
    "Wahyu",
    "Yusuf",
    "Zainal",
    "Agus",
    "Rina",
    "Andi",
    "Sri",
    "Bambang",
    "Nurul",
    "Dedi",
    "Maya",
    "Rizal",
    "Yuliana",
    "Hadi",
    "Fajar",
    "Aisyah",
    "Irwan",
    "Ratna",
    "Syahrul",
    "Wulan",
    "Arief",
]
LAST_NAMES = [
    "Saputra",
    "Wijaya",
    "Rahman",
    "Hidayat",
    "Lestari",
    "Pratama",
    "Kusuma",
    "Santoso",
    "Nugroho",
    "Siregar",
    "Hasibuan",
    "Gunawan",
    "Setiawan",
    "Purnomo",
    "Syahrani",
    "Maulana",
    "Ramadhan",
    "Fauzi",
    "Anwar",
    "Hakim",
    "Kurniawan",
    "Handayani",
    "Permata",
    "Rosita",
    "Sulastri",
    "Daeng",
    "Aji",
    "Baharuddin",
    "Effendi",
    "Tambunan",
]
POSITIONS = [
    "Kepala Dinas",
    "Sekretaris",
    "Kepala Bidang Rehabilitasi Sosial",
    "Kepala Bidang Perlindungan dan Jaminan Sosial",
    "Kepala Bidang Pemberdayaan Sosial",
    "Kepala Seksi Rehabilitasi Anak",
    "Kepala Seksi Data dan Informasi",
    "Pekerja Sosial",
    "Pendamping PKH",
    "TKSK",
    "Operator SIKS-NG",
    "Staf Bidang Rehabilitasi Sosial",
]

SESSIONS = [
    (0, time(8, 30), time(9, 30), "Pembukaan", "Staf Ahli Gubernur Kalimantan Timur", ""),
    (
        0,
        time(9, 45),
        time(11, 30),
        "Kebijakan penanganan PMKS menyongsong Ibu Kota Nusantara",
        "Kepala Dinas Sosial Provinsi Kalimantan Timur",
        "Dinas Sosial Provinsi Kalimantan Timur",
    ),
    (
        0,
        time(13, 0),
        time(15, 0),
        "Sinkronisasi program pusat, provinsi dan kabupaten/kota",
        "Direktorat Jenderal Rehabilitasi Sosial",
        "Kementerian Sosial RI",
    ),
    (
        1,
        time(8, 30),
        time(12, 0),
        "Diskusi kelompok: pasung, anak jalanan, eks lokalisasi, KUBE, data",
        "Moderator per kelompok",
        "Dinas Sosial Provinsi Kalimantan Timur",
    ),
    (
        1,
        time(13, 0),
        time(16, 0),
        "Pemaparan hasil kelompok dan perumusan rekomendasi",
        "Tim perumus",
        "",
    ),
    (2, time(8, 30), time(10, 30), "Pembacaan dan penetapan rumusan", "Ketua tim perumus", ""),
    (2, time(10, 30), time(11, 0), "Penutupan", "Sekretaris Dinas Sosial Provinsi", ""),
]


@dataclass(frozen=True)
class DemoRecommendation:
    text: str
    category: str
    due_on: date
    regencies: tuple[str, ...]
    provincial_unit: str = ""
    indicator: str = ""
    indicator_programme: str = ""


ALL_REGENCIES = (
    "64.01",
    "64.02",
    "64.03",
    "64.07",
    "64.08",
    "64.09",
    "64.11",
    "64.71",
    "64.72",
    "64.74",
)

RECOMMENDATIONS = [
    DemoRecommendation(
        "Setiap kabupaten/kota mempercepat pembebasan korban pasung yang telah terdata, bekerja "
        "sama dengan dinas kesehatan dan puskesmas, menuju Kaltim Bebas Pasung.",
        "pasung",
        date(2024, 12, 31),
        ALL_REGENCIES,
        indicator=Indicator.RESOLVED,
        indicator_programme="pasung",
    ),
    DemoRecommendation(
        "Kota-kota melakukan pendataan ulang dan penjangkauan terpadu anak jalanan di simpang "
        "jalan utama, dengan rujukan ke rumah singgah dan sekolah.",
        "street_children",
        date(2024, 9, 30),
        ("64.71", "64.72", "64.74"),
        indicator=Indicator.NEW_CASES,
        indicator_programme="street_children",
    ),
    DemoRecommendation(
        "Data PMKS dan DTKS dimutakhirkan setiap bulan melalui SIKS-NG dan dilaporkan ke provinsi.",
        "data",
        date(2024, 8, 31),
        ALL_REGENCIES,
        provincial_unit="Bidang Perlindungan dan Jaminan Sosial",
    ),
    DemoRecommendation(
        "Penguatan KUBE di wilayah penyangga IKN melalui kemitraan dengan Forum CSR Kaltim.",
        "kube",
        date(2025, 3, 31),
        ("64.02", "64.08", "64.09"),
        provincial_unit="Bidang Pemberdayaan Sosial",
    ),
    DemoRecommendation(
        "Penanganan warga eks lokalisasi: pelatihan keterampilan dan bantuan usaha ekonomis "
        "produktif (UEP), serta pemulangan ke daerah asal.",
        "prostitution",
        date(2025, 6, 30),
        ("64.02", "64.72"),
        indicator=Indicator.RESOLVED,
        indicator_programme="prostitution",
    ),
]

# (recommendation number, regency or None, status, date of the update, what was done)
PROGRESS = [
    (
        1,
        "64.72",
        "done",
        date(2024, 11, 20),
        "Tujuh korban pasung dibebaskan dan dirawat di RSJD Atma Husada.",
    ),
    (
        1,
        "64.71",
        "in_progress",
        date(2024, 10, 2),
        "Tiga dari lima korban pasung sudah dibebaskan.",
    ),
    (
        1,
        "64.03",
        "in_progress",
        date(2024, 8, 14),
        "Tim reaksi cepat dibentuk; asesmen di dua kecamatan.",
    ),
    (
        1,
        "64.08",
        "done",
        date(2024, 12, 10),
        "Empat korban pasung dibebaskan bersama Puskesmas Sangatta.",
    ),
    (
        2,
        "64.72",
        "done",
        date(2024, 9, 25),
        "Penjangkauan di 12 simpang; 31 anak didata, 9 kembali ke sekolah.",
    ),
    (
        2,
        "64.71",
        "in_progress",
        date(2024, 9, 1),
        "Pendataan di Pasar Klandasan dan terminal Batu Ampar.",
    ),
    (3, "64.72", "done", date(2024, 8, 30), "Pemutakhiran bulanan SIKS-NG berjalan sejak Juni."),
    (3, "64.71", "done", date(2024, 8, 28), "Operator SIKS-NG ditambah di tiap kelurahan."),
    (3, "64.02", "in_progress", date(2024, 7, 15), "Pelatihan operator desa dijadwalkan."),
    (3, None, "done", date(2024, 9, 5), "Rekap bulanan kabupaten/kota diterima dan diperiksa."),
    (
        4,
        None,
        "in_progress",
        date(2025, 1, 20),
        "Dua perusahaan anggota Forum CSR bersedia menjadi mitra.",
    ),
    (
        5,
        "64.72",
        "cancelled",
        date(2025, 2, 3),
        "Dialihkan ke program Kementerian Sosial tahun 2025.",
    ),
]


def _names(rng: random.Random, count: int) -> list[str]:
    names = set()
    while len(names) < count:
        names.add(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}")
    return sorted(names, key=lambda _name: rng.random())


def _participants(meeting: Meeting, regencies: dict[str, Region], rng: random.Random) -> list:
    people = []
    for code, region in regencies.items():
        for position in POSITIONS[: 11 + (code in ("64.72", "64.71", "64.08"))]:
            people.append(
                Participant(
                    meeting=meeting,
                    position=position,
                    institution=f"Dinas Sosial {region.name}",
                    institution_type=InstitutionType.REGENCY_DINSOS,
                    regency=region,
                )
            )
    partners = [
        ("Dinas Sosial Provinsi Kalimantan Timur", InstitutionType.PROVINCIAL_OFFICE, 14),
        ("Kementerian Sosial RI", InstitutionType.GOVERNMENT, 2),
        ("Bappeda Provinsi Kalimantan Timur", InstitutionType.GOVERNMENT, 1),
        ("Forum CSR Kalimantan Timur", InstitutionType.CSR_FORUM, 3),
        ("Universitas Mulawarman", InstitutionType.UNIVERSITY, 2),
        ("LKS Panti Asuhan Kasih Bunda", InstitutionType.LKS, 2),
        ("Yayasan Peduli Jiwa Kaltim", InstitutionType.LKS, 1),
    ]
    for institution, kind, count in partners:
        for number in range(count):
            people.append(
                Participant(
                    meeting=meeting,
                    position="Staf" if number else "Pimpinan",
                    institution=institution,
                    institution_type=kind,
                    regency=None,
                )
            )
    for person, name in zip(people, _names(rng, len(people)), strict=True):
        person.name = name
        person.dedupe_key = Participant.key_for(person.name, person.institution)
        person.invited = rng.random() > 0.03
        if person.institution_type == InstitutionType.PROVINCIAL_OFFICE:
            person.role = ParticipantRole.COMMITTEE
    people[-9].role = ParticipantRole.SPEAKER  # from the ministry
    return people


def _staff_of(regency_code: str | None):
    users = User.objects.filter(is_active=True)
    if regency_code:
        return users.filter(role=Role.REGENCY_STAFF, regency_id=regency_code).first()
    return users.filter(role=Role.PROVINCIAL_OFFICER).first()


@transaction.atomic
def ensure_demo_meeting() -> tuple[Meeting, bool]:
    """The 2024 Rakornis with its participants, agenda and recommendations; (meeting, created)."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("Demo data exists only in demo mode (PMKS_DEMO=1).")
    existing = Meeting.objects.filter(title=TITLE, year=YEAR).first()
    if existing:
        return existing, False
    rng = random.Random(YEAR)
    regencies = {r.code: r for r in Region.objects.filter(code__in=ALL_REGENCIES)}
    officer = _staff_of(None)
    meeting = Meeting.objects.create(
        type=MeetingType.RAKORNIS,
        title=TITLE,
        theme=(
            "Sinergi penanganan PMKS antara pusat, provinsi dan kabupaten/kota dalam "
            "mengantisipasi dampak sosial pembangunan Ibu Kota Nusantara"
        ),
        year=YEAR,
        host_regency=regencies[KUTAI_TIMUR],
        venue="Ruang Meranti, Kantor Bupati Kutai Timur, Sangatta",
        starts_on=DAYS[0],
        ends_on=DAYS[-1],
        organiser="Dinas Sosial Provinsi Kalimantan Timur",
        opened_by="Staf Ahli Gubernur Kalimantan Timur",
        status=MeetingStatus.HELD,
        created_by=officer,
    )
    AgendaSession.objects.bulk_create(
        AgendaSession(
            meeting=meeting,
            day=DAYS[day],
            starts_at=start,
            ends_at=end,
            title=title,
            speaker=speaker,
            speaker_institution=institution,
        )
        for day, start, end, title, speaker, institution in SESSIONS
    )
    people = Participant.objects.bulk_create(_participants(meeting, regencies, rng))
    attendance = []
    for person in people:
        for index, day in enumerate(DAYS):
            if rng.random() < (0.97, 0.93, 0.85)[index] and (person.invited or index > 0):
                attendance.append(
                    Attendance(
                        participant=person, day=day, source=AttendanceSource.LIST, marked_by=officer
                    )
                )
    Attendance.objects.bulk_create(attendance)
    follow_ups = {}
    for number, item in enumerate(RECOMMENDATIONS, start=1):
        recommendation = Recommendation.objects.create(
            meeting=meeting,
            number=number,
            text=item.text,
            category=item.category,
            due_on=item.due_on,
            provincial_unit=item.provincial_unit,
            indicator=item.indicator,
            indicator_programme=item.indicator_programme,
            created_by=officer,
        )
        made = FollowUp.objects.bulk_create(
            [
                FollowUp(recommendation=recommendation, regency=regencies[c], due_on=item.due_on)
                for c in item.regencies
            ]
            + (
                [FollowUp(recommendation=recommendation, due_on=item.due_on)]
                if item.provincial_unit
                else []
            )
        )
        for follow_up in made:
            follow_ups[(number, follow_up.regency_id)] = follow_up
    for number, code, status, on, note in PROGRESS:
        follow_up = follow_ups[(number, code)]
        FollowUpUpdate.objects.create(
            follow_up=follow_up,
            status=status,
            previous_status=follow_up.status,
            note=note,
            happened_on=on,
            by=_staff_of(code),
        )
        follow_up.status = status
        follow_up.summary = note
        follow_up.last_update_on = on
        follow_up.started_on = (
            on if status in (FollowUpStatus.IN_PROGRESS, FollowUpStatus.DONE) else None
        )
        follow_up.completed_on = on if status == FollowUpStatus.DONE else None
        follow_up.version += 1
        follow_up.save()
    return meeting, True
