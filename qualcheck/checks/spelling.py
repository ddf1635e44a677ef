"""Spelling rules: known misspellings, unknown words near a known one, rare corpus variants.

Each layer is its own rule so editors can tune them. All of them skip what is not prose
(URLs, e-mail addresses, handles, hashtags, numbers, words with digits), words marked
``[sic]``, acronyms in capitals, and words the house uses often (the corpus vocabulary).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from qualcheck.checks.base import CheckContext, DocView, Hit
from qualcheck.checks.house import is_distinct
from qualcheck.lexicon import (
    english_words,
    is_english,
    known_misspellings,
    match_case,
    plain_english_words,
    word_frequencies,
)
from qualcheck.morphology import (
    GLUE_WORDS,
    OPENING_FIX_FREQUENCY,
    common_neighbour,
    compound_unless_slip,
    is_derivation,
    is_inflection,
    skeleton_match,
)
from qualcheck.text import Token, normalize_word
from qualcheck.vocab import base_form


def _marked_sic(view: DocView, t: Token) -> bool:
    text = view.doc.text
    return "[sic]" in text.lower() and text[t.end : t.end + 8].lstrip().lower().startswith("[sic]")


def _parts(tokens: Iterable[Token]) -> Iterator[Token]:
    """Words, with lower-case hyphenated compounds split into their parts ("well-beeing",
    "34-yrea-old"): a slip inside a compound is still a slip."""
    for t in tokens:
        if t.kind not in ("word", "number", "mixed"):
            continue
        if "-" not in t.text or t.text[0].isupper() or t.norm in known_misspellings() \
                or is_english(t.norm.replace("-", "")):  # "co-ordinator" is "coordinator"
            if t.kind == "word":
                yield t
            continue
        offset = t.start
        parts = t.text.split("-")
        for i, part in enumerate(parts):
            after_prefix = i > 0 and parts[i - 1].isalpha() and len(parts[i - 1]) <= 3  # "ad-libbed"
            if part.isalpha() and len(part) > 3 and not after_prefix:
                yield dataclasses.replace(t, text=part, start=offset, end=offset + len(part),
                                          sentence_start=t.sentence_start and i == 0)
            offset += len(part) + 1


def _may_be_candidate(text: str) -> bool:
    """False when no token with this text can give a candidate word: a dictionary word
    without a hyphen, punctuation, or a number without a hyphen (tokens starting with a
    digit are numbers, and only letter words and hyphenated compounds are checked)."""
    if "-" in text:
        return True
    return text[:1].isalnum() and not text[0].isdigit() and normalize_word(text) not in english_words()


def _suspect_texts(view: DocView, ctx: CheckContext) -> frozenset[str]:
    """The document's distinct token texts that may hold a slip, found with set operations.

    Each text is judged once per audit (``ctx.memo``): news vocabulary repeats, so after
    the first articles nearly every text is already known to be safe.
    """
    safe: set[str] = ctx.memo.setdefault("spelling.safe", set())
    suspect: set[str] = ctx.memo.setdefault("spelling.suspect", set())
    new = view.texts - safe - suspect
    if new:
        suspect.update(filter(_may_be_candidate, new - plain_english_words()))
        safe.update(new - suspect)
    return view.texts & suspect


def candidate_words(view: DocView, ctx: CheckContext) -> list[tuple[Token, str, str]]:
    """(token, surface form without possessive, case-folded key) for every checkable word.

    Computed once per document and shared by the spelling rules; dictionary words, which
    every one of them passes, are left out (before any token is looked at).
    """
    cached: list[tuple[Token, str, str]] | None = view.memo.get("candidate_words")
    if cached is None:
        cached = []
        sic = "[sic]" in view.doc.text.lower()
        dictionary = english_words()  # every spelling rule passes dictionary words: drop them here
        for t in _parts(view.tokens_with(_suspect_texts(view, ctx))):
            if t.norm in dictionary or (sic and _marked_sic(view, t)):
                continue
            form = base_form(t.text)
            norm = normalize_word(form)
            if "'" in norm or len(norm) < 3:  # contractions: "don't"
                continue
            if len(form) > 1 and form.isupper():
                continue  # acronyms: KAIST, AESPA
            cached.append((t, form, norm))
        view.memo["candidate_words"] = cached
    accepted = ctx.accepted
    return [c for c in cached if c[2] not in accepted] if accepted else cached


def corpus_neighbors(ctx: CheckContext, norm: str, max_distance: int) -> list[tuple[str, int]]:
    """Words the corpus uses often (at least ``corpus_min_count`` times) near ``norm``."""
    return ctx.common_words.lookup(norm, max_distance)


def _max_distance(norm: str, ctx: CheckContext) -> int:
    return min(ctx.config.max_edit_distance, 2 if len(norm) >= 8 else 1)


def _capitalised_in_corpus(ctx: CheckContext, word: str) -> bool:
    casing = ctx.vocab.majority_casing(normalize_word(word))
    return casing is not None and casing[0].isupper()


def _capitalised_elsewhere(ctx: CheckContext, t: Token, norm: str) -> bool:
    """True when the word is written capitalised mid-sentence somewhere besides ``t`` itself
    (only mid-sentence words outside headlines vote on casing, ``t`` among them)."""
    votes = ctx.vocab.casing.get(norm)
    if not votes:
        return False
    capitalised = sum(n for form, n in votes.items() if form[:1].isupper())
    own = 0 if (t.sentence_start or t.headline) else int(t.text[:1].isupper())
    return capitalised - own >= 1 and capitalised * 2 > sum(votes.values())


def _starts_name_run(view: DocView, t: Token) -> bool:
    """True when the next word, one space on, is capitalised too: "Paule Smith"."""
    nxt = view.word_beside(t.start, 1)
    return nxt is not None and nxt.text[:1].isupper() and view.doc.text[t.end : nxt.start] == " "


def _in_title_of_words(view: DocView, t: Token) -> bool:
    """True when ``t`` sits in a capitalised name made of common words ("Enviromental Research
    Council"): there the capitals mark the title, not a name nobody may spell-check."""
    text, freq = view.doc.text, word_frequencies()
    for step in (-1, 1):
        other = view.word_beside(t.start, step)
        if other is None or other.sentence_start:
            continue  # "The Unioun": capitals of a sentence start make no title
        gap = text[min(other.end, t.end) : max(other.start, t.start)]
        if other.text[:1].isupper() and gap == " " and freq.get(other.norm, 0) >= OPENING_FIX_FREQUENCY:
            return True
    return False


def known_misspelling(view: DocView, ctx: CheckContext) -> Iterator[Hit]:
    """A word on the shipped list of 95,000 known misspellings ("courtsey" for "courtesy").

    Why: these are the slips people really make; the list is precise, so each hit is
    almost certainly wrong.
    Example: "photo courtsey of the agency" -> suggest "courtesy".
    Known problems: a house name that happens to be on the list is flagged until it is
    used often enough in the corpus or added to ``accept``.
    """
    table = known_misspellings()
    dictionary = english_words()
    for t, form, norm in candidate_words(view, ctx):
        fixes = table.get(norm)
        # exact dictionary membership: "occured" must not pass as "occur" + "ed"
        if not fixes or norm in dictionary or norm in ctx.accepted:
            continue
        used = ctx.vocab.count(form) if form.islower() else ctx.vocab.norm_count(norm)
        if used >= 10 and ctx.vocab.docs(norm) >= 3:
            continue  # on the list, but the house writes it this way on purpose ("Wass" is a name)
        # Capitals say nothing at a sentence start or in a headline; elsewhere they mark a name,
        # and so does a capitalised use of the word mid-sentence anywhere else.
        name = not (t.sentence_start or t.headline or _in_title_of_words(view, t)) \
            or _capitalised_elsewhere(ctx, t, norm)
        if form[0].isupper() and name and not _capitalised_in_corpus(ctx, fixes[0]):
            continue  # "Energis", "Stubbs": names on the list; "Novermber" stays (November is a name)
        suggestion = match_case(form, fixes[0])
        yield Hit(t.start, t.start + len(form), f"'{form}' is a common misspelling of '{suggestion}'",
                  " | ".join(match_case(form, f) for f in fixes))


def unknown_word(view: DocView, ctx: CheckContext) -> Iterator[Hit]:
    """A lower-case word known neither to the dictionary nor to the corpus, close to one that is.

    Why: catches slips that are on no list ("entertainmnet"), without flagging jargon
    or names the corpus uses.
    Example: "the goverment said" -> suggest "government".
    A capitalised word is checked only where capitals say nothing (a sentence start, a
    headline), when the corpus never writes it capitalised mid-sentence (so it is no name
    the house uses), and only against a common English word one edit away
    ("Enviromental" -> "Environmental").
    A lower-case word with no neighbour that close is still corrected when it shares its
    consonants with exactly one common word up to three edits away ("necasery").
    Known problems: other capitalised words are left to the name rules, so "Reasearch"
    mid-sentence in a title is missed; a foreign name opening a sentence, unknown to the
    corpus and one letter from a common word, is flagged.
    """
    from qualcheck.lexicon import english_index

    table = known_misspellings()
    dictionary = english_words()
    for t, form, norm in candidate_words(view, ctx):
        if norm in dictionary or "-" in norm or norm in table or len(norm) < 4:
            continue
        opening = form[0].isupper() and (t.sentence_start or t.headline) and form[1:] == norm[1:]
        if form != norm and not opening:
            continue  # capitalised: the name rules; "iPhoto": a brand
        if is_english(norm) or ctx.is_known(norm):
            continue
        if opening:
            # Never seen mid-sentence (no known name) and not the first of a run of capitalised
            # words ("Paule Smith said"): then capitals say nothing about the word.
            if ctx.vocab.majority_casing(norm) is None and not _starts_name_run(view, t):
                fix = common_neighbour(norm)
                if fix and not _capitalised_in_corpus(ctx, fix):  # "Paule" is no slip for "Paul"
                    yield Hit(t.start, t.start + len(form), f"unknown word '{form}'; did you mean "
                              f"'{match_case(form, fix)}'?", match_case(form, fix))
            continue
        split = compound_unless_slip(norm)
        if split is not None:
            head, tail = split
            if head in GLUE_WORDS:  # "thefirst": a lost space, not a new word
                yield Hit(t.start, t.start + len(form), f"missing space in '{form}'?",
                          match_case(form, f"{head} {tail}"))
            continue  # "planemaker", "rollout": compounds of known words
        if is_derivation(norm):
            continue  # "unfulfilling", "punky": a known word with a prefix or suffix
        dist = _max_distance(norm, ctx)
        options = {w: d for w, d in english_index().lookup(norm, dist)}
        for w, d in corpus_neighbors(ctx, norm, dist):
            options[w] = min(d, options.get(w, d))
        if not options:
            fix = skeleton_match(norm)  # "necasery": three edits, but the consonants of one word
            if fix is None:
                continue
            options[fix] = 3
        freq = word_frequencies()
        best = min(options, key=lambda w: (options[w], -ctx.vocab.norm_count(w), w[0] != norm[0],
                                           -freq.get(w, 0), w))
        used = ctx.vocab.norm_count(best)
        evidence = f" (used {used} times in the corpus)" if used else ""
        yield Hit(t.start, t.start + len(form), f"unknown word '{form}'; did you mean '{best}'{evidence}?",
                  match_case(form, best))


def rare_variant(view: DocView, ctx: CheckContext) -> Iterator[Hit]:
    """A rare capitalised form one or two edits from a form the corpus uses much more.

    Why: names and house terms are not in any dictionary, but the corpus knows them:
    "Entertainmnet" once beside "Entertainment" forty times is a slip.
    Example: "courtesy of SM Entertainmnet" -> suggest "Entertainment".
    The frequent form must appear in the same article, or be overwhelming in the corpus
    (50 times the rare form's count, in 10 or more documents, and no English word),
    because a newsroom's corpus holds many real names one letter apart ("Boulton" and
    "Bolton") and foreign words one letter from English ones ("Societe", "Society").
    Known problems: two real names one letter apart, one rare and one frequent, are
    flagged when the frequent one is overwhelming; list them as distinct in the house style.
    """
    for t, form, norm in candidate_words(view, ctx):
        if not form[0].isupper() or "-" in norm or len(norm) < 5 or is_english(norm):
            continue
        own = ctx.vocab.norm_count(norm)
        if own >= ctx.config.corpus_min_count:
            continue
        # Only words with its first letter can be accepted below: the corpus words near it are
        # listed by a scan of the few hundred with that letter and a similar length.
        for w, _d in ctx.common_words.lookup_same_first(norm, _max_distance(norm, ctx)):
            used = ctx.vocab.norm_count(w)
            if used < 3 * own or w[0] != norm[0] or is_inflection(w, norm) or is_distinct(ctx, w, norm):
                continue
            if is_english(w) and not _capitalised_in_corpus(ctx, w):
                continue  # "Nighy" is no slip for "night": a name beside a common word
            overwhelming = used >= 50 * own and ctx.vocab.docs(w) >= 10 and len(norm) >= 6 \
                and not is_english(w)
            if not (overwhelming or w in _article_norms(view)):
                continue  # neither in this article nor overwhelming in the corpus
            suggestion = ctx.vocab.majority_casing(w) or match_case(form, w)
            yield Hit(t.start, t.start + len(form),
                      f"'{form}' looks like a slip for '{suggestion}', used {used} times "
                      f"in {ctx.vocab.docs(w)} document(s)", suggestion, score=round(own / used, 4))
            break


def _article_norms(view: DocView) -> set[str]:
    """The case-folded words of the article (listed once per document, when first needed)."""
    norms: set[str] | None = view.memo.get("article_norms")
    if norms is None:
        norms = view.memo["article_norms"] = set(map(normalize_word, view.word_texts))
    return norms
