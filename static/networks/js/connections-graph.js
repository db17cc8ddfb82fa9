// The connections graph: a small hand-made SVG layout (nodes on a circle) of the
// connections_data JSON. Each node is an SVG link: Tab reaches it, Enter opens the
// node's entry in the page's lists. The server-rendered list beside it holds the same data.

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

function openEntry(url) {
  const target = url && url.startsWith("#") ? document.getElementById(url.slice(1)) : null;
  if (!target) return false;
  target.scrollIntoView({ block: "start" });
  target.focus({ preventScroll: true });
  history.replaceState(null, "", url);
  return true;
}

// Whole words on lines of about 18 characters: the full name stays visible, so the
// visible text matches the accessible name.
function wrap(label, width = 18) {
  const lines = [];
  for (const word of label.split(/\s+/)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + word.length < width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

function draw(container, graph) {
  const width = Math.max(container.clientWidth, 280);
  const count = graph.nodes.length;
  // An ellipse: as wide as the screen allows, and taller on narrow screens so the
  // labels of neighbouring nodes do not collide.
  const wanted = 40 + count * 16;
  const rx = Math.max(60, Math.min(width / 2 - 75, wanted));
  const ry = Math.max(70, Math.min(260, wanted));
  const height = ry * 2 + 130;
  const cx = width / 2;
  const cy = height / 2;
  const root = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width: String(width),
    height: String(height),
    role: "group",
    "aria-label": container.dataset.label || "Connections graph",
  });
  const places = new Map();
  graph.nodes.forEach((node, index) => {
    const angle = (2 * Math.PI * index) / count - Math.PI / 2;
    places.set(node.id, { x: cx + rx * Math.cos(angle), y: cy + ry * Math.sin(angle) });
  });

  const edges = svg("g", { class: "edges", "aria-hidden": "true" });
  for (const edge of graph.edges) {
    const a = places.get(edge.source);
    const b = places.get(edge.target);
    const line = svg("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: "edge" });
    const title = svg("title");
    title.textContent = edge.label;
    line.append(title);
    edges.append(line);
  }
  root.append(edges);

  const nodes = svg("g", { class: "nodes" });
  for (const node of graph.nodes) {
    const { x, y } = places.get(node.id);
    const link = svg("a", { href: node.url, class: "node", "data-node": node.id });
    const described = node.kind === "organisation" ? "organisation" : node.category;
    link.setAttribute("aria-label", described ? `${node.label} (${described})` : node.label);
    const shape =
      node.kind === "organisation"
        ? svg("rect", { x: x - 13, y: y - 13, width: 26, height: 26, class: "cat-organisation" })
        : svg("circle", { cx: x, cy: y, r: 14, class: `cat-${node.colour}` });
    const lines = wrap(node.label);
    const top = y < cy - 1 ? y - 22 - (lines.length - 1) * 15 : y + 32;
    const label = svg("text", { x, y: top, "text-anchor": "middle" });
    lines.forEach((line, index) => {
      const tspan = svg("tspan", { x, dy: index === 0 ? 0 : 15 });
      tspan.textContent = index < lines.length - 1 ? `${line} ` : line;
      label.append(tspan);
    });
    const title = svg("title");
    title.textContent = node.label;
    link.append(title, shape, label);
    link.addEventListener("click", (event) => {
      if (openEntry(node.url)) event.preventDefault();
    });
    nodes.append(link);
  }
  root.append(nodes);
  container.replaceChildren(root);
  container.dataset.ready = "true";
}

async function init() {
  const container = document.getElementById("connections-graph");
  const configNode = document.getElementById("map-config");
  if (!container || !configNode) return;
  const config = JSON.parse(configNode.textContent);
  const response = await fetch(config.connectionsUrl, { credentials: "same-origin" });
  if (!response.ok) return;
  const graph = await response.json();
  if (!graph.nodes.length) return;
  draw(container, graph);
  let lastWidth = container.clientWidth;
  window.addEventListener("resize", () => {
    if (Math.abs(container.clientWidth - lastWidth) > 40) {
      lastWidth = container.clientWidth;
      draw(container, graph);
    }
  });
}

init();
