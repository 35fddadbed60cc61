"""How tests/data/redaction_eval_independent.tsv was made (kept for the record; run once).

The set has two parts. Sentences written by hand (`form` ending in `/hand`) in the way people
in Scotland speak, and sentences built here from templates and word pools written for this set
alone, without looking at the scrubber's cue lists, name lists or street types (`/built`).
Each sentence is put ONCE in the `tune` or the `report` half by a hash of its text; the
split is written into the file, so that later changes to the rules cannot move a sentence.
The reporting half is never used for tuning (see the README).

    python -m tests.support.make_independent_eval HAND_FILE \
        > tests/data/redaction_eval_independent.tsv
"""

from __future__ import annotations

import hashlib
import random
import sys

ONES = "zero one two three four five six seven eight nine".split()
TEENS = ("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen "
         "nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
LETTER_NAMES = {"w": "double u", "h": "aitch", "y": "why", "r": "ar", "q": "queue"}

GIVEN = """eilidh mhairi ruaridh seonaid morag catriona fionnlagh peigi oighrig seumas domhnall
coinneach sorcha ealasaid raonaid anndra lachlan iseabail kenna murdina torquil shona
aoife niamh ciara grainne padraig oisin ciaran siobhan eoghan cathal roisin sinead
agnieszka krzysztof grzegorz zofia bartosz katarzyna wojciech magdalena tomasz dorota
jakub pawel ewa marta lukasz
priya rajesh harpreet gurpreet sunita anjali mohinder aisha bilal imran nadia shabana
sanjay deepak kiran parveen tariq zubair rukhsana asif farhana manpreet jaswinder
wei xiaoming jun yan mei ling xiu hao lei jing chen hui
fatima khaled omar yousef layla hassan mahmoud amira nour samira karim rania ahmad
jamal hiba tareq
isla ewan fraser kirsty gordon sandra jean agnes wilma jessie tam rab shug senga
""".split()
FAMILY = """macleod macdonald maclean mackinnon macaulay morrison macneil macritchie
nicolson matheson campbell mcintyre buchanan mcgregor stewart fraser paterson
o'sullivan murphy gallagher byrne doherty kelly
kowalczyk wisniewski zielinski kaminski lewandowska wozniak dabrowski nowakowski
patel sharma singh kaur bhatti chaudhry hussain iqbal malik ahmed choudhury rahman
zhang wang chen liu huang zhou wu lau wong cheung
haddad nasser abdullah mansour khalil saleh hamdan
""".split()

STREET_NAMES = """rowanbank lochside kirkhill millburn glenview burnside hawthorn ashgrove
whinhill craigpark braeside strathmore balmoral inchview cromarty achray dunvegan
kilbride glebe tolbooth sandhaven mossgiel carron lomond ochil pentland""".split()
STREET_TYPES = """street road avenue lane drive crescent terrace place court gardens grove
park view way walk wynd vennel brae loan gait row close square rise green mews quay
circus parade hill vale gate path yard wharf steading""".split()
ODD_TYPES = "creek flats heights bank knowe haugh neuk cottages mains".split()

# Outward codes (real areas, made-up districts within each shape) and the six shapes.
AREAS1 = "g e n m b w s".split()
AREAS2 = "eh ab dd fk ka ky ml pa ph iv kw hs td dg ze yo ec sw nw se cr ls".split()


def number_words(n: int, rng: random.Random) -> str:
    """A number as a recogniser writes it (two-digit numbers as words or as digits)."""
    if n < 10:
        return ONES[n]
    if n < 20:
        return TEENS[n - 10]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    rest = n % 100
    head = ONES[n // 100] + " hundred"
    return head if rest == 0 else f"{head} and {number_words(rest, rng)}"


def spell(letters: str, rng: random.Random) -> list[str]:
    out = []
    for ch in letters:
        out.append(LETTER_NAMES[ch] if ch in LETTER_NAMES and rng.random() < 0.3 else ch)
    return out


def spoken_digits(digits: str, rng: random.Random) -> str:
    words: list[str] = []
    i = 0
    while i < len(digits):
        d = digits[i]
        if i + 1 < len(digits) and digits[i + 1] == d and rng.random() < 0.5:
            words.append("double " + ("oh" if d == "0" and rng.random() < 0.5 else ONES[int(d)]))
            i += 2
            continue
        words.append("oh" if d == "0" and rng.random() < 0.6 else ONES[int(d)])
        i += 1
    return " ".join(words)


def postcode(rng: random.Random) -> tuple[str, str]:
    """(written, spoken) forms of a postcode of one of the six shapes."""
    letters_in = "abdefghjlnpqrstuwxyz"
    inward_letters = "abdefghjlnpqrstuwxyz"
    shape = rng.randrange(6)
    if shape in (0, 1, 2):
        area = rng.choice(AREAS1)
    else:
        area = rng.choice(AREAS2)
    if shape in (0, 3):
        district = str(rng.randrange(1, 10))
    elif shape in (1, 4):
        district = str(rng.randrange(10, 100))
    else:
        district = str(rng.randrange(1, 10)) + rng.choice(letters_in)
    sector = str(rng.randrange(10))
    unit = rng.choice(inward_letters) + rng.choice(inward_letters)
    written = f"{area}{district} {sector}{unit}".upper()
    spoken: list[str] = spell(area, rng)
    if district.isdigit() and len(district) == 2 and rng.random() < 0.5:
        spoken.append(number_words(int(district), rng))
    else:
        for ch in district:
            spoken.extend([spoken_digits(ch, rng)] if ch.isdigit() else spell(ch, rng))
    spoken.append("oh" if sector == "0" and rng.random() < 0.5 else ONES[int(sector)])
    if unit[0] == unit[1] and rng.random() < 0.5:
        spoken.extend(["double", unit[0]])
    else:
        spoken.extend(spell(unit, rng))
    return written, " ".join(spoken)


def phone(rng: random.Random) -> tuple[str, str]:
    kind = rng.randrange(3)
    if kind == 0:
        digits = "07" + "".join(str(rng.randrange(10)) for _ in range(9))
    elif kind == 1:
        digits = rng.choice(["0131", "0141", "01224", "01382", "01463", "01851", "01856"])
        digits += "".join(str(rng.randrange(10)) for _ in range(11 - len(digits)))
    else:
        digits = "0" + rng.choice(["1592", "1738", "1786", "1292", "1387"])
        digits += "".join(str(rng.randrange(10)) for _ in range(11 - len(digits)))
    written = f"{digits[:5]} {digits[5:]}" if rng.random() < 0.5 else digits
    return written, spoken_digits(digits, rng)


def id_number(rng: random.Random) -> tuple[str, str]:
    day, month, year = rng.randrange(1, 29), rng.randrange(1, 13), rng.randrange(30, 100)
    digits = f"{day:02d}{month:02d}{year:02d}" + "".join(str(rng.randrange(10)) for _ in range(4))
    written = digits if rng.random() < 0.5 else f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return written, spoken_digits(digits, rng)


MONTHS = ("january february march april may june july august september october november "
          "december").split()
ORD = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
       "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth")
ORDS = ORD.split()


def dob(rng: random.Random) -> tuple[str, str]:
    day, month, year = rng.randrange(1, 21), rng.randrange(1, 13), rng.randrange(1930, 2000)
    written = f"{day:02d}/{month:02d}/{year}"
    year_words = f"nineteen {number_words(year - 1900, rng)}"
    if rng.random() < 0.5:
        spoken = f"the {ORDS[day - 1]} of {MONTHS[month - 1]} {year_words}"
    else:
        spoken = f"{MONTHS[month - 1]} the {ORDS[day - 1]} {year_words}"
    return written, spoken


def address(rng: random.Random) -> tuple[str, str]:
    number = rng.choice([rng.randrange(1, 30), rng.randrange(1, 200)])
    street = rng.choice(STREET_NAMES)
    kind = rng.choice(ODD_TYPES) if rng.random() < 0.25 else rng.choice(STREET_TYPES)
    written = f"{number} {street.title()} {kind.title()}"
    return written, f"{number_words(number, rng)} {street} {kind}"


def email(rng: random.Random) -> tuple[str, str]:
    user = rng.choice(GIVEN).replace("'", "")
    fam = rng.choice(FAMILY).replace("'", "")
    domain = rng.choice(["gmail dot com", "outlook dot com", "btinternet dot com",
                         "yahoo dot co dot uk", "hotmail dot co dot uk", "icloud dot com"])
    joiner = rng.choice(["dot", "underscore", ""])
    n = rng.choice(["", " " + number_words(rng.randrange(1, 99), rng)])
    spoken = f"{user} {joiner} {fam}{n} at {domain}".replace("  ", " ")
    written = (f"{user}{ {'dot': '.', 'underscore': '_', '': ''}[joiner] }{fam}"
               f"@{domain.replace(' dot ', '.')}").replace(" ", "")
    return written, spoken


def person(rng: random.Random) -> str:
    given = rng.choice(GIVEN)
    return f"{given} {rng.choice(FAMILY)}" if rng.random() < 0.4 else given


OPINIONS = """the library should open later on a thursday
there's nothing for teenagers round here
the buses stop at six so i'm stuck in at night
the pavements are a disgrace since the frost
we need a proper crossing outside the school
the hall needs a hearing loop
it's hard to get a gp appointment
the food bank is busier every month
folk are lonely and naebody notices
the council tax went up again""".splitlines()

TEMPLATES = {
    "NAME": [
        "my neighbour {x} looks in on me",
        "i came along with {x} today",
        "{x} at the cafe gave me the leaflet",
        "it was {x} who told me about the kiosk",
        "cheers to {x} for the tea",
        "you could ask {x} she knows the area",
        "{x} drives the minibus on a friday",
        "me and my pal {x} sat at the back",
        "my name is {x} and {o}",
        "i'm {x} and {o}",
        "the volunteer {x} read it out for me",
        "{x} said {o}",
    ],
    "PHONE": ["you can get me on {x}", "my phone number is {x}", "text {x} if you want",
              "the best number for me is {x} {o}", "phone {x} after tea time"],
    "EMAIL": ["send the results to {x}", "my email address is {x}", "{o} my email is {x}",
              "write to me at {x}"],
    "ADDRESS": ["i stay at {x} {o}", "our house is {x}", "we're in {x} now",
                "post it to {x}", "the meeting's at {x} upstairs", "i moved to {x} in the spring",
                "my flat is at {x}", "come round to {x} any time"],
    "POSTCODE": ["my postcode is {x}", "i live in {x} {o}", "the hall's postcode is {x}",
                 "we're up at {x}", "{x} is my postcode", "it's {x} where i stay"],
    "ID_NUMBER": ["my chi number is {x}", "my nhs number is {x}",
                  "the hospital number they gave me is {x}", "here's my chi {x}"],
    "DATE_OF_BIRTH": ["i was born on {x}", "my date of birth is {x}", "i was born {x} {o}",
                      "my birthday is {x}"],
    None: [
        "{m} is a lovely time of year but {o}",
        "it'll be {m} before anything changes and {o}",
        "since {m} {o}",
        "i'll be seventy {n} in {m}",
        "there were {n2} of us at the last meeting and {o}",
        "we went over to {p} for the day and {o}",
        "the bus to {p} is a nightmare",
        "i hope {o}",
        "it takes {v} to put up with it but {o}",
        "{o} and that's the truth",
        "the wee shop at the top of the {s} shut down",
        "there's no light in our {s} and {o}",
        "we sat in the {f} garden and had a blether",
        "i will {w} it on the form",
        "they planted {f} bushes by the school",
    ],
}


def build(rng: random.Random) -> list[tuple[str, str]]:
    made: list[tuple[str, str]] = []
    makers = {"PHONE": phone, "EMAIL": email, "ADDRESS": address, "POSTCODE": postcode,
              "ID_NUMBER": id_number, "DATE_OF_BIRTH": dob}
    for kind, count in (("NAME", 40), ("PHONE", 18), ("EMAIL", 14), ("ADDRESS", 30),
                        ("POSTCODE", 36), ("ID_NUMBER", 14), ("DATE_OF_BIRTH", 16), (None, 52)):
        for _ in range(count):
            template = rng.choice(TEMPLATES[kind])
            fill = {"o": rng.choice(OPINIONS), "m": rng.choice(["march", "may", "june", "april",
                                                                "august"]),
                    "p": rng.choice(["skye", "carrick", "douglas", "hamilton", "florence",
                                     "victoria", "jordan", "mull", "harris", "lewis"]),
                    "v": rng.choice(["grace", "patience", "faith", "hope", "will"]),
                    "s": rng.choice(["brae", "close", "wynd", "vennel", "loan", "row"]),
                    "f": rng.choice(["rose", "heather", "hazel", "iris", "lily", "holly"]),
                    "w": rng.choice(["mark", "bill", "note", "flag"]),
                    "n": rng.choice(ONES[1:]), "n2": number_words(rng.randrange(12, 90), rng)}
            form = "spoken"
            if kind == "NAME":
                fill["x"] = "{NAME:" + person(rng) + "}"
            elif kind is not None:
                written, spoken = makers[kind](rng)
                if rng.random() < 0.2:
                    form = "written"
                    fill["x"] = "{" + kind + ":" + written + "}"
                else:
                    fill["x"] = "{" + kind + ":" + spoken + "}"
            text = template.format(**fill)
            if form == "written":
                text = text[0].upper() + text[1:] + "."
            made.append((form, text))
    return made


def split_of(text: str) -> str:
    return "tune" if hashlib.sha256(text.encode()).digest()[0] % 2 == 0 else "report"


def main(hand_file: str) -> None:
    rows: list[tuple[str, str]] = []
    for line in open(hand_file, encoding="utf-8").read().splitlines():
        form, text = line.split("\t", 1)
        rows.append((form + "/hand", text))
    rows += [(form + "/built", text) for form, text in build(random.Random(20261130))]
    seen: set[str] = set()
    print("# split\tform\ttext  (an evaluation set written apart from the scrubber's rules; "
          "split fixed once, by sha256 of the text; see tests/support/make_independent_eval.py)")
    for form, text in rows:
        if text in seen:
            continue
        seen.add(text)
        print(f"{split_of(text)}\t{form}\t{text}")


if __name__ == "__main__":
    main(sys.argv[1])
