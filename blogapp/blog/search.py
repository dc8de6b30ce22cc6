"""Full-text search over posts and union bulletins, ranked together, paged and highlighted.

SQLite: FTS5 tables (``post_fts``, ``bulletin_fts``) ranked with bm25. PostgreSQL: weighted
text-search vectors stored in a generated column with a GIN index, ranked with ts_rank. One
query ranks the page across both kinds (UNION ALL) and counts every match in the same pass,
then one per kind on the page loads its rows with highlighted titles and snippets, so the
work of highlighting is done for the page only. A search's results are kept in the shared
cache until the content changes.
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any

from flask import abort, current_app, render_template, request
from markupsafe import Markup, escape
from sqlalchemy import (
    ColumnElement,
    FromClause,
    Integer,
    Row,
    Select,
    String,
    bindparam,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    union_all,
)

from ..bulletins.queries import bulletin_is_visible
from ..caching import cached_for_generation, cached_page
from ..dates import utcnow
from ..extensions import db
from ..models import Bulletin, Post
from . import bp
from .queries import NOW, is_visible
from .views import requested_page

#: Highlight marks that cannot occur in stored text: the snippet is escaped, then marked up.
MARK_START, MARK_END = "\x02", "\x03"
SEARCH_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12
MAX_QUERY_LENGTH = 200

#: The statements are built once and run with these parameters, so a search spends its time
#: in the database rather than in putting the same SQL together again.
TERMS = bindparam("terms", type_=String)
HIT_IDS = bindparam("ids", expanding=True)
PAGE_SIZE, PAGE_START = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)


@dataclass(frozen=True)
class SearchHit:
    """One result as the page shows it: where it links, what it is, when, and its text."""

    endpoint: str
    url_values: dict[str, Any]
    kind: str
    published_at: datetime
    title: Markup
    snippet: Markup

    @property
    def is_bulletin(self) -> bool:
        return self.endpoint == BULLETINS.endpoint


@dataclass(frozen=True)
class Searchable:
    """A kind of content search covers: its table, its FTS5 table, who may see it, and
    what a result shows of it."""

    kind: str
    model: type[Post] | type[Bulletin]
    fts_table: str
    visible: Callable[[ColumnElement[datetime]], ColumnElement[bool]]
    endpoint: str
    #: The endpoint's URL values, each labelled with the name it takes.
    url_columns: tuple[ColumnElement, ...]
    #: What readers are told a result is: 'Post', or 'Napo bulletin'.
    kind_shown: ColumnElement[str]

    def hit(self, row: Row) -> SearchHit:
        """A result from a row of ``SearchEngine.highlighted``."""
        return SearchHit(
            endpoint=self.endpoint,
            url_values={column.key: row._mapping[column.key] for column in self.url_columns},
            kind=row.kind_shown,
            published_at=row.published_at,
            title=highlighted(row.title),
            snippet=highlighted(row.snippet),
        )

    def shown_columns(self) -> tuple[ColumnElement, ...]:
        """What a result needs besides its highlighted title and snippet."""
        model = self.model
        return (
            model.id.label("id"),
            model.published_at.label("published_at"),
            self.kind_shown.label("kind_shown"),
            *self.url_columns,
        )


POSTS = Searchable(
    kind="post",
    model=Post,
    fts_table="post_fts",
    visible=is_visible,
    endpoint="blog.post",
    url_columns=(
        Post.published_year.label("year"),
        Post.published_month.label("month"),
        Post.slug.label("slug"),
    ),
    kind_shown=literal("Post", String(20)),
)
BULLETINS = Searchable(
    kind="bulletin",
    model=Bulletin,
    fts_table="bulletin_fts",
    visible=bulletin_is_visible,
    endpoint="bulletins.bulletin",
    url_columns=(Bulletin.id.label("bulletin_id"), Bulletin.slug.label("slug")),
    kind_shown=Bulletin.source.concat(" bulletin"),
)
SEARCHABLE = (POSTS, BULLETINS)


@dataclass
class SearchResults:
    query: str
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def search_words(query: str) -> list[str]:
    """The words of a visitor's query; operators and punctuation are dropped."""
    return SEARCH_WORD.findall(query[:MAX_QUERY_LENGTH])[:MAX_QUERY_WORDS]


def fts5_match_expression(words: list[str]) -> str:
    """Every word must appear; the last may be the start of a word ('probat' finds probation)."""
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def highlighted(fragment: str | None) -> Markup:
    """Escape a snippet from the database, then turn its marks into <mark> elements."""
    safe = str(escape(fragment or ""))
    return Markup(safe.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S704


def kind_column(searchable: Searchable) -> ColumnElement[str]:
    return literal(searchable.kind, String(10)).label("kind")


class SQLiteSearch:
    """FTS5: bm25 with titles weighing ten times the body (negated, so higher is better).

    Each FTS5 table ranks with its own word statistics; both use the same weights, so the
    scores are close enough to interleave posts and bulletins.
    """

    terms = staticmethod(fts5_match_expression)

    def matching(self, searchable: Searchable) -> tuple[FromClause, list[ColumnElement[bool]]]:
        fts_rows = table(searchable.fts_table, column("rowid"))
        model = searchable.model
        source = fts_rows.join(model, model.id == fts_rows.c.rowid)
        fts = literal_column(searchable.fts_table)
        return source, [fts.op("MATCH")(TERMS), searchable.visible(NOW)]

    def ranked(self, searchable: Searchable) -> Select:
        source, conditions = self.matching(searchable)
        fts = literal_column(searchable.fts_table)
        model = searchable.model
        return (
            select(
                kind_column(searchable),
                model.id.label("id"),
                (-func.bm25(fts, 10.0, 1.0)).label("score"),
                model.published_at.label("published_at"),
            )
            .select_from(source)
            .where(*conditions)
        )

    def highlighted(self, searchable: Searchable) -> Select:
        source, conditions = self.matching(searchable)
        fts = literal_column(searchable.fts_table)
        return (
            select(
                *searchable.shown_columns(),
                func.highlight(fts, 0, MARK_START, MARK_END).label("title"),
                func.snippet(fts, 1, MARK_START, MARK_END, "…", 32).label("snippet"),
            )
            .select_from(source)
            .where(*conditions, searchable.model.id.in_(HIT_IDS))
        )


ENGLISH = literal_column("'english'")
POSTGRES_HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxFragments=2, MaxWords=30, MinWords=12, "
    'FragmentDelimiter=" … "'
)
POSTGRES_TITLE_OPTIONS = f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true"


def postgres_vector(table_name: str) -> ColumnElement:
    """The weighted vector the database stores and indexes (GIN) for each row: matching and
    ranking read it rather than computing it again for every matching row."""
    return literal_column(f"{table_name}.search_vector")


def postgres_terms(words: list[str]) -> str:
    return " ".join(words)


class PostgresSearch:
    """websearch_to_tsquery over the weighted vectors, ts_rank, ts_headline."""

    terms = staticmethod(postgres_terms)
    query = func.websearch_to_tsquery(ENGLISH, TERMS)

    def conditions(self, searchable: Searchable) -> list[ColumnElement[bool]]:
        vector = postgres_vector(searchable.model.__tablename__)
        return [vector.op("@@")(self.query), searchable.visible(NOW)]

    def ranked(self, searchable: Searchable) -> Select:
        model = searchable.model
        vector = postgres_vector(model.__tablename__)
        return select(
            kind_column(searchable),
            model.id.label("id"),
            func.ts_rank(vector, self.query).label("score"),
            model.published_at.label("published_at"),
        ).where(*self.conditions(searchable))

    def highlighted(self, searchable: Searchable) -> Select:
        model = searchable.model
        return select(
            *searchable.shown_columns(),
            func.ts_headline(ENGLISH, model.title, self.query, POSTGRES_TITLE_OPTIONS).label(
                "title"
            ),
            func.ts_headline(
                ENGLISH, model.search_text, self.query, POSTGRES_HEADLINE_OPTIONS
            ).label("snippet"),
        ).where(model.id.in_(HIT_IDS))


SearchEngine = SQLiteSearch | PostgresSearch


def search_engine(dialect: str) -> SearchEngine:
    return PostgresSearch() if dialect == "postgresql" else SQLiteSearch()


def ranked_page(engine: SearchEngine) -> Select:
    """The kind and id of one page of hits, posts and bulletins ranked together, each row
    with the number of hits on every page (counted in the same pass over the matches)."""
    ranked = union_all(*(engine.ranked(searchable) for searchable in SEARCHABLE)).subquery()
    return (
        select(ranked.c.kind, ranked.c.id, func.count().over().label("total"))
        .order_by(ranked.c.score.desc(), ranked.c.published_at.desc(), ranked.c.kind, ranked.c.id)
        .limit(PAGE_SIZE)
        .offset(PAGE_START)
    )


@dataclass(frozen=True)
class SearchStatements:
    """A search's queries, run with ``terms``, ``now`` and the page's ``limit``, ``offset``
    and hit ``ids``."""

    ranked_page: Select
    highlighted: dict[str, Select]


@cache
def search_statements(dialect: str) -> SearchStatements:
    engine = search_engine(dialect)
    return SearchStatements(
        ranked_page=ranked_page(engine),
        highlighted={searchable.kind: engine.highlighted(searchable) for searchable in SEARCHABLE},
    )


def search_blog(query: str, page: int, per_page: int) -> SearchResults:
    """Visible posts and bulletins matching ``query``, best first, highlighted."""
    words = search_words(query)
    if not words:
        return SearchResults(query, [], 0, page, per_page)
    dialect = db.engine.dialect.name
    statements = search_statements(dialect)
    found_by = {"terms": search_engine(dialect).terms(words), "now": utcnow()}
    page_bounds = {"limit": per_page, "offset": (page - 1) * per_page}
    rows = db.session.execute(statements.ranked_page, found_by | page_bounds).all()
    if not rows:
        return SearchResults(query, [], 0, page, per_page)
    found: dict[tuple[str, int], SearchHit] = {}
    for searchable in SEARCHABLE:
        ids = [row.id for row in rows if row.kind == searchable.kind]
        if ids:
            highlighted_rows = db.session.execute(
                statements.highlighted[searchable.kind], found_by | {"ids": ids}
            )
            for row in highlighted_rows:
                found[searchable.kind, row.id] = searchable.hit(row)
    hits = [found[row.kind, row.id] for row in rows if (row.kind, row.id) in found]
    return SearchResults(query, hits, rows[0].total, page, per_page)


def shared_search(query: str, page: int, per_page: int) -> SearchResults:
    """``search_blog``'s results, shared by every reader who searches for the same words
    until the content changes (when a story breaks, many readers search for its words)."""
    words = " ".join(search_words(query)).lower()
    key = hashlib.sha256(f"{words}|{page}|{per_page}".encode()).hexdigest()
    results = cached_for_generation(f"search:{key}", lambda: search_blog(words, page, per_page))
    return replace(results, query=query)


@bp.get("/search")
@cached_page("q", "page")
def search() -> str:
    query = request.args.get("q", "").strip()
    page = requested_page()
    per_page = current_app.config["SEARCH_RESULTS_PER_PAGE"]
    results = shared_search(query, page, per_page)
    if page > 1 and not results.hits:
        abort(404)
    return render_template("blog/search.html", results=results, query=query)
