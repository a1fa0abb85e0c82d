// The canvas: cytoscape with the dagre (hierarchical) layout. Elements carry the page's own data
// (kind, title, plan) so filters, exports and the "nodes in view" list work from the canvas alone.

import cytoscape from "./vendor/cytoscape.esm.min.js";
import cytoscapeDagre from "./vendor/cytoscape-dagre.esm.min.js";
import { CROSS_PLAN, EDGE_LABELS, kindStyle } from "./kinds.js";

cytoscape.use(cytoscapeDagre);

const FONT = 'system-ui, "Noto Sans CJK TC", "WenQuanYi Zen Hei", sans-serif';

// Width of a boxed label: CJK characters are about twice as wide as Latin ones.
function labelWidth(label) {
  const lines = String(label || "").split("\n");
  const w = (line) => [...line].reduce((sum, c) => sum + (c.charCodeAt(0) > 0x2e7f ? 11.5 : 6.5), 0);
  return Math.max(...lines.map(w)) + 10;
}

const STYLE = [
  {
    selector: "node",
    style: {
      label: "data(label)",
      "background-color": "data(color)",
      shape: "data(shape)",
      width: 24,
      height: 24,
      "border-width": 1,
      "border-color": "#334155",
      "font-family": FONT,
      "font-size": 10,
      color: "#0f172a",
      "text-wrap": "wrap",
      "text-max-width": 120,
      "text-valign": "bottom",
      "text-margin-y": 3,
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.75,
      "text-background-padding": 1,
    },
  },
  // Integrity findings (latest check run): an outline outside the border, so focus and selection
  // (border styles) still show; line style as well as colour, by worst severity (legend).
  { selector: "node.finding-info", style: { "outline-width": 3, "outline-offset": 2, "outline-color": "#0369a1", "outline-style": "dotted" } },
  { selector: "node.finding-warning", style: { "outline-width": 3, "outline-offset": 2, "outline-color": "#ea580c", "outline-style": "dashed" } },
  { selector: "node.finding-error", style: { "outline-width": 5, "outline-offset": 2, "outline-color": "#b91c1c", "outline-style": "double" } },
  { selector: "node.focus", style: { width: 34, height: 34, "border-width": 3, "border-color": "#1d4ed8", "font-weight": "bold" } },
  { selector: "node:selected", style: { "border-width": 4, "border-color": "#f59e0b", "overlay-opacity": 0 } },
  { selector: "node.on-path", style: { "border-width": 3, "border-color": "#f59e0b" } },
  {
    selector: "node.more, node.group",
    style: {
      shape: "round-rectangle",
      // Sized to the label (cytoscape deprecates width: "label").
      width: (n) => labelWidth(n.data("label")),
      height: (n) => 14 * String(n.data("label")).split("\n").length + 6,
      padding: 4,
      "text-valign": "center",
      "text-margin-y": 0,
      "text-background-opacity": 0,
      "border-style": "dashed",
    },
  },
  { selector: "node.group", style: { "border-style": "solid", "border-color": "#1d4ed8", "font-size": 11 } },
  {
    selector: "edge",
    style: {
      width: 1.5,
      "curve-style": "bezier",
      "line-color": "#94a3b8",
      "target-arrow-color": "#94a3b8",
      "target-arrow-shape": "triangle",
      "arrow-scale": 0.8,
      label: "data(label)",
      "font-family": FONT,
      "font-size": 8,
      color: "#334155",
      "text-rotation": "none", // CJK labels read badly when turned with the edge
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.85,
    },
  },
  { selector: "edge.cross", style: { "line-style": "dashed", "line-color": "#7c3aed", "target-arrow-color": "#7c3aed", width: 2 } },
  { selector: "edge.inferred", style: { "line-style": "dotted" } },
  { selector: "edge.LEADS", style: { "line-color": "#dc2626", "target-arrow-color": "#dc2626", width: 2 } },
  { selector: "edge.CO_ORGANIZES", style: { "line-color": "#f87171", "target-arrow-color": "#f87171", "line-style": "dashed" } },
  { selector: "edge.RESPONSIBLE_FOR", style: { "line-color": "#fb923c", "target-arrow-color": "#fb923c" } },
  { selector: "edge.MENTIONED_IN", style: { "line-color": "#94a3b8", "target-arrow-color": "#94a3b8", "line-style": "dotted" } },
  { selector: "edge.on-path", style: { width: 3.5, "line-color": "#f59e0b", "target-arrow-color": "#f59e0b" } },
  { selector: ".filtered", style: { display: "none" } },
];

export function createGraph(container) {
  const cy = cytoscape({
    container,
    style: STYLE,
    minZoom: 0.1,
    maxZoom: 3,
    boxSelectionEnabled: false,
    selectionType: "single",
  });
  // Cytoscape only watches the window; the canvas also changes size with the page's own layout.
  new ResizeObserver(() => cy.resize()).observe(container);
  return cy;
}

/** Shorten a title for a canvas label (the panel shows it whole). */
export function shortLabel(title, max = 22) {
  const t = String(title || "").replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** Cytoscape element for a node reference {id, kind, title, plan}. */
export function nodeElement(ref, extra = {}) {
  const st = kindStyle(ref.kind);
  const classes = [ref.kind, ...(extra.classes || [])];
  return {
    group: "nodes",
    data: {
      id: ref.id,
      kind: ref.kind,
      title: ref.title,
      plan: ref.plan ? ref.plan.id : null,
      planTitle: ref.plan ? ref.plan.title || "" : "",
      label: extra.label || shortLabel(ref.title),
      color: st.color,
      shape: st.shape,
      ...(extra.data || {}),
    },
    classes: classes.join(" "),
  };
}

export function edgeId(source, type, target) {
  return `${source}|${type}|${target}`;
}

/** Cytoscape element for an edge {source, target, type, evidence}. */
export function edgeElement(source, target, type, evidence = null, extra = {}) {
  const classes = [type];
  if (CROSS_PLAN.has(type)) classes.push("cross");
  if (type === "ALIGNS_WITH") classes.push("inferred");
  // Hierarchy (and document -> plan) edges are unlabelled, so the cross-plan labels stand out.
  const label = type === "CONTAINS" || type === "DESCRIBES" ? "" : EDGE_LABELS[type] || type;
  return {
    group: "edges",
    data: {
      id: extra.id || edgeId(source, type, target),
      source,
      target,
      type,
      label: extra.label ?? label,
      evidence,
      ...(extra.data || {}),
    },
    classes: classes.join(" "),
  };
}

/** Add elements that are not on the canvas yet; returns the collection of newly added ones. */
export function addMissing(cy, elements) {
  const fresh = elements.filter((el) => cy.getElementById(el.data.id).empty());
  // Nodes first: an edge needs both ends.
  const nodes = fresh.filter((el) => el.group === "nodes");
  const edges = fresh.filter((el) => el.group === "edges");
  const added = cy.add(nodes);
  const okEdges = edges.filter(
    (el) => !cy.getElementById(el.data.source).empty() && !cy.getElementById(el.data.target).empty(),
  );
  return added.union(cy.add(okEdges));
}

export function runLayout(cy, { rankDir = "TB", fit = true } = {}) {
  cy.resize(); // the container may have changed size since the last draw (notes, panels)
  const visible = cy.elements().not(".filtered");
  if (visible.empty()) return;
  const layout = visible.layout({
    name: "dagre",
    rankDir,
    nodeSep: 18,
    rankSep: 55,
    edgeSep: 8,
    animate: false,
    fit,
    padding: 24,
    nodeDimensionsIncludeLabels: true,
  });
  layout.run();
  // A lineage of one or two nodes would otherwise be drawn at the maximum zoom.
  if (fit && cy.zoom() > 1.25) {
    cy.zoom(1.25);
    cy.center(visible);
  }
}

/**
 * The agency view: the agency in the middle, one block per plan group on its left and right (so no
 * edge crosses a block), the group's items in a grid under their group label. (A dagre rank of 40
 * siblings would be one unreadable row.)
 */
export function agencyLayout(cy, agencyId) {
  cy.resize();
  const colW = 160;
  const rowH = 58;
  const rows = 4;
  const gap = 140; // between the agency and the blocks
  const y = [0, 0]; // next free y on the left and on the right
  cy.nodes(".group").forEach((g, i) => {
    const side = i % 2;
    const items = cy.nodes().filter((n) => n.data("group") === g.id());
    const cols = Math.max(1, Math.ceil(items.length / rows));
    const width = cols * colW;
    const x1 = side === 0 ? -gap - width : gap;
    g.position({ x: x1 + width / 2, y: y[side] });
    const used = Math.ceil(items.length / cols) * rowH;
    items
      .layout({
        name: "grid",
        cols,
        fit: false,
        avoidOverlap: true,
        condense: false, // keep the full column width: the labels are wider than the nodes
        sort: (a, b) => (a.data("order") ?? 0) - (b.data("order") ?? 0),
        boundingBox: { x1, y1: y[side] + 40, w: width, h: used },
      })
      .run();
    y[side] += 40 + used + 50;
  });
  const height = Math.max(y[0], y[1]) - 50;
  cy.getElementById(agencyId).position({ x: 0, y: Math.max(height, 0) / 2 - 20 });
  cy.fit(cy.elements().not(".filtered"), 24);
}
