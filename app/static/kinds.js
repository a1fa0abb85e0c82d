// Colour and shape per node kind (shape too, so the graph reads without colour vision), with
// the labels shown in the legend and filters. Kinds are the server's NodeKind values.

export const KINDS = {
  Document: { label: "Document 文件", color: "#94a3b8", shape: "rectangle", svg: "rect" },
  Plan: { label: "Plan 計畫", color: "#1d4ed8", shape: "round-rectangle", svg: "rect", rx: 2.5 },
  Goal: { label: "Goal 目標", color: "#7c3aed", shape: "hexagon", svg: "2.5,0.7 7.5,0.7 10,5 7.5,9.3 2.5,9.3 0,5" },
  SubGoal: { label: "Sub-goal 子目標", color: "#c084fc", shape: "octagon", svg: "3,0.5 7,0.5 9.5,3 9.5,7 7,9.5 3,9.5 0.5,7 0.5,3" },
  Initiative: { label: "Initiative 建設/方案", color: "#0891b2", shape: "barrel", svg: "1,1 9,1 10,5 9,9 1,9 0,5" },
  Pillar: { label: "Pillar 支柱", color: "#0d9488", shape: "round-pentagon", svg: "5,0.5 9.5,4 7.8,9.5 2.2,9.5 0.5,4" },
  Strategy: { label: "Strategy 策略", color: "#059669", shape: "diamond", svg: "5,0 10,5 5,10 0,5" },
  Measure: { label: "Measure 措施", color: "#eab308", shape: "ellipse", svg: "circle" },
  Action: { label: "Action 作法", color: "#f97316", shape: "round-triangle", svg: "5,0.5 9.8,9.5 0.2,9.5" },
  Item: { label: "Item 細項", color: "#fdba74", shape: "tag", svg: "0.5,1 7,1 9.8,5 7,9 0.5,9" },
  Article: { label: "Article 文章", color: "#64748b", shape: "cut-rectangle", svg: "2,1 8,1 10,3 10,7 8,9 2,9 0,7 0,3" },
  Agency: { label: "Agency 機關", color: "#dc2626", shape: "star", svg: "5,0 6.2,3.6 10,3.6 7,5.9 8.1,9.7 5,7.4 1.9,9.7 3,5.9 0,3.6 3.8,3.6" },
  Target: { label: "Target 目標值", color: "#16a34a", shape: "vee", svg: "0,0 5,3 10,0 5,10" },
};

// Pseudo nodes drawn by the page itself (not graph data).
export const PSEUDO = {
  More: { label: "more…", color: "#f1f5f9", shape: "round-rectangle", svg: "rect" },
  Group: { label: "plan group", color: "#dbeafe", shape: "round-rectangle", svg: "rect" },
};

export function kindStyle(kind) {
  return KINDS[kind] || PSEUDO[kind] || { label: kind, color: "#e5e7eb", shape: "ellipse", svg: "circle" };
}

export function kindLabel(kind) {
  return (KINDS[kind] && KINDS[kind].label) || kind;
}

// Edge types: the label drawn on the edge and whether it is a cross-plan link.
export const EDGE_LABELS = {
  CONTAINS: "contains",
  DESCRIBES: "describes",
  LEADS: "leads 主辦",
  CO_ORGANIZES: "co-organises 協辦",
  RESPONSIBLE_FOR: "responsible (role not stated)",
  MENTIONED_IN: "named in text",
  HAS_UNIT: "unit",
  HAS_TARGET: "target",
  CITES: "cites",
  CONTINUES: "continues",
  SUCCEEDS: "succeeds",
  REPORTS_ON: "reports on",
  COVERS: "covers",
  MENTIONS: "mentions",
  ALIGNS_WITH: "aligns with (inferred)",
};

export const CROSS_PLAN = new Set(["CITES", "CONTINUES", "SUCCEEDS", "REPORTS_ON", "COVERS", "MENTIONS", "ALIGNS_WITH"]);
