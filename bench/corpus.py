"""N and a seed -> a deterministic corpus of wire dispatches (brief, Hugo and Pelican forms).

The same N and seed give byte-identical files: the generator draws only from its own
random.Random(seed) and writes nothing that depends on the clock or the machine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

AGENCIES = [
    ("{place}, {month} {day}. /TASS/.", "TASS"),
    ("{PLACE} (Reuters) -", "Reuters"),
    ("{PLACE} (AP) —", "Associated Press"),
    ("{PLACE} (AFP) -", "AFP"),
    ("{PLACE}, {mon}. {day} (Xinhua) --", "Xinhua"),
    ("{PLACE}. {mon} {day} (Interfax) -", "Interfax"),
    ("{PLACE}, {month} {day} - RIA Novosti.", "RIA Novosti"),
    ("{PLACE} (Kyodo) --", "Kyodo"),
]
PLACES = [
    "MOSCOW",
    "WASHINGTON",
    "BRUSSELS",
    "GENEVA",
    "BEIJING",
    "KYIV",
    "PARIS",
    "BERLIN",
    "VIENNA",
    "TOKYO",
    "LONDON",
    "UNITED NATIONS",
    "ANKARA",
    "MINSK",
    "WARSAW",
]
PEOPLE = [
    ("NATO Secretary General", "Jens Stoltenberg", "the NATO chief", "he"),
    ("Russian Foreign Minister", "Sergey Lavrov", "the minister", "he"),
    ("Foreign Ministry Spokeswoman", "Maria Zakharova", "the spokeswoman", "she"),
    ("Kremlin spokesman", "Dmitry Peskov", "the Kremlin spokesman", "he"),
    ("US Secretary of State", "Antony Blinken", "the secretary", "he"),
    ("Deputy Foreign Minister", "Sergey Ryabkov", "the diplomat", "he"),
    ("UN Secretary-General", "António Guterres", "the UN chief", "he"),
]
TOPIC_PHRASES = [
    "arms control",
    "New START",
    "strategic stability",
    "risk reduction",
    "the INF Treaty",
    "Open Skies",
    "non-proliferation",
    "the NATO-Russia Council",
    "sanctions",
    "export controls",
    "missile defense",
    "hypersonic weapons",
    "nuclear doctrine",
    "the Black Sea",
    "the Baltic states",
    "energy security",
    "gas supplies",
    "grain exports",
    "cyber security",
    "space security",
    "chemical weapons",
    "biological weapons",
    "the IAEA",
    "Iran nuclear deal",
    "North Korea",
    "Arctic cooperation",
    "prisoner exchange",
    "the OSCE",
    "peacekeeping",
    "military exercises",
    "troop deployments",
    "defense spending",
    "the Istanbul talks",
    "ceasefire",
    "humanitarian corridors",
    "the Security Council",
    "visa restrictions",
    "diplomatic expulsions",
    "embassy security",
    "hotline",
]
_FILLER_TEXT = (
    "officials said the consultations would continue at the expert level in the coming weeks "
    "while both sides reviewed proposals that had been put forward earlier in the year and "
    "diplomats cautioned that no breakthrough was expected before the next round of meetings "
    "according to people familiar with the preparations who spoke on condition of anonymity "
    "because they were not authorized to discuss the schedule publicly"
)
FILLER = _FILLER_TEXT.split()
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True, slots=True)
class Dispatch:
    """One generated story."""

    number: int
    day: date
    title: str
    agency: str
    opening: str
    paragraphs: tuple[str, ...]
    topics: tuple[str, ...]

    @property
    def slug(self) -> str:
        return f"{self.day.isoformat()}-dispatch-{self.number:05d}"


def generate(count: int, seed: int = 1) -> list[Dispatch]:
    """``count`` dispatches over three years, 350-700 words each, 1-4 topics each."""
    rng = random.Random(seed)
    start = date(2021, 1, 1)
    dispatches = []
    for number in range(count):
        day = start + timedelta(days=rng.randrange(3 * 365))
        pattern, agency = AGENCIES[rng.randrange(len(AGENCIES))]
        place = rng.choice(PLACES)
        opening = pattern.format(
            place=place.title(),
            PLACE=place,
            month=MONTHS[day.month - 1],
            mon=MONTHS[day.month - 1][:3],
            day=day.day,
        )
        topics = tuple(rng.sample(TOPIC_PHRASES, rng.randint(1, 4)))
        role, name, noun, pronoun = rng.choice(PEOPLE)
        outcome = rng.choice(["stalled", "resume", "possible", "delayed"])
        title = f"{name.split()[-1]} says {topics[0]} talks {outcome} ({number})"
        paragraphs = [
            f"{role} {name} said on {rng.choice(['Monday', 'Tuesday', 'Friday'])} that "
            f"{topics[0]} remained on the agenda."
        ]
        words = 0
        target = rng.randint(350, 700)
        while words < target:
            kind = rng.random()
            if kind < 0.25:
                text = (
                    f"“We are ready to discuss {rng.choice(topics)} with all partners, but "
                    f"{' '.join(rng.sample(FILLER, 12))},” {rng.choice([pronoun, noun])} said."
                )
            else:
                text = " ".join(rng.choice(FILLER) for _ in range(rng.randint(25, 60))).capitalize()
                text += f" The issue of {rng.choice(topics)} was also raised."
            paragraphs.append(text)
            words += len(text.split())
        dispatches.append(Dispatch(number, day, title, agency, opening, tuple(paragraphs), topics))
    return dispatches


def label(phrase: str) -> str:
    """A topic name for a phrase: 'the NATO-Russia Council' -> 'NATO-Russia Council'."""
    phrase = phrase.removeprefix("the ")
    return phrase[:1].upper() + phrase[1:]


def write_brief(dispatches: list[Dispatch], root: Path) -> None:
    """A brief project: content/YYYY/MM/<slug>.txt wire copy, a 40-topic taxonomy."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "brief.yaml").write_text("title: Benchmark briefing\nbase_url: https://example.org/\n")
    phrases = [phrase.removeprefix("the ") for phrase in TOPIC_PHRASES]
    (root / "topics.yaml").write_text(
        "".join(f"- name: {label(p)}\n  match: [{p}]\n" for p in phrases)
    )
    for d in dispatches:
        folder = root / "content" / f"{d.day.year}" / f"{d.day.month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        body = [f"{d.opening} {d.paragraphs[0]}", *d.paragraphs[1:]]
        (folder / f"{d.slug}.txt").write_text(d.title + "\n\n" + "\n\n".join(body) + "\n")


def write_hugo(dispatches: list[Dispatch], root: Path) -> None:
    """The same stories as Hugo content: front matter with date and tags."""
    for d in dispatches:
        folder = root / "content" / "articles"
        folder.mkdir(parents=True, exist_ok=True)
        tags = ", ".join(f'"{label(t)}"' for t in d.topics)
        body = "\n\n".join([f"{d.opening} {d.paragraphs[0]}", *d.paragraphs[1:]])
        (folder / f"{d.slug}.md").write_text(
            f'---\ntitle: "{d.title}"\ndate: {d.day.isoformat()}\ntopics: [{tags}]\n'
            f'agency: "{d.agency}"\n---\n{body}\n'
        )


def write_pelican(dispatches: list[Dispatch], root: Path) -> None:
    """The same stories as Pelican Markdown content with metadata lines."""
    folder = root / "content"
    folder.mkdir(parents=True, exist_ok=True)
    for d in dispatches:
        tags = ", ".join(label(t) for t in d.topics)
        body = "\n\n".join([f"{d.opening} {d.paragraphs[0]}", *d.paragraphs[1:]])
        (folder / f"{d.slug}.md").write_text(
            f"Title: {d.title}\nDate: {d.day.isoformat()}\nTags: {tags}\nSlug: {d.slug}\n\n{body}\n"
        )
