#!/usr/bin/env python3
"""Writes families.txt: Telugu word families whose forms must meet.

Each family is a noun and the inflected forms Telugu grammar gives it (number,
oblique, case and postposition endings), kept only where the form is attested
in real text: the Debian hunspell-te word list (/usr/share/hunspell/te_IN.dic)
or the seed article. The paradigms are grammar's, not the stemmer's; a family
the stemmer fails stays in the list and counts against it.

Run: python3 families.py /usr/share/hunspell/te_IN.dic ../../../../../shared/seed/*.txt
"""
import re
import sys
import unicodedata

ZWNJ = "\u200c"


def words(paths):
    out = set()
    for p in paths:
        text = open(p, encoding="utf-8").read()
        for w in re.findall(r"[\u0c00-\u0c7f\u200c\u200d]+", text):
            w = unicodedata.normalize("NFC", w.replace(ZWNJ, "").replace("\u200d", ""))
            out.add(w)
    return out


# Paradigms: (name, test for the base, forms of the base).
def am_noun(w):  # -ం nouns: దేశం
    x = w[:-1]
    return [w, x + "ము", x + "ాన్ని", x + "ానికి", w + "తో", w + "లో", w + "పై", w + "గా",
            x + "ాలు", x + "ాల", x + "ాలకు", x + "ాలతో", x + "ాల్లో", x + "ాలలో", x + "ాలను", x + "ములు", x + "ములో"]


def a_noun(w):  # nouns in inherent -a: పరిశ్రమ
    return [w, w + "లు", w + "ల", w + "కు", w + "ను", w + "తో", w + "లో", w + "పై",
            w + "లకు", w + "లతో", w + "ల్లో", w + "లలో", w + "లను"]


def i_noun(w):  # nouns in -i: మంత్రి, plural in -ులు
    x = w[:-1]
    return [w, w + "కి", w + "ని", w + "తో", w + "లో", w + "పై", x + "ులు", x + "ుల", x + "ులకు", x + "ులతో"]


def udu_noun(w):  # masculine -ుడు: నాయకుడు
    x = w[:-2]
    return [w, x + "డి", x + "ని", x + "డికి", x + "నికి", x + "డితో", x + "లు", x + "ల", x + "లకు"]


def aa_noun(w):  # names and nouns in -ā: రష్యా
    return [w, w + "కు", w + "తో", w + "ను", w + "లో", w + "పై", w + "నుంచి", w + "లతో"]


def virama_noun(w):  # loans ending in a consonant: జపాన్
    return [w, w + "కు", w + "కి", w + "తో", w + "ను", w + "లో", w + "పై", w + "ని"]


def u_noun(w):  # nouns in -u (not -డు, -లు): వస్తువు
    return [w, w + "కు", w + "ను", w + "తో", w + "లో", w + "లు", w + "ల", w + "లకు"]


NEWS = [(w, k) for k, ws in {
    "aa": "చైనా అమెరికా ఆస్ట్రేలియా ఆసియా ఇవాయా ఐరోపా కెనడా ఆఫ్రికా ఇండోనేషియా మలేషియా",
    "c": "జపాన్ బోరెల్ బ్రిటన్ ఫ్రాన్స్ ఇరాన్ పాకిస్తాన్ బ్రెజిల్ ఇజ్రాయెల్ సైబర్ ఐసీబీఎం",
    "i": "ఇటలీ ఢిల్లీ నకాటాని మోదీ జర్మనీ తకేషి",
}.items() for w in ws.split()]

PARADIGMS = [
    ("-ం nouns", lambda w: w.endswith("ం") and len(w) >= 4, am_noun, 100),
    ("-a nouns", lambda w: w[-1] in "కగచజటడతదనపబమయరలవశషసహళ" and len(w) >= 4 and not w.endswith("ల"), a_noun, 90),
    ("-i nouns", lambda w: w.endswith("ి") and len(w) >= 4, i_noun, 50),
    ("-ుడు nouns", lambda w: w.endswith("ుడు") and len(w) >= 6, udu_noun, 40),
    ("-ā nouns and names", lambda w: w.endswith("ా") and len(w) >= 4, aa_noun, 40),
    ("consonant-final loans", lambda w: w.endswith("్") and len(w) >= 4, virama_noun, 30),
    ("-u nouns", lambda w: w.endswith("ు") and not w.endswith("డు") and not w.endswith("లు") and len(w) >= 4, u_noun, 30),
]


def stop_words():
    """The analyzer's stop words: function words are dropped, not conflated."""
    src = open(__file__.replace("testdata/families.py", "stop_words_te.go"), encoding="utf-8").read()
    body = src.split("[]byte(`", 1)[1].split("`)", 1)[0]
    return {l.strip() for l in body.splitlines() if l.strip() and not l.startswith("#")}


def main():
    vocab = words(sys.argv[1:])
    stops = stop_words()
    seed = words(sys.argv[2:])
    used = set()
    print("# Telugu word families: the forms on a line must meet (one term after analysis).")
    print("# Written by indexer/lang/te/testdata/families.py from grammar paradigms; a form is")
    print("# listed only where it is attested in the Debian hunspell-te word list or the seed.")
    print("# The first block is the seed families of ../shared/TELUGU.md and the issue.")
    print("రష్యా రష్యాకు రష్యాతో రష్యాలతో")
    print("కొరియా కొరియాతో కొరియాను")
    print("సహకారం సహకారాన్ని సహకారానికి సహకారంతో సహకారంలో")
    print("భాగస్వామ్యం భాగస్వామ్యాన్ని")
    print("పరిశ్రమల పరిశ్రమను పరిశ్రమకు")
    print("టోక్యో టోక్యోలో")
    print("ఉక్రెయిన్కు ఉక్రెయిన్")
    print("దేశాలు దేశాల దేశాల్లో దేశాలతో")
    used.update("రష్యా కొరియా సహకారం భాగస్వామ్యం పరిశ్రమ టోక్యో ఉక్రెయిన్ దేశం".split())
    # Names and loanwords of the news, which the word list lacks: the seed's
    # words with the case endings grammar gives every noun.
    print("# names and loanwords of the news (seed words, grammar's endings)")
    for base, kind in NEWS:
        forms = aa_noun(base) if kind == "aa" else virama_noun(base) if kind == "c" else i_noun(base) if kind == "i" else u_noun(base)
        print(" ".join(forms[:6]))
    for name, test, forms, limit in PARADIGMS:
        print("# " + name)
        fams = []
        for w in sorted(vocab):
            if not test(w) or w in used:
                continue
            attested = [f for f in dict.fromkeys(forms(w)) if f in vocab]
            if any(f in stops for f in attested):
                continue  # a pronoun or other function word
            # A real noun shows at least one postposition of two letters or
            # more, not only endings that native words also end in.
            inflected = any(f.endswith(s) for f in attested for s in ("తో", "లో", "పై", "నుంచి", "ానికి", "ాన్ని"))
            if len(attested) >= 3 and inflected:
                fams.append(attested)
        # Most attested forms first: the families real text shows best.
        fams.sort(key=lambda f: (-len(f), f[0]))
        for f in fams[:limit]:
            used.update(f)
            print(" ".join(f))


main()
