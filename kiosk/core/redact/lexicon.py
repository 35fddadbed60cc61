"""The scrubber's word lists: language data, not rules.

Which ordinary words are also names, the cues that introduce a name, role words, number words,
street types and postcode areas. Kept apart from the rules (`rules.py`) so that the data can be
read, reviewed and extended on its own. Part of the scrubber's version stamp (`stamp.py`).
"""

from __future__ import annotations

# Words in the name lists that are also ordinary lower-case English words. Derived once from a
# British English word list (names found there in lower case), so "grace", "will", "bill" and
# "hope" need a cue before they are treated as names. Names whose ordinary sense is rare in
# speech ("john", "harry", "peter") were left out on purpose.
COMMON_WORD_NAMES = frozenset(
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
CALENDAR = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday christmas easter""".split()
)
OTHER_ORDINARY = frozenset(
    """christian hindu sikh muslim jewish catholic scottish english irish welsh british polish
    indian african asian chinese deaf blind happy sunny lucky honey early tired sure fine okay
    ok alright able glad well old new sorry poor rich free kirk loch glen ben burn brae wee
    bonnie ken aye naw hen pal doll
    nae naebody naethin naething nane fae frae wi wae oot doon aboot roon ower oan intae
    tae telt ma masel yersel hame hoose heid cannae canna cannie disnae dinnae didnae wouldnae
    couldnae shouldnae isnae wasnae wisnae willnae widnae hasnae havenae huvnae arenae gonnae
    wantae hud hiv huv gie gied gien ye yer youse yous mibbe mebbe awfy awfu greetin bairn
    bairns wean weans lassie lassies laddie fella dug scran blether blethers dreich drookit
    glaikit haver havering braw outwith coorie jings och eh naw aw ah oor thon yon stairheid
    messages piece jeely peely wally numpty gallus
    telly cuppa brekkie fiver tenner quid mum mam dad da granny grandad bus pass""".split()
)

# Places people mention as opinion. Several are also first names ("lewis", "skye", "paisley").
PLACES = frozenset(
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
    carrick cunninghame galloway lochaber badenoch strathspey sutherland caithness
    buchan mearns kincardine clackmannan kinross renfrew inverclyde dunoon rothesay bute
    tiree coll jura barra uist benbecula ullapool mallaig dingwall tain dornoch golspie brora
    invergordon huntly inverurie ellon banchory aboyne ballater braemar blairgowrie cupar
    anstruther crail glenrothes methil lochgelly cowdenbeath grangemouth larbert bannockburn
    dunblane callander killin lochgilphead tarbert inveraray maybole cumnock kilwinning
    saltcoats ardrossan stevenston dalry beith johnstone erskine dumbarton helensburgh
    alexandria balloch milngavie bearsden kirkintilloch lenzie strathaven larkhall carluke
    biggar moffat lockerbie annan gretna langholm kirkcudbright wigtown sanquhar
    dumbarton helensburgh dunoon rothesay bute tiree coll barra uist benbecula iona jura gigha
    scotland england wales ireland britain london manchester liverpool birmingham leeds belfast
    dublin cardiff newcastle carlisle berwick kent devon cornwall york chester lincoln jordan
    india pakistan poland nigeria ghana kenya syria ukraine china georgia victoria florence
    adelaide sydney austin dallas houston denver phoenix""".split()
)
# A name followed by one of these names a place or an organisation, not a person.
INSTITUTIONS = frozenset(
    """hospital university college school academy house centre center hall library church
    street road avenue lane drive crescent terrace gardens place court square park bridge
    infirmary clinic practice surgery trust foundation institute station building""".split()
)
# Words before a name that make it part of a place or organisation name.
INSTITUTION_PREFIXES = frozenset("st saint queen king prince princess port fort mount".split())
PLACE_PREPOSITIONS = frozenset(
    "in to from at near on of around across into through via visit visiting towards outside".split()
)

# Function words and frequent verbs: never part of a name, and they end a name after a cue.
FUNCTION_WORDS = frozenset(
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
# Scottish Gaelic function words (folded), so that a name is never stretched over the words
# around it ("Thuirt Mòrag ... robh" keeps "Thuirt"). Left out: those that are also names or
# surnames elsewhere (ann, le, mu, gu, cha, chan, mi).
FUNCTION_WORDS = FUNCTION_WORDS | frozenset(
    """agus bha tha thuirt thu sinn sibh iad ri aig dhan anns nach robh bhith bho ach nuair
    ris rium leam dhomh dhi aice aige orm ort oirre seo cuideachd bhruidhinn chunnaic chuala
    innis rinn thainig chaidh""".split())
# Scottish Gaelic small words (folded) that are also names or surnames elsewhere ("Ann", "Le",
# "Chan"), so not in FUNCTION_WORDS, which every language shares. In Gaelic text, written in
# lower case or starting a sentence, they are these words: "bha Ceit ann" ends the name at
# "ann"; a capital inside a sentence ("tha Ann ann") still shows a name.
GAELIC_SMALL_WORDS = frozenset(
    """ann bean bi carson cha chan cho co da de dhuinn eil fo gu gum gun latha le leis ma mar
    mi mo mu mura na nam nan nas sia te tri""".split())

# Polish small words (folded: "że" is "ze", "był" is "byl"), some of them names elsewhere ("Ma",
# "Tu", "Sama", "Pan"), the everyday adverbs and verbs that follow a name ("wczoraj", "jest"),
# and family words ("mama") that a case ending must not turn into a name ("Mamę"). In Polish
# text, in lower case or starting a sentence, they end a name and are never one, as
# GAELIC_SMALL_WORDS in Gaelic: "z Katarzyną Nowakowską wczoraj" keeps "wczoraj", "Sama tu
# przyszłam" keeps "Sama". The forms of "pan"/"pani" (Mr, Mrs) are here too: a title is never
# part of the name after it.
POLISH_SMALL_WORDS = frozenset(
    """a aby albo ale ani babcia bardzo bede bedzie bez bo brat by byc byl byla bylam bylem byli
    bylo byly ci ciocia co corka czy dla do dobra dobre dobry dobrze dopiero dziadek dzis
    dzisiaj gdy gdzie go i ich ile im ja jak jego jej jemu jesli jest jestem jeszcze jutro juz
    kiedy kiedys kto ktora ktore ktory ktos ma maja malo mam mama mamy mi mial miala mna mnie
    moj moja moje my na nad nam nas nawet nic nie nigdy no o od on ona one oni ono oraz pan
    pana panem pani pania panie panstwo panu po pod potem prawie przed przez przy rano razem sa
    sam sama sie siostra syn tak takze tam tata te tego tej temu ten teraz tez to troche tu
    tutaj ty tyle tylko tym u w wam was wczoraj we wiec wszyscy wszystko wtedy wujek wy z za
    zaraz zawsze ze zeby""".split())
# Polish case endings of given names and surnames, longest first, with the nominative endings
# they may stand for ("Piotra" -> "piotr", "Kowalskiego" -> "kowalski", "Ewie" -> "ewa",
# "Agnieszce" -> "agnieszka", "Wiśniewska" -> "wisniewski"). A capitalised word in Polish text
# is read as the nominative only where that is a listed name (see people.py), so the table can
# be loose: an ending that makes no listed name changes nothing.
POLISH_CASE_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("kiego", ("ki",)), ("kiemu", ("ki",)), ("kimi", ("ki",)), ("kich", ("ki",)),
    ("kiej", ("ki", "ka")), ("kim", ("ki",)), ("scy", ("ski",)), ("ccy", ("cki",)),
    ("dzie", ("da", "d")), ("owi", ("",)), ("iem", ("",)), ("rze", ("ra", "r")),
    ("cie", ("ta", "t")), ("dze", ("ga",)), ("ka", ("ki",)), ("ce", ("ka",)),
    ("le", ("la", "l")), ("ie", ("a", "ia", "")), ("iu", ("ia",)), ("em", ("",)), ("a", ("",)),
    ("y", ("a",)), ("i", ("a", "ia")), ("e", ("a",)), ("o", ("a",)), ("u", ("",)),
)
# Polish titles (Mr, Mrs and their cases): a capitalised word after one is a name.
POLISH_TITLES = frozenset("pan pana panu panem panie pani pania".split())

# Words ordinary after any other cue ("i'm lucky", "a sunny day", "ye ken"), so also in
# OTHER_ORDINARY, that are given names too: taken out only right after a role of one person
# ("my pal sunny said", "o'neil's carer Ben phoned").
NAMES_AFTER_ROLES = frozenset("ben bonnie christian glen honey ken kirk lucky rich sunny".split())

# Words that may follow a name introduced by a cue ("my carer grace is great", "thanks to hope
# and the team"). An ordinary-word name is only taken out when one of these (or the end) follows.
AFTER_NAME = frozenset(
    """and who who's is was has had does did said says told tells from at he she they i we
    always never also but or with for too as comes came helps helped takes took brought
    drives drove gets got goes went makes made knows knew reads read rings phones calls
    visits visited here speaking today again too's phoned rang asked asks texted""".split()
)

# Words that begin something new after a full name: "my name is kofi nowak and ...",
# "... susan holt i live ...", "... anil young call me ...". Not objects or articles, which
# show the word before was a verb ("brought me", "read the").
CLAUSE_STARTS = frozenset(
    """and but so or because i i'm i've i'd i'll my we we're our you your he she they it it's
    this who call ring phone text email from at here speaking today please thanks thank
    if when""".split()
)

# After "this is" or "it's", an unlisted word is a name only when one of these follows.
INTRO_CLOSERS = frozenset("speaking here calling again".split())

# Verbs that may begin a new clause after an unlisted word ("oliver money is tight").
SHORT_VERBS = frozenset("is was has had are were does did".split())

# Cues after which the next word is a name even if it is not in the lists.
STRONG_CUES = (
    ("my", "name", "is"), ("my", "name's"), ("name's",), ("my", "names"), ("i'm", "called"),
    ("i", "am", "called"), ("call", "me"), ("is", "called"), ("was", "called"),
    ("she's", "called"), ("he's", "called"), ("known", "as"), ("they", "call", "me"),
    ("first", "name", "is"), ("surname", "is"), ("last", "name", "is"), ("signed",),
)
# Cues after which a listed name is taken out even if it is also an ordinary word.
ROLES = (
    "worker", "carer", "daughter", "son", "wife", "husband", "partner", "friend", "mum", "mam",
    "mother", "dad", "father", "brother", "sister", "neighbour", "neighbor", "granddaughter",
    "grandson", "grandma", "grandad", "granny", "gran", "niece", "nephew", "aunt", "auntie",
    "uncle", "cousin", "boyfriend", "girlfriend", "nurse", "doctor", "gp", "pa", "helper",
    "volunteer", "buddy", "befriender", "advocate", "officer", "optician", "therapist", "teacher",
    "colleague", "boss", "manager", "coordinator", "co-ordinator", "facilitator", "chair",
    "driver", "cleaner", "receptionist", "physio", "consultant", "specialist", "councillor",
    "minister", "priest", "pastor", "imam", "warden", "tutor", "trainer", "instructor", "leader",
    "organiser", "host", "counsellor", "pharmacist", "dentist", "surgeon", "midwife", "caseworker",
    "pal", "mate", "chum", "granddad", "grandpa", "papa", "nana", "nan", "lassie", "laddie",
    "fella", "boy", "girl", "stepson", "stepdaughter", "sister-in-law", "brother-in-law",
    "lodger", "flatmate", "landlord", "landlady", "janitor", "caretaker", "postie",
)
# Words before a role word that make it no role of one person: "every carer", "a doctor".
NOT_ROLE_BEFORE = frozenset("a an any every each no some many all".split())
# Single-word cues too common to take an ordinary word after them as a name ("with hope").
WEAK_INTRO_WORDS = frozenset("with and by love hi hello dear met ask called named".split())
# Verbs that show the word before them was a person: "grace said".
SPEECH_VERBS = frozenset("said says told tells helped helps asked asks phoned rang came".split())
TITLES = frozenset(
    "mr mrs ms miss mister missus dr doctor nurse sister father reverend rev professor prof".split()
)
INTRO_CUES = (
    ("i'm",), ("i", "am"), ("this", "is"), ("it's",), ("it", "is"), ("thanks", "to"),
    ("thank", "you", "to"), ("thanks",), ("thank", "you"), ("cheers",), ("with",), ("and",),
    ("ask",), ("ask", "for"), ("spoke", "to"), ("talk", "to"), ("talked", "to"),
    ("speak", "to"), ("called",), ("named",), ("by",), ("met",), ("love",), ("hi",), ("hello",),
    ("dear",),
)

# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------

DIGIT_WORDS = {
    "zero": 0, "oh": 0, "o": 0, "nought": 0, "nil": 0, "one": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}
TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}
MULTIPLIERS = {"double": 2, "triple": 3, "treble": 3}
NUMBER_WORDS = frozenset(DIGIT_WORDS) | frozenset(TEENS) | frozenset(TENS) | {
    "hundred", "thousand"
}

PHONE_CUES = frozenset(
    """call ring phone phoned mobile landline text number tel telephone contact reach whatsapp
    on""".split()
)
ID_CUES = (
    ("nhs",), ("n", "h", "s"), ("chi",), ("c", "h", "i"), ("community", "health", "index"),
    ("health", "number"), ("hospital", "number"), ("patient", "number"),
)

# ---------------------------------------------------------------------------------------------
# Streets and postcodes
# ---------------------------------------------------------------------------------------------

STREET_TYPES = frozenset(
    """street st road rd avenue ave lane ln drive dr crescent cres terrace terr gardens gdns
    place pl court ct close way square sq wynd brae grove row walk park view loan gate green
    mews quadrant circus path vennel parade boulevard rise hill wharf quay loaning
    cottages steading farm
    gait gate knowe neuk haugh mains rigg brow dene fold garth holme mead mount nook villas
    heights flats bank croft yard dell vale approach chase grange glade lea leys meadows
    orchard promenade ridge broadway causeway causewayside wellgate wynds pend grove
    gardens terrace crescent""".split()
)

# Phrases after which a house or flat number and the words that follow it are an address,
# whatever the street's type word ("i live at thirty four walters creek").
ADDRESS_CUES = (
    ("live", "at"), ("living", "at"), ("lives", "at"), ("stay", "at"), ("staying", "at"),
    ("stays", "at"), ("i'm", "at"), ("we're", "at"), ("we", "are", "at"), ("they're", "at"),
    ("flat", "is", "at"), ("flat", "is"), ("house", "is", "at"), ("house", "is"),
    ("home", "is"), ("home", "is", "at"), ("address", "is"), ("address", "is", "at"),
    ("send", "it", "to"), ("send", "them", "to"), ("post", "it", "to"), ("write", "to"),
    ("write", "to", "me", "at"), ("come", "to"), ("come", "round", "to"), ("moved", "to"),
    ("move", "to"), ("moving", "to"), ("deliver", "to"), ("delivered", "to"), ("lived", "at"),
    ("stayed", "at"), ("flat", "at"), ("house", "at"),
)
# After these, the street's name alone ("the street is rowan brae") or the house number alone.
STREET_NAME_CUES = (("street", "is"), ("road", "is"), ("street's",), ("street", "was"))
HOUSE_NUMBER_CUES = (("house", "number", "is"), ("door", "number", "is"),
                     ("flat", "number", "is"), ("house", "number's"))

# Words that begin like a Gaelic surname but are not one (derived from a British English word
# list: its lower-case words starting with "mac" or "mc"), and a few more.
NOT_MAC_NAMES = frozenset(
    """macabre macadam macaroni macaronies macaronis macaroon macaroons macaws macerate
    macerated macerates macerating maceration machete machetes machinable machination
    machinations machine machined machinery machines machining machinist machinists machismo
    macing macintosh macintoshes mackerel mackerels mackinaw mackinaws mackintosh mackintoshes
    macrobiotic macrobiotics macrocosm macrocosms macrologies macrology macron macrons macros
    macroscopic machair macbook macbooks mcdonalds macula macular maculae macrophage
    macrophages macos""".split()
)

# Words that end an address's street words after a cue ("... walters creek now").
ADDRESS_STOP_WORDS = frozenset(
    """now then today tonight tomorrow yesterday please thanks upstairs downstairs anyway
    though just since until till near next beside opposite behind round past along up down
    o'clock am pm sharp every each""".split()
)
# Words that cannot be part of a street name: they show a number is a quantity ("a ten minute
# walk", "three times a week"), not a house number.
NOT_STREET_WORDS = frozenset(
    """a an the and or but of to in on at by for from with my your his her our their i me we you
    he she they it this that is are was were be been very too so some any no not minute minutes
    hour hours mile miles metre metres yard yards day days week weeks month months year years
    time times bus buses car cars pound pounds percent people more less other different""".split()
)
# Words before a number that show it is a quantity or a position, not a house number.
NOT_HOUSE_NUMBER_BEFORE = frozenset(
    """a the another every each per about around only just over under than those these
    room floor bus page chapter level stage step top""".split()
)

# UK postcode areas (the letters before the first digit).
POSTCODE_AREAS = frozenset(
    """ab al b ba bb bd bh bl bn br bs bt ca cb cf ch cm co cr ct cv cw da dd de dg dh dl dn dt
    dy e ec eh en ex fk fy g gl gu gy hd hg hp hr hs hu hx ig im ip iv je ka kt kw ky l la ld le
    ll ln ls lu m me mk ml n ne ng nn np nr nw ol ox pa pe ph pl po pr rg rh rm s sa se sg sk
    sl sm sn so sp sr ss st sw sy ta td tf tn tq tr ts tw ub w wa wc wd wf wn wr ws wv yo
    ze""".split()
)
# How speech recognisers write letters said one at a time.
SPOKEN_LETTERS = {
    "ay": "a", "bee": "b", "be": "b", "see": "c", "sea": "c", "cee": "c", "dee": "d", "ee": "e",
    "eff": "f", "gee": "g", "aitch": "h", "haitch": "h", "eye": "i", "jay": "j", "kay": "k",
    "el": "l", "em": "m", "en": "n", "pee": "p", "pea": "p", "queue": "q", "cue": "q", "kew": "q",
    "are": "r", "ar": "r", "ess": "s", "tee": "t", "tea": "t", "you": "u", "vee": "v",
    "ex": "x", "why": "y", "zed": "z", "zee": "z",
}
# Two-letter postcode areas that recognisers may write as one word.
AREA_WORDS = {"eh": "eh", "ka": "ka", "pa": "pa", "ab": "ab", "ml": "ml", "ph": "ph"}

POSTCODE_CUES = (("postcode",), ("post", "code"), ("postcode", "is"), ("post", "code", "is"))
EMAIL_TLDS = frozenset(
    "com uk org net scot co gov ac io info me edu nhs biz eu ie de fr pl it es".split()
)
EMAIL_JOINERS = frozenset("dot underscore dash hyphen".split())
