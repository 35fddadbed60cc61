"""Given names from the newer name sources that are also ordinary English words.

Derived by tests/support/derive_ordinary_names.py from a British English word list: the names
that `names.py` reads from gender-guesser (and Faker's romanised Chinese names) found there in
lower case. Like lexicon.COMMON_WORD_NAMES, the rules take these out only when the words around
them show a name ("my pal sunny", not "a sunny day").
"""

from __future__ import annotations

ORDINARY_GIVEN_NAMES = frozenset(
    """
    abed ally alpha ameer arcade arise art aspen bang barb barney bay be bee belle berth bet
    bin birdie blaze blossom bonny brain brook buddy buster butch buzz cadence cam camellia can
    candy caprice cat cerise chance chastity cherish chin chip christen chuck cliff colt coy cu
    deb dell diet dimple dine ding dip do doc dolly done dory dot dotty due dun duo dusty ear
    earnest ed eddy emerald emery era essence fa fairy fan fang fares fawn fedora fen fern
    firth five forest gale gang garnet gen genesis ginger gong gusts hang hank hat haven he
    heaven herb hew hi hind hoc hod hoe homer honey hue impress jarred jawed jehad jewel jihad
    jock justice kin kinda kit kitty laddie lama lap laurel lean lei liberty lieu loan lung
    lyric ma magnolia march marlin maroon marquis marquise marvel matt maverick meadow men mete
    mi mickey mien min mine miracle mo moire moray mu myrtle nay nest newt nil non novella nu
    nut okay one opal oral oriole paddy pan pang pansy pasha pat patsy peg pen petrel pica
    piers pin ping pinkie pip precious princess rail rajah ran rang red reeve rhea rim river
    rob rocky rod royal run ruse rusty sage sahib saner savanna serenity shad shady shaker sham
    shandy she shin shun sincere skip sky slim so solo sols son song spring sterling stoney
    stormy sultan sultana sun sung sunny sunshine tab tad talon tam tamer tang tat than thin
    tho thong ti tie tin ting to ton tong trace tram tuba tuna unity vale velvet vents verity
    visa viva wail waldo wan wen will win windy wing woody xi ye you yuk zed
    """.split()
)
