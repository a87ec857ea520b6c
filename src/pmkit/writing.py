"""A writing coach: measure a draft against the reader it is for.

Module 05 of the course uses this module to score drafts written for executives, sales, legal,
customers and engineers. Everything here is plain Python, with no network and no randomness.

What it measures
----------------
* :func:`readability`: Flesch Reading Ease, Flesch-Kincaid grade and the Automated Readability
  Index. The counts of words, sentences and syllables come from ``textstat`` 0.7.4 (which
  counts syllables with ``pyphen`` hyphenation dictionaries, offline); the scores use the
  published formulas without textstat's rounding of the intermediate averages.
* :func:`scorecard`: eight checks a writing coach would make, each with the character spans it
  flags and an explanation: bottom line up front, length, jargon, unexplained acronyms, long
  sentences, readability, hedges and caveats, passive voice. It ends with a "fix first" list.
* :data:`AUDIENCES`: the five reader profiles (executive, sales, legal, customer, engineering)
  and their targets.
* :func:`prose_report` and :data:`COURSE_TARGET`: how the course measures its own teaching prose.
* Feedback for the three exercises of Module 05 (:func:`check_executive_summary`,
  :func:`check_release_notes`, :func:`check_press_release`), returning
  :class:`pmkit.feedback.Feedback`.

Data
----
* ``datasets/jargon.csv`` (:func:`load_jargon`): technical terms and acronyms with plain
  alternatives.
* ``datasets/writing_samples.json`` (:func:`load_samples`): engineering-style drafts from Rotawise,
  each with its reader and a reference rewrite.

Both loaders check every row and raise :class:`pmkit.data.DataError` listing every problem, with
the line and the field, and never change the file.

Limits (also taught in the notebook)
------------------------------------
The formulas count syllables and words; they cannot tell whether a text is true, well ordered or
useful. ``pyphen`` finds hyphenation points, not syllables, so it undercounts some short words
("area" and "idea" count as one syllable). The passive-voice rule is a pattern, not a parser (see
:func:`find_passives`). The formulas and word lists are for English; other languages get a note
instead of a score.
"""

from __future__ import annotations

import bisect
import csv
import html
import io
import json
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .data import DataError, Problem
from .feedback import Feedback
from .paths import dataset_path
from .work import is_unanswered

__all__ = [
    "Audience",
    "AUDIENCES",
    "CHECKS",
    "COURSE_TARGET",
    "CourseTarget",
    "Flag",
    "CheckResult",
    "Readability",
    "Sentence",
    "Scorecard",
    "Sample",
    "ProseReport",
    "readability",
    "split_sentences",
    "find_passives",
    "find_hedges",
    "find_jargon",
    "find_acronyms",
    "looks_english",
    "scorecard",
    "compare",
    "audience_table",
    "load_jargon",
    "load_samples",
    "prose_of_markdown",
    "prose_report",
    "notebook_prose",
    "course_prose_table",
    "samples_by_id",
    "samples_table",
    "get_sample",
    "highlight_html",
    "legend_html",
    "check_executive_summary",
    "check_release_notes",
    "check_press_release",
    "FLESCH_BANDS",
]

MODULE = "05-writing"

# ---------------------------------------------------------------------------------------------
# Readability: textstat's counts, the published formulas
# ---------------------------------------------------------------------------------------------
#: Flesch Reading Ease bands: lower bound -> description. The names are Flesch's own (1948; The Art of
#: Readable Writing, 1949), except 60-70: he called it "standard"; most guides now say "plain English".
FLESCH_BANDS = (
    (90, "very easy"),
    (80, "easy"),
    (70, "fairly easy"),
    (60, "plain English"),
    (50, "fairly difficult"),
    (30, "difficult"),
    (-math.inf, "very difficult"),
)

#: Below this many words the formulas say little (Flesch built them on 100-word samples).
MIN_WORDS_FOR_SCORES = 30
#: The average-sentence-length target applies from this many sentences on; shorter drafts are held to
#: the longest-sentence limit only.
MIN_SENTENCES_FOR_AVERAGE = 3


@lru_cache(maxsize=1)
def _textstat():
    """A private textstat instance: English, no rounding of intermediate averages.

    The module-level ``textstat`` object is shared (tests/test_lessons.py uses it with its default
    rounding), so the settings here never touch it.
    """
    from textstat.textstat import textstatistics

    stats = textstatistics()
    stats.set_lang("en_US")
    stats.set_rounding(False)
    return stats


def flesch_reading_ease(words: int, sentences: int, syllables: int) -> float:
    """206.835 - 1.015 x (words / sentences) - 84.6 x (syllables / words)  (Flesch, 1948)."""
    if words <= 0 or sentences <= 0:
        return 0.0
    return 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)


def flesch_kincaid_grade(words: int, sentences: int, syllables: int) -> float:
    """0.39 x (words / sentences) + 11.8 x (syllables / words) - 15.59  (Kincaid et al., 1975)."""
    if words <= 0 or sentences <= 0:
        return 0.0
    return 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59


def automated_readability_index(characters: int, words: int, sentences: int) -> float:
    """4.71 x (characters / words) + 0.5 x (words / sentences) - 21.43  (Smith & Senter, 1967)."""
    if words <= 0 or sentences <= 0:
        return 0.0
    return 4.71 * (characters / words) + 0.5 * (words / sentences) - 21.43


def flesch_band(score: float) -> str:
    """The name of a Flesch Reading Ease band, such as "plain English" for 60-70."""
    for lower, name in FLESCH_BANDS:
        if score >= lower:
            return name
    return FLESCH_BANDS[-1][1]


@dataclass(frozen=True)
class Readability:
    """Readability numbers for one text. ``english`` is False when the text does not look like
    English; the numbers are then computed but mean little."""

    words: int
    sentences: int
    syllables: int
    characters: int
    reading_ease: float
    grade: float
    ari: float
    english: bool = True

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / self.words if self.words else 0.0

    @property
    def band(self) -> str:
        return flesch_band(self.reading_ease)

    def to_dict(self) -> dict[str, Any]:
        return {
            "words": self.words, "sentences": self.sentences, "syllables": self.syllables,
            "characters": self.characters, "reading_ease": round(self.reading_ease, 1),
            "grade": round(self.grade, 1), "ari": round(self.ari, 1),
            "words_per_sentence": round(self.words_per_sentence, 1),
            "syllables_per_word": round(self.syllables_per_word, 2), "band": self.band,
            "english": self.english,
        }


def readability(text: str) -> Readability:
    """Flesch Reading Ease, Flesch-Kincaid grade and ARI of ``text``.

    Words, sentences and syllables are counted by textstat 0.7.4: a word is what is left between
    spaces once punctuation is removed; a sentence ends in ``.``, ``!`` or ``?`` and fragments of
    one or two words are not counted; syllables come from pyphen's en_US hyphenation patterns.
    The scores then follow the published formulas exactly (textstat itself rounds the averages
    to one decimal first, which can move Reading Ease by up to about four points).
    Empty text gives zeros. Runs in linear time: 1 MB takes a fraction of a second.
    """
    text = _as_text(text)
    if not text.strip():
        return Readability(0, 0, 0, 0, 0.0, 0.0, 0.0, english=True)
    ts = _textstat()
    words = ts.lexicon_count(text)
    if words == 0:
        return Readability(0, 0, 0, 0, 0.0, 0.0, 0.0, english=looks_english(text))
    sentences = ts.sentence_count(text)
    syllables = _syllables_of_words(ts.remove_punctuation(text.lower()).split())
    characters = ts.char_count(ts.remove_punctuation(text))
    return Readability(
        words=words, sentences=sentences, syllables=syllables, characters=characters,
        reading_ease=flesch_reading_ease(words, sentences, syllables),
        grade=flesch_kincaid_grade(words, sentences, syllables),
        ari=automated_readability_index(characters, words, sentences),
        english=looks_english(text),
    )


_SYLLABLE_CACHE: dict[str, int] = {}
_LONGEST_WORD = 45  # longer "words" (URLs, hashes, unspaced scripts) get a cheap estimate
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def _syllables_of_words(words: Iterable[str]) -> int:
    """Syllables of cleaned, lower-case words, counted as ``textstat.syllable_count`` counts them
    (pyphen's en_US hyphenation points + 1 per word), once per distinct word.

    Exception, for speed: a "word" over 45 characters (a URL, a hash, a run of Japanese with no
    spaces) is counted as one syllable per group of vowels instead, because hyphenating a very
    long string is slow (about 4 s for a 1 MB string).
    """
    ts = _textstat()
    cache = _SYLLABLE_CACHE
    total = 0
    for word, count in Counter(words).items():
        n = cache.get(word)
        if n is None:
            if len(word) > _LONGEST_WORD:
                n = max(1, len(_VOWEL_GROUPS.findall(word)))
            else:
                n = ts.syllable_count(word)
            if len(cache) < 200_000:
                cache[word] = n
        total += n * count
    return total


# ---------------------------------------------------------------------------------------------
# Language
# ---------------------------------------------------------------------------------------------
# Common English function words that are not also common German, Dutch or French words.
_ENGLISH_WORDS = frozenset("""
the and of to is are that for with this it you we they be on as at by from or not have has our your
their which were been would could should there these those what when where who how than then them
its my me he she his her us do does did can just about into over after before because if but all
any some more most very also only other such no yes
""".split())
_LATIN_LETTER = re.compile(r"[A-Za-zÀ-ɏ]")
_LETTER = re.compile(r"[^\W\d_]")
_WORD_TOKEN = re.compile(r"\w+(?:['’\-]\w+)*")


#: Common function words of German, Dutch, French, Spanish, Italian, Portuguese, Swedish, Danish and
#: Norwegian that are not (common) English words.
_OTHER_WORDS = frozenset("""
der die den und ist nicht mit das dem ein eine einen zu sie wir ich auf für von sich auch wird werden oder bei
aus nach wie noch sind nur dass im zum zur über
het een van en niet met zijn voor dat ook wordt maar naar bij de te om wij dit deze omdat worden hebben heeft
kunnen moet zal onze uw jullie elke geen
le la les et est des du une pour pas qui dans sur avec nous vous sont ce cette au aux
el los las y del por para con una se su al lo como más pero es
il di che non per sono della gli
não uma com são já
och att som är för på av inte jag ett har ikke og af er det
""".split())
_NON_ASCII_LATIN = re.compile(r"[À-ɏ]")


def looks_english(text: str) -> bool:
    """A transparent guess: is ``text`` English (so that the formulas and word lists apply)?

    On at most the first 20,000 characters: most letters must be Latin letters (this rules out
    Japanese, Chinese, Russian, Arabic...), and common function words of other European languages
    ("und", "het", "les", "los"...) must not outnumber English ones ("the", "and", "of"...). A
    text of 20 words or more with almost no English function words counts as English only if it
    has none of the other languages' either and few accented letters (terse notes such as
    "- Android shift alerts fixed"). Texts under eight words count as English.
    """
    text = _as_text(text)[:20_000]
    letters = _LETTER.findall(text)
    if not letters:
        return True
    latin = sum(1 for ch in letters if _LATIN_LETTER.match(ch))
    if latin / len(letters) < 0.5:
        return False
    tokens = [t.lower() for t in _WORD_TOKEN.findall(text)]
    if len(tokens) < 8:
        return True
    english = sum(1 for t in tokens if t in _ENGLISH_WORDS)
    other = sum(1 for t in tokens if t in _OTHER_WORDS)
    if other > english:
        return False
    if len(tokens) >= 20 and english / len(tokens) < 0.05:
        # Few English function words. Terse English notes ("- Android shift alerts fixed") have none of
        # the other languages' either and few accented letters; Polish, Czech or Turkish have many.
        accented = len(_NON_ASCII_LATIN.findall(text))
        return other == 0 and accented / latin < 0.02
    return True


# ---------------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sentence:
    """One sentence: where it is in the text and how many words it has."""

    start: int
    end: int
    text: str
    words: int


_ABBREVIATIONS = frozenset("e.g i.e vs cf dr mr mrs ms prof st approx inc ltd co".split())
#: Abbreviations only before a number ("No. 5", "fig. 3", "Jan. 5"): "The answer is no. We ship." and
#: "We sat in the sun. Then..." end their sentences.
_ABBREVIATIONS_BEFORE_NUMBER = frozenset(
    "no nos fig figs p pp vol ch sec jan feb mar apr jun jul aug sep sept oct nov dec "
    "mon tue tues wed thu thur thurs fri sat sun".split()
)
#: Words after which a single capital letter is a name, not an initial: "option B. It costs less."
_LETTER_NAMES = frozenset(
    "option options plan plans type phase step part group grade class model version stage team site "
    "building room level tier scenario variant route appendix annex section item".split()
)
_STOP = re.compile(r"[.!?…]+[\"'’”)\]]*(?=\s|$)|[。！？]+")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+")
_MIXED_CASE = re.compile(r"[a-z]+[A-Z]")
_ENDS = re.compile(r"[.!?…。！？][\"'’”)\]]*\s*$")
_SALUTATION = re.compile(r"^(?:hi|hello|dear|hey|to|from|re|subject)\b[^.!?]{0,40}[,:]$", re.I)
_CONTINUATION_END = re.compile(r"\b(?:and|or|but|the|a|an|of|to|in|on|for|with|by|from|that|which|as|at)\s*$", re.I)


def _blocks(text: str) -> list[tuple[int, int]]:
    """Split text into blocks that no sentence crosses: paragraphs, list items and short lines.

    A single line break inside a paragraph does not end a sentence (notebook prose and e-mails
    are often wrapped by hand), unless the next line starts a list item or the line before is a
    short heading-like line (eight words or fewer, with no full stop, not ending in a comma or a
    joining word such as "and").
    """
    lines = text.split("\n")
    blocks: list[tuple[int, int]] = []
    start = 0
    pos = 0
    for idx in range(len(lines) - 1):
        line, nxt = lines[idx], lines[idx + 1]
        end = pos + len(line)
        stripped = line.strip()
        split = (not stripped or not nxt.strip() or _LIST_ITEM.match(nxt) is not None
                 or _SALUTATION.match(stripped) is not None
                 or (len(stripped) < 80 and len(stripped.split()) <= 8 and not _STOP.search(stripped)
                     and not stripped.endswith((",", ";", ":", "-", "–", "—"))
                     and not _CONTINUATION_END.search(stripped)))
        if split:
            if end > start:
                blocks.append((start, end))
            start = end + 1
        pos = end + 1
    if len(text) > start:
        blocks.append((start, len(text)))
    return blocks


def _is_abbreviation(text: str, stop_start: int) -> bool:
    """Is the full stop at ``stop_start`` part of an abbreviation or an initial?

    "e.g.", "Dr.", "approx." always are; "No.", "fig." and short month and day names only before a
    number; one capital letter is an initial ("J. Peter Kincaid"), except "I" and a letter that
    names an option ("option B.", "Plan A.").
    """
    j = stop_start
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "."):
        j -= 1
    token = text[j:stop_start].lower()
    if not token:
        return False
    if token in _ABBREVIATIONS:
        return True
    if len(token) == 1 and token.isalpha() and text[j].isupper() and text[j] != "I":
        before = re.search(r"(\w+)\W*$", text[max(0, j - 30):j])
        return not (before and before.group(1).lower() in _LETTER_NAMES)
    if token in _ABBREVIATIONS_BEFORE_NUMBER:
        return re.match(r"\s*\d", text[stop_start + 1:stop_start + 6]) is not None
    return False


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text``, with character offsets into it.

    A sentence ends at ``.``, ``!``, ``?`` (or ``。！？``) followed by a space or the end, unless
    the next word starts with a lower-case letter or the full stop belongs to an abbreviation
    such as "e.g." or an initial. Paragraphs, list items and short title lines also end a
    sentence (see :func:`_blocks`). Linear time.
    """
    text = _as_text(text)
    out: list[Sentence] = []
    for b_start, b_end in _blocks(text):
        m = _LIST_ITEM.match(text, b_start, b_end)
        cursor = m.end() if m else b_start
        for stop in _STOP.finditer(text, cursor, b_end):
            after = stop.end()
            k = after
            while k < b_end and text[k].isspace():
                k += 1
            if stop.group(0)[0] == "." and (_is_abbreviation(text, stop.start())):
                continue
            mark = stop.group(0)
            if (k < b_end and text[k].islower() and (mark[0] in ".…" or mark[-1] in "\"'’”")
                    and not _MIXED_CASE.match(text, k)):
                continue  # "e.g. the", "approx. ten", '"Why?" she asked': the sentence goes on (but "iPhones" starts one)
            _add_sentence(text, cursor, after, out)
            cursor = after
        _add_sentence(text, cursor, b_end, out)
    return out


def _add_sentence(text: str, start: int, end: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return
    chunk = text[start:end]
    words = len(_WORD_TOKEN.findall(chunk))
    if words == 0:
        return
    out.append(Sentence(start, end, chunk, words))


# ---------------------------------------------------------------------------------------------
# Word-level finders: tokens and phrase matching in linear time
# ---------------------------------------------------------------------------------------------
_TOKEN = re.compile(r"\w[\w+#]*(?:[./&'’]\w[\w+#]*)*")


class _Doc:
    """A text tokenised once, shared by the word-level finders (linear time, one regex pass).

    Hyphens count as spaces for matching ("sign-on" = "sign on"); ``sub`` is the text with hyphens
    replaced, the same length, so offsets are valid in both.
    """

    __slots__ = ("text", "sub", "toks", "words", "low", "cache", "code", "_code_starts")

    def __init__(self, text: str):
        self.text = text
        self.code = [(m.start(), m.end()) for m in _CODE_SPAN.finditer(text)] if "`" in text else []
        self._code_starts = [start for start, _ in self.code]
        self.sub = text.replace("-", " ")
        self.toks = list(_TOKEN.finditer(self.sub))
        self.words = [m.group() for m in self.toks]
        lowered = self.sub.lower()
        self.low = [lowered[m.start():m.end()] for m in self.toks] if len(lowered) == len(self.sub) else \
            [w.lower() for w in self.words]
        self.cache: dict[Any, Any] = {}

    def in_code(self, pos: int) -> bool:
        """Is ``pos`` inside a Markdown code span (`like this`) or a fenced code block?"""
        if not self.code:
            return False
        k = bisect.bisect_right(self._code_starts, pos) - 1
        return k >= 0 and pos < self.code[k][1]


#: Markdown code: fenced blocks and `inline spans`. The word-level checks skip what is inside.
_CODE_SPAN = re.compile(r"```.*?```|~~~.*?~~~|`[^`\n]+`", re.S)


def _doc(text: "str | _Doc") -> _Doc:
    return text if isinstance(text, _Doc) else _Doc(_as_text(text))


@dataclass(frozen=True)
class Flag:
    """A flagged span of the draft: ``text[start:end]``, which check flagged it and why."""

    start: int
    end: int
    check: str
    text: str
    message: str
    suggestion: str = ""
    term: str = ""  # for jargon and acronyms: the jargon.csv entry it matched, if any

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "check": self.check, "text": self.text,
                "message": self.message, "suggestion": self.suggestion, "term": self.term}


class _PhraseMatcher:
    """Find phrases (one or more words) in text by looking tokens up in a dict: linear time.

    Each phrase is stored under the tuple of its tokens, lower-cased unless it is case-sensitive.
    Hyphens count as spaces, so "sign-on" and "sign on" match each other. Inflections of the last
    word match too: plurals and possessives ("APIs", "webhook's"), "-ed", "-ing" and "-ly"
    ("refactored", "deploying", "asynchronously").
    """

    def __init__(self, phrases: Iterable[tuple[str, bool, Any]]):
        self.exact: dict[tuple[str, ...], Any] = {}
        self.folded: dict[tuple[str, ...], Any] = {}
        self.heads: set[tuple[str, ...]] = set()  # every phrase minus its last word
        sizes_exact: dict[str, set[int]] = {}
        sizes_folded: dict[str, set[int]] = {}
        for phrase, case_sensitive, info in phrases:
            key = self.key(phrase, case_sensitive)
            if not key:
                continue
            table, sizes = (self.exact, sizes_exact) if case_sensitive else (self.folded, sizes_folded)
            table.setdefault(key, info)
            sizes.setdefault(key[0], set()).add(len(key))
            if len(key) > 1:
                self.heads.add(key[:-1])
        self.sizes_exact = {k: sorted(v, reverse=True) for k, v in sizes_exact.items()}
        self.sizes_folded = {k: sorted(v, reverse=True) for k, v in sizes_folded.items()}
        # every surface form a first word can take (a superset: checked exactly later)
        self.surface_exact = {f for w in self.sizes_exact for f in self._inflections(w)}
        self.surface_folded = {f for w in self.sizes_folded for f in self._inflections(w)}

    @staticmethod
    def split(text: str) -> list[str]:
        return [m.group(0) for m in _TOKEN.finditer(text.replace("-", " "))]

    @classmethod
    def key(cls, phrase: str, case_sensitive: bool) -> tuple[str, ...]:
        parts = cls.split(phrase)
        return tuple(parts if case_sensitive else (p.lower() for p in parts))

    @staticmethod
    def _inflections(word: str) -> set[str]:
        forms = {word}
        for stem in (word, word[:-1] if word.endswith("e") else word):
            forms |= {stem + suffix for suffix in ("s", "es", "'s", "’s", "ed", "d", "ing", "ly", "S", "ED")}
        if word and word[-1].isalpha():
            forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
        return forms

    @staticmethod
    def _variants(word: str) -> list[str]:
        """The word and the stems it may come from: plurals, possessives, -ed, -ing, -ly."""
        out = [word]
        if len(word) < 4:
            return out
        for suffix in ("'s", "’s"):
            if word.endswith(suffix):
                out.append(word[: -len(suffix)])
        end = word[-1]
        if end in "sS":
            out.append(word[:-1])
            if word[-2:] in ("es", "ES"):
                out.append(word[:-2])
        elif end in "dD" and word[-2:] in ("ed", "ED"):
            out += [word[:-2], word[:-1]]
            if len(word) > 5 and word[-3] == word[-4]:  # "scrapped" -> "scrap"
                out.append(word[:-3])
        elif word.endswith("ing") and len(word) > 5:
            out += [word[:-3], word[:-3] + "e"]
            if len(word) > 6 and word[-4] == word[-5]:
                out.append(word[:-4])
        elif word.endswith("ly") and len(word) > 5:
            out.append(word[:-2])
        return out

    def _match_at(self, doc: "_Doc", i: int, words: list[str], table: dict, sizes_of: dict) -> tuple[int, Any] | None:
        first = words[i]
        sizes = sizes_of.get(first)
        if sizes is None:
            for v in self._variants(first):
                if v in sizes_of:
                    sizes = [1] if 1 in sizes_of[v] else None
                    break
            if sizes is None:
                return None
        n = len(words)
        for size in sizes:
            if i + size > n:
                continue
            last = i + size - 1
            head = tuple(words[i:last])
            if size > 1 and (head not in self.heads or not _adjacent(doc.sub, doc.toks, i, size)):
                continue
            for variant in self._variants(words[last]):
                info = table.get(head + (variant,))
                if info is not None:
                    return size, info
        return None

    def find(self, text: "str | _Doc") -> list[tuple[int, int, Any]]:
        """Non-overlapping matches, longest first at each position: (start, end, info)."""
        doc = _doc(text)
        se, sf = self.surface_exact, self.surface_folded
        words, low = doc.words, doc.low
        candidates = [i for i, (w, lw) in enumerate(zip(words, low)) if w in se or lw in sf]
        found: list[tuple[int, int, Any]] = []
        next_free = 0
        for i in candidates:
            if i < next_free:
                continue
            hit = None
            if words[i] in se:
                hit = self._match_at(doc, i, words, self.exact, self.sizes_exact)
            if hit is None and low[i] in sf:
                hit = self._match_at(doc, i, low, self.folded, self.sizes_folded)
            if hit is not None:
                size, info = hit
                found.append((doc.toks[i].start(), doc.toks[i + size - 1].end(), info))
                next_free = i + size
        return found


def _adjacent(sub: str, toks: list[re.Match], i: int, size: int) -> bool:
    for k in range(i, i + size - 1):
        gap = sub[toks[k].end(): toks[k + 1].start()]
        if gap.strip() or "\n\n" in gap:
            return False
    return True


# ---- jargon.csv --------------------------------------------------------------------------------
JARGON_COLUMNS = ("term", "plain", "kind", "note")
JARGON_KINDS = ("acronym", "jargon")


@dataclass(frozen=True)
class Term:
    term: str
    plain: str
    kind: str
    note: str = ""


def _read_bytes(path: Path, label: str) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"The file {path} does not exist.", source=label) from None
    except OSError as err:
        raise DataError(f"The file {path} cannot be read ({err}).", source=label) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DataError([Problem(line, None, None, "is not UTF-8 text. Save the file as UTF-8 and try again.")],
                        source=label) from None


def _resolve(path: str | Path | None, default: str) -> Path:
    return dataset_path(default) if path is None else Path(path)


def load_jargon(path: str | Path | None = None):
    """Load ``datasets/jargon.csv`` (or your own file with the same columns) as a DataFrame.

    Columns: ``term`` (unique), ``plain`` (a plain alternative), ``kind`` (``acronym`` or
    ``jargon``) and ``note`` (optional). Acronyms match only as written (``SSO``), jargon in any
    case (``Refactor``, ``refactor``). Raises :class:`pmkit.data.DataError` listing every problem
    with its line and column. The file is never changed.
    """
    import pandas as pd

    terms = _load_terms(_resolve(path, "jargon.csv"))
    frame = pd.DataFrame([t.__dict__ for t in terms], columns=list(JARGON_COLUMNS))
    frame.attrs["source"] = str(_resolve(path, "jargon.csv"))
    return frame


def _load_terms(path: Path) -> list[Term]:
    label = path.name
    text = _read_bytes(path, label)
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as err:
        raise DataError(f"The file is not valid CSV: {err}.", source=label) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise DataError([Problem(1, None, None, "The file is empty. Expected a header row: term,plain,kind,note.")],
                        source=label)
    header = [h.strip().lower() for h in rows[0]]
    problems: list[Problem] = []
    missing = [c for c in JARGON_COLUMNS[:3] if c not in header]
    if missing:
        problems.append(Problem(1, None, ",".join(rows[0]),
                                f"The header lacks the column(s) {', '.join(missing)}. "
                                "Expected: term,plain,kind,note (note is optional)."))
        raise DataError(problems, source=label)
    unknown = [h for h in header if h not in JARGON_COLUMNS]
    if unknown:
        problems.append(Problem(1, None, ",".join(rows[0]),
                                f"Unknown column(s) {', '.join(unknown)}. Expected: term,plain,kind,note."))
    index = {name: header.index(name) for name in JARGON_COLUMNS if name in header}
    terms: list[Term] = []
    seen: dict[str, int] = {}
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(Problem(line_no, None, ",".join(row),
                                    f"has {len(row)} cells but the header has {len(header)}. "
                                    "Quote any text that contains a comma."))
            continue
        cells = {name: row[i].strip() for name, i in index.items()}
        term, plain, kind, note = cells["term"], cells["plain"], cells["kind"].lower(), cells.get("note", "")
        if not term:
            problems.append(Problem(line_no, "term", "", "is blank. Expected the technical word or acronym."))
        if not plain:
            problems.append(Problem(line_no, "plain", "", "is blank. Expected a plain-language alternative."))
        if kind not in JARGON_KINDS:
            problems.append(Problem(line_no, "kind", cells["kind"], f"'{cells['kind']}' is not a kind. "
                                    "Expected 'acronym' or 'jargon'."))
        elif (kind == "acronym" and term and sum(ch.isupper() for ch in term) < 2
              and not any(ch.isdigit() for ch in term)):
            problems.append(Problem(line_no, "term", term, f"'{term}' is marked as an acronym but has fewer than two "
                                    "capital letters. Acronyms match only as written; use kind 'jargon' instead."))
        if term:
            key = term if kind == "acronym" else term.lower()
            if key in seen:
                problems.append(Problem(line_no, "term", term, f"'{term}' is already listed on line {seen[key]}."))
            else:
                seen[key] = line_no
        if term and plain and kind in JARGON_KINDS:
            terms.append(Term(term, plain, kind, note))
    if problems:
        raise DataError(problems, source=label)
    if not terms:
        raise DataError([Problem(None, None, None, "The file has a header but no terms.")], source=label)
    return terms


@lru_cache(maxsize=8)
def _jargon_matcher_cached(path: str, mtime: float, size: int) -> tuple[_PhraseMatcher, dict[str, Term]]:
    terms = _load_terms(Path(path))
    matcher = _PhraseMatcher((t.term, t.kind == "acronym", t) for t in terms)
    acronyms = {t.term: t for t in terms if t.kind == "acronym"}
    return matcher, acronyms


def _jargon_matcher(path: str | Path | None = None) -> tuple[_PhraseMatcher, dict[str, Term]]:
    p = _resolve(path, "jargon.csv")
    try:
        st = p.stat()
    except OSError:
        raise DataError(f"The file {p} does not exist.", source=p.name) from None
    return _jargon_matcher_cached(str(p.resolve()), st.st_mtime, st.st_size)


def _jargon_hits(doc: _Doc, jargon: str | Path | None) -> list[tuple[int, int, Term]]:
    matcher, _ = _jargon_matcher(jargon)
    key = ("jargon", str(jargon))
    if key not in doc.cache:
        doc.cache[key] = matcher.find(doc)
    return doc.cache[key]


def _term_of(flag: Flag) -> str:
    """The jargon.csv term a flag stands for (lower case)."""
    return flag.term.lower()


def find_jargon(text: "str | _Doc", jargon: str | Path | None = None) -> list[Flag]:
    """Every use of a term of kind ``jargon`` in ``jargon.csv``, with its plain alternative.

    Words inside Markdown code (`like this`) are skipped: the scorecard flags the code itself."""
    doc = _doc(text)
    text = doc.text
    flags = []
    for start, end, term in _jargon_hits(doc, jargon):
        if term.kind != "jargon" or doc.in_code(start):
            continue
        flags.append(Flag(start, end, "jargon", text[start:end],
                          f"'{text[start:end]}' is engineering jargon.",
                          f"Try: {term.plain}." + (f" ({term.note})" if term.note else ""), term=term.term))
    return flags


# ---- acronyms ----------------------------------------------------------------------------------
#: Acronyms that any professional reader knows; never flagged.
COMMON_ACRONYMS = frozenset(
    "UK US USA EU EEA UN CEO CFO CTO COO CMO VP HR IT PR OK AI FAQ PDF TV ID PS BST GMT UTC CET AM PM "
    "Q1 Q2 Q3 Q4 H1 H2 AGM ASAP NB SAP IBM HMRC NHS BBC".split()
)
#: Capitalised English words that look like acronyms.
_CAPS_WORDS = frozenset(
    "A I AN AND ARE AS AT BE BUT BY DO FOR IF IN IS IT NO NOT NOW OF ON OR SO THE TO UP WE YES ALL NEW "
    "NEVER ONLY MUST NOTE WHY HOW WHAT WHO WHEN STOP DONE TODO".split()
)
_ACRONYM = re.compile(r"(?<![\w\-/])(?:[A-Z][A-Za-z0-9&/]*[A-Z0-9]|\d[A-Z][A-Z0-9]*)s?(?![\w\-/])")
_ROMAN = re.compile(r"^[IVXLC]+$")


def _is_acronym_token(token: str) -> bool:
    """Does a token look like an acronym: 2-8 characters, at least two capitals (or a capital and
    a digit), at most one lower-case letter besides a plural "s"?"""
    core = token[:-1] if token.endswith("s") and len(token) > 2 else token
    if not (2 <= len(core) <= 8):
        return False
    uppers = sum(ch.isupper() for ch in core)
    digits = sum(ch.isdigit() for ch in core)
    if uppers < 2 and not (uppers == 1 and digits):
        return False
    if sum(ch.islower() for ch in core) > 1:  # "OAuth", "PaaS", "FreshBite" are names, not acronyms
        return False
    if core in _CAPS_WORDS or _ROMAN.match(core):
        return False
    return True


_SHOUT = re.compile(r"[A-Z]{3,}")


def _shouting(text: str, start: int, end: int) -> bool:
    """Is the token part of a run of capitalised words ("IMPORTANT NOTICE"), not an acronym?"""
    before = text[max(0, start - 30):start].split()
    after = text[end:end + 30].split()
    neighbours = ([before[-1]] if before else []) + ([after[0]] if after else [])
    return any(_SHOUT.fullmatch(w.strip(".,:;!?()\"'")) and len(w.strip(".,:;!?()\"'")) >= 4 for w in neighbours)


def _has_acronym(words: str) -> bool:
    return any(_is_acronym_token(m.group(0)) for m in _ACRONYM.finditer(words))


_NOT_AN_EXPANSION = re.compile(
    r"(?:and|or|but|see|cf|e\.g|eg|i\.e|ie|for|which|that|who|with|without|where|when|if|as|also|not|like|such|"
    r"page|p\.|below|above|ticket|etc)\b", re.I)


def _expanded_here(text: str, start: int, end: int) -> bool:
    """Is this use of an acronym explained? "single sign-on (SSO)", "SSO (single sign-on)",
    "SSO – single sign-on –", "single sign-on, or SSO," and "SSO, or single sign-on," all count.
    A bracket that starts with a joining word ("SSO (and audit logs)", "SSO (see below)") does not."""
    before = text[max(0, start - 1):start]
    after = text[end:end + 1]
    if before == "(" and after == ")":
        # "single sign-on (SSO)": at least two words before the bracket
        prefix = text[max(0, start - 80):start - 1]
        return len(_WORD_TOKEN.findall(prefix)) >= 2
    m = re.search(r"((?:[a-z][\w\-]*\s+){0,5}[a-z][\w\-]*),\s*or\s+$", text[max(0, start - 60):start], re.I)
    if m:  # "single sign-on, or SSO": the words' initials spell the acronym
        letters = [ch.lower() for ch in text[start:end] if ch.isalpha()]
        letters = letters[:-1] if letters[-1:] == ["s"] and len(letters) > 2 else letters
        parts = re.split(r"[\s\-]+", m.group(1).strip())
        if len(parts) >= len(letters) >= 2 and [w[0].lower() for w in parts[-len(letters):]] == letters:
            return True
    rest = text[end:end + 120]
    m = re.match(r"\s*(?:\(\s*([^()\n]{3,100}?)\)|[–—]\s*([^()\n–—]{3,100}?)[–—]|,\s*or\s+([^,.;:()\n]{3,60}))",
                 rest)
    inner = (m.group(1) or m.group(2) or m.group(3) or "").strip() if m else ""
    if m and m.group(3) and _has_acronym(inner):
        return False  # "SCIM, or SSO first": two alternatives, not an explanation
    if (inner and len(_WORD_TOKEN.findall(inner)) >= 2 and not _ACRONYM.fullmatch(inner)
            and not _NOT_AN_EXPANSION.match(inner)):
        return True
    return False


def find_acronyms(text: "str | _Doc", known: Iterable[str] = (), jargon: str | Path | None = None,
                  ) -> tuple[list[Flag], list[str]]:
    """Acronyms used without being spelled out at their first use.

    An acronym is a word of 2-8 characters with at least two capitals (or a capital and a digit),
    such as ``SSO``, ``GDPR``, ``P95`` or ``APIs``, or any term of kind ``acronym`` in
    ``jargon.csv`` (``PaaS``, ``IdP``). It counts as explained when its first use is written
    "single sign-on (SSO)" or "SSO (single sign-on)". Common ones (``CEO``, ``UK``, ``Q3``...),
    those in ``known``, ids such as ``B01``, runs of capitals ("IMPORTANT NOTICE") and unknown
    all-capital words of five letters or more ("LEEDS" in a dateline) are not flagged. Only the
    first unexplained use of each acronym is flagged. Returns the flags and the acronyms that were
    spelled out.
    """
    doc = _doc(text)
    text = doc.text
    _, table = _jargon_matcher(jargon)
    known = set(known) | COMMON_ACRONYMS
    candidates: dict[int, tuple[int, str]] = {}
    for m in _ACRONYM.finditer(text):
        token = m.group(0)
        if _is_acronym_token(token) and not doc.in_code(m.start()):
            candidates[m.start()] = (m.end(), token)
    for start, end, term in _jargon_hits(doc, jargon):
        if term.kind == "acronym" and not doc.in_code(start):
            candidates[start] = (end, text[start:end])
    first_seen: set[str] = set()
    explained: list[str] = []
    flags: list[Flag] = []
    for start in sorted(candidates):
        end, token = candidates[start]
        core = token
        plural_of_known = core[:-1] in table or sum(c.isupper() for c in core[:-1]) >= 2
        if core not in table and core.endswith("s") and plural_of_known:
            core = core[:-1]
        term = table.get(core)
        if term is None:
            letters = [ch for ch in core if ch.isalpha()]
            if len(letters) == 1:  # ids such as B01, W04, v2: not acronyms unless listed
                continue
            if len(core) >= 5 and core.isalpha() and core.isupper():  # "LEEDS," in a dateline, "URGENT"
                continue
            if _shouting(text, start, end):
                continue
        if core in known or core in first_seen:
            continue
        first_seen.add(core)
        if _expanded_here(text, start, end):
            explained.append(core)
            continue
        if term is not None:
            suggestion = f"Spell it out or replace it: {term.plain}." + (f" ({term.note})" if term.note else "")
        else:
            suggestion = "Spell it out at first use, such as 'single sign-on (SSO)', or leave it out."
        flags.append(Flag(start, end, "acronyms", token, f"'{token}' is not explained at its first use.", suggestion,
                          term=term.term if term is not None else core))
    return flags, explained


# ---- hedges and caveats ---------------------------------------------------------------------
#: Hedges and caveats (matched in any case, except "may", which must be lower case so that the
#: month of May is not flagged).
HEDGES = (
    "might", "may", "could potentially", "possibly", "perhaps", "probably", "potentially",
    "presumably", "somewhat", "fairly", "relatively", "arguably", "seems", "seemingly", "appears to",
    "it appears", "I think", "we think", "I feel", "we feel", "I guess", "hopefully", "in theory",
    "in principle", "it depends", "sort of", "kind of", "to some extent", "to a certain extent",
    "more or less", "not necessarily", "tends to", "in most cases", "in some cases", "in certain cases",
    "under certain conditions", "under some circumstances", "it is possible that", "it's possible that",
    "there is a chance", "there's a chance", "cannot guarantee", "can't guarantee", "not guaranteed",
    "best effort", "as far as we know", "to the best of our knowledge", "it should be noted",
    "note that", "that said", "having said that", "with the caveat", "caveat", "caveats",
    "assuming", "subject to change", "at this stage", "at this point in time", "for the time being",
    "TBC", "TBD", "unclear", "not clear", "not entirely", "not fully", "some risk", "a risk that", "ideally",
)
_HEDGE_MATCHER = _PhraseMatcher(
    (h, h in {"may", "TBC", "TBD"}, h) for h in HEDGES
)


def find_hedges(text: "str | _Doc") -> list[Flag]:
    """Every hedge or caveat phrase from :data:`HEDGES` in ``text`` (not inside Markdown code)."""
    doc = _doc(text)
    text = doc.text
    return [
        Flag(s, e, "hedges", text[s:e], f"'{text[s:e]}' hedges.",
             "Keep a caveat only if it changes the reader's decision; then state it once, with a number "
             "or a date.")
        for s, e, _ in _HEDGE_MATCHER.find(doc) if not doc.in_code(s)
    ]


# ---- passive voice -----------------------------------------------------------------------------
_BE_FORMS = frozenset(
    "am is are was were be been being isn't aren't wasn't weren't isn’t aren’t wasn’t weren’t".split()
)
#: Contractions of "is"/"are" after pronouns ("it's sent", "they're told"); possessives are not passives.
_BE_CONTRACTED = frozenset(
    f"{w}{a}{c}"
    for w in "it that there what who he she here where they we you".split()
    for a in "'’"
    for c in ("s", "re")
)
_ADVERBS = frozenset("not never also then now still just already often usually always quickly rarely "
                     "only all both now automatically manually currently newly fully partly".split())
#: Irregular past participles (the regular ones end in -ed).
IRREGULAR_PARTICIPLES = frozenset("""
arisen awoken beaten become begun bent bet bitten bled blown broken brought built burnt bought caught
chosen come cut dealt done drawn dreamt driven drunk eaten fallen fed felt fought found fled flown
forbidden forgotten forgiven frozen given gone ground grown hung heard hidden hit held hurt kept known
laid led leant learnt left lent let lit lost made meant met mistaken overridden overtaken overthrown
overwritten paid proven put quit read rewritten ridden rung risen run said sought sold sent set sewn
shaken shed shone shot shown shrunk shut sung sunk slain slid spoken spent spilt split spread sprung
stood stolen stuck stung struck strung sworn swept swum swung taken taught torn told thought thrown
thrust trodden understood undone upheld upset woken worn woven wed won wound withdrawn withheld written
""".split())
#: Words ending in -ed that are adjectives (or not participles) after a form of "be": not flagged.
NOT_PASSIVE = frozenset("""
need feed seed speed breed bleed greed deed weed indeed steed tweed bed red shed wed fed led sled
hundred kindred sacred naked wicked rugged ragged crooked beloved aged learned
interested tired excited worried pleased surprised concerned involved based supposed married scared
bored confused qualified experienced advanced detailed complicated sophisticated dedicated limited
committed focused determined convinced satisfied disappointed embarrassed exhausted relieved amazed
annoyed frustrated overwhelmed motivated talented skilled related located aligned blessed
delighted thrilled impressed inspired encouraged prepared outdated ashamed crowded balanced biased dated varied
mixed stressed unexpected
""".split())


def find_passives(text: "str | _Doc") -> list[Flag]:
    """Passive voice, by a transparent rule: a form of "be" followed by a past participle.

    The rule: "am/is/are/was/were/be/been/being" (or "'s"/"'re"), then at most two adverbs such as
    "not" or "quickly", then a word ending in "-ed" or an irregular past participle ("written",
    "sent", "built"...).

    Known misses: passives with "get" ("got deleted"), and passives with more words in between.
    Known false alarms: adjectives that look like participles ("is interested", "was tired");
    the common ones are listed in :data:`NOT_PASSIVE` and skipped, but others slip through.
    "It's done" is flagged although "it's" can mean "it has" ("it's finished").
    """
    doc = _doc(text)
    text = doc.text
    toks, low = doc.toks, doc.low
    flags = []
    n = len(toks)
    be_forms = _BE_FORMS | _BE_CONTRACTED
    for i in [k for k, w in enumerate(low) if w in be_forms]:
        m = toks[i]
        if doc.in_code(m.start()):
            continue
        j = i + 1
        skipped = 0
        while j < n and skipped < 2:
            w = low[j]
            if w in _ADVERBS or (w.endswith("ly") and len(w) > 4):
                j += 1
                skipped += 1
            else:
                break
        if j >= n:
            continue
        if any(text[toks[k].end():toks[k + 1].start()].strip() for k in range(i, j)):
            continue  # punctuation in between: "is, published" is not one phrase
        cand = low[j]
        if cand in NOT_PASSIVE or (cand.startswith("un") and cand.endswith("ed")):  # "is unrelated", "unresolved"
            continue
        if cand in IRREGULAR_PARTICIPLES or (cand.endswith("ed") and len(cand) >= 4 and cand.isalpha()):
            start = m.start()
            end = toks[j].end()
            flags.append(Flag(start, end, "passive", text[start:end],
                              f"'{text[start:end]}' is passive: it hides who acts.",
                              "Name who does it: 'we sent', 'Rotawise fixed', 'your manager approves'."))
    return flags


# ---------------------------------------------------------------------------------------------
# Bottom line up front
# ---------------------------------------------------------------------------------------------
_BLUF_CUES = re.compile(
    r"\b(?:we|i) (?:recommend|propose|suggest|ask|need|decided|have decided|chose|have chosen|will|are going to|"
    r"plan to|want to|should|must)\b"
    r"|\b(?:we|i)'(?:ll|d like)\b|\b(?:we|i)’(?:ll|d like)\b"
    r"|\brecommendation\b|\bproposal\b|\bdecision\b|\bdecid(?:e|ed|es|ing)\b|\bask\b|\basking\b"
    r"|\bplease (?:approve|decide|confirm|sign|review|choose|agree|reply|read|update|check|tell|send|let|note)\b"
    r"|\bapprov(?:e|al)\b|\bsign[- ]off\b|\bbottom line\b|\bin short\b|\btl;?dr\b|\bsummary:"
    r"|\baction (?:required|needed)\b|\bwhat you need to do\b|\byou need to\b|\bneeds? your\b"
    r"|\b(?:on|off) track\b|\bat risk\b|\bbehind schedule\b|\bahead of schedule\b|\bdelayed\b"
    r"|\bwill (?:ship|launch|go live|stop|start|move|end|close|cost|save|slip)\b"
    r"|\b(?:we|i) (?:have |'ve |’ve )?(?:fixed|resolved|restored|stopped|finished|completed|shipped|launched|"
    r"released)\b|\b(?:is|are|was|were) (?:now )?(?:fixed|resolved|restored|back)\b",
    re.IGNORECASE,
)
_CUSTOMER_CUES = re.compile(
    r"\byou can now\b|\bnow you can\b|\byou(?:'ll|’ll| will) (?:now|no longer|need|see|get)\b|\bno longer\b"
    r"|\b(?:is|are) now\b|\bnew:|\bwe(?:'ve|’ve| have) (?:added|fixed|changed|made|improved|released|launched|"
    r"updated|moved|removed)\b|\bfrom (?:today|now|\d)|\bstarting (?:on|from|today|\d)|\bwill stop\b"
    r"|\bstops? working\b|\btoday\b|\bthis (?:week|month)\b|\bnow (?:available|live)\b|\byou(?:r)? (?:can|will|must)\b"
    r"|\bwork(?:ing)? again\b|\bback (?:to normal|up|online)\b|\bby \d{1,2}[:.]\d{2}\b|\bnot (?:getting|working)\b",
    re.IGNORECASE,
)


_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_WHEN = (rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b|{_MONTH}\b|q[1-4]\b|h[12]\b|"
         r"(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|today\b|tomorrow\b|tonight\b|"
         r"(?:this|next) (?:week|month|quarter|year|sprint)\b|\d{4}-\d{2}-\d{2}\b|the (?:end|start) of \w+)")
#: A bottom line without the usual cue words: a dated change ("ships in Q4", "now starts on 17 August"),
#: lateness ("two weeks late"), a refusal ("we can't build it this quarter") or a change of course
#: ("we're pausing the rewrite").
_STATUS_CUES = re.compile(
    r"\b(?:ships?|launch(?:es)?|goes live|go live|starts?|begins?|ends?|slips?|moves? to|opens?|closes?|"
    r"(?:is|are) (?:ready|done|due|live))\s+(?:(?:now|on|in|by|from|before|after|until|at|to)\s+)*" + _WHEN
    + r"|\b(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|a few|several)\s+(?:days?|weeks?|months?)\s+"
    r"(?:late|early|behind|ahead|overdue)\b"
    r"|\b(?:is|are|was|were|be|running)\s+(?:now\s+|still\s+|already\s+)?(?:late|overdue)\b|\bslipp(?:ed|ing)\b"
    r"|\b(?:we|i) (?:can't|can’t|cannot|won't|won’t|will not|do not|don't|don’t) (?:recommend|build|ship|launch|"
    r"support|offer|do|meet|hit|make|deliver|start|afford|commit|need)\b"
    r"|\b(?:we|i)(?:'re|’re| are| am|'m|’m) (?:now )?(?:moving|pausing|stopping|delaying|shipping|launching|"
    r"cancell?ing|dropping|switching|starting|hiring|building|asking|proposing|recommending|postponing|changing|"
    r"ending|closing|retiring|replacing|cutting)\b",
    re.IGNORECASE,
)
#: Verbs that open an imperative bottom line: "Ship templates in August; delay the connector to Q4."
#: (Words that often open a noun phrase in engineering prose, such as "build", "end" and "run", are left out:
#: "Build times rose" is not an ask.)
DECISION_VERBS = frozenset("""
accept add adopt agree allocate approve ask authorise authorize buy cancel choose commit confirm cut decide defer
delay delegate drop extend fund greenlight hire invest keep kill launch move pause pick postpone prioritise
prioritize reject remove replace retire ship skip start stop switch tell try
""".split())
#: What a customer or a salesperson is asked to do: "Update the app", "Copy last week's rota to every site".
#: The first set opens an instruction whatever follows; the second only before an object or a particle
#: ("Open the week", "Sign in"; but "Open questions remain" is not an instruction).
ACTION_VERBS = frozenset("""
ask choose click contact copy download install promise reply restart tap tell update upgrade visit
""".split())
WEAK_ACTION_VERBS = frozenset("call check go log open say sell send set sign switch turn use".split())
_PARTICLE = re.compile(r"\s+(?:in|on|off|out|up|to|into|over|back|now|today|it|them|him|her|us|me)\b", re.I)
#: Verbs that open a bottom line only when an object follows at once: "Run a two-week trial", "Build the
#: templates first" (but not "Build quality matters").
OBJECT_VERBS = frozenset("""
back book budget build do end give hold make plan put release run set sign spend take test trial use
""".split())
_DETERMINER = re.compile(
    r"\s+(?:a|an|the|our|your|their|this|that|these|those|both|all|every|each|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|\d[\d,.]*|£|\$|€)\b", re.I)
_IMPERATIVE = re.compile(
    r"^[\W_]*(?:(?:tl;?dr|summary|bottom line|recommendation|ask|decision|proposal|in short|action)\s*[:\-–—]+\s*)?"
    r"(?:please\s+)?(?P<cue>let(?:'s|’s| us)\s+\w+|(?:don't|don’t|do not|never)\s+\w+|(?P<verb>[a-z]+))\b(?![\-’'])"
    r"(?!\s+of\b)(?!\s+(?:\w+\s+)?(?:is|are|was|were|has|have|had|will|would|can|could|should|may|might|must)\b)"
    r"(?!\s+(?:reading|in mind|an eye)\b)",
    re.IGNORECASE,
)


def _bluf_cue(sentence: str, audience: "Audience") -> str | None:
    """The words that make ``sentence`` a bottom line (a decision, an ask, a status or a change), or None.

    Cue words ("we recommend", "please approve", "at risk"), a dated change ("ships in Q4"), a refusal
    ("we can't build it this quarter"), or an imperative opening with a decision verb ("Ship templates in
    August", "Let's delay the connector"). Customers and sales also get change cues ("You can now...").
    """
    for pattern in (_BLUF_CUES, _STATUS_CUES):
        m = pattern.search(sentence)
        if m:
            return m.group(0)
    m = _IMPERATIVE.match(sentence)
    if m:
        verb = (m.group("verb") or "").lower()
        if (not verb or verb in DECISION_VERBS
                or (verb in OBJECT_VERBS and _DETERMINER.match(sentence, m.end("cue")))):
            return m.group("cue")
    if audience.key in ("customer", "sales"):
        m = _CUSTOMER_CUES.search(sentence)
        if m:
            return m.group(0)
        m = _IMPERATIVE.match(sentence)
        verb = (m.group("verb") or "").lower() if m else ""
        if verb in ACTION_VERBS or (verb in WEAK_ACTION_VERBS and (_DETERMINER.match(sentence, m.end("cue"))
                                                                   or _PARTICLE.match(sentence, m.end("cue")))):
            return m.group("cue")  # "Update the app before Friday."
    return None


def _is_title(s: Sentence) -> bool:
    return s.words <= 8 and not _ENDS.search(s.text)


# ---------------------------------------------------------------------------------------------
# Audiences
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Audience:
    """Who reads the draft and the targets the scorecard holds it to.

    ``max_sentence_words`` is the longest sentence allowed and ``max_avg_sentence_words`` the
    average; ``max_words`` the length; ``bluf_required`` whether the first sentences must state
    the decision, ask or change; ``jargon_ok`` whether technical words are fine (engineers);
    ``max_hedges_per_100`` and ``max_passive_share`` how much hedging and passive voice to accept
    (always at least one of each). ``known_acronyms`` never count as unexplained for this reader,
    and ``known_terms`` (lower case) are words from ``jargon.csv`` that this reader uses daily.
    """

    key: str
    name: str
    reader: str
    needs: str
    min_reading_ease: float
    max_grade: float
    max_sentence_words: int
    max_avg_sentence_words: float
    max_words: int
    bluf_required: bool
    jargon_ok: bool
    max_hedges_per_100: float
    max_passive_share: float
    known_acronyms: frozenset[str] = frozenset()
    fix_order: tuple[str, ...] = ()
    known_terms: frozenset[str] = frozenset()


_BUSINESS_ACRONYMS = frozenset("ARR MRR NPS KPI KPIs OKR OKRs ROI B2B SaaS CAC LTV EBITDA P&L QBR SMB".split())
_DEFAULT_ORDER = ("bluf", "length", "jargon", "acronyms", "long_sentences", "readability", "hedges", "passive")

AUDIENCES: dict[str, Audience] = {
    "executive": Audience(
        key="executive", name="Executive",
        reader="Maya (CEO), Clara (CFO), the board: five minutes between meetings.",
        needs="The decision or ask first, what it costs, what it moves, and the one risk that matters.",
        min_reading_ease=50, max_grade=11, max_sentence_words=25, max_avg_sentence_words=18,
        max_words=250, bluf_required=True, jargon_ok=False, max_hedges_per_100=1.0, max_passive_share=0.1,
        known_acronyms=_BUSINESS_ACRONYMS, fix_order=_DEFAULT_ORDER,
    ),
    "sales": Audience(
        key="sales", name="Sales",
        reader="Greg's team: reads on a phone before a customer call.",
        needs="What changes for the customer, what to say and not promise, and when it ships.",
        min_reading_ease=55, max_grade=10, max_sentence_words=25, max_avg_sentence_words=18,
        max_words=300, bluf_required=True, jargon_ok=False, max_hedges_per_100=1.0, max_passive_share=0.1,
        known_acronyms=_BUSINESS_ACRONYMS | {"SSO", "CRM"}, fix_order=_DEFAULT_ORDER,
        known_terms=frozenset({"sap successfactors"}),
    ),
    "legal": Audience(
        key="legal", name="Legal",
        reader="Rafael (Legal and Compliance): reads every word, checks what you commit to.",
        needs="What data, whose, where it goes, how long it is kept, who can see it; exact, in plain words.",
        min_reading_ease=40, max_grade=13, max_sentence_words=35, max_avg_sentence_words=22,
        max_words=600, bluf_required=True, jargon_ok=False, max_hedges_per_100=2.0, max_passive_share=0.2,
        known_acronyms=frozenset("GDPR UK-GDPR DPA DPIA DPO ICO SAR DSAR SCCs SCC ISO SOC".split()),
        fix_order=("bluf", "jargon", "acronyms", "hedges", "passive", "long_sentences", "readability", "length"),
        known_terms=frozenset({"subject access request", "data protection impact assessment"}),
    ),
    "customer": Audience(
        key="customer", name="Customer",
        reader="A site manager or a member of staff, reading release notes or an e-mail on a phone.",
        needs="What changed for me, what I need to do (often nothing), and when; in their words.",
        min_reading_ease=60, max_grade=9, max_sentence_words=20, max_avg_sentence_words=15,
        max_words=300, bluf_required=True, jargon_ok=False, max_hedges_per_100=1.0, max_passive_share=0.1,
        known_acronyms=frozenset({"PIN"}), fix_order=_DEFAULT_ORDER,
    ),
    "engineering": Audience(
        key="engineering", name="Engineering",
        reader="Tomás's squad and the platform team: will read closely and check the detail.",
        needs="The problem, the options and trade-offs, the decision, and enough detail to build or review.",
        min_reading_ease=30, max_grade=14, max_sentence_words=35, max_avg_sentence_words=22,
        max_words=1500, bluf_required=False, jargon_ok=True, max_hedges_per_100=3.0, max_passive_share=0.25,
        fix_order=_DEFAULT_ORDER,
    ),
}


def _audience(audience: "str | Audience") -> Audience:
    if isinstance(audience, Audience):
        return audience
    key = str(audience).strip().lower() if audience is not None else ""
    if key in AUDIENCES:
        return AUDIENCES[key]
    raise ValueError(f"Unknown audience {audience!r}. Choose one of: {', '.join(AUDIENCES)}.")


def audience_table():
    """The audience profiles as a table (one row per reader) for the notebook."""
    import pandas as pd

    rows = []
    for a in AUDIENCES.values():
        rows.append({
            "audience": a.name, "who reads": a.reader, "what they need": a.needs,
            "reading ease ≥": a.min_reading_ease, "grade ≤": a.max_grade,
            "longest sentence": a.max_sentence_words, "average sentence ≤": a.max_avg_sentence_words,
            "words ≤": a.max_words, "bottom line first": "required" if a.bluf_required else "recommended",
            "jargon": "fine" if a.jargon_ok else "avoid",
        })
    return pd.DataFrame(rows).set_index("audience")


# ---------------------------------------------------------------------------------------------
# The scorecard
# ---------------------------------------------------------------------------------------------
#: check id -> (title, one-letter tag used in the highlighted draft, how it is marked)
CHECKS: dict[str, tuple[str, str, str]] = {
    "bluf": ("Bottom line up front", "B", "double box around the opening"),
    "length": ("Length", "W", "grey, struck-through text past the limit"),
    "jargon": ("Jargon", "J", "solid box"),
    "acronyms": ("Unexplained acronyms", "A", "dotted box"),
    "long_sentences": ("Long sentences", "L", "dashed box"),
    "readability": ("Readability", "R", "thick underline"),
    "hedges": ("Hedges and caveats", "H", "dotted underline, italic"),
    "passive": ("Passive voice", "P", "wavy underline"),
}


@dataclass
class CheckResult:
    """One line of the scorecard. ``passed`` is True, False, or None (not applicable / a note)."""

    id: str
    title: str
    passed: bool | None
    measured: str
    target: str
    message: str
    fix: str = ""
    flags: list[Flag] = field(default_factory=list)

    @property
    def status(self) -> str:
        return {True: "pass", False: "fix", None: "note"}[self.passed]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "passed": self.passed, "measured": self.measured,
                "target": self.target, "message": self.message, "fix": self.fix,
                "flags": [f.to_dict() for f in self.flags]}


@dataclass
class Scorecard:
    """The result of :func:`scorecard`: every check, the readability numbers and what to fix first."""

    text: str
    audience: Audience
    readability: Readability
    sentences: list[Sentence]
    checks: list[CheckResult]
    fix_first: list[str]
    notes: list[str] = field(default_factory=list)

    def check(self, check_id: str) -> CheckResult:
        for c in self.checks:
            if c.id == check_id:
                return c
        raise KeyError(f"No check {check_id!r}; the checks are {', '.join(CHECKS)}.")

    def __getitem__(self, check_id: str) -> CheckResult:
        return self.check(check_id)

    @property
    def flags(self) -> list[Flag]:
        return [f for c in self.checks for f in c.flags]

    @property
    def failed(self) -> list[CheckResult]:
        return [c for c in self.checks if c.passed is False]

    @property
    def passed(self) -> bool:
        """True when no check failed (checks that do not apply do not count against you)."""
        return not self.failed and bool(self.text.strip())

    @property
    def score(self) -> tuple[int, int]:
        """(checks passed, checks that apply)."""
        applied = [c for c in self.checks if c.passed is not None]
        return sum(1 for c in applied if c.passed), len(applied)

    def to_frame(self):
        import pandas as pd

        rows = [{"check": c.title, "result": c.status, "measured": c.measured, "target": c.target,
                 "flagged": len(c.flags), "advice": c.message} for c in self.checks]
        return pd.DataFrame(rows).set_index("check")

    def to_dict(self) -> dict[str, Any]:
        return {"audience": self.audience.key, "readability": self.readability.to_dict(),
                "checks": [c.to_dict() for c in self.checks], "fix_first": list(self.fix_first),
                "notes": list(self.notes), "score": list(self.score)}

    def summary(self) -> str:
        done, total = self.score
        if not self.text.strip():
            return "Nothing to check yet: write or paste a draft."
        head = f"{done} of {total} checks pass for {_a(self.audience.name.lower())} reader."
        if self.fix_first:
            head += " Fix first: " + self.fix_first[0]
        return head

    def __str__(self) -> str:
        lines = [f"Scorecard for {_a(self.audience.name.lower())} reader", self.summary()]
        mark = {True: "✓", False: "✗", None: "•"}
        for c in self.checks:
            lines.append(f"  {mark[c.passed]} {c.title}: {c.measured} (target {c.target}). {c.message}")
        if self.fix_first:
            lines.append("Fix first:")
            lines += [f"  {i}. {item}" for i, item in enumerate(self.fix_first, 1)]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    __repr__ = __str__

    def table_html(self, css_prefix: str = "pmkit-writingcoach") -> str:
        return scorecard_html(self, css_prefix)

    def _repr_html_(self) -> str:
        return (HIGHLIGHT_CSS + scorecard_html(self) + legend_html()
                + highlight_html(self.text, self.flags, max_chars=6000))


def _a(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def _fmt(x: float) -> str:
    return f"{x:.0f}" if abs(x - round(x)) < 0.05 else f"{x:.1f}"


def scorecard(text: Any, audience: "str | Audience" = "executive", jargon: str | Path | None = None) -> Scorecard:
    """Score ``text`` for ``audience`` ("executive", "sales", "legal", "customer", "engineering").

    Returns a :class:`Scorecard` with eight checks (see :data:`CHECKS`), each passed / failed /
    not applicable, with the measured value, the target, the flagged spans and advice, and a
    "fix first" list ordered by what a reader trips on first: the point, the length, unknown
    words, then sentences, then style. Never raises on odd input: ``None``, empty text, one word,
    non-English text and very long text all give a scorecard (``ValueError`` only for an unknown
    audience).
    """
    aud = _audience(audience)
    text = _as_text(text)
    notes: list[str] = []
    if not text.strip():
        checks = [CheckResult(cid, title, None, "–", "–", "Nothing to check yet.")
                  for cid, (title, _, _) in CHECKS.items()]
        return Scorecard(text, aud, readability(""), [], checks, ["Write or paste a draft first."],
                         ["The draft is empty."])
    read = readability(text)
    sentences = split_sentences(text)
    english = read.english
    if not english:
        notes.append("This text does not look like English. The readability formulas and the word lists here were "
                      "made for English, so only length and sentence length are checked.")
    doc = _Doc(text)
    checks = [
        _check_bluf(text, sentences, aud, english),
        _check_length(text, read, aud),
        _check_jargon(doc, aud, english, jargon),
        _check_acronyms(doc, aud, english, jargon),
        _check_long_sentences(sentences, aud),
        _check_readability(read, sentences, aud, english, notes),
        _check_hedges(doc, read, aud, english),
        _check_passive(doc, sentences, aud, english),
    ]
    by_id = {c.id: c for c in checks}
    fix_first = [by_id[cid].fix for cid in aud.fix_order if by_id[cid].passed is False and by_id[cid].fix]
    return Scorecard(text, aud, read, sentences, checks, fix_first, notes)


def _as_text(text: Any) -> str:
    if text is None or text is Ellipsis:
        return ""
    if isinstance(text, bytes):
        return text.decode("utf-8", errors="replace")
    if isinstance(text, (list, tuple)) and all(isinstance(t, str) for t in text):
        return "\n".join(text)
    return text if isinstance(text, str) else str(text)


def _check_bluf(text: str, sentences: list[Sentence], aud: Audience, english: bool) -> CheckResult:
    title = CHECKS["bluf"][0]
    target = "decision, ask or change in the first two sentences"
    if not english:
        return CheckResult("bluf", title, None, "–", target, "English-only check; skipped.")
    if not sentences:
        return CheckResult("bluf", title, None, "–", target, "No words found, so no opening to check.")
    body = [s for s in sentences if not _is_title(s)] or sentences
    opening = body[:2]
    for s in opening:
        cue = _bluf_cue(s.text, aud)
        if cue:
            return CheckResult("bluf", title, True, f"yes: “{cue}”", target,
                               "The opening tells the reader what you want or what changed.")
    later = next(((k, s, m) for k, s in enumerate(body[2:], start=3) if (m := _bluf_cue(s.text, aud))), None)
    span_start = opening[0].start if opening else 0
    span_end = opening[-1].end if opening else 0
    if later:
        k, s, m = later
        message = (f"The point arrives in sentence {k} (“{_clip(s.text, 70)}”). Move it to the top.")
        flags = [Flag(span_start, span_end, "bluf", text[span_start:span_end],
                      "The opening does not say what you want or what changed.", "Start with the decision or the ask."),
                 Flag(s.start, s.end, "bluf", s.text, "This is your bottom line: move it to the top.",
                      "Make this your first sentence.")]
    else:
        message = "No sentence states a decision, an ask or a change. Add one, and put it first."
        flags = [Flag(span_start, span_end, "bluf", text[span_start:span_end],
                      "The opening does not say what you want or what changed.",
                      "Start with the decision or the ask: 'We recommend...', 'I need you to...', "
                      "'You can now...'.")]
    passed = False if aud.bluf_required else None
    if not aud.bluf_required:
        message += " (Recommended, not required, for this reader.)"
    fix = ("Put the bottom line first: " + (f"move sentence {later[0]} to the top." if later else
                                          "open with the decision, the ask or the change."))
    return CheckResult("bluf", title, passed, "no", target, message, fix, flags)


def _check_length(text: str, read: Readability, aud: Audience) -> CheckResult:
    title = CHECKS["length"][0]
    count = read.words
    target = f"≤ {aud.max_words} words"
    minutes = count / 230  # a typical silent reading speed for non-fiction, in words a minute
    measured = f"{count:,} words (about {max(1, round(minutes))} min to read)" if count >= 115 else f"{count:,} words"
    if count <= aud.max_words:
        return CheckResult("length", title, True, measured, target, "Short enough for this reader.")
    # textstat counts what is left once punctuation goes, so bullets ("-") and dashes are not words
    words = (m for m in re.finditer(r"\S+", text) if re.search(r"[\w']", m.group(0)))
    cut = next(itertools.islice(words, aud.max_words, None), None)
    cut = cut.start() if cut is not None else len(text)
    flag = Flag(cut, len(text), "length", _clip(text[cut:], 60),
                f"Everything from here on is past the {aud.max_words}-word limit for this reader.",
                "Cut, or move detail to an appendix or a link.")
    over = count - aud.max_words
    return CheckResult("length", title, False, measured, target,
                       f"{over:,} words over. Keep what this reader needs; link to the rest.",
                       f"Cut about {over:,} words: keep what the reader needs to decide, link to the rest.", [flag])


def _check_jargon(text: str, aud: Audience, english: bool, jargon) -> CheckResult:
    title = CHECKS["jargon"][0]
    if not english:
        return CheckResult("jargon", title, None, "–", "none", "English-only check; skipped.")
    doc = _doc(text)
    flags = [f for f in find_jargon(doc, jargon) if _term_of(f) not in aud.known_terms]
    if not aud.jargon_ok:  # code (`GET /v2/shifts`) means nothing to this reader
        flags += [Flag(start, end, "jargon", doc.text[start:end], "This is code, which this reader cannot read.",
                       "Try: say what it does, in plain words.", term="code") for start, end in doc.code]
        flags.sort(key=lambda f: f.start)
    terms = sorted({_clip(f.text if f.term == "code" else f.text.lower(), 30) for f in flags})
    measured = f"{len(terms)} term(s)" + _listed(terms, 5)
    if aud.jargon_ok:
        return CheckResult("jargon", title, None, measured, "fine for engineers",
                           "Engineers share these words. Check that everyone on the list does.", "", flags)
    if not flags:
        return CheckResult("jargon", title, True, measured, "none", "No engineering jargon found.")
    swaps = "; ".join(f"'{_clip(f.text, 30)}' → {f.suggestion[5:].split('.')[0]}" for f in _unique_by_text(flags)[:3])
    return CheckResult("jargon", title, False, measured, "none",
                       f"Swap each for what it means to this reader: {swaps}.",
                       f"Replace {len(terms)} technical term(s) with what they mean to the reader ({swaps}).", flags)


def _check_acronyms(text: str, aud: Audience, english: bool, jargon) -> CheckResult:
    title = CHECKS["acronyms"][0]
    if not english:
        return CheckResult("acronyms", title, None, "–", "none", "English-only check; skipped.")
    flags, explained = find_acronyms(text, aud.known_acronyms, jargon)
    names = [f.text for f in flags]
    measured = f"{len(names)} unexplained" + _listed(names, 6)
    if explained:
        measured += f"; {len(explained)} spelled out"
    target = "each spelled out at first use"
    if aud.jargon_ok:
        return CheckResult("acronyms", title, None, measured, target,
                           "Engineers know most of these; spell out any that are local to your team.", "", flags)
    if not flags:
        return CheckResult("acronyms", title, True, measured, target, "Every acronym is explained or widely known.")
    return CheckResult("acronyms", title, False, measured, target,
                       "Spell each one out at first use, or use the plain words instead.",
                       f"Spell out or replace {', '.join(names[:4])}" + ("…" if len(names) > 4 else "") + ".", flags)


def _check_long_sentences(sentences: list[Sentence], aud: Audience) -> CheckResult:
    title = CHECKS["long_sentences"][0]
    target = f"each ≤ {aud.max_sentence_words} words, average ≤ {_fmt(aud.max_avg_sentence_words)}"
    if not sentences:
        return CheckResult("long_sentences", title, None, "–", target, "No sentences.")
    avg = sum(s.words for s in sentences) / len(sentences)
    long = [s for s in sentences if s.words > aud.max_sentence_words]
    longest = max(s.words for s in sentences)
    measured = f"{len(long)} over the limit; average {avg:.1f}, longest {longest} words"
    flags = [Flag(s.start, s.end, "long_sentences", _clip(s.text, 80),
                  f"{s.words} words; this reader's limit is {aud.max_sentence_words}.",
                  "Split it: one idea per sentence.") for s in long]
    # The average says something only over a few sentences: one or two are held to the longest-sentence limit.
    if not long and (avg <= aud.max_avg_sentence_words or len(sentences) < MIN_SENTENCES_FOR_AVERAGE):
        return CheckResult("long_sentences", title, True, measured, target, "Sentences are short enough.")
    if long:
        message = f"Split the {len(long)} long sentence(s): one idea each."
        fix = f"Split the {len(long)} sentence(s) over {aud.max_sentence_words} words (the longest has {longest})."
    else:
        message = f"No single sentence is too long, but they average {avg:.1f} words. Shorten a few."
        fix = f"Bring the average sentence down from {avg:.1f} to {_fmt(aud.max_avg_sentence_words)} words."
    return CheckResult("long_sentences", title, False, measured, target, message, fix, flags)


def _sentence_grade(s: Sentence) -> float:
    ts = _textstat()
    words = ts.remove_punctuation(s.text.lower()).split()
    if not words:
        return 0.0
    return flesch_kincaid_grade(len(words), 1, _syllables_of_words(words))


def _hardest(sentences: list[Sentence], n: int, limit: int = 5000) -> list[tuple[float, Sentence]]:
    """The ``n`` sentences with the highest Flesch-Kincaid grade (of at least eight words).

    For very long texts only the first ``limit`` sentences are ranked (documented cap)."""
    graded = [(_sentence_grade(s), s) for s in sentences[:limit] if s.words >= 8]
    graded.sort(key=lambda gs: (-gs[0], gs[1].start))
    return graded[:n]


def _check_readability(read: Readability, sentences: list[Sentence], aud: Audience, english: bool,
                       notes: list[str]) -> CheckResult:
    title = CHECKS["readability"][0]
    target = f"reading ease ≥ {_fmt(aud.min_reading_ease)}, grade ≤ {_fmt(aud.max_grade)}"
    measured = f"reading ease {read.reading_ease:.0f} ({read.band}), grade {read.grade:.1f}"
    if not english:
        return CheckResult("readability", title, None, measured, target,
                           "The formulas are for English; this text does not look like English.")
    if read.words < MIN_WORDS_FOR_SCORES:
        return CheckResult("readability", title, None, measured, target,
                           f"Too short to score: the formulas need at least {MIN_WORDS_FOR_SCORES} words to mean much.")
    ok = read.reading_ease >= aud.min_reading_ease and read.grade <= aud.max_grade
    if ok:
        return CheckResult("readability", title, True, measured, target, "Easy enough for this reader.")
    hard = [(g, s) for g, s in _hardest(sentences, 3) if g > aud.max_grade]
    flags = [Flag(s.start, s.end, "readability", _clip(s.text, 80),
                  f"Hard sentence: grade {g:.0f} on its own.",
                  "Use shorter, everyday words and fewer of them.") for g, s in hard]
    why = "long sentences" if read.words_per_sentence > aud.max_avg_sentence_words else "long words"
    return CheckResult("readability", title, False, measured, target,
                       f"Harder than this reader wants, mostly because of {why}. The marked sentences are the hardest.",
                       f"Make it easier to read (now {read.reading_ease:.0f}, target {_fmt(aud.min_reading_ease)}): "
                       f"start with the {len(flags)} hardest sentence(s).", flags)


def _allowed(rate: float, base: int) -> int:
    return max(1, math.floor(rate * base + 1e-9))


def _check_hedges(text: str, read: Readability, aud: Audience, english: bool) -> CheckResult:
    title = CHECKS["hedges"][0]
    if not english:
        return CheckResult("hedges", title, None, "–", "–", "English-only check; skipped.")
    words = read.words
    allowed = _allowed(aud.max_hedges_per_100 / 100, words)
    flags = find_hedges(text)
    target = f"≤ {allowed} in {words} words ({_fmt(aud.max_hedges_per_100)} per 100, at least 1)"
    measured = f"{len(flags)} hedge(s)" + _listed(sorted({f.text.lower() for f in flags}), 5)
    if len(flags) <= allowed:
        return CheckResult("hedges", title, True, measured, target,
                           "Confident enough." if flags else "No hedging words found.", "", flags)
    return CheckResult("hedges", title, False, measured, target,
                       "Too many hedges blur what you actually know. Keep the caveats that change the decision, "
                       "and give them a number.",
                       f"Cut hedges from {len(flags)} to {allowed}: keep only caveats that change the decision.", flags)


def _check_passive(text: str, sentences: list[Sentence], aud: Audience, english: bool) -> CheckResult:
    title = CHECKS["passive"][0]
    if not english:
        return CheckResult("passive", title, None, "–", "–", "English-only check; skipped.")
    flags = find_passives(text)
    starts = [s.start for s in sentences]
    with_passive = {bisect.bisect_right(starts, f.start) - 1 for f in flags}
    n = max(1, len(sentences))
    allowed = _allowed(aud.max_passive_share, n)
    target = f"≤ {allowed} of {n} sentence(s)"
    measured = f"{len(with_passive)} sentence(s) with passive voice"
    if len(with_passive) <= allowed:
        return CheckResult("passive", title, True, measured, target,
                           "Mostly active: the reader sees who does what.", "", flags)
    return CheckResult("passive", title, False, measured, target,
                       "Say who acts. Passive voice hides who is responsible, which readers notice in bad news.",
                       f"Rewrite {len(with_passive) - allowed} or more passive sentence(s) to name who acts.", flags)


def _listed(items: list[str], n: int) -> str:
    """": a, b, c…" for a measured value, or "" when there is nothing to list."""
    if not items:
        return ""
    return ": " + ", ".join(items[:n]) + ("…" if len(items) > n else "")


def _unique_by_text(flags: list[Flag]) -> list[Flag]:
    seen, out = set(), []
    for f in flags:
        if f.text.lower() not in seen:
            seen.add(f.text.lower())
            out.append(f)
    return out


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def compare(before: str, after: str, audience: "str | Audience" = "executive"):
    """Scorecards of two drafts side by side (a DataFrame: one row per check)."""
    import pandas as pd

    a, b = scorecard(before, audience), scorecard(after, audience)
    rows = []
    for ca, cb in zip(a.checks, b.checks):
        rows.append({"check": ca.title, "before": f"{ca.status}: {ca.measured}",
                     "after": f"{cb.status}: {cb.measured}"})
    return pd.DataFrame(rows).set_index("check")


# ---------------------------------------------------------------------------------------------
# HTML: the scorecard table and the draft with its flagged spans
# ---------------------------------------------------------------------------------------------
_esc = html.escape
_STATUS_TEXT = {True: "✓ pass", False: "✗ fix", None: "• note"}

HIGHLIGHT_CSS = """
<style>
.pmkit-draft {white-space: pre-wrap; line-height: 1.9; font-size: 0.95em; border: 1px solid #ccc;
  padding: 0.6em 0.8em; max-height: 28em; overflow-y: auto; background: #fff; color: #111;}
sup.pmkit-tag {font-size: 0.7em; font-weight: bold; color: #000; background: #eee;
  border: 1px solid #777; border-radius: 3px; padding: 0 2px; margin-left: 1px;}
.pmkit-mark-bluf {outline: 3px double #0072B2; outline-offset: 1px;}
.pmkit-mark-length {color: #555; text-decoration: line-through; text-decoration-color: #999;}
.pmkit-mark-jargon {border: 2px solid #E69F00; border-radius: 3px; padding: 0 1px;}
.pmkit-mark-acronyms {border: 2px dotted #D55E00; border-radius: 3px; padding: 0 1px;}
.pmkit-mark-long_sentences {border: 1px dashed #0072B2; background: rgba(86,180,233,0.10);}
.pmkit-mark-readability {border-bottom: 3px solid #009E73;}
.pmkit-mark-hedges {text-decoration: underline dotted #CC79A7 2px; font-style: italic;}
.pmkit-mark-passive {text-decoration: underline wavy #D55E00 1px;}
.pmkit-scorecard {border-collapse: collapse; font-size: 0.85em; margin: 0.3em 0;}
.pmkit-scorecard th, .pmkit-scorecard td {padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: left;
  vertical-align: top;}
.pmkit-scorecard caption {text-align: left; font-weight: bold; padding-bottom: 4px;}
.pmkit-result-fix {font-weight: bold; color: #8a1c00;}
.pmkit-result-pass {color: #005a35;}
.pmkit-legend {font-size: 0.85em; margin: 0.3em 0;}
.pmkit-legend span.pmkit-key {margin-right: 1em; display: inline-block;}
</style>
"""


def scorecard_html(card: Scorecard, css_prefix: str = "pmkit-writingcoach", summary: bool = True) -> str:
    """The scorecard as an accessible HTML table (the result is a word and a symbol, not a colour).

    With ``summary`` the caption also says how many checks pass and what to fix first."""
    caption = f"Scorecard for {_a(card.audience.name.lower())} reader" + (f": {card.summary()}" if summary else "")
    out = [f'<table class="pmkit-scorecard {css_prefix}-scorecard">',
           f"<caption>{_esc(caption)}</caption>",
           '<thead><tr><th scope="col">Check</th><th scope="col">Result</th><th scope="col">Measured</th>'
           '<th scope="col">Target</th><th scope="col">Marked</th><th scope="col">Advice</th></tr></thead><tbody>']
    for c in card.checks:
        tag = CHECKS[c.id][1]
        out.append(
            f'<tr data-check="{_esc(c.id)}"><th scope="row">{_esc(c.title)}</th>'
            f'<td class="pmkit-result-{c.status}">{_STATUS_TEXT[c.passed]}</td>'
            f"<td>{_esc(c.measured)}</td><td>{_esc(c.target)}</td>"
            f"<td>{len(c.flags)} × [{tag}]</td><td>{_esc(c.message)}</td></tr>"
        )
    out.append("</tbody></table>")
    if card.fix_first:
        out.append(f'<div class="{css_prefix}-fixfirst"><b>Fix first</b><ol>')
        out += [f"<li>{_esc(item)}</li>" for item in card.fix_first]
        out.append("</ol></div>")
    for note in card.notes:
        out.append(f'<p class="pmkit-note">Note: {_esc(note)}</p>')
    return "".join(out)


def legend_html() -> str:
    """What each mark in the highlighted draft means: a tag letter, a line style and a name."""
    keys = "".join(
        f'<span class="pmkit-key"><span class="pmkit-mark-{cid}">sample</span>'
        f'<sup class="pmkit-tag">{tag}</sup> {_esc(title)} ({_esc(style)})</span>'
        for cid, (title, tag, style) in CHECKS.items()
    )
    return f'<div class="pmkit-legend" role="note"><b>Key:</b> {keys}</div>'


def highlight_html(text: str, flags: Iterable[Flag], max_chars: int = 20_000) -> str:
    """The draft as HTML, every flagged span marked with a line style and a tag letter.

    The text is HTML-escaped (a draft holding ``<script>`` shows it as text). Overlapping spans are
    nested properly. Only the first ``max_chars`` characters are shown, with a note saying so.
    """
    text = _as_text(text)
    shown = text[:max_chars]
    spans = sorted(
        ((f.start, min(f.end, len(shown)), f) for f in flags if f.start < len(shown) and f.end > f.start),
        key=lambda t: (t[0], -t[1]),
    )
    # events: opening and closing positions; misnested spans are closed and reopened
    points = sorted({0, len(shown), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    opens: dict[int, list] = {}
    for s, e, f in spans:
        opens.setdefault(s, []).append((s, e, f))
    out: list[str] = []
    stack: list[tuple[int, int, Flag]] = []

    def open_tag(f: Flag) -> str:
        title = f"{CHECKS[f.check][0]}: {f.message} {f.suggestion}".strip()
        return f'<span class="pmkit-mark pmkit-mark-{f.check}" title="{_esc(title)}">'

    def close_tag(f: Flag, final: bool) -> str:
        if not final:
            return "</span>"
        return f'</span><sup class="pmkit-tag" aria-label="{_esc(CHECKS[f.check][0])}">{CHECKS[f.check][1]}</sup>'

    for k, pos in enumerate(points):
        # close spans ending here (innermost first), reopening any that continue
        ending = [item for item in stack if item[1] == pos]
        if ending:
            reopen = []
            while stack and any(item[1] == pos for item in stack):
                item = stack.pop()
                out.append(close_tag(item[2], final=item[1] == pos))
                if item[1] != pos:
                    reopen.append(item)
            for item in reversed(reopen):
                out.append(open_tag(item[2]))
                stack.append(item)
        for item in sorted(opens.get(pos, []), key=lambda t: -t[1]):
            out.append(open_tag(item[2]))
            stack.append(item)
        if k + 1 < len(points):
            out.append(_esc(shown[pos:points[k + 1]]))
    while stack:
        out.append(close_tag(stack.pop()[2], final=True))
    note = ""
    if len(text) > max_chars:
        note = (f'<p class="pmkit-note">Showing the first {max_chars:,} of {len(text):,} characters; '
                "the scorecard covers the whole text.</p>")
    return (f'<div class="pmkit-draft" role="region" aria-label="The draft, with the problems marked">'
            f'{"".join(out)}</div>{note}')


# ---------------------------------------------------------------------------------------------
# Writing samples
# ---------------------------------------------------------------------------------------------
SAMPLE_KINDS = ("design-doc", "postmortem", "changelog", "status-update", "deprecation-notice",
                "data-note", "estimate", "technical-note", "incident-update")
_SAMPLE_REQUIRED = ("id", "kind", "title", "audience", "text", "reference_rewrite", "notes")
_SAMPLE_OPTIONAL = ("author", "reader", "backlog_ids")
_SAMPLE_ID = re.compile(r"^W\d{2}$")


@dataclass(frozen=True)
class Sample:
    """One engineering-style draft from Rotawise, who it is for, and a reference rewrite."""

    id: str
    kind: str
    title: str
    audience: str
    text: str
    reference_rewrite: str
    notes: str
    author: str = ""
    reader: str = ""
    backlog_ids: tuple[str, ...] = ()

    def label(self) -> str:
        return f"{self.id} · {self.title} (for {AUDIENCES[self.audience].name.lower()})"


def load_samples(path: str | Path | None = None) -> list[Sample]:
    """Load ``datasets/writing_samples.json``: a list of samples (see :class:`Sample`).

    Every problem is reported at once (:class:`pmkit.data.DataError`), with the line in the file
    where the sample starts and the field. The file is never changed.
    """
    p = _resolve(path, "writing_samples.json")
    label = p.name
    raw = _read_bytes(p, label)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as err:
        raise DataError([Problem(err.lineno, None, None,
                                 f"is not valid JSON: {err.msg} (column {err.colno}).")], source=label) from None
    if isinstance(data, dict) and isinstance(data.get("samples"), list):
        data = data["samples"]
    if not isinstance(data, list):
        raise DataError([Problem(1, None, None, "Expected a JSON list of samples, [ {...}, {...} ].")], source=label)
    lines = _object_lines(raw)
    problems: list[Problem] = []
    samples: list[Sample] = []
    seen: dict[str, int] = {}
    for k, item in enumerate(data):
        line = lines[k] if k < len(lines) else None
        where = {"line": line, "row": None if line else k + 1}
        if not isinstance(item, dict):
            problems.append(Problem(line, None, None, f"sample {k + 1} is not an object {{...}}.", row=where["row"]))
            continue
        bad = False
        for key in _SAMPLE_REQUIRED:
            value = item.get(key)
            if key not in item:
                problems.append(Problem(line, key, None, f"sample {k + 1} has no '{key}'.", row=where["row"]))
                bad = True
            elif not isinstance(value, str) or (key != "notes" and not value.strip()):
                problems.append(Problem(line, key, _short(value), f"'{key}' must be non-empty text.", row=where["row"]))
                bad = True
        unknown = sorted(set(item) - set(_SAMPLE_REQUIRED) - set(_SAMPLE_OPTIONAL))
        if unknown:
            problems.append(Problem(line, None, None, f"unknown field(s) {', '.join(unknown)}. Allowed: "
                                    f"{', '.join(_SAMPLE_REQUIRED + _SAMPLE_OPTIONAL)}.", row=where["row"]))
            bad = True
        sid = item.get("id")
        if isinstance(sid, str) and sid.strip():
            if not _SAMPLE_ID.match(sid):
                problems.append(Problem(line, "id", sid, f"'{sid}' is not an id like W01.", row=where["row"]))
                bad = True
            elif sid in seen:
                problems.append(Problem(line, "id", sid, f"'{sid}' is used twice (first as sample {seen[sid]}).",
                                        row=where["row"]))
                bad = True
            else:
                seen[sid] = k + 1
        kind = item.get("kind")
        if isinstance(kind, str) and kind.strip() and kind not in SAMPLE_KINDS:
            problems.append(Problem(line, "kind", kind, f"'{kind}' is not a kind. Expected one of "
                                    f"{', '.join(SAMPLE_KINDS)}.", row=where["row"]))
            bad = True
        aud = item.get("audience")
        if isinstance(aud, str) and aud.strip() and aud not in AUDIENCES:
            problems.append(Problem(line, "audience", aud, f"'{aud}' is not an audience. Expected one of "
                                    f"{', '.join(AUDIENCES)}.", row=where["row"]))
            bad = True
        ids = item.get("backlog_ids", [])
        if not (isinstance(ids, list) and all(isinstance(i, str) and re.match(r"^B\d{2}$", i) for i in ids)):
            problems.append(Problem(line, "backlog_ids", _short(ids), "must be a list of backlog ids like [\"B01\"].",
                                    row=where["row"]))
            bad = True
        for opt in ("author", "reader"):
            if opt in item and not isinstance(item[opt], str):
                problems.append(Problem(line, opt, _short(item[opt]), f"'{opt}' must be text.", row=where["row"]))
                bad = True
        if not bad:
            samples.append(Sample(item["id"], item["kind"], item["title"].strip(), item["audience"], item["text"],
                                  item["reference_rewrite"], item["notes"], item.get("author", ""),
                                  item.get("reader", ""), tuple(ids)))
    if problems:
        raise DataError(problems, source=label)
    if not samples:
        raise DataError([Problem(1, None, None, "The file holds no samples.")], source=label)
    return samples


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _object_lines(raw: str) -> list[int]:
    """Line numbers where each top-level object of a JSON list starts (for messages)."""
    lines, depth, in_str, esc, line = [], 0, False, False, 1
    for ch in raw:
        if ch == "\n":
            line += 1
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
            continue
        if ch == '"':
            in_str = True
        elif ch in "[{":
            if ch == "{" and depth == 1:
                lines.append(line)
            depth += 1
        elif ch in "]}":
            depth -= 1
    return lines


@lru_cache(maxsize=4)
def _samples_cached(path: str, mtime: float) -> tuple[Sample, ...]:
    return tuple(load_samples(path))


def samples_by_id(path: str | Path | None = None) -> dict[str, Sample]:
    p = _resolve(path, "writing_samples.json")
    return {s.id: s for s in _samples_cached(str(p), p.stat().st_mtime)}


def samples_table(path: str | Path | None = None):
    """The writing samples as a table: id, kind, reader, audience, title and length of each text."""
    import pandas as pd

    rows = [{"id": s.id, "kind": s.kind, "audience": s.audience, "reader": s.reader, "title": s.title,
             "words": len(s.text.split()), "rewrite words": len(s.reference_rewrite.split())}
            for s in samples_by_id(path).values()]
    return pd.DataFrame(rows).set_index("id")


def get_sample(sample_id: str, path: str | Path | None = None) -> Sample:
    samples = samples_by_id(path)
    if sample_id not in samples:
        raise ValueError(f"There is no writing sample {sample_id!r}. Choose one of {', '.join(samples)}.")
    return samples[sample_id]


# ---------------------------------------------------------------------------------------------
# The course's own prose
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CourseTarget:
    """What the course asks of its own teaching prose (justified in Module 05)."""

    min_reading_ease: float = 60.0
    max_words_per_sentence: float = 18.0

    def describe(self) -> str:
        return (f"Flesch Reading Ease at least {_fmt(self.min_reading_ease)} and sentences averaging at most "
                f"{_fmt(self.max_words_per_sentence)} words")


#: The target for a general professional reader. Module 05's notebook explains the choice.
COURSE_TARGET = CourseTarget()


@dataclass
class ProseReport:
    """How readable a notebook's teaching prose is, against :data:`COURSE_TARGET`."""

    readability: Readability
    worst: list[tuple[float, Sentence]]
    target: CourseTarget
    long_sentences: list[Sentence]

    @property
    def words(self) -> int:
        return self.readability.words

    @property
    def reading_ease(self) -> float:
        return self.readability.reading_ease

    @property
    def words_per_sentence(self) -> float:
        return self.readability.words_per_sentence

    @property
    def misses(self) -> list[str]:
        out = []
        if self.readability.reading_ease < self.target.min_reading_ease:
            out.append(f"Flesch Reading Ease is {self.readability.reading_ease:.1f}; "
                       f"the target is at least {_fmt(self.target.min_reading_ease)}")
        if self.readability.words_per_sentence > self.target.max_words_per_sentence:
            out.append(f"sentences average {self.readability.words_per_sentence:.1f} words; "
                       f"the target is at most {_fmt(self.target.max_words_per_sentence)}")
        return out

    @property
    def meets_target(self) -> bool:
        return bool(self.readability.words) and not self.misses

    def summary(self) -> str:
        r = self.readability
        verdict = "meets" if self.meets_target else "misses"
        return (f"{r.words:,} words of prose, reading ease {r.reading_ease:.1f} ({r.band}), grade {r.grade:.1f}, "
                f"{r.words_per_sentence:.1f} words a sentence: {verdict} the course target "
                f"({self.target.describe()}).")

    def worst_text(self, n: int = 5) -> str:
        return "\n".join(f"  - grade {g:.0f}, {s.words} words: “{_clip(s.text, 160)}”" for g, s in self.worst[:n])

    def __str__(self) -> str:
        lines = [self.summary()]
        if self.misses:
            lines.append("Misses: " + "; ".join(self.misses) + ".")
        if self.worst:
            lines.append("Hardest sentences:")
            lines.append(self.worst_text())
        return "\n".join(lines)

    __repr__ = __str__


_FENCE_BLOCK = re.compile(r"^[ \t]*(`{3,}|~{3,}|:{3,}).*?^[ \t]*\1[ \t]*$", re.S | re.M)


def prose_of_markdown(markdown: str) -> str:
    """What a reader reads in a notebook's markdown: no code, tables, headings, directive options,
    HTML tags, link targets or bare URLs. Follows ``_prose`` in tests/test_lessons.py, and also
    removes HTML tags and autolinks (``<https://...>``)."""
    text = _as_text(markdown)
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = _FENCE_BLOCK.sub(" ", text)
    text = re.sub(r"^\s*\|.*$", " ", text, flags=re.M)          # tables
    text = re.sub(r"^\s*#.*$", " ", text, flags=re.M)           # headings
    text = re.sub(r"^\s*:\w[\w-]*:.*$", " ", text, flags=re.M)  # directive options
    text = re.sub(r"<https?://[^>\s]+>", " ", text)             # autolinks
    text = re.sub(r"</?[A-Za-z][^<>\n]*>", " ", text)           # HTML tags
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)      # links -> their text
    text = re.sub(r"https?://\S+", " ", text)                   # bare URLs
    text = re.sub(r"`[^`\n]*`", "code", text)                   # inline code -> one word
    text = re.sub(r"[*_>]", "", text)
    return text


def notebook_prose(path: str | Path) -> str:
    """The markdown of a notebook's cells, joined (the input of :func:`prose_report`)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    return "\n\n".join("".join(c.get("source", "")) for c in nb.get("cells", []) if c.get("cell_type") == "markdown")


def prose_report(markdown: str, target: CourseTarget = COURSE_TARGET, worst: int = 5) -> ProseReport:
    """Measure teaching prose (markdown) against the course target, with the hardest sentences."""
    prose = prose_of_markdown(markdown)
    read = readability(prose)
    sentences = split_sentences(prose)
    long = [s for s in sentences if s.words > 30]
    return ProseReport(read, _hardest(sentences, worst, limit=20_000), target, long)


def course_prose_table(folder: str | Path | None = None, target: CourseTarget = COURSE_TARGET):
    """Every module notebook's teaching prose against the course target (one row per module)."""
    import pandas as pd

    from .paths import REPO_ROOT

    folder = Path(folder) if folder is not None else REPO_ROOT / "notebooks"
    rows = []
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        report = prose_report(notebook_prose(path), target)
        r = report.readability
        rows.append({"module": path.name[:2], "notebook": path.name, "words": r.words,
                     "reading ease": round(r.reading_ease, 1), "grade": round(r.grade, 1),
                     "words per sentence": round(r.words_per_sentence, 1),
                     "meets target": "yes" if report.meets_target else "no"})
    columns = ["module", "notebook", "words", "reading ease", "grade", "words per sentence", "meets target"]
    return pd.DataFrame(rows, columns=columns).set_index("module")


# ---------------------------------------------------------------------------------------------
# Exercise feedback (Module 05)
# ---------------------------------------------------------------------------------------------
_NUMBER = re.compile(r"(?:[£$€]\s?\d[\d,.]*\s?[kKmM]?\b|\b\d[\d,.]*\s?(?:%|percent|per cent)|\b\d[\d,.]*\b"
                     r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
                     r"fifty|hundred|thousand|half|double|twice)\b)", re.I)
_CUSTOMER_WORDS = re.compile(
    r"\b(?:customers?|managers?|schedulers?|staff|teams?|owners?|admins?|area managers?|site managers?|"
    r"accounts?|people|employees?|workers?|you|your|restaurants?|shops?|care homes?|chains?|groups?)\b", re.I)
_BENEFIT_WORDS = re.compile(
    r"\b(?:sav(?:e|es|ing)|fewer|less|faster|quicker|minutes?|hours?|no longer|without|instead of|stop|stops|"
    r"never|in one (?:step|go|click)|once|every (?:site|location)|at once|easier|so (?:that|you|they)|can now|"
    r"lets?|helps?)\b", re.I)


def _text_answer(value: Any, title: str, what: str, example: str) -> tuple[str | None, Feedback | None]:
    if is_unanswered(value):
        return None, Feedback(title, answered=False,
                              summary=f"You have not answered yet: replace ... with {what}, for example {example}. "
                              "Then run this cell again.")
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
        value = "\n".join(value)
    if not isinstance(value, str):
        return None, Feedback(title, answered=False,
                              summary=f"Your answer should be text in triple quotes, like {example}. "
                              f"You gave {type(value).__name__}.")
    return value, None


def _add_scorecard_checks(fb: Feedback, card: Scorecard, skip: Iterable[str] = ()) -> None:
    for c in card.checks:
        if c.id in skip or c.passed is None:
            continue
        fb.add(c.title, c.passed, f"{c.measured}. {c.message}" if not c.passed else c.measured)


def _crashed(title: str, err: Exception) -> Feedback:
    return Feedback(title, answered=False, summary=f"Your text could not be checked ({type(err).__name__}: {err}).")


def _finish(fb: Feedback) -> Feedback:
    done, total = len(fb.passed), len([c for c in fb.checks if c.ok is not None])
    fb.summary = f"{done} of {total} checks met." + (
        " Well done: now read it aloud once, as your reader would." if done == total
        else " Work on the lines marked ✗, then run the check again.")
    return fb


_EXEC_TITLE = "Feedback on your executive summary"


def check_executive_summary(text: Any) -> Feedback:
    """Exercise 1: a five-sentence executive summary for Maya of Tomás's engine-rewrite design doc.

    Checks: exactly five sentences; the first states the recommendation or ask; the cost and the
    customer outcome are there (with a number); then the executive scorecard (jargon, acronyms,
    sentence length, hedges, passive voice, readability). Never raises.
    """
    try:
        value, early = _text_answer(text, _EXEC_TITLE, "your five sentences in triple quotes",
                                    'executive_summary = """We recommend..."""')
        if early:
            return early
        fb = Feedback(_EXEC_TITLE, note="A self-check, not a grade: it reads words, not meaning.")
        card = scorecard(value, "executive")
        sentences = [s for s in card.sentences if not _is_title(s)]
        n = len(sentences)
        fb.add("Exactly five sentences", n == 5,
               f"{n} sentence(s)." + ("" if n == 5 else " Maya asked for five: one each for the ask, the why, "
                                                        "the cost, the risk and the next step."))
        first = sentences[0].text if sentences else ""
        cue = _bluf_cue(first, AUDIENCES["executive"]) if first else None
        fb.add("The first sentence states the recommendation or ask", bool(cue),
               f"found “{cue}”." if cue else "start with 'We recommend...' or 'I need you to decide...'.")
        numbers = _NUMBER.findall(value)
        fb.add("Gives numbers (cost, time or effect)", bool(numbers),
               f"found {', '.join(numbers[:4])}." if numbers else "add the cost in person-months or weeks, and the "
               "effect on a metric the CEO tracks.")
        fb.add("Names who gains", bool(_CUSTOMER_WORDS.search(value)),
               "names customers or users." if _CUSTOMER_WORDS.search(value) else
               "say which customers or users gain (schedulers, multi-site accounts...).")
        _add_scorecard_checks(fb, card, skip=("bluf",))
        return _finish(fb)
    except Exception as err:  # noqa: BLE001 - feedback must never crash a notebook
        return _crashed(_EXEC_TITLE, err)


#: Exercise 2 (changelog W04): changes customers notice, and internal ones to leave out.
RELEASE_NOTES_MUST = {
    "copy a week's schedule to other locations": re.compile(
        r"\b(?:cop(?:y|ies|ying)|template|repeat|reuse)\w*\b.*?\b(?:locations?|sites?|stores?)\b"
        r"|\b(?:locations?|sites?)\b.*?\b(?:cop(?:y|ies|ying)|template)", re.I | re.S),
    "shift-change alerts on Android": re.compile(r"\b(?:notifications?|alerts?|messages?)\b", re.I),
    "overnight shifts over the clock change": re.compile(
        r"\b(?:clocks?|daylight|summer time|overnight|night shifts?)\b", re.I),
}
RELEASE_NOTES_LEAVE_OUT = {
    "database and library upgrades": re.compile(
        r"\b(?:postgres\w*|database|library|libraries|dependenc\w+|upgrade[ds]? (?:to|from)\b|version \d"
        r"|\d+\.\d+\.\d+)", re.I),
    "ticket numbers and code names": re.compile(r"\b[A-Z]{2,}-\d+\b|#\d{2,}|\b[0-9a-f]{7,40}\b"),
    "internal tooling": re.compile(r"\b(?:CI|feature flags?|logging|log levels?|metrics dashboard|telemetry|staging)\b",
                                   re.I),
}
_RN_TITLE = "Feedback on your release notes"


def check_release_notes(text: Any) -> Feedback:
    """Exercise 2: customer release notes from the September changelog (sample W04).

    Checks: covers the three changes customers notice; leaves out internal work, ticket numbers and
    version strings; speaks to the reader ("you"); then the customer scorecard. Never raises.
    """
    try:
        value, early = _text_answer(text, _RN_TITLE, "your release notes in triple quotes",
                                    'release_notes = """You can now..."""')
        if early:
            return early
        fb = Feedback(_RN_TITLE, note="A self-check, not a grade: it looks for words, so read your notes once more "
                      "as a busy site manager would.")
        for name, pattern in RELEASE_NOTES_MUST.items():
            fb.add(f"Covers: {name}", bool(pattern.search(value)),
                   "found." if pattern.search(value) else "customers will notice this change; tell them.")
        leaks = [name for name, pattern in RELEASE_NOTES_LEAVE_OUT.items() if pattern.search(value)]
        fb.add("Leaves out internal work", not leaks,
               "nothing internal found." if not leaks else f"remove {', '.join(leaks)}: customers cannot act on them.")
        you = len(re.findall(r"\byou(?:r|rs)?\b", value, re.I))
        fb.add("Speaks to the reader", you >= 2,
               f"'you' or 'your' {you} time(s)." if you >= 2 else
               "write to the reader: 'you can now...', 'your staff...'.")
        _add_scorecard_checks(fb, scorecard(value, "customer"))
        return _finish(fb)
    except Exception as err:  # noqa: BLE001
        return _crashed(_RN_TITLE, err)


_PR_TITLE = "Feedback on your press release"
PRESS_RELEASE_WORDS = (150, 500)  # under one page (Bryar & Carr, Working Backwards)
_QUOTE = re.compile(r"[\"“][^\"”]{15,}[\"”]")
_SAID = re.compile(r"\b(?:said|says|explains?|adds?|commented)\b", re.I)
_AVAILABLE = re.compile(
    r"\b(?:available|to get started|get started|turn (?:it )?on|switch (?:it )?on|from (?:today|\d)|"
    r"starting|sign up|visit|go to|open|find it|in the app|launch(?:es|ed)?|today)\b", re.I)


def check_press_release(text: Any) -> Feedback:
    """Exercise 3: the one-page PR/FAQ press release for a backlog item (Working Backwards style).

    Checks: a short headline on the first line; one page (150-500 words); names the customer and
    the benefit; a customer quote; how to get it; then the customer scorecard (without its length
    check, which is for release notes). Never raises.
    """
    try:
        value, early = _text_answer(text, _PR_TITLE, "your press release in triple quotes",
                                    'press_release = """Rotawise launches..."""')
        if early:
            return early
        fb = Feedback(_PR_TITLE, note="A self-check, not a grade. Amazon's test is whether a customer would "
                      "care; read it as one.")
        lines = [ln.strip() for ln in value.strip().splitlines() if ln.strip()]
        headline = lines[0] if lines else ""
        h_words = len(_WORD_TOKEN.findall(headline))
        fb.add("A short headline on the first line", 0 < h_words <= 15 and len(lines) > 1,
               f"“{_clip(headline, 80)}” ({h_words} words)." if h_words <= 15 else
               f"the first line has {h_words} words; a headline has at most 15.")
        words = len(_WORD_TOKEN.findall(value))
        lo, hi = PRESS_RELEASE_WORDS
        fb.add("Fits on one page", lo <= words <= hi,
               f"{words} words." if lo <= words <= hi else f"{words} words; aim for {lo}–{hi}.")
        customer = _CUSTOMER_WORDS.search(value)
        benefit = _BENEFIT_WORDS.search(value)
        fb.add("Names the customer and the benefit", bool(customer and benefit),
               f"found “{customer.group(0)}” and “{benefit.group(0)}”." if customer and benefit else
               "say who gains and what gets better for them: time saved, a step that disappears.")
        quote = _QUOTE.search(value)
        fb.add("Quotes a customer", bool(quote and _SAID.search(value)),
               "found a quote." if quote and _SAID.search(value) else
               "add a quote from a (fictional) customer: what their week looks like now, with 'said'.")
        fb.add("Says how to get it", bool(_AVAILABLE.search(value)),
               "found." if _AVAILABLE.search(value) else "end with when and how customers get it.")
        _add_scorecard_checks(fb, scorecard(value, "customer"), skip=("length",))
        return _finish(fb)
    except Exception as err:  # noqa: BLE001
        return _crashed(_PR_TITLE, err)
