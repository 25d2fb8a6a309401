"""Model objects for output tests: a small, varied catalogue built in code.

The outputs are pure functions of the model, so their tests build the model directly instead
of going through YAML. `make_catalogue()` gives four universities, six offers (EQF 5 to 8, four
modes, one joint offer, all recognition scenarios) and two pathways (one vertical, one
horizontal). `hostile_offer()` gives an offer whose text tries every escaping mistake.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from build_tools.catalogue.model import (
    Alliance,
    Application,
    Assessment,
    Catalogue,
    Contact,
    Fee,
    Issuer,
    IssuerKey,
    Languages,
    Location,
    Offer,
    Pathway,
    Policy,
    PreviousVersion,
    QualityAssurance,
    Recognition,
    Schedule,
    Skill,
    Stackability,
    StacksInto,
    StatusListFile,
)

SITE_URL = "https://alliance.example.org/credentials/"

ESCO_ETHICS = "http://data.europa.eu/esco/skill/5a8a4f6e-0b0f-4e8f-9a47-2b2f0a5d1c11"
ESCO_DATA = "http://data.europa.eu/esco/skill/0b1e2a3c-4d5e-4f60-8a71-92a3b4c5d6e7"
ESCO_TEACH = "http://data.europa.eu/esco/skill/7c6d5e4f-3a2b-4c1d-8e9f-0a1b2c3d4e5f"


def _qa(agency: str, url: str, kind: Any = "institutional-qa") -> QualityAssurance:
    return QualityAssurance(
        type=kind,
        agency={"en": agency},
        agency_url=url,
        description={"en": f"Institutional accreditation by {agency}."},
    )


def make_alliance(**changes: Any) -> Alliance:
    alliance = Alliance(
        source=Location("alliance.yaml"),
        name="EXAMPLE",
        full_name={"en": "Example Alliance of European Universities"},
        description={
            "en": "Nine universities that share courses and recognise each other's credits."
        },
        site_url=SITE_URL,
        homepage="https://alliance.example.org/",
        languages=("en", "lv", "fi", "nb", "de"),
        demo=True,
        contact=Contact(email="office@alliance.example.org", name="Micro-credential office"),
        policy=Policy(),
    )
    return replace(alliance, **changes)


def make_issuers() -> dict[str, Issuer]:
    lu = Issuer(
        source=Location("issuers/lu.yaml"),
        slug="lu",
        legal_name={"en": "University of Latvia", "lv": "Latvijas Universitāte"},
        short_name="UL",
        country="LV",
        city="Riga",
        erasmus_code="LV RIGA01",
        schac="lu.lv",
        deqar_id="DEQARINST0123",
        homepage="https://www.lu.lv/",
        contact=Contact(email="micro@lu.example.org", name="Study office"),
        quality_assurance=_qa("Academic Information Centre", "https://www.aic.lv/"),
        keys=(
            IssuerKey(
                source=Location("issuers/lu/keys/lu-2026-es256-1.yaml"),
                kid="lu-2026-es256-1",
                alg="ES256",
                use="signing",
                status="active",
                valid_from=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
                jwk={
                    "kty": "EC",
                    "crv": "P-256",
                    "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
                },
            ),
        ),
        status_lists=(
            StatusListFile(
                source=Location("issuers/lu/status/1.json"),
                list_id="1",
                path="issuers/lu/status/1.json",
            ),
        ),
    )
    jyu = Issuer(
        source=Location("issuers/jyu.yaml"),
        slug="jyu",
        legal_name={"en": "University of Jyväskylä", "fi": "Jyväskylän yliopisto"},
        short_name="JYU",
        country="FI",
        city="Jyväskylä",
        erasmus_code="SF JYVASKY01",
        schac="jyu.fi",
        deqar_id=None,
        homepage="https://www.jyu.fi/",
        contact=Contact(email="micro@jyu.example.org"),
        quality_assurance=_qa("Finnish Education Evaluation Centre", "https://www.karvi.fi/"),
        todo=("DEQAR institution id not yet confirmed.",),
    )
    uia = Issuer(
        source=Location("issuers/uia.yaml"),
        slug="uia",
        legal_name={"en": "University of Agder", "nb": "Universitetet i Agder"},
        short_name="UiA",
        country="NO",
        city="Kristiansand",
        erasmus_code=None,
        schac="uia.no",
        homepage="https://www.uia.no/",
        quality_assurance=_qa("NOKUT", "https://www.nokut.no/"),
        todo=("Erasmus code not yet confirmed.",),
    )
    jgu = Issuer(
        source=Location("issuers/jgu.yaml"),
        slug="jgu",
        legal_name={
            "en": "Johannes Gutenberg University Mainz",
            "de": "Johannes Gutenberg-Universität Mainz",
        },
        short_name="JGU",
        country="DE",
        city="Mainz",
        erasmus_code="D  MAINZ01",
        schac="uni-mainz.de",
        homepage="https://www.uni-mainz.de/",
        quality_assurance=_qa("AQAS", "https://www.aqas.de/", "institutional-licence"),
    )
    return {i.slug: i for i in sorted((lu, jyu, uia, jgu), key=lambda i: i.slug)}


def make_offer(offer_id: str, **changes: Any) -> Offer:
    """A complete offer; `changes` replace fields (dataclasses.replace)."""
    folder = changes.get("awarding_bodies", ("lu",))[0]
    offer = Offer(
        source=Location(f"offers/{folder}/{offer_id}.yaml", 1, 1),
        id=offer_id,
        issuer_folder=folder,
        version="1.0",
        title={"en": "Data Ethics in Practice", "lv": "Datu ētika praksē"},
        description={
            "en": "A practical course on the ethics of collecting and using data.\n\n"
            "You work on real cases from public administration and business."
        },
        opportunity_type="course",
        awarding_bodies=("lu",),
        learning_outcomes=(
            {"en": "Explain the main ethical principles that apply to data processing."},
            {"en": "Apply an ethics checklist to a data project and justify the result."},
            {"en": "Write a short data-protection impact summary."},
        ),
        ects=3,
        workload_hours=80,
        eqf=6,
        cycle="first",
        isced=("0613", "0223"),
        esco_skills=(
            Skill(uri=ESCO_ETHICS, label={"en": "apply ethics in data processing"}),
            Skill(uri=ESCO_DATA, label={"en": "manage data"}),
        ),
        languages=Languages(teaching=("en", "lv"), assessment=("en",)),
        mode="online",
        assessment=Assessment(
            types=("project-work", "written-exam"),
            description={"en": "A project report (60 %) and a written exam (40 %)."},
            grading="graded",
            grading_scale={"en": "0–10, pass from 4"},
            supervision="supervised-with-id",
        ),
        prerequisites={"en": "Basic statistics."},
        stackability=Stackability(integration="standalone"),
        further_information={"en": "Recorded lectures are available for eight weeks."},
        target_group={"en": "Bachelor students and professionals working with data."},
        schedule=Schedule(
            self_paced=False,
            start=dt.date(2027, 2, 1),
            end=dt.date(2027, 4, 30),
            application_deadline=dt.date(2027, 1, 15),
            schedule_type="part-time-light",
            weekly_hours=6,
        ),
        fee=Fee(
            alliance_students=0,
            others=120,
            currency="EUR",
            note={"en": "Free for alliance students."},
        ),
        recognition=Recognition(
            scenario="facilitated",
            partners=("jyu", "jgu"),
            note={"en": "Recognised as an elective."},
        ),
        application=Application(
            url="https://apply.example.org/lu-data-ethics", note={"en": "Apply online."}
        ),
        contact=Contact(email="micro@lu.example.org", name="Study office"),
        last_reviewed=dt.date(2026, 10, 15),
    )
    return replace(offer, **changes)


def make_offers() -> dict[str, Offer]:
    offers = [
        make_offer(
            "lu-data-ethics",
            stackability=Stackability(
                integration="stackable", note={"en": "Counts towards the Digital Society pathway."}
            ),
        ),
        make_offer(
            "jyu-ai-in-education",
            awarding_bodies=("jyu",),
            issuer_folder="jyu",
            title={"en": "AI in Education", "fi": "Tekoäly koulutuksessa"},
            eqf=7,
            cycle="second",
            ects=5,
            workload_hours=135,
            isced=("0111",),
            esco_skills=(Skill(uri=ESCO_TEACH, label={"en": "use digital tools for teaching"}),),
            mode="blended",
            languages=Languages(teaching=("en", "fi"), assessment=("en", "fi")),
            assessment=Assessment(
                types=("portfolio",), grading="pass-fail", supervision="supervised-no-id"
            ),
            recognition=Recognition(scenario="standard"),
            stackability=Stackability(integration="stackable"),
            schedule=Schedule(
                start=dt.date(2027, 3, 1),
                end=dt.date(2027, 5, 31),
                schedule_type="part-time-intensive",
                weekly_hours=10,
            ),
            fee=Fee(alliance_students=0, others=0),
        ),
        make_offer(
            "european-futures-lab",
            awarding_bodies=("lu", "jyu", "uia"),
            issuer_folder="lu",
            title={"en": "European Futures Lab"},
            opportunity_type="challenge",
            eqf=7,
            cycle="second",
            ects=6,
            workload_hours=160,
            isced=("0312", "0421"),
            mode="hybrid",
            languages=Languages(teaching=("en",), assessment=("en",)),
            recognition=Recognition(
                scenario="automatic",
                partners=("lu", "jyu", "uia"),
                agreement="ALLIANCE-REC-2026-03",
            ),
            stackability=Stackability(integration="stackable"),
        ),
        make_offer(
            "uia-coastal-research-methods",
            awarding_bodies=("uia",),
            issuer_folder="uia",
            title={"en": "Coastal Research Methods"},
            eqf=8,
            cycle="third",
            ects=2,
            workload_hours=55,
            isced=("0521",),
            esco_skills=(),
            mode="research-lab",
            languages=Languages(teaching=("en", "nb"), assessment=("en",)),
            recognition=Recognition(scenario="standard"),
            prerequisites={},
            further_information={},
            fee=Fee(alliance_students=0, others=300, currency="NOK"),
        ),
        make_offer(
            "jgu-digital-humanities-basics",
            awarding_bodies=("jgu",),
            issuer_folder="jgu",
            title={"en": "Digital Humanities Basics", "de": "Grundlagen der Digital Humanities"},
            eqf=5,
            cycle="short",
            ects=2,
            workload_hours=50,
            isced=("0229",),
            mode="online",
            opportunity_type="mooc",
            languages=Languages(teaching=("de", "en"), assessment=("de", "en")),
            assessment=Assessment(
                types=("quiz",), grading="pass-fail", supervision="unsupervised-no-id"
            ),
            recognition=Recognition(scenario="standard"),
            stackability=Stackability(integration="stackable"),
            schedule=Schedule(self_paced=True),
            previous_versions=(
                PreviousVersion(
                    version="0.9",
                    title={"en": "Digital Humanities: First Steps"},
                    ects=1.5,
                    eqf=5,
                    learning_outcomes=({"en": "Name common digital humanities methods."},),
                ),
            ),
            version="1.1",
        ),
        make_offer(
            "jgu-digital-humanities-advanced",
            awarding_bodies=("jgu",),
            issuer_folder="jgu",
            title={
                "en": "Advanced Digital Humanities",
                "de": "Digital Humanities für Fortgeschrittene",
            },
            eqf=7,
            cycle="second",
            ects=4,
            workload_hours=110,
            isced=("0229", "0613"),
            mode="onsite",
            languages=Languages(teaching=("de",), assessment=("de",)),
            recognition=Recognition(
                scenario="automatic", partners=("lu",), agreement="ALLIANCE-REC-2026-04"
            ),
            stackability=Stackability(integration="stackable"),
            prerequisite_offers=("jgu-digital-humanities-basics",),
            schedule=Schedule(
                start=dt.date(2027, 9, 1),
                end=dt.date(2027, 12, 15),
                application_deadline=dt.date(2027, 7, 1),
                schedule_type="full-time",
                weekly_hours=32,
            ),
        ),
    ]
    return {o.id: o for o in sorted(offers, key=lambda o: o.id)}


def make_pathways() -> dict[str, Pathway]:
    vertical = Pathway(
        source=Location("pathways/digital-humanities.yaml"),
        id="digital-humanities",
        title={"en": "Digital Humanities"},
        description={"en": "From the basics to advanced methods, in sequence."},
        direction="vertical",
        type="rigid",
        offers=("jgu-digital-humanities-basics", "jgu-digital-humanities-advanced"),
        required=("jgu-digital-humanities-basics", "jgu-digital-humanities-advanced"),
        min_ects=6,
        stacks_into=StacksInto(
            title={"en": "Digital Humanities Certificate"},
            description={"en": "A certificate of advanced study."},
            ects=6,
            eqf=7,
            awarded_by=("jgu",),
            url="https://www.uni-mainz.de/",
        ),
        recognition=Recognition(
            scenario="automatic", partners=("lu",), agreement="ALLIANCE-REC-2026-04"
        ),
    )
    horizontal = Pathway(
        source=Location("pathways/digital-society.yaml"),
        id="digital-society",
        title={"en": "Digital Society"},
        description={"en": "Choose any two of the three offers."},
        direction="horizontal",
        type="elective",
        offers=("lu-data-ethics", "jyu-ai-in-education", "european-futures-lab"),
        required=(),
        min_ects=8,
        stacks_into=StacksInto(
            title={"en": "Digital Society Micro-programme"},
            ects=8,
            eqf=7,
            awarded_by=("lu", "jyu"),
        ),
        recognition=Recognition(scenario="facilitated", partners=("lu", "jyu")),
    )
    return {p.id: p for p in (vertical, horizontal)}


def make_catalogue(
    *,
    offers: dict[str, Offer] | None = None,
    alliance: Alliance | None = None,
    pathways: dict[str, Pathway] | None = None,
) -> Catalogue:
    return Catalogue(
        root="catalogue",
        alliance=alliance or make_alliance(),
        issuers=make_issuers(),
        offers=make_offers() if offers is None else offers,
        pathways=make_pathways() if pathways is None else pathways,
    )


HOSTILE = (
    '<script>alert(1)</script> *bold* _x_ [link](javascript:alert(1)) | pipe ` tick # & "q" \\'
)


def hostile_offer() -> Offer:
    """An offer whose every text field carries HTML and Markdown syntax."""
    return make_offer(
        "hostile-offer",
        title={"en": "Title " + HOSTILE},
        description={"en": "# Not a heading\n\n" + HOSTILE + "\n\n- not a list"},
        learning_outcomes=({"en": "Outcome " + HOSTILE}, {"en": "1. not a list " + HOSTILE}),
        prerequisites={"en": HOSTILE},
        further_information={"en": HOSTILE},
        target_group={"en": HOSTILE},
        assessment=Assessment(
            types=("quiz",),
            description={"en": HOSTILE},
            grading="graded",
            grading_scale={"en": HOSTILE},
            supervision="supervised-with-id",
        ),
        esco_skills=(Skill(uri=ESCO_DATA, label={"en": HOSTILE}),),
        fee=Fee(note={"en": HOSTILE}),
        recognition=Recognition(scenario="standard", note={"en": HOSTILE}),
        application=Application(url="https://apply.example.org/?a=1&b=<2>", note={"en": HOSTILE}),
        contact=Contact(email="x@example.org", name=HOSTILE),
    )
