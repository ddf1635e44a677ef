"""The Python API: :func:`audit` builds the context once, runs the rules, returns a report.

>>> report = audit(["samples/articles"], corpus=["samples/corpus"])  # doctest: +SKIP
>>> report.findings[["path", "rule", "text", "suggestion"]]  # doctest: +SKIP
>>> report.to_csv("reports")  # doctest: +SKIP

Data flows one way: paths -> loaders -> Documents -> vocabulary and reuse engine ->
rules -> findings -> :class:`AuditReport` -> writers. The CLI is a thin layer over this.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from qualcheck import gitdiff
from qualcheck.baseline import BaselineResult, apply_baseline, read_baseline
from qualcheck.boilerplate import Boilerplate, recurring_lines
from qualcheck.checks.base import CheckContext, DocView
from qualcheck.checks.registry import rule_by_name, select_rules
from qualcheck.checks.runner import run_checks
from qualcheck.config import Config, ConfigError
from qualcheck.index.corpus_vocab import texts_vocabulary
from qualcheck.index.engine import ReuseEngine
from qualcheck.index.persistent import CorpusIndex, open_index
from qualcheck.load import LoadOptions, LoadResult, load_paths
from qualcheck.policy import apply_policy, filter_inputs
from qualcheck.report import records
from qualcheck.report.registry import get_writer
from qualcheck.suppress import apply_suppressions
from qualcheck.types import ArticleReuse, Document, Report, ReuseMatch, Severity, Skipped
from qualcheck.vocab import Vocabulary

PathArg = str | os.PathLike[str]
KEEP_TOKENS_CHARS = 20_000_000  # audits larger than this re-tokenize instead of holding tokens
# Rule families that read only the document's text and the reuse results, never its tokens
# nor the corpus vocabulary (tests/test_api.py checks their modules): an audit running only
# these skips tokenizing and the vocabulary, most of the fixed cost of a reuse-only audit.
TEXT_ONLY_FAMILIES = frozenset({"reuse", "furniture", "meta"})



class AuditReport:
    """What :func:`audit` returns: the records, as pandas DataFrames, and writers.

    ``findings`` has one row per finding (the same columns as ``findings.csv``),
    ``articles`` one row per audited article (combined derived share, METER class, sources),
    ``passages`` one row per reused passage, ``matches`` one row per (article, source),
    ``skipped`` one row per input that was not audited, with the reason.
    """

    def __init__(self, data: Report, config: Config, *, suppressed: int = 0, baselined: int = 0,
                 stale: Sequence[Mapping[str, str]] = ()) -> None:
        self.data = data
        self.config = config
        self.suppressed = suppressed  # findings hidden by comments in the text or [sic]
        self.baselined = baselined  # findings hidden because the baseline holds them
        self.stale = list(stale)  # baseline entries that matched no finding any more

    @property
    def findings(self) -> pd.DataFrame:
        return pd.DataFrame(records.finding_records(self.data), columns=list(records.FINDING_COLUMNS))

    @property
    def passages(self) -> pd.DataFrame:
        return pd.DataFrame(records.passage_records(self.data), columns=list(records.PASSAGE_COLUMNS))

    @property
    def matches(self) -> pd.DataFrame:
        return pd.DataFrame(records.match_records(self.data), columns=list(records.MATCH_COLUMNS))

    @property
    def articles(self) -> pd.DataFrame:
        return pd.DataFrame(records.document_records(self.data), columns=list(records.DOCUMENT_COLUMNS))

    @property
    def skipped(self) -> pd.DataFrame:
        return pd.DataFrame(records.skipped_records(self.data), columns=list(records.SKIPPED_COLUMNS))

    def summary(self) -> dict[str, Any]:
        """Counts of documents, skipped inputs and findings by rule and severity."""
        return records.summary(self.data)

    def write(self, out_dir: PathArg, formats: Iterable[str] = ("csv", "html")) -> list[Path]:
        """Write the report in each of ``formats`` into ``out_dir``; returns the files."""
        written: list[Path] = []
        for name in formats:
            written.extend(get_writer(name).write(self.data, Path(out_dir)))
        return written

    def to_csv(self, out_dir: PathArg) -> list[Path]:
        """``findings.csv``, ``passages.csv`` and ``skipped.csv`` in ``out_dir``."""
        return self.write(out_dir, ["csv"])

    def to_json(self, out_dir: PathArg) -> list[Path]:
        """``report.json`` in ``out_dir`` (raw values, for machines)."""
        return self.write(out_dir, ["json"])

    def to_html(self, path: PathArg) -> Path:
        """A self-contained HTML report at ``path`` (a file name, or a folder for report.html)."""
        target = Path(path)
        if target.suffix.lower() not in (".html", ".htm"):
            return self.write(target, ["html"])[0]
        written = self.write(target.parent, ["html"])[0]
        return written if written == target else written.replace(target)

    def failed(self, fail_on: Severity | str | None = None) -> bool:
        """True when a finding is at or above ``fail_on`` (default: the config's)."""
        level = Severity.parse(fail_on) if isinstance(fail_on, str) else (fail_on or self.config.fail_on)
        if level is None:  # fail-on = "never"
            return False
        return any(f.severity.rank >= level.rank for f in self.data.findings)

    def __repr__(self) -> str:
        s = self.summary()
        return f"<AuditReport documents={s.get('documents')} findings={s.get('findings')}>"


def _as_list(paths: PathArg | Sequence[PathArg] | None) -> list[PathArg]:
    if paths is None:
        return []
    if isinstance(paths, (str, os.PathLike)):
        return [paths]
    return list(paths)


def audit(
    paths: PathArg | Sequence[PathArg],
    corpus: PathArg | Sequence[PathArg] | None = None,
    *,
    config: Config | None = None,
    changed_since: str | None = None,
    changed_lines: bool = False,
    progress: Callable[[int, int], None] | None = None,
    index: str | os.PathLike[str] | None = None,
    **options: Any,
) -> AuditReport:
    """Audit the articles at ``paths`` against the reference texts at ``corpus``.

    Without a corpus (here or in the config) the audited set is its own: articles are
    compared with each other and their vocabulary teaches the language checks.
    ``options`` are :class:`Config` fields (``reuse_threshold=0.3``, ``select=("QC2",)``...);
    unknown ones raise :class:`qualcheck.config.ConfigError`. With ``changed_since`` (a git
    revision) only files changed since then are reported (``changed_lines``: only changed
    lines), while every document still feeds the vocabulary and the reuse search.
    ``index`` (or the config's ``index``) names a prebuilt corpus index (an SQLite file or
    ``redis://host:port/N``, see ``qualcheck index build``), searched alone or with ``corpus``.
    """
    cfg = (config or Config()).replace(**options) if options else (config or Config())
    load_opts = LoadOptions(id_column=cfg.id_column, title_column=cfg.title_column,
                            text_column=cfg.text_column, max_bytes=cfg.max_bytes)
    audited = load_paths(_as_list(paths), load_opts)
    corpus_paths = _as_list(corpus) or list(cfg.corpus)
    reference = load_paths(corpus_paths, load_opts) if corpus_paths else LoadResult((), (), 0)
    docs, skipped = filter_inputs(audited.documents, audited.skipped, cfg)
    ids = {d.doc_id for d in docs}
    corpus_docs = [d for d in reference.documents if d.doc_id not in ids]
    changes = gitdiff.changed_lines(changed_since) if changed_since else None
    location = os.fspath(index) if index else cfg.index
    if not location:
        return audit_documents(docs, corpus_docs, config=cfg, skipped=[*skipped, *reference.skipped],
                               changes=changes, changed_lines=changed_lines, progress=progress)
    try:
        opened = open_index(location)
    except (OSError, ConnectionError, ImportError) as exc:
        raise ValueError(f"cannot open index {location}: {exc}") from None
    with opened as corpus_index:
        return audit_documents(docs, corpus_docs, config=cfg, skipped=[*skipped, *reference.skipped],
                               changes=changes, changed_lines=changed_lines, progress=progress,
                               index=corpus_index)


def audit_documents(
    documents: Sequence[Document],
    corpus: Sequence[Document] = (),
    *,
    config: Config | None = None,
    skipped: Sequence[Skipped] = (),
    changes: dict[Path, set[int] | None] | None = None,
    changed_lines: bool = False,
    progress: Callable[[int, int], None] | None = None,
    index: CorpusIndex | None = None,
) -> AuditReport:
    """Audit documents already in memory (from a DataFrame, say) against ``corpus``.

    Findings then pass through the house policy (per-path ignores, severities), the
    suppressions written in the text, the git changes (``changes``, from
    :func:`qualcheck.gitdiff.changed_lines`) and the baseline file of the config.

    >>> r = audit_documents([Document("a", "a", "Photo courtsey of the agency.")])
    >>> r.findings[["rule", "text", "suggestion"]].values.tolist()
    [['known-misspelling', 'courtsey', 'courtesy']]
    """
    cfg = config or Config()
    docs, corpus_docs = list(documents), list(corpus)
    rules = select_rules(cfg.select, cfg.ignore)
    _check_rule_keys(cfg)
    # Tokens cost ~20 times the text's size: keep them between the vocabulary pass and the
    # checks only for small audits, re-tokenize otherwise, so memory stays near the texts' size.
    keep_tokens = sum(len(d.text) for d in docs) <= KEEP_TOKENS_CHARS
    textual = all(r.family in TEXT_ONLY_FAMILIES for r in rules)
    views = [DocView(d) if textual else DocView.of(d) for d in docs] if keep_tokens else None
    vocab = _vocabulary(docs, corpus_docs, views, index) if not textual else Vocabulary()
    # Furniture lines recurring across the texts at hand (an index's texts are not re-read):
    # reported by page-furniture, and no evidence of reuse.
    furniture = recurring_lines(d.text for d in [*corpus_docs, *docs])
    matches: dict[str, list[ReuseMatch]] = {}
    articles: list[ArticleReuse] = []
    if any(r.family == "reuse" for r in rules) and docs:
        s = index.settings if index is not None else None
        engine = ReuseEngine(corpus_docs, docs, num_perm=s.num_perm if s else cfg.num_perm,
                             shingle_size=s.shingle_size if s else cfg.shingle_size,
                             seed=s.seed if s else 1, threshold=cfg.reuse_threshold, external=index,
                             boilerplate=Boilerplate(furniture))
        for d in docs:
            matches[d.doc_id], summary = engine.reuse(d)
            articles.append(summary)
    corpus_size = len(corpus_docs) + (len(index) if index is not None else 0)
    known = {d.doc_id for d in [*corpus_docs, *docs]}
    wanted = sorted({m.source_id for ms in matches.values() for m in ms} - known)
    if index is not None and wanted:  # sources found in the index, for the side-by-side report
        corpus_docs += index.documents(wanted, missing_ok=True)
    everything = {d.doc_id: d for d in [*corpus_docs, *docs]}
    ctx = CheckContext(cfg, vocab, matches, {k: d.path for k, d in everything.items()},
                       {k: d.meta["date"] for k, d in everything.items() if d.meta.get("date")},
                       furniture)
    if changes is not None:  # unchanged documents still taught the vocabulary and were searched
        docs = [d for d in docs if gitdiff.is_changed(changes, d.path)]
    by_id = {v.doc.doc_id: v for v in views} if views is not None else {}
    lazy = (by_id.get(d.doc_id) or (DocView(d) if textual else DocView.of(d)) for d in docs)  # one at a time
    run = run_checks(lazy, ctx, rules, progress, total=len(docs))
    findings = apply_policy(run.findings, cfg)
    report_unused = any(r.name == "unused-suppression" for r in rules)
    findings, suppressed = apply_suppressions(findings, docs, report_unused)
    if changes is not None and changed_lines:
        findings = [f for f in findings if gitdiff.is_changed(changes, f.path, f.line)]
    outcome = BaselineResult(findings, 0, [])
    if cfg.baseline:
        reported = {str(Path(d.doc_id).as_posix()).removeprefix("./") for d in docs}
        outcome = apply_baseline(findings, docs, [e for e in read_baseline(cfg.baseline)
                                                  if e.get("path") in reported])
    all_matches = tuple(m for d in docs for m in matches.get(d.doc_id, []))
    reported_ids = {d.doc_id for d in docs}
    source_ids = {m.source_id for m in all_matches}
    report = Report(
        documents=tuple(docs),
        findings=tuple(sorted(outcome.findings, key=lambda f: (f.path, f.doc_id, f.start, f.end, f.code))),
        passages=tuple(p for m in all_matches for p in m.passages),
        matches=all_matches,
        articles=tuple(a for a in articles if a.doc_id in reported_ids),
        sources=tuple(d for d in corpus_docs if d.doc_id in source_ids),
        skipped=tuple([*skipped, *run.failures]),
        corpus_size=corpus_size,
    )
    return AuditReport(report, cfg, suppressed=suppressed, baselined=outcome.hidden, stale=outcome.stale)


def _vocabulary(docs: Sequence[Document], corpus_docs: Sequence[Document], views: list[DocView] | None,
                index: CorpusIndex | None) -> Vocabulary:
    """The vocabulary of the index (if any), the corpus at hand and the audited documents.

    Texts go through the index's batch path (:func:`qualcheck.index.corpus_vocab.texts_vocabulary`,
    equal to ``Vocabulary.add`` text by text); audited documents whose tokens are kept for the
    checks (``views``) add those tokens instead of being read a second time.
    """
    vocab = index.vocabulary() if index is not None else Vocabulary()
    texts = [d.text for d in corpus_docs] + ([d.text for d in docs] if views is None else [])
    texts_vocabulary(texts, into=vocab)
    for view in views or ():
        vocab.add(view.tokens)
    return vocab


def _check_rule_keys(cfg: Config) -> None:
    """Severity and per-path settings must name real rules (a typo would do nothing)."""
    for key in cfg.severity:
        try:
            rule_by_name(key)
        except KeyError:
            raise ConfigError(f"unknown rule {key!r} in setting 'severity'") from None
    for rules in cfg.per_path_ignores.values():
        select_rules(tuple(rules))
