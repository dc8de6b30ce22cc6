"""Full-text search over posts and union bulletins, ranked together, paged and highlighted.

SQLite: FTS5 tables (``post_fts``, ``bulletin_fts``) ranked with bm25. PostgreSQL: weighted
text-search vectors ranked with ts_rank, written exactly as their GIN expression indexes so
the planner uses them. One query counts the matches, one ranks the page across both kinds
(UNION ALL), then one per kind on the page loads its rows with highlighted titles and
snippets, so the work of highlighting is done for the page only.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, current_app, render_template, request
from markupsafe import Markup, escape
from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    String,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    union_all,
)

from ..bulletins.queries import bulletin_is_visible
from ..extensions import db
from ..models import Bulletin, Post
from . import bp
from .queries import is_visible
from .views import requested_page

#: Highlight marks that cannot occur in stored text: the snippet is escaped, then marked up.
MARK_START, MARK_END = "\x02", "\x03"
SEARCH_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class Searchable:
    """A kind of content search covers: its table, its FTS5 table and who may see it."""

    kind: str
    model: type[Post] | type[Bulletin]
    fts_table: str
    visible: Callable[[], ColumnElement[bool]]


POSTS = Searchable("post", Post, "post_fts", is_visible)
BULLETINS = Searchable("bulletin", Bulletin, "bulletin_fts", bulletin_is_visible)
SEARCHABLE = (POSTS, BULLETINS)


@dataclass
class SearchHit:
    item: Post | Bulletin
    title: Markup
    snippet: Markup

    @property
    def is_bulletin(self) -> bool:
        return isinstance(self.item, Bulletin)

    @property
    def kind(self) -> str:
        """What readers are told the hit is: 'Post', or 'Napo bulletin'."""
        return f"{self.item.source} bulletin" if isinstance(self.item, Bulletin) else "Post"


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

    def __init__(self, words: list[str]) -> None:
        self.match = fts5_match_expression(words)

    def matching(self, searchable: Searchable) -> tuple[FromClause, list[ColumnElement[bool]]]:
        fts_rows = table(searchable.fts_table, column("rowid"))
        model = searchable.model
        source = fts_rows.join(model, model.id == fts_rows.c.rowid)
        fts = literal_column(searchable.fts_table)
        return source, [fts.op("MATCH")(self.match), searchable.visible()]

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

    def count(self, searchable: Searchable) -> Select:
        source, conditions = self.matching(searchable)
        return select(func.count()).select_from(source).where(*conditions)

    def highlighted(self, searchable: Searchable, ids: list[int]) -> Select:
        source, conditions = self.matching(searchable)
        fts = literal_column(searchable.fts_table)
        return (
            select(
                searchable.model,
                func.highlight(fts, 0, MARK_START, MARK_END),
                func.snippet(fts, 1, MARK_START, MARK_END, "…", 32),
            )
            .select_from(source)
            .where(*conditions, searchable.model.id.in_(ids))
        )


ENGLISH = literal_column("'english'")
POSTGRES_HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxFragments=2, MaxWords=30, MinWords=12, "
    'FragmentDelimiter=" … "'
)
POSTGRES_TITLE_OPTIONS = f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true"


def postgres_vector(table_name: str) -> ColumnElement:
    """Written out exactly as the table's GIN index is, so the planner can use that index."""
    return literal_column(
        f"setweight(to_tsvector('english', coalesce({table_name}.title, '')), 'A') || "
        f"setweight(to_tsvector('english', coalesce({table_name}.search_text, '')), 'B')"
    )


class PostgresSearch:
    """websearch_to_tsquery over the weighted vectors, ts_rank, ts_headline."""

    def __init__(self, words: list[str]) -> None:
        self.query = func.websearch_to_tsquery(ENGLISH, " ".join(words))

    def conditions(self, searchable: Searchable) -> list[ColumnElement[bool]]:
        vector = postgres_vector(searchable.model.__tablename__)
        return [vector.op("@@")(self.query), searchable.visible()]

    def ranked(self, searchable: Searchable) -> Select:
        model = searchable.model
        vector = postgres_vector(model.__tablename__)
        return select(
            kind_column(searchable),
            model.id.label("id"),
            func.ts_rank(vector, self.query).label("score"),
            model.published_at.label("published_at"),
        ).where(*self.conditions(searchable))

    def count(self, searchable: Searchable) -> Select:
        return (
            select(func.count()).select_from(searchable.model).where(*self.conditions(searchable))
        )

    def highlighted(self, searchable: Searchable, ids: list[int]) -> Select:
        model = searchable.model
        return select(
            model,
            func.ts_headline(ENGLISH, model.title, self.query, POSTGRES_TITLE_OPTIONS),
            func.ts_headline(ENGLISH, model.search_text, self.query, POSTGRES_HEADLINE_OPTIONS),
        ).where(model.id.in_(ids))


def ranked_page(engine: SQLiteSearch | PostgresSearch, page: int, per_page: int) -> Select:
    """The kind and id of one page of hits, posts and bulletins ranked together."""
    ranked = union_all(*(engine.ranked(searchable) for searchable in SEARCHABLE)).subquery()
    return (
        select(ranked.c.kind, ranked.c.id)
        .order_by(ranked.c.score.desc(), ranked.c.published_at.desc(), ranked.c.kind, ranked.c.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )


def search_blog(query: str, page: int, per_page: int) -> SearchResults:
    """Visible posts and bulletins matching ``query``, best first, highlighted."""
    words = search_words(query)
    if not words:
        return SearchResults(query, [], 0, page, per_page)
    engine = (
        PostgresSearch(words) if db.engine.dialect.name == "postgresql" else SQLiteSearch(words)
    )
    counts = [engine.count(searchable).scalar_subquery() for searchable in SEARCHABLE]
    total = db.session.scalar(select(counts[0] + counts[1])) or 0
    if not total:
        return SearchResults(query, [], 0, page, per_page)
    rows = db.session.execute(ranked_page(engine, page, per_page)).all()
    found: dict[tuple[str, int], SearchHit] = {}
    for searchable in SEARCHABLE:
        ids = [row.id for row in rows if row.kind == searchable.kind]
        if ids:
            for item, title, snippet in db.session.execute(engine.highlighted(searchable, ids)):
                hit = SearchHit(item, highlighted(title), highlighted(snippet))
                found[searchable.kind, item.id] = hit
    hits = [found[row.kind, row.id] for row in rows if (row.kind, row.id) in found]
    return SearchResults(query, hits, total, page, per_page)


@bp.get("/search")
def search() -> str:
    query = request.args.get("q", "").strip()
    page = requested_page()
    per_page = current_app.config["SEARCH_RESULTS_PER_PAGE"]
    results = search_blog(query, page, per_page)
    if results.total and page > results.pages:
        abort(404)
    return render_template("blog/search.html", results=results, query=query)
