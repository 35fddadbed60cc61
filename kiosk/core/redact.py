"""Remove personal details from a contribution before it is stored or read back.

People answer aloud (Vosk writes lower-case words, numbers as words, no punctuation) or by typing
(digits, capitals, punctuation). Both forms are handled. Each detail found is replaced by a tag:
[NAME], [PHONE], [EMAIL], [ADDRESS], [POSTCODE], [ID_NUMBER] or [DATE_OF_BIRTH].

The rules lean towards keeping what people said: a word that is both an ordinary English word and
a name ("grace", "will", "bill") is only taken out when the words around it show it is a name
("my carer grace", "thanks to will and the team"). Names with no ordinary meaning ("siobhan",
"wojciech") are taken out wherever they stand.

First names and surnames come from the person providers of the Faker package (a maintained,
multi-country list). They are read from Faker's data files lazily, once per process, without
importing Faker itself, which would cost far more time on a Raspberry Pi.

Part of the functional core: no I/O apart from that one read, no UI or speech imports.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


def _(s: str) -> str:
    """Mark a string for translation (gettext finds it; the read-back UI translates it later)."""
    return s


@dataclass(frozen=True)
class Redaction:
    """The scrubbed text and which kinds of personal detail were taken out of it."""

    text: str  # the scrubbed text
    removed: tuple[str, ...]  # kinds removed, in order of first appearance, no repeats
    scrubber: str | None = None  # scrubber_version() of the scrubber that made `text`


KINDS = ("NAME", "PHONE", "EMAIL", "ADDRESS", "POSTCODE", "ID_NUMBER", "DATE_OF_BIRTH")

# One English phrase per kind, for the read-back sentence.
_KIND_PHRASES = {
    "NAME": _("a name"),
    "PHONE": _("a phone number"),
    "EMAIL": _("an email address"),
    "ADDRESS": _("an address"),
    "POSTCODE": _("a postcode"),
    "ID_NUMBER": _("an NHS or CHI number"),
    "DATE_OF_BIRTH": _("a date of birth"),
}


def describe_removed(removed: tuple[str, ...],
                     translate: Callable[[str], str] = _) -> str:
    """Say in one sentence what was taken out, for the read-back; "" if nothing was.

    `translate` puts each piece into the participant's language before the pieces are joined
    (a finished English sentence could not be looked up in a catalog).

    >>> describe_removed(("NAME", "PHONE"))
    'I took out a name and a phone number to keep you anonymous.'
    """
    phrases = [translate(_KIND_PHRASES[kind]) for kind in removed if kind in _KIND_PHRASES]
    if not phrases:
        return ""
    if len(phrases) == 1:
        items = phrases[0]
    else:
        items = translate(_("{items} and {last}")).format(items=", ".join(phrases[:-1]),
                                                      last=phrases[-1])
    return translate(_("I took out {items} to keep you anonymous.")).format(items=items)


# ---------------------------------------------------------------------------------------------
# Name lists (from the Faker package, loaded lazily)
# ---------------------------------------------------------------------------------------------

# Faker locales whose person names are written in Latin script and reflect people living in
# Scotland: British, Irish and Gaelic names, and the largest communities from elsewhere.
FAKER_LOCALES = (
    "en_GB", "en_IE", "ga_IE", "en_US", "en_IN", "en_PK", "en_NG", "en_KE", "en_NZ", "pl_PL",
    "lt_LT", "lv_LV", "ro_RO", "it_IT", "es_ES", "pt_PT", "fr_FR", "de_DE", "nl_NL", "tr_TR",
    "sw", "yo_NG", "ig_NG", "ha_NG", "tw_GH", "zu_ZA", "vi_VN", "id_ID", "sv_SE", "cs_CZ",
    "sk_SK", "hu_HU", "hr_HR", "sl_SI", "et_EE", "fi_FI", "da_DK", "no_NO",
)

# An assignment such as `first_names_female = (...)` inside a provider class, up to the next
# statement at the same indentation.
_NAME_ASSIGNMENT = re.compile(
    r"^(?P<indent>[ \t]+)(?P<attr>\w*(?:first|last)_names\w*)\s*(?::[^=\n]*)?=(?P<value>.*?)"
    r"(?=^(?P=indent)\S|\Z)",
    re.M | re.S,
)
_STRING_LITERAL = re.compile(r"\"([^\"\\\n]+)\"|'([^'\\\n]+)'")


@dataclass(frozen=True)
class NameLists:
    """Folded (lower-case, accents removed) first names and surnames."""

    first: frozenset[str]
    last: frozenset[str]


def fold(word: str) -> str:
    """Lower-case a word and strip accents, so "Siobhán" and "siobhan" compare equal."""
    if word.isascii():
        return word.lower()  # nothing to decompose: the same result, without the Unicode work
    decomposed = unicodedata.normalize("NFKD", word.lower().replace("ł", "l").replace("ß", "ss"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _faker_person_dir() -> Path | None:
    spec = importlib.util.find_spec("faker")  # finds the package without importing it
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "providers" / "person"


def _add_names(target: set[str], raw: str) -> None:
    # Most names are plain ASCII: skip the (slower) accent folding for them.
    folded = raw.lower() if raw.isascii() else fold(raw)
    for part in folded.replace("-", " ").split():
        part = part.strip("'.")
        if len(part) >= 2 and part.isascii() and part.replace("'", "").isalpha():
            target.add(part)


@functools.lru_cache(maxsize=1)
def name_lists() -> NameLists:
    """Load first names and surnames from Faker's person providers, once per process.

    The provider modules hold the names as plain string literals, so they are read as text
    (about 20 ms) rather than imported (importing Faker builds its whole locale registry).
    tests/test_redact.py checks that this reading matches what an import gives.
    """
    first: set[str] = set()
    last: set[str] = set()
    person_dir = _faker_person_dir()
    if person_dir is not None:
        for locale in FAKER_LOCALES:
            path = person_dir / locale / "__init__.py"
            if not path.is_file():
                continue
            source = path.read_text(encoding="utf-8")
            for match in _NAME_ASSIGNMENT.finditer(source):
                target = first if "first_names" in match["attr"] else last
                for literal in _STRING_LITERAL.finditer(match["value"]):
                    _add_names(target, literal.group(1) or literal.group(2))
    return NameLists(first=frozenset(first), last=frozenset(last))


@functools.lru_cache(maxsize=1)
def scrubber_version() -> str | None:
    """What identifies this scrubber's behaviour: a digest of this module's source and of the
    version of Faker, whose name lists it reads.

    Answers are stamped with it when they are scrubbed on the kiosk. Sync scrubs an incoming
    answer again only when its stamp differs from the receiving side's (an older kiosk, an older
    scrubber, or no stamp at all): the same scrubber run twice finds nothing new (see
    tests/test_redact.py), and running it again on every answer was most of the cost of a sync.
    None when the source cannot be read, so that nothing is ever skipped on a guess.
    """
    try:
        digest = hashlib.sha256(Path(__file__).read_bytes())
    except OSError:
        return None
    try:
        digest.update(importlib.metadata.version("faker").encode())
    except importlib.metadata.PackageNotFoundError:
        digest.update(b"no faker")
    return digest.hexdigest()[:16]


# ---------------------------------------------------------------------------------------------
# Word lists (language resources, not names)
# ---------------------------------------------------------------------------------------------

# Words in the name lists that are also ordinary lower-case English words. Derived once from a
# British English word list (names found there in lower case), so "grace", "will", "bill" and
# "hope" need a cue before they are treated as names. Names whose ordinary sense is rare in
# speech ("john", "harry", "peter") were left out on purpose.
_COMMON_WORD_NAMES = frozenset(
    """
    abate abbey agate age alas albino ale ales amber amble amigo amir among an angel ani ante
    antic ants archer arenas aria arias arroyo arts as ascension asp auger august aura autumn
    azalea baa babel back backer bail baker bale ball ban banks baptist barber bare barer barker
    barman baron barrio barrios basic basil bass bassi basso bates bath bean beard beau beck
    beer bell bender bent berg berry beryl best bigot bilge bill birch bird bishop bite bitten
    black blanch blank blessing block blot bob bodkin bogus boles bond boner bones bonnet bonnie
    boon booth bore bourgeois bowers bowler bowman bozo brad branch brand brands brandy bravo
    bray brewer brick bridge bridges bright brink brogan brooks brown browning bruin brunet buck
    bud bull bullock burns burr burrows bus bush butcher butler butte cabanas cairn cairns cal
    camps canal canals canning cannon canny cant canton car carmine carol carpenter carrion
    carry carton case cases chad chamberlain chambers chandler char charity chase cherry chi
    church cis clay clear clement cocci colas colic colleen collier colon comas combs comer
    comfort company con contractor convey cook cooper cop coral cord corona corral cotter
    courtier cousin cousins cox crane craven craw creed cross cruise crystal cumming curry curt
    curtain dado daisy dale dam damps dash date davenport dawn day deacon dean deep den destiny
    diamond dick dickey dickie die dieter din dirk divan diver divine doctor dodo domino don dos
    downing downs drake drew dries drop drub drum dub duff duke dung dunning dyer each earl
    early ebony edit elder else emir emo es ester eta eve fair faith falcon fall fancy fanning
    fanny farina farmer fee felicity feline fem ferry field fielding fields finch fisher fit
    flood floor flora florin flowers font foot ford forum foster fox franc frank freely freeman
    french fresh frisk front frost fry fuller gal gala gall gamble garland garner garret
    garrison gas gates gay gee gene gent gentry gibbon gibbons gill girts glass glasses glazier
    glen golden good gore gorp grab grace grand grant graves green grey griffin grimes grit
    gross grunt guard gun gunner gunning guy ha hale hall ham hardy hare haring harm harmony
    harsh hart hasty hawthorn hay hays hazel hearty heath heather hector henna herd heron
    herring hickey hicks hide hill hills ho hoes hogan holder holly honing hood hook hope horn
    house hovel huff hull hung hunt hunter ii imam immaculate innocent ion iris ivory ivy jack
    jade jail jasmine jasper jay jet job joy judge jug junior junk kale karma key khan kick
    kidney killer kinder king kink kiss knight la lace lacy lad lam lamas lamb lament lance lane
    lass lavender law lawless laze lea leach lee leech leek lees leis levy lice lie lien lily
    limo linden line link lips lithe little llamas llano llanos lo lone long loon looney loot
    lope lopes lord lore lot love low lower loyal lucid lucky lynch mace macho mad madden made
    madrigal mads magic major mall mallet mambo man mane manning mans mar mare mares margarita
    marina marine mark marks marry marsh mart marten martens martins mas mason mast master mate
    mats matts max maxim maxima may mayo mayoral meadows medic meg melody merchant mercy merino
    merry mesa meta mil mile miles miller millet mills miner misty mitt moan moles moll monk
    monks moody moon moor more moron morrow moss mountain mule murk must my nacho nadir nail
    nary newton nickel noble noel north nova oak odd olive orchard over owe pace page pages pal
    palazzo pall palm palomino pant pap par parent park parks parry parsons parts paschal pastor
    patience patty paw peace peacock pearl peck peer penny pent per petty phoebe phoenix pi pier
    pierce pike pinto piper plaza plover pol pole polo pop pope poppy porter post potter potters
    pottier power powers pres price priest prince proctor prudence puck purity queen quill
    rafter raid rails raja ram randy rares rattan ravel raven ray read reader real reed reeves
    rein reis rice rich riddle ridge rile ring rivers roach roan roar robin rock rode roe rogers
    roman room roots rose rosemary rosin rout ruby ruddy rune rush rust rut sacristan sad safari
    saga sager said salami sales salmon salvo sandal sander sanders sandy sane sang sans sari
    sass savage savannah savant sawyer scullion sears sec sellers senator senna serge server
    seven sever sexton shah sharp sheikh shepherd sherry shields shine short side sierra silk
    sims sine singleton sip sire siren sitar sitters small smart smit smith snow sol sole sonata
    sonny soon soot soprano sot sparks spears spies stack stark steed steer stein sterna steward
    stiller stokes stone storey storm story stout strand street strong such sue suits summer
    summers sunder supple swift swords tailor tan tank tanner tea thatcher the tiara ties tilde
    till tine tins tome toms tone toner too toots topic tor tore torrent torrents tours toy
    trinity tron troy tucker turner tusk tutu urban us vain valentine van veer vi vial victory
    vigil villa viola violet wade wadi wage walker wall walls ward ware warmer warren warrior
    water waters watt watts way weaver weeks weir welch wells were west wheeler white widen
    willow wills winter winters wise wit wolf wolfram wood woods wren wright yaw yen yoga yogi
    young zero
    """.split()
)

# More ordinary words that are names somewhere: months, days, places, faith and nationality.
_CALENDAR = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday christmas easter""".split()
)
_OTHER_ORDINARY = frozenset(
    """christian hindu sikh muslim jewish catholic scottish english irish welsh british polish
    indian african asian chinese deaf blind happy sunny lucky honey early tired sure fine okay
    ok alright able glad well old new sorry poor rich free kirk loch glen ben burn brae wee
    bonnie ken aye naw hen pal doll""".split()
)

# Places people mention as opinion. Several are also first names ("lewis", "skye", "paisley").
_PLACES = frozenset(
    """glasgow edinburgh dundee aberdeen inverness paisley perth stirling kilmarnock ayr oban
    stornoway kirkwall lerwick dumfries hamilton motherwell falkirk livingston greenock elgin
    wick thurso portree dunfermline kirkcaldy arbroath montrose peebles galashiels irvine largs
    campbeltown cumbernauld kilbride lewis harris skye arran islay mull orkney shetland fife
    lanarkshire ayrshire lothian highlands borders clyde forth tay dee don leith govan partick
    maryhill springburn easterhouse drumchapel castlemilk pollok shettleston dennistoun gorbals
    portobello morningside musselburgh dalkeith penicuik bathgate linlithgow alloa crieff pitlochry
    aviemore nairn forres buckie peterhead fraserburgh stonehaven brechin forfar kirriemuir
    carnoustie troon prestwick girvan stranraer kelso hawick jedburgh selkirk melrose eyemouth
    dunbar haddington lanark airdrie coatbridge wishaw bellshill rutherglen cambuslang clydebank
    dumbarton helensburgh dunoon rothesay bute tiree coll barra uist benbecula iona jura gigha
    scotland england wales ireland britain london manchester liverpool birmingham leeds belfast
    dublin cardiff newcastle carlisle berwick kent devon cornwall york chester lincoln jordan
    india pakistan poland nigeria ghana kenya syria ukraine china georgia victoria florence
    adelaide sydney austin dallas houston denver phoenix""".split()
)
# A name followed by one of these names a place or an organisation, not a person.
_INSTITUTIONS = frozenset(
    """hospital university college school academy house centre center hall library church
    street road avenue lane drive crescent terrace gardens place court square park bridge
    infirmary clinic practice surgery trust foundation institute station building""".split()
)
# Words before a name that make it part of a place or organisation name.
_INSTITUTION_PREFIXES = frozenset("st saint queen king prince princess port fort mount".split())
_PLACE_PREPOSITIONS = frozenset(
    "in to from at near on of around across into through via visit visiting towards outside".split()
)

# Function words and frequent verbs: never part of a name, and they end a name after a cue.
_FUNCTION_WORDS = frozenset(
    """a an the and or but if so as at by for from in into of off on onto out over to up with
    without about above after against along among around before behind below beside between
    beyond down during except inside near past since than through till toward towards under
    until upon via within i me my mine myself we us our ours you your yours he him his she her
    hers they them their theirs it its it's this that these those there here who whom whose
    which what when where why how all any both each every few more most other some such no nor
    not only own same too very can could would shall should might must do does did
    done doing be am is are was were been being have has had having get gets got go goes went
    gone going come comes came say says said tell tells told ask asks asked think thought know
    knew want wanted like liked need needed just also always never often sometimes still again
    ever even now then today yesterday tomorrow really quite well yes yeah no nope okay ok oh
    last next week weeks month months year years morning afternoon evening night time times
    ah um uh er erm hello hi hiya thanks thank please sorry because while though although
    i'm i've i'd i'll you're we're they're he's she's that's there's what's don't didn't
    doesn't can't won't isn't wasn't aren't haven't hasn't wouldn't couldn't shouldn't let's
    one ones two three four five six seven eight nine ten lot lots bit much many something
    anything nothing everything someone anyone everyone nobody somebody everybody people person
    man woman men women guy lady ladies boy girl child children kid kids family friend friends
    name names called named helps help helped takes took make makes made give gives gave see
    sees saw look looks looked feel feels felt keep keeps kept put puts let lets seem seems
    try tries tried use uses used work works worked live lives lived talk talks talked speak
    speaks spoke call calls phone ring text email number address post code postcode street
    road group team staff service services centre center council nhs rnib hospital clinic
    surgery doctor nurse carer worker volunteer manager chair""".split()
)

# Words that may follow a name introduced by a cue ("my carer grace is great", "thanks to hope
# and the team"). An ordinary-word name is only taken out when one of these (or the end) follows.
_AFTER_NAME = frozenset(
    """and who who's is was has had does did said says told tells from at he she they i we
    always never also but or with for too as comes came helps helped takes took brought
    drives drove gets got goes went makes made knows knew reads read rings phones calls
    visits visited here speaking today again too's""".split()
)

# Words that begin something new after a full name: "my name is kofi nowak and ...",
# "... susan holt i live ...", "... anil young call me ...". Not objects or articles, which
# show the word before was a verb ("brought me", "read the").
_CLAUSE_STARTS = frozenset(
    """and but so or because i i'm i've i'd i'll my we we're our you your he she they it it's
    this who call ring phone text email from at here speaking today please thanks thank
    if when""".split()
)

# After "this is" or "it's", an unlisted word is a name only when one of these follows.
_INTRO_CLOSERS = frozenset("speaking here calling again".split())

# Verbs that may begin a new clause after an unlisted word ("oliver money is tight").
_SHORT_VERBS = frozenset("is was has had are were does did".split())

# Cues after which the next word is a name even if it is not in the lists.
_STRONG_CUES = (
    ("my", "name", "is"), ("my", "name's"), ("name's",), ("my", "names"), ("i'm", "called"),
    ("i", "am", "called"), ("call", "me"), ("is", "called"), ("was", "called"),
    ("she's", "called"), ("he's", "called"), ("known", "as"), ("they", "call", "me"),
    ("first", "name", "is"), ("surname", "is"), ("last", "name", "is"), ("signed",),
)
# Cues after which a listed name is taken out even if it is also an ordinary word.
_ROLES = (
    "worker", "carer", "daughter", "son", "wife", "husband", "partner", "friend", "mum", "mam",
    "mother", "dad", "father", "brother", "sister", "neighbour", "neighbor", "granddaughter",
    "grandson", "grandma", "grandad", "granny", "gran", "niece", "nephew", "aunt", "auntie",
    "uncle", "cousin", "boyfriend", "girlfriend", "nurse", "doctor", "gp", "pa", "helper",
    "volunteer", "buddy", "befriender", "advocate", "officer", "optician", "therapist", "teacher",
    "colleague", "boss", "manager", "coordinator", "co-ordinator", "facilitator", "chair",
    "driver", "cleaner", "receptionist", "physio", "consultant", "specialist", "councillor",
    "minister", "priest", "pastor", "imam", "warden", "tutor", "trainer", "instructor", "leader",
    "organiser", "host", "counsellor", "pharmacist", "dentist", "surgeon", "midwife", "caseworker",
)
# Words before a role word that make it no role of one person: "every carer", "a doctor".
_NOT_ROLE_BEFORE = frozenset("a an any every each no some many all".split())
# Single-word cues too common to take an ordinary word after them as a name ("with hope").
_WEAK_INTRO_WORDS = frozenset("with and by love hi hello dear met ask called named".split())
# Verbs that show the word before them was a person: "grace said".
_SPEECH_VERBS = frozenset("said says told tells helped helps asked asks phoned rang came".split())
_TITLES = frozenset(
    "mr mrs ms miss mister missus dr doctor nurse sister father reverend rev professor prof".split()
)
_INTRO_CUES = (
    ("i'm",), ("i", "am"), ("this", "is"), ("it's",), ("it", "is"), ("thanks", "to"),
    ("thank", "you", "to"), ("thanks",), ("thank", "you"), ("cheers",), ("with",), ("and",),
    ("ask",), ("ask", "for"), ("spoke", "to"), ("talk", "to"), ("talked", "to"),
    ("speak", "to"), ("called",), ("named",), ("by",), ("met",), ("love",), ("hi",), ("hello",),
    ("dear",),
)

# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------

_DIGIT_WORDS = {
    "zero": 0, "oh": 0, "o": 0, "nought": 0, "nil": 0, "one": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}
_MULTIPLIERS = {"double": 2, "triple": 3, "treble": 3}
_NUMBER_WORDS = frozenset(_DIGIT_WORDS) | frozenset(_TEENS) | frozenset(_TENS) | {
    "hundred", "thousand"
}

_PHONE_CUES = frozenset(
    """call ring phone phoned mobile landline text number tel telephone contact reach whatsapp
    on""".split()
)
_ID_CUES = (
    ("nhs",), ("n", "h", "s"), ("chi",), ("c", "h", "i"), ("community", "health", "index"),
    ("health", "number"), ("hospital", "number"), ("patient", "number"),
)

# ---------------------------------------------------------------------------------------------
# Streets and postcodes
# ---------------------------------------------------------------------------------------------

_STREET_TYPES = frozenset(
    """street st road rd avenue ave lane ln drive dr crescent cres terrace terr gardens gdns
    place pl court ct close way square sq wynd brae grove row walk park view loan gate green
    mews quadrant circus path vennel parade boulevard rise hill wharf quay loaning
    cottages steading farm""".split()
)
# Words that cannot be part of a street name: they show a number is a quantity ("a ten minute
# walk", "three times a week"), not a house number.
_NOT_STREET_WORDS = frozenset(
    """a an the and or but of to in on at by for from with my your his her our their i me we you
    he she they it this that is are was were be been very too so some any no not minute minutes
    hour hours mile miles metre metres yard yards day days week weeks month months year years
    time times bus buses car cars pound pounds percent people more less other different""".split()
)
# Words before a number that show it is a quantity or a position, not a house number.
_NOT_HOUSE_NUMBER_BEFORE = frozenset(
    """a the another every each per about around only just over under than those these
    room floor bus page chapter level stage step top""".split()
)

# UK postcode areas (the letters before the first digit).
_POSTCODE_AREAS = frozenset(
    """ab al b ba bb bd bh bl bn br bs bt ca cb cf ch cm co cr ct cv cw da dd de dg dh dl dn dt
    dy e ec eh en ex fk fy g gl gu gy hd hg hp hr hs hu hx ig im ip iv je ka kt kw ky l la ld le
    ll ln ls lu m me mk ml n ne ng nn np nr nw ol ox pa pe ph pl po pr rg rh rm s sa se sg sk
    sl sm sn so sp sr ss st sw sy ta td tf tn tq tr ts tw ub w wa wc wd wf wn wr ws wv yo
    ze""".split()
)
# How speech recognisers write letters said one at a time.
_SPOKEN_LETTERS = {
    "ay": "a", "bee": "b", "be": "b", "see": "c", "sea": "c", "cee": "c", "dee": "d", "ee": "e",
    "eff": "f", "gee": "g", "aitch": "h", "haitch": "h", "eye": "i", "jay": "j", "kay": "k",
    "el": "l", "em": "m", "en": "n", "pee": "p", "pea": "p", "queue": "q", "cue": "q", "kew": "q",
    "are": "r", "ar": "r", "ess": "s", "tee": "t", "tea": "t", "you": "u", "vee": "v",
    "ex": "x", "why": "y", "zed": "z", "zee": "z",
}
# Two-letter postcode areas that recognisers may write as one word.
_AREA_WORDS = {"eh": "eh", "ka": "ka", "pa": "pa", "ab": "ab", "ml": "ml", "ph": "ph"}

_POSTCODE_CUES = (("postcode",), ("post", "code"), ("postcode", "is"), ("post", "code", "is"))
_EMAIL_TLDS = frozenset(
    "com uk org net scot co gov ac io info me edu nhs biz eu ie de fr pl it es".split()
)
_EMAIL_JOINERS = frozenset("dot underscore dash hyphen".split())

# ---------------------------------------------------------------------------------------------
# Written forms (regular expressions on the raw text)
# ---------------------------------------------------------------------------------------------

_WRITTEN_EMAIL = re.compile(r"[\w.+\-']+\s*@\s*[\w\-]+(?:\s*\.\s*[\w\-]+)+")
_WRITTEN_POSTCODE = re.compile(
    r"\b([A-Za-z]{1,2})(\d[A-Za-z\d]?)\s*(\d)([ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2})\b"
)
_WRITTEN_DIGITS = re.compile(r"(?:\+\s?\d{1,3}[\s\-]?)?(?:\(0?\d{1,5}\)[\s\-]?)?\d[\d\s\-]{4,}\d")
_WRITTEN_DATE = re.compile(r"\b\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?(?:\d{4}|\d{2})\b")
_WRITTEN_DOB_CUE = re.compile(
    r"\b(?:born|birth|d\.?\s?o\.?\s?b\.?|birthday|b'day|dob)\b", re.IGNORECASE
)

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_HARD_BREAK = re.compile(r"[.!?;:]")


def _wordlike(word: str) -> bool:
    """Letters only, allowing an inner apostrophe ("o'connor") but not a contraction ending."""
    return word.replace("'", "").isalpha() and not re.search(r"'(s|t|m|re|ve|ll|d)$", word)


@dataclass
class _Token:
    start: int
    end: int
    raw: str
    word: str  # folded, apostrophes normalised
    kind: str | None = None


def _tokenise(text: str) -> list[_Token]:
    return [
        _Token(m.start(), m.end(), m.group(), fold(m.group()).replace("’", "'"))
        for m in _TOKEN.finditer(text)
    ]


@functools.lru_cache(maxsize=16)
def _cues_ending(cues: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Cue phrases grouped by their last word, so a word that ends none costs one lookup."""
    if any(not cue for cue in cues):
        raise ValueError("an empty cue phrase would match everywhere")
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for cue in cues:
        grouped.setdefault(cue[-1], []).append(cue)
    return {word: tuple(group) for word, group in grouped.items()}


class _Scanner:
    """Finds personal details in one text; holds the tokens and which kind each belongs to."""

    def __init__(self, text: str, language: str) -> None:
        self.text = text
        self.english = language.lower().split("-")[0].split("_")[0] == "en"
        self.tokens = _tokenise(text)
        self.words = [t.word for t in self.tokens]
        self.extra_spans: list[tuple[int, int, str]] = []  # character spans from written rules

    # -- helpers ------------------------------------------------------------------------------
    def gap(self, i: int) -> str:
        """The characters between token i-1 and token i."""
        if i <= 0 or i >= len(self.tokens):
            return ""
        return self.text[self.tokens[i - 1].end : self.tokens[i].start]

    def broken_before(self, i: int) -> bool:
        """True if sentence punctuation separates token i from the one before."""
        return bool(_HARD_BREAK.search(self.gap(i)))

    def free(self, i: int) -> bool:
        return 0 <= i < len(self.tokens) and self.tokens[i].kind is None

    def mark(self, first: int, last: int, kind: str) -> None:
        """Mark tokens first..last (inclusive) as kind, leaving tokens already marked alone."""
        for i in range(max(first, 0), min(last, len(self.tokens) - 1) + 1):
            if self.tokens[i].kind is None:
                self.tokens[i].kind = kind

    def ends_any(self, i: int, cues: tuple[tuple[str, ...], ...]) -> bool:
        """any(self.ends_phrase(i, c) for c in cues), looking only at the cues whose last word
        is the word before position i (the scrubber's hot path: most words end no cue)."""
        if i <= 0:
            return False
        return any(self.ends_phrase(i, c) for c in _cues_ending(cues).get(self.words[i - 1], ()))

    def ends_phrase(self, i: int, phrase: tuple[str, ...]) -> bool:
        """True if the words just before position i are `phrase`, with no sentence break."""
        start = i - len(phrase)
        if start < 0:
            return False
        if tuple(self.words[start:i]) != phrase:
            return False
        return not any(self.broken_before(k) for k in range(start + 1, i + 1))

    def mark_chars(self, start: int, end: int, kind: str) -> None:
        overlapping = [k for k, t in enumerate(self.tokens) if t.start < end and t.end > start]
        if overlapping and any(self.tokens[k].kind not in (None, kind) for k in overlapping):
            return  # an earlier, more specific rule already claimed part of it
        self.extra_spans.append((start, end, kind))
        for k in overlapping:
            self.tokens[k].kind = kind

    # -- written forms ------------------------------------------------------------------------
    def written(self) -> None:
        text = self.text
        for m in _WRITTEN_EMAIL.finditer(text):
            self.mark_chars(m.start(), m.end(), "EMAIL")
        for m in _WRITTEN_DATE.finditer(text):
            before = text[max(0, m.start() - 40) : m.start()]
            if _WRITTEN_DOB_CUE.search(before):
                self.mark_chars(m.start(), m.end(), "DATE_OF_BIRTH")
        for m in _WRITTEN_POSTCODE.finditer(text):
            if m.group(1).lower() in _POSTCODE_AREAS and any(c.isdigit() for c in m.group(2)):
                self.mark_chars(m.start(), m.end(), "POSTCODE")
        for m in _WRITTEN_DIGITS.finditer(text):
            digits = re.sub(r"\D", "", m.group())
            if len(digits) < 6:
                continue
            before = fold(text[max(0, m.start() - 40) : m.start()])
            kind = self._number_kind(digits, m.group().lstrip().startswith("+"), before)
            if kind is not None:
                self.mark_chars(m.start(), m.end(), kind)

    def _number_kind(self, digits: str, international: bool, before: str) -> str | None:
        """Decide whether a run of digits is a phone number, an NHS/CHI number or neither."""
        before_words = re.findall(r"[a-z']+", before)[-6:]
        joined = " ".join(before_words)
        id_cue = bool(re.search(r"\b(nhs|chi|n h s|c h i|health|hospital|patient)\b", joined))
        phone_cue = any(w in _PHONE_CUES for w in before_words)
        if id_cue and len(digits) == 10:
            return "ID_NUMBER"
        if international or digits.startswith("0") or len(digits) == 11:
            return "PHONE" if len(digits) >= 9 or phone_cue else None
        if len(digits) == 10:
            return "ID_NUMBER"
        if len(digits) >= 9 or (phone_cue and len(digits) >= 6):
            return "PHONE"
        return None

    # -- spoken numbers -----------------------------------------------------------------------
    def number_run(self, i: int) -> tuple[int, str] | None:
        """Read spoken digits from token i; return (end index exclusive, digit string)."""
        digits: list[str] = []
        j = i
        n = len(self.tokens)
        while j < n and self.free(j):
            if j > i and self.broken_before(j):
                break
            w = self.words[j]
            if w in _MULTIPLIERS and j + 1 < n and self.words[j + 1] in _DIGIT_WORDS:
                digits.append(str(_DIGIT_WORDS[self.words[j + 1]]) * _MULTIPLIERS[w])
                j += 2
            elif w in _DIGIT_WORDS and not (w in ("o", "oh") and not digits and j + 1 < n
                                            and self.words[j + 1] not in _NUMBER_WORDS
                                            and self.words[j + 1] not in _MULTIPLIERS):
                digits.append(str(_DIGIT_WORDS[w]))
                j += 1
            elif w in _TEENS:
                digits.append(str(_TEENS[w]))
                j += 1
            elif w in _TENS:
                if j + 1 < n and self.words[j + 1] in _DIGIT_WORDS and _DIGIT_WORDS[
                    self.words[j + 1]
                ] > 0 and self.words[j + 1] not in ("o", "oh"):
                    digits.append(str(_TENS[w] + _DIGIT_WORDS[self.words[j + 1]]))
                    j += 2
                else:
                    digits.append(str(_TENS[w]))
                    j += 1
            elif w == "hundred" and digits:
                digits.append("00")
                j += 1
            elif w.isdigit():
                digits.append(w)
                j += 1
            else:
                break
        if j == i:
            return None
        return j, "".join(digits)

    def spoken_numbers(self) -> None:
        """Phone numbers and NHS/CHI numbers said digit by digit."""
        i = 0
        n = len(self.tokens)
        while i < n:
            if not self.free(i):
                i += 1
                continue
            start = i
            international = False
            if self.words[i] == "plus" and i + 1 < n:
                international = True
                start = i
                i += 1
            run = self.number_run(i)
            if run is None:
                i = start + 1
                continue
            end, digits = run
            before = " ".join(self.words[max(0, start - 6) : start])
            kind = self._number_kind(digits, international, before) if len(digits) >= 6 else None
            if kind is not None:
                self.mark(start, end - 1, kind)
            i = end

    # -- dates of birth -----------------------------------------------------------------------
    _DOB_CUES = (
        ("born",), ("date", "of", "birth"), ("dob",), ("d", "o", "b"), ("birthday",),
        ("birth", "date"), ("birthdate",), ("born", "on"), ("born", "in"),
    )
    _DATE_FILLERS = frozenset("is was on in the of it's its as".split())

    def _date_word(self, j: int) -> bool:
        w = self.words[j]
        return (
            w in _NUMBER_WORDS or w in _ORDINALS or w in _CALENDAR or w in _MULTIPLIERS
            or w in ("of", "the", "and", "st", "nd", "rd", "th")
            or bool(re.fullmatch(r"\d{1,4}(st|nd|rd|th)?", w))
        ) and w not in ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
                        "saturday", "christmas", "easter")

    def dates_of_birth(self) -> None:
        n = len(self.tokens)
        for i in range(n):
            if not self.ends_any(i, self._DOB_CUES):
                continue
            j = i
            while j < n and self.words[j] in self._DATE_FILLERS and j - i < 3:
                j += 1
            k = j
            while k < n and self.free(k) and self._date_word(k):
                date_separator = re.fullmatch(r"\s*[/.\-]\s*", self.gap(k))
                if k > j and self.broken_before(k) and not date_separator:
                    break
                k += 1
            while k > j and self.words[k - 1] in ("of", "the", "and"):
                k -= 1
            if k > j and any(
                self.words[m] not in ("of", "the", "and") for m in range(j, k)
            ):
                self.mark(j, k - 1, "DATE_OF_BIRTH")

    # -- emails -------------------------------------------------------------------------------
    def spoken_emails(self) -> None:
        n = len(self.tokens)
        for a in range(1, n - 3):
            if self.words[a] != "at" or not self.free(a):
                continue
            # domain: word (dot word)+ ending in a known top-level domain
            j = a + 1
            if self.words[j] in ("the", "a", "an", "my", "your", "home", "work", "least", "all"):
                continue
            end = None
            k = j + 1
            while k + 1 < n and self.words[k] == "dot":
                if self.words[k + 1] in _EMAIL_TLDS:
                    end = k + 1
                k += 2
            if end is None:
                continue
            # local part: back from "at" over words joined by dot / underscore / dash
            s = a - 1
            while s - 1 >= 0 and self.words[s] in _NUMBER_WORDS and self.words[s - 1] not in (
                _FUNCTION_WORDS - _NUMBER_WORDS
            ):
                s -= 1
            while s - 2 >= 0 and self.words[s - 1] in _EMAIL_JOINERS:
                s -= 2
            if self.words[s] in _FUNCTION_WORDS and self.words[s] not in _NUMBER_WORDS:
                continue
            if s - 1 >= 0 and len(self.words[s - 1]) == 1 and (
                self.words[s - 1] not in ("a", "i")
                or s - 2 < 0
                or self.words[s - 2] in ("at", "is", "to", "email", "address", "was", "on")
            ):
                s -= 1  # an initial: "j smith at ..."
            self.mark(s, end, "EMAIL")

    # -- postcodes ----------------------------------------------------------------------------
    def _letter(self, j: int) -> str | None:
        if j >= len(self.tokens):
            return None
        w = self.words[j]
        if len(w) == 1 and w.isalpha():
            return w
        return _SPOKEN_LETTERS.get(w)

    def spoken_postcodes(self) -> None:
        n = len(self.tokens)
        i = 0
        while i < n:
            found = self._postcode_at(i) if self.free(i) else None
            if found is None:
                i += 1
                continue
            self.mark(i, found - 1, "POSTCODE")
            i = found

    def _postcode_at(self, i: int) -> int | None:
        """If a spoken postcode starts at token i, return the index after it."""
        n = len(self.tokens)
        area = ""
        j = i
        if self.words[i] in _AREA_WORDS:
            area = _AREA_WORDS[self.words[i]]
            j = i + 1
        else:
            while j < n and len(area) < 2 and self._letter(j) and self.words[j] not in _DIGIT_WORDS:
                area += self._letter(j) or ""
                j += 1
        if not area or area not in _POSTCODE_AREAS:
            return None
        cue = self.ends_any(i, _POSTCODE_CUES)
        run = self.number_run(j) if j < n else None
        if run is None:
            return None
        k, digits = run
        # optional letter after the district ("e c one a ..."): rare, not handled
        if 2 <= len(digits) <= 3 and self._letter(k) and self._letter(k + 1):
            after = k + 2
            return after
        if cue and 1 <= len(digits) <= 2:
            return k
        return None

    # -- addresses ----------------------------------------------------------------------------
    def _cardinal(self, i: int) -> int | None:
        """Index after a house number said or written at token i, or None."""
        n = len(self.tokens)
        w = self.words[i]
        if re.fullmatch(r"\d{1,4}[a-z]?", w):
            return i + 1
        if w not in _NUMBER_WORDS or w in ("oh", "o", "nought", "nil", "zero", "hundred",
                                           "thousand"):
            return None
        j = i
        while j < n and (
            self.words[j] in _NUMBER_WORDS
            or (self.words[j] == "and" and j > i and self.words[j - 1] == "hundred"
                and j + 1 < n and self.words[j + 1] in _NUMBER_WORDS)
        ):
            j += 1
        return j

    def addresses(self) -> None:
        n = len(self.tokens)
        i = 0
        while i < n:
            if not self.free(i) or (i > 0 and self._cardinal(i - 1) is not None
                                    and self.words[i - 1] not in ("and",)):
                i += 1
                continue
            after_number = self._cardinal(i)
            if after_number is None:
                i += 1
                continue
            j = after_number
            if j < n and self.words[j] in ("a", "b", "c", "d") and j + 1 < n and \
                    self.words[j + 1] not in _FUNCTION_WORDS:
                j += 1  # "fourteen b mill road"
            found = None
            if i > 0 and self.words[i - 1] in _NOT_HOUSE_NUMBER_BEFORE:
                i += 1
                continue
            for width in (1, 2, 3):
                k = j + width
                if k >= n:
                    break
                middle = self.words[j:k]
                if any(w in _NOT_STREET_WORDS or w in _NUMBER_WORDS or not w.isalpha()
                       for w in middle):
                    break
                if any(self.broken_before(m) for m in range(j, k + 1) if m > i):
                    break
                if self.words[k] in _STREET_TYPES:
                    found = k
                    break
            if found is None:
                i += 1
                continue
            start = i
            # "flat two stroke one, twelve high street"
            if start >= 2 and self.words[start - 1] in _NUMBER_WORDS | {"stroke", "slash"}:
                b = start - 1
                while b > 0 and (self.words[b] in _NUMBER_WORDS
                                 or self.words[b] in ("stroke", "slash")
                                 or self.words[b].isdigit()):
                    b -= 1
                if self.words[b] == "flat":
                    start = b
            elif start >= 1 and self.words[start - 1] in ("flat", "number", "no"):
                start = start - 1 if self.words[start - 1] == "flat" else start
            if found + 1 < n and self.words[found + 1] in ("west", "east", "north", "south"):
                found += 1  # "paisley road west"
            self.mark(start, found, "ADDRESS")
            i = found + 1

    # -- names --------------------------------------------------------------------------------
    def _ordinary(self, w: str) -> bool:
        return w in _COMMON_WORD_NAMES or w in _CALENDAR or w in _OTHER_ORDINARY or w in _PLACES

    def _listed(self, w: str) -> bool:
        lists = name_lists()
        return w in lists.first or w in lists.last

    def _capitalised_mid_sentence(self, i: int) -> bool:
        raw = self.tokens[i].raw
        if not raw[:1].isupper() or raw.isupper() and len(raw) > 1:
            return False
        if i == 0 or self.broken_before(i):
            return False
        return True

    def _title_case_text(self) -> bool:
        raws = [t.raw for t in self.tokens if t.raw.isalpha()]
        return bool(raws) and sum(r[:1].isupper() for r in raws) > 0.6 * len(raws)

    def _name_follows(self, j: int) -> bool:
        """Whether token j (after a possible name) fits a name before it."""
        n = len(self.tokens)
        if j >= n or self.broken_before(j) or not self.free(j):
            return True
        w = self.words[j]
        return w in _AFTER_NAME or (
            len(w) > 3 and w.endswith("s") and w not in _FUNCTION_WORDS and not w.endswith("ss")
        )

    def _plausible_unknown(self, j: int) -> bool:
        """Whether a word missing from the name lists could still be a name ("mei", "jurgis")."""
        w = self.words[j]
        return (
            _wordlike(w) and len(w) >= 2 and w not in _FUNCTION_WORDS and not self._ordinary(w)
            and w not in _ROLES and w not in _TITLES and w not in _INSTITUTIONS
            and w not in _STREET_TYPES
            # English verb and plural endings; Baltic names ending in -as, -is, -us may stay
            and not re.search(r"(ed|ing|ly|ness|ful|less|ies|[^aiou]s)$", w)
        )

    def _clause_ends(self, j: int) -> bool:
        """Whether token j starts something new after a full name ("... kofi nowak call me").

        Stricter than _name_follows: "is" or "has" after an unlisted word suggests that word
        begins a new clause ("my name is oliver money is tight").
        """
        n = len(self.tokens)
        if j >= n or self.broken_before(j) or not self.free(j):
            return True
        return self.words[j] in _CLAUSE_STARTS

    def _extend_name(self, i: int) -> int:
        """From a name at token i, take following surnames; return the last name token index."""
        n = len(self.tokens)
        lists = name_lists()
        title_case = self._title_case_text()
        j = i + 1
        while j < n and j - i <= 3 and self.free(j) and not self.broken_before(j):
            w = self.words[j]
            if (w in _FUNCTION_WORDS or w in _NUMBER_WORDS or w in _PLACES or w in _CALENDAR
                    or w in _OTHER_ORDINARY or w in _INSTITUTIONS or not _wordlike(w)):
                break
            if w in lists.last or w in lists.first or re.fullmatch(r"(mac|mc|o')[a-z]{3,}", w):
                if w in _COMMON_WORD_NAMES and not (
                    self._name_follows(j + 1) or self._clause_ends(j + 1)
                ):
                    break
                j += 1
                continue
            if self._plausible_unknown(j) and (
                self._clause_ends(j + 1)
                or (self._name_follows(j + 1) and self.words[j + 1] not in _SHORT_VERBS)
                or (self.tokens[j].raw[:1].isupper() and not title_case)
            ):
                j += 1
                continue
            break
        return j - 1

    def _sentence_start(self, i: int) -> bool:
        return i == 0 or self.broken_before(i)

    def names(self) -> None:
        """Mark people's names: after cues, and names that are no ordinary word anywhere."""
        n = len(self.tokens)
        lists = name_lists()
        title_case = self._title_case_text()
        i = 0
        while i < n:
            w = self.words[i]
            if not self.free(i) or w in _FUNCTION_WORDS or w in _NUMBER_WORDS or not _wordlike(w):
                i += 1
                continue
            listed = w in lists.first or w in lists.last
            first = w in lists.first
            ordinary = self._ordinary(w)
            # ordinary in every sense: never a name whatever the cue
            plain_word = w in _OTHER_ORDINARY
            follows = self._name_follows(i + 1)
            next_is_number = i + 1 < n and self.words[i + 1] in _NUMBER_WORDS
            written_cap = not title_case and self._capitalised_mid_sentence(i)
            previous = self.words[i - 1] if i > 0 and not self.broken_before(i) else ""
            strong = self.english and self.ends_any(i, _STRONG_CUES)
            role = self.english and (
                previous in _TITLES
                or (previous in _ROLES and (i < 2 or self.words[i - 2] not in _NOT_ROLE_BEFORE))
            )
            intro = self.english and self.ends_any(i, _INTRO_CUES)
            weak_intro = previous in _WEAK_INTRO_WORDS

            is_name = False
            if plain_word:
                is_name = False
            elif strong:
                is_name = listed or not ordinary or w in _CALENDAR
            elif role:
                if listed and not ordinary:
                    is_name = True
                elif listed or w in _CALENDAR or w in _PLACES or self._plausible_unknown(i):
                    is_name = (follows and not next_is_number) or (
                        written_cap and self._plausible_unknown(i)
                    ) or (
                        # an unlisted first name and surname: "my worker kasia nowicka helps"
                        not ordinary and i + 1 < n and self._plausible_unknown(i + 1)
                        and self._name_follows(i + 2)
                    )
            elif intro:
                if first and not ordinary:
                    is_name = True
                elif (listed or w in _CALENDAR) and w not in _PLACES and not weak_intro:
                    is_name = follows and not next_is_number
                elif self._plausible_unknown(i) and (
                    (written_cap and follows)
                    or (i + 1 < n and self.words[i + 1] in _INTRO_CLOSERS)
                ):
                    is_name = True
            elif first and not ordinary:
                is_name = self.english or written_cap or (
                    i + 1 < n and self.words[i + 1] in lists.last
                )
            elif written_cap and first and w not in _CALENDAR and w not in _PLACES:
                is_name = True
            elif (self._sentence_start(i) or previous == "and") and listed and \
                    w in _COMMON_WORD_NAMES and i + 1 < n and self.words[i + 1] in _SPEECH_VERBS:
                is_name = True  # "grace said ..."

            if is_name:
                last = self._extend_name(i)
                if (last + 1 < n and self.words[last + 1] in _INSTITUTIONS) or (
                    previous in _INSTITUTION_PREFIXES
                ):
                    i = last + 1  # "queen margaret hospital", "st andrew"
                    continue
                start = i
                if i > 0 and self.free(i - 1) and not self.broken_before(i) and (
                    self._plausible_unknown(i - 1)
                    and (self._sentence_start(i - 1)
                         or self.ends_any(i - 1, _STRONG_CUES + _INTRO_CUES))
                ):
                    start = i - 1  # an unlisted first name before a listed surname
                self.mark(start, last, "NAME")
                i = last + 1
                continue
            # a surname that is no ordinary word, right after a first name ("mark thompson")
            if listed and not ordinary and w in lists.last and i > 0 and self.free(i - 1) \
                    and previous in lists.first and previous not in _FUNCTION_WORDS \
                    and previous not in _CALENDAR and previous not in _PLACES \
                    and previous not in _OTHER_ORDINARY:
                last = self._extend_name(i)
                self.mark(i - 1, last, "NAME")
                i = last + 1
                continue
            i += 1

    # -- output -------------------------------------------------------------------------------
    def spans(self) -> list[tuple[int, int, str]]:
        """Character spans to replace, merged, in order."""
        raw: list[tuple[int, int, str]] = []
        for t in self.tokens:
            if t.kind is not None:
                raw.append((t.start, t.end, t.kind))
        raw.extend(self.extra_spans)
        raw.sort()
        merged: list[tuple[int, int, str]] = []
        for start, end, kind in raw:
            if merged:
                p_start, p_end, p_kind = merged[-1]
                between = self.text[p_end:start] if start > p_end else ""
                if start <= p_end or (p_kind == kind and re.fullmatch(r"[\s,/.\-()+@_']*", between)
                                      and not (kind == "NAME" and "," in between)):
                    merged[-1] = (p_start, max(p_end, end), p_kind)
                    continue
            merged.append((start, end, kind))
        return merged


def redact(text: str, language: str = "en") -> Redaction:
    """Replace personal details in `text` with tags such as [NAME] and [PHONE].

    Works on spoken form (lower-case words from speech recognition) and written form. For
    languages other than English only the language-independent rules run (written emails,
    phone and ID digits, postcodes, dates after a cue) plus the name list; the English cue
    phrases and spoken numbers are not used.

    >>> redact("my name is susan holt call me on oh seven seven double nine").text
    'my name is [NAME] call me on [PHONE]'
    """
    if not text.strip():
        return Redaction(text=text, removed=(), scrubber=scrubber_version())
    scanner = _Scanner(text, language)
    scanner.written()
    if scanner.english:
        scanner.dates_of_birth()
        scanner.spoken_emails()
        scanner.spoken_postcodes()
        scanner.spoken_numbers()
        scanner.addresses()
    scanner.names()
    pieces: list[str] = []
    removed: list[str] = []
    position = 0
    for start, end, kind in scanner.spans():
        pieces.append(text[position:start])
        pieces.append(f"[{kind}]")
        position = end
        if kind not in removed:
            removed.append(kind)
    pieces.append(text[position:])
    return Redaction(text="".join(pieces), removed=tuple(removed), scrubber=scrubber_version())
