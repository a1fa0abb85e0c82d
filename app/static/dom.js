// DOM helpers. Every piece of text that comes from a document goes in as a text node
// (textContent), never as HTML: a title containing "<script>" must show, not run.

/**
 * Create an element: h("a", {href: "#", class: "x", onclick: fn, "aria-label": "..."}, child, ...).
 * Children are nodes or strings (strings become text nodes); null/false children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      el.className = value;
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replace an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** An SVG swatch of a kind's shape and colour (legend, result lists). */
export function swatch(style, size = 14) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("viewBox", "0 0 10 10");
  svg.setAttribute("aria-hidden", "true");
  svg.classList.add("swatch");
  let shape;
  if (style.svg === "circle") {
    shape = document.createElementNS(ns, "circle");
    shape.setAttribute("cx", "5");
    shape.setAttribute("cy", "5");
    shape.setAttribute("r", "4.5");
  } else if (style.svg === "rect") {
    shape = document.createElementNS(ns, "rect");
    for (const [k, v] of Object.entries({ x: 0.5, y: 1.5, width: 9, height: 7, rx: style.rx || 0 })) {
      shape.setAttribute(k, String(v));
    }
  } else {
    shape = document.createElementNS(ns, "polygon");
    shape.setAttribute("points", style.svg);
  }
  shape.setAttribute("fill", style.color);
  shape.setAttribute("stroke", "#1f2937");
  shape.setAttribute("stroke-width", "0.6");
  svg.append(shape);
  return svg;
}

/** Announce a status message to screen readers and show it in the status bar. */
export function announce(text, kind = "info") {
  const bar = document.getElementById("status");
  if (!bar) return;
  bar.textContent = text;
  bar.dataset.kind = kind;
}

/** Trigger a download of `data` (Blob) under `name`. */
export function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
