"""An asset as the API shows it, built by PostgreSQL as JSON text.

Searching is the API's hot path. Building a model instance per row, parsing its point
with GEOS and serializing it field by field in Python cost more than the search
itself (bench/README.md), so the representation is one `json_build_object` per row,
in the same statement as the search. `AssetSerializer` reads it back for single
assets, so there is one representation, and a test holds it equal to what DRF's own
field-by-field serializer gives.
"""

import datetime as dt

from django.conf import settings
from django.db import connection, models
from django.db.models import Count, Expression, F, Window
from django.db.models.functions import RowNumber

from assetmap.statements import SQL, StatementCache

# Seconds are enough for when a listing was created or changed; UTC needs no offset.
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_SQL_TIMESTAMP_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS"Z"'


# Each asset's row, as PostgreSQL writes it. The columns are named outright rather than
# resolved from F() expressions one by one: resolving some forty references was a
# quarter of a search request's Python time. The search's own table is always
# "assetmap_asset" (Django names the base table after itself); subqueries use
# their own aliases. A test holds the result equal to DRF's field-by-field output.
LISTING_SQL = """json_build_object(
    'id', assetmap_asset.id,
    'slug', assetmap_asset.slug,
    'page_url', %(page_url_prefix)s || assetmap_asset.slug || '/',
    'name', assetmap_asset.name,
    'description', assetmap_asset.description,
    'kind', assetmap_asset.kind,
    'categories', ARRAY(
        SELECT listed_category.slug
        FROM assetmap_asset_categories listed_link
        JOIN assetmap_category listed_category ON listed_category.id = listed_link.category_id
        WHERE listed_link.asset_id = assetmap_asset.id
        ORDER BY listed_category.position, listed_category.name),
    'focus', assetmap_asset.focus,
    'organisation', assetmap_asset.organisation_id,
    'location', CASE WHEN assetmap_asset.location IS NULL THEN NULL ELSE json_build_object(
        'type', 'Point',
        'coordinates',
        json_build_array(ST_X(assetmap_asset.location), ST_Y(assetmap_asset.location))
    ) END,
    'address', assetmap_asset.address,
    'postcode', assetmap_asset.postcode,
    'online_only', assetmap_asset.online_only,
    'network', (SELECT listed_network.slug FROM networks_network listed_network
                WHERE listed_network.id = assetmap_asset.network_id),
    'contact_name', assetmap_asset.contact_name,
    'email', NULLIF(assetmap_asset.email, ''),
    'phone', assetmap_asset.phone,
    'website', NULLIF(assetmap_asset.website, ''),
    'cost', assetmap_asset.cost,
    'cost_description', assetmap_asset.cost_description,
    'accessibility', assetmap_asset.accessibility,
    'accessibility_notes', assetmap_asset.accessibility_notes,
    'languages', assetmap_asset.languages,
    'audience', assetmap_asset.audience,
    'age_min', assetmap_asset.age_min,
    'age_max', assetmap_asset.age_max,
    'sessions', ARRAY(
        SELECT json_build_object(
            'frequency', listed_session.frequency,
            'weekday', listed_session.weekday,
            'week_of_month', listed_session.week_of_month,
            'opens_at', to_char(listed_session.opens_at, 'HH24:MI'),
            'closes_at', to_char(listed_session.closes_at, 'HH24:MI'),
            'valid_from', listed_session.valid_from,
            'valid_to', listed_session.valid_to,
            'note', listed_session.note)
        FROM assetmap_recurringsession listed_session
        WHERE listed_session.asset_id = assetmap_asset.id
        ORDER BY listed_session.weekday, listed_session.opens_at, listed_session.id),
    'status', assetmap_asset.status,
    'provenance', assetmap_asset.provenance,
    'assured_date', assetmap_asset.assured_date,
    'is_stale', (assetmap_asset.assured_date IS NULL
                 OR assetmap_asset.assured_date < %(stale_before)s::date),
    %(internal_notes)s
    'distance_m', %(distance)s,
    'created_at', to_char(assetmap_asset.created_at AT TIME ZONE 'UTC', %(timestamp)s),
    'updated_at', to_char(assetmap_asset.updated_at AT TIME ZONE 'UTC', %(timestamp)s)
)::text"""
INTERNAL_NOTES_SQL = "'internal_notes', assetmap_asset.internal_notes,"


class ListingJSON(Expression):
    """The representation of each asset as JSON text (see LISTING_SQL)."""

    output_field = models.TextField()

    def __init__(self, *, page_url_prefix: str, stale_before: dt.date, internal_notes, distance):
        super().__init__()
        self.page_url_prefix, self.stale_before = page_url_prefix, stale_before
        self.internal_notes = internal_notes
        self.distance = distance  # an expression (the query's distance) or None

    def get_source_expressions(self):
        return [self.distance] if self.distance is not None else []

    def set_source_expressions(self, expressions):
        if expressions:
            (self.distance,) = expressions

    def as_sql(self, compiler, connection):
        distance_sql, distance_params = "NULL", []
        if self.distance is not None:
            distance_sql, distance_params = compiler.compile(self.distance)
        return listing_sql(
            page_url_prefix=self.page_url_prefix,
            stale_before=self.stale_before,
            internal_notes=self.internal_notes,
            distance=(distance_sql, distance_params),
        )


def listing_sql(
    *, page_url_prefix: str, stale_before: dt.date, internal_notes: bool, distance: SQL
) -> SQL:
    """LISTING_SQL and its parameters; `distance` is the SQL of the distance in metres
    (or NULL) with its parameters."""
    distance_sql, distance_params = distance
    sql = LISTING_SQL % {
        "page_url_prefix": "%s",
        "stale_before": "%s",
        "internal_notes": INTERNAL_NOTES_SQL if internal_notes else "",
        "distance": f"ROUND(({distance_sql})::numeric, 1)",
        "timestamp": "%s",
    }
    params = [page_url_prefix, stale_before.isoformat(), *distance_params]
    return sql, [*params, _SQL_TIMESTAMP_FORMAT, _SQL_TIMESTAMP_FORMAT]


def _stale_before(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=settings.ASSET_STALE_AFTER_DAYS)


def listing_json(
    *, page_url_prefix: str, today: dt.date, internal_notes: bool, distance: bool
) -> ListingJSON:
    """The representation of each asset as JSON text. `distance`: the query annotates
    a `distance` (a point was given); `internal_notes`: the reader works in the
    programme."""
    return ListingJSON(
        page_url_prefix=page_url_prefix,
        stale_before=_stale_before(today),
        internal_notes=internal_notes,
        distance=F("distance") if distance else None,
    )


# The statements of searches this process has run, by shape (assetmap.statements).
SEARCH_STATEMENTS = StatementCache()


class ListingPages:
    """The listings a search finds, as JSON text, a page at a time: each row also
    carries the number found (`count(*) OVER ()`), so a page is one statement. What
    `rest.OneStatementPaginator` pages through.

    `assets` are the ones the reader may see; `filterset` is a valid AssetFilter;
    `options` are listing_json's. A page's statement is compiled once per shape of
    search and reused with other words, places and categories (SEARCH_STATEMENTS).
    """

    def __init__(self, assets, filterset, options: dict):
        self.assets, self.filterset, self.options = assets, filterset, options

    def rows(self, offset: int, limit: int) -> list[tuple[str, int]]:
        shape = self.filterset.statement_shape()
        if shape is not None:
            # Everything else the SQL depends on: the assets the reader may see, how
            # listings are written, and when unchecked listings count as stale.
            shape = (
                shape,
                self.assets.query.where,
                tuple(sorted(self.options.items())),
                settings.ASSET_STALE_AFTER_DAYS,
            )
        # The page is traced too, so every page of a search shares its statement.
        traced = {**self.filterset.traced_values(), "offset": offset, "limit": limit}
        sql, params = SEARCH_STATEMENTS.sql_with_params(shape, traced, self._page_sql)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _page_sql(self, traced: dict) -> SQL:
        # The search picks the page's rows narrowly (ids, the number found and each
        # row's place in the order); PostgreSQL then writes JSON for those rows only.
        # Written in the search itself, every column went through the sort of all the
        # matches, and JSON was written for each row an OFFSET skips (4 s for page
        # 1,000 of 100,000 listings).
        parameters = {name: traced[name] for name in self.filterset.TRACED if name in traced}
        found = self.filterset.filter_with(
            self.assets, {**self.filterset.form.cleaned_data, **parameters}
        )
        columns = ["pk", "total", "position"]
        if self.options["distance"]:
            columns.append("distance")
        page = found.annotate(
            total=Window(Count("*")),
            position=Window(RowNumber(), order_by=list(found.query.order_by)),
        ).values_list(*columns)
        page_sql, page_params = page.query.sql_with_params()
        # Django writes LIMIT and OFFSET into the SQL text; as parameters they can be
        # filled in.
        page_sql += " LIMIT %s OFFSET %s"
        page_params = [*page_params, traced["limit"], traced["offset"]]
        listing, listing_params = listing_sql(
            page_url_prefix=self.options["page_url_prefix"],
            stale_before=_stale_before(self.options["today"]),
            internal_notes=self.options["internal_notes"],
            distance=("page.distance" if self.options["distance"] else "NULL", []),
        )
        # Both parts are SQL the ORM and LISTING_SQL wrote; values are parameters.
        sql = (
            f"SELECT {listing}, page.total FROM ({page_sql}) page "  # noqa: S608
            "JOIN assetmap_asset ON assetmap_asset.id = page.pk ORDER BY page.position"
        )
        return sql, [*listing_params, *page_params]

    def count(self) -> int:
        """The number found (for ?page=last), counted on its own."""
        return self.filterset.filter_queryset(self.assets).count()
