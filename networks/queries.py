"""Reads for the neighbourhood pages: the asset set a user sees in a network, the map's
GeoJSON built in PostGIS, counts, and the connections graph.

The page's list, the map and the counts all start from `network_assets`, so the three
always show the same assets.
"""

from dataclasses import dataclass, field

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from assetmap.models import Asset, AssetKind, Category, Organisation, Status
from networks.models import Connection, ListeningEvent, Network

# Categories are coloured by their top-level category's position, modulo the palette
# size; networks.css holds the palette (classes cat-c0 ... cat-c17, and cat-none).
PALETTE_SIZE = 18


def colour_key(position: int | None) -> str:
    return "none" if position is None else f"c{position % PALETTE_SIZE}"


def _first_category():
    """The asset's first category, in taxonomy order (top-level first)."""
    return Category.objects.filter(assets=OuterRef("pk")).order_by(
        Coalesce("parent__position", "position"),
        Coalesce("parent__name", "name"),
        "position",
        "name",
    )


def with_first_category(assets):
    """Annotate `category_name`, `group_name` (its top-level) and `group_position`."""
    first = _first_category()
    return assets.annotate(
        category_name=Subquery(first.values("name")[:1]),
        group_name=Subquery(first.annotate(g=Coalesce("parent__name", "name")).values("g")[:1]),
        group_position=Subquery(
            first.annotate(g=Coalesce("parent__position", "position")).values("g")[:1]
        ),
    )


def network_assets(network: Network, user):
    """The assets on the network's map and list: those `user` may see, with a point,
    not archived (an archived listing is history, not a place on the map)."""
    return on_the_map(Asset.objects.visible_to(user).in_network(network))


def outside_assets(user):
    """Assets with a point outside every mapped network."""
    return on_the_map(Asset.objects.visible_to(user).filter(network=None))


def on_the_map(assets):
    return assets.filter(location__isnull=False).exclude(status=Status.ARCHIVED)


def asset_list(assets, user) -> list[Asset]:
    """The assets with what their list entries show, each with `upcoming` (next session)."""
    now = timezone.now()
    rows = list(
        with_first_category(assets)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.select_related("parent")),
            "sessions",
            Prefetch("found_at_events", queryset=ListeningEvent.objects.visible_to(user)),
        )
        .order_by("name", "pk")
    )
    for asset in rows:
        asset.upcoming = asset.next_session(now)
        asset.colour = colour_key(asset.group_position)
    return rows


_MAP_SQL = """
WITH shown AS ({assets})
SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(
    f.feature ORDER BY f.layer, f.sort), '[]'::json))::text
FROM (
    SELECT 0 AS layer, '' AS sort, json_build_object(
        'type', 'Feature',
        'geometry', ST_AsGeoJSON(n.boundary, 6)::json,
        'properties', json_build_object('layer', 'boundary', 'name', n.name)
    ) AS feature
    FROM networks_network n WHERE n.id = %s
    UNION ALL
    SELECT 1, p.name || p.ods_code, json_build_object(
        'type', 'Feature',
        'geometry', ST_AsGeoJSON(p.location, 6)::json,
        'properties', json_build_object('layer', 'practice', 'name', p.name, 'ods_code', p.ods_code)
    )
    FROM networks_practice p WHERE p.network_id = %s
    UNION ALL
    SELECT 2, a.name || a.slug, json_build_object(
        'type', 'Feature',
        'geometry', a.geometry::json,
        'properties', json_build_object(
            'layer', 'asset', 'name', a.name, 'slug', a.slug, 'url', '#asset-' || a.slug,
            'kind', a.kind, 'published', a.status = 'published',
            'category', a.category_name, 'group', a.group_name,
            'colour', CASE WHEN a.group_position IS NULL THEN 'none'
                           ELSE 'c' || (a.group_position %% %s) END
        )
    )
    FROM shown a
) f
"""


def map_geojson(network: Network, user) -> str:
    """The boundary, practices and visible assets as one GeoJSON FeatureCollection,
    built by PostGIS in a single query."""
    assets = with_first_category(network_assets(network, user)).values(
        "name",
        "slug",
        "kind",
        "status",
        "category_name",
        "group_name",
        "group_position",
        geometry=AsGeoJSON("location", precision=6),
    )
    assets_sql, assets_params = assets.query.sql_with_params()
    # The inner SQL is Django's own compiled query, with its parameters kept apart.
    sql = _MAP_SQL.format(assets=assets_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*assets_params, network.pk, network.pk, PALETTE_SIZE])
        return cursor.fetchone()[0]


_CATEGORY_COUNTS_SQL = """
SELECT top.name, top.position, COUNT(DISTINCT ac.asset_id)
FROM assetmap_category top
JOIN assetmap_category c ON c.id = top.id OR c.parent_id = top.id
JOIN assetmap_asset_categories ac ON ac.category_id = c.id
WHERE top.parent_id IS NULL AND ac.asset_id IN ({assets})
GROUP BY top.id, top.name, top.position
ORDER BY top.position, top.name
"""


@dataclass
class CountRow:
    label: str
    count: int
    colour: str = ""


def counts_by_category(assets) -> list[CountRow]:
    """Assets per top-level category (an asset in two counts once in each), one query."""
    assets_sql, assets_params = assets.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_CATEGORY_COUNTS_SQL.format(assets=assets_sql), assets_params)
        return [CountRow(name, n, colour_key(pos)) for name, pos, n in cursor.fetchall()]


def counts_by_kind(assets) -> list[CountRow]:
    counts = dict(assets.order_by().values_list("kind").annotate(n=Count("pk")))
    return [CountRow(label, counts[value]) for value, label in AssetKind.choices if value in counts]


@dataclass
class Node:
    key: str
    label: str
    kind: str  # "asset" or "organisation"
    url: str = ""
    category: str = ""
    colour: str = "organisation"
    group: str = ""


@dataclass
class Edge:
    pk: int
    source: Node
    target: Node
    label: str
    note: str = ""


@dataclass
class Graph:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    def legend(self) -> list[tuple[str, str]]:
        """(colour key, top-level category) pairs of the asset nodes, in order."""
        seen = {}
        for node in self.nodes:
            if node.kind == "asset":
                seen.setdefault(node.colour, node.group)
        return list(seen.items())

    def as_json(self) -> dict:
        return {
            "nodes": [
                {
                    "id": n.key,
                    "label": n.label,
                    "kind": n.kind,
                    "url": n.url,
                    "category": n.category,
                    "group": n.group,
                    "colour": n.colour,
                }
                for n in self.nodes
            ],
            "edges": [
                {"id": e.pk, "source": e.source.key, "target": e.target.key, "label": e.label}
                for e in self.edges
            ],
        }


def connection_graph(network: Network, user) -> Graph:
    """The network's connections between things `user` may see (organisations are
    public; an asset end must be visible), as nodes and edges. Three queries."""
    visible = Asset.objects.visible_to(user)
    connections = list(
        Connection.objects.filter(network=network)
        .filter(Q(from_asset__isnull=True) | Q(from_asset__in=visible))
        .filter(Q(to_asset__isnull=True) | Q(to_asset__in=visible))
        .select_related("from_organisation", "to_organisation")
        .order_by("kind", "pk")
    )
    asset_ids = {c.from_asset_id for c in connections} | {c.to_asset_id for c in connections}
    asset_ids.discard(None)
    assets = {
        a.pk: a
        for a in with_first_category(Asset.objects.filter(pk__in=asset_ids)).annotate(
            listed=ExpressionWrapper(
                Q(network=network, location__isnull=False), output_field=BooleanField()
            )
        )
    }
    graph = Graph()
    nodes: dict[str, Node] = {}

    def node_for(asset_id: int | None, organisation: Organisation | None, edge_pk: int) -> Node:
        key = f"a{asset_id}" if asset_id else f"o{organisation.pk}"
        if key not in nodes:
            if asset_id:
                asset = assets[asset_id]
                # Assets in this network's list open their entry; others the edge's entry.
                url = f"#asset-{asset.slug}" if asset.listed else f"#connection-{edge_pk}"
                category = asset.category_name or ""
                nodes[key] = Node(
                    key,
                    asset.name,
                    "asset",
                    url,
                    category,
                    colour_key(asset.group_position),
                    asset.group_name or "",
                )
            else:
                nodes[key] = Node(key, organisation.name, "organisation", f"#connection-{edge_pk}")
            graph.nodes.append(nodes[key])
        return nodes[key]

    for c in connections:
        graph.edges.append(
            Edge(
                c.pk,
                node_for(c.from_asset_id, c.from_organisation, c.pk),
                node_for(c.to_asset_id, c.to_organisation, c.pk),
                c.get_kind_display(),
                c.note,
            )
        )
    return graph
