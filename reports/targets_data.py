"""The three national targets of January 2016 (DOMAIN.md §3), as data.

Used by the data migration and by tests that need them back after a database flush.

* Free of street children by 2017: stated by Mensos on 29 January 2016; the MIBAJ 2017
  declaration followed on 27 November 2016.
* Free of shackling (pasung) by 2017, stated the same day, restated to 2019 by Kemensos during
  2017–2018 (the day is not recorded in the sources; 1 January 2018 stands for it, and says so).
  The 2017 terms stay in the target's history.
* Free of prostitution/lokalisasi by 2019, stated the same day.

"By 2017" is read as "by 31 December 2017". Every target value is zero.

Baselines are recorded only where a source gives a regency's figure:

* street children, May 2016: Dinsos Kaltim said only Samarinda and Balikpapan still had street
  children and the other eight regencies and cities reported none (antarakaltim-anjal);
* pasung, September 2017: Kemensos counted Kaltim among the provinces already free of pasung,
  the cases found in the February 2017 survey all being in treatment (rmol-pasung,
  poskotakaltim-pasung);
* prostitution, June 2016: Samarinda's three large lokalisasi held about 500 sex workers at the
  closure (kalamanthana).

Elsewhere the baseline is taken from the data (the first month of the summary), and the page
says so. No source gives yearly milestones for Kaltim, so none are loaded: the path is straight.
"""

from datetime import date

STATED = date(2016, 1, 29)
LAUNCH = "Mensos, rapat koordinasi rehabilitasi sosial, 29 Januari 2016"

OTHER_EIGHT = ["64.01", "64.02", "64.03", "64.07", "64.08", "64.09", "64.11", "64.74"]
ALL_TEN = sorted([*OTHER_EIGHT, "64.71", "64.72"])

NATIONAL_TARGETS = [
    {
        "code": "bebas-anak-jalanan",
        "name": "Bebas anak jalanan 2017",
        "programme": "street_children",
        "deadline": date(2017, 12, 31),
        "stated_on": STATED,
        "basis": LAUNCH + "; Deklarasi Menuju Indonesia Bebas Anak Jalanan 2017 (27 Nov 2016).",
        "sort_order": 10,
        "restatements": [],
        "baselines": [
            (code, 0, date(2016, 5, 31), "Dinsos Kaltim, Mei 2016 (antarakaltim-anjal)")
            for code in OTHER_EIGHT
        ],
    },
    {
        "code": "bebas-pasung",
        "name": "Bebas pasung 2019",
        "programme": "pasung",
        "deadline": date(2019, 12, 31),
        "stated_on": date(2018, 1, 1),
        "basis": LAUNCH + "; ditetapkan ulang oleh Kemensos menjadi 2019.",
        "sort_order": 20,
        "restatements": [
            {
                "old_deadline": date(2017, 12, 31),
                "old_target_value": 0,
                "old_stated_on": STATED,
                "new_deadline": date(2019, 12, 31),
                "new_target_value": 0,
                "restated_on": date(2018, 1, 1),
                "reason": (
                    "Kemensos moved the target from 2017 to 2019 during 2017–2018; the exact "
                    "day is not recorded, 1 January 2018 stands for it."
                ),
            }
        ],
        "baselines": [
            (code, 0, date(2017, 9, 30), "Kemensos, Sept 2017: Kaltim bebas pasung (rmol-pasung)")
            for code in ALL_TEN
        ],
    },
    {
        "code": "bebas-lokalisasi",
        "name": "Bebas prostitusi/lokalisasi 2019",
        "programme": "prostitution",
        "deadline": date(2019, 12, 31),
        "stated_on": STATED,
        "basis": LAUNCH + "; Kaltim menutup lokalisasi serentak 1 Juni 2016.",
        "sort_order": 30,
        "restatements": [],
        "baselines": [
            ("64.72", 500, date(2016, 6, 1), "Penutupan lokalisasi Samarinda (kalamanthana)")
        ],
    },
]


def load_national_targets(target_model, restatement_model, baseline_model) -> None:
    """Creates the national targets, their history and baselines where missing."""
    for data in NATIONAL_TARGETS:
        target, created = target_model.objects.get_or_create(
            code=data["code"],
            defaults={
                "name": data["name"],
                "indicator": "open_cases",
                "programme": data["programme"],
                "target_value": 0,
                "deadline": data["deadline"],
                "stated_on": data["stated_on"],
                "basis": data["basis"],
                "sort_order": data["sort_order"],
            },
        )
        if not created:
            continue
        for restatement in data["restatements"]:
            restatement_model.objects.create(target=target, **restatement)
        for regency_code, value, on, source in data["baselines"]:
            baseline_model.objects.create(
                target=target, regency_code=regency_code, value=value, on=on, source=source
            )
