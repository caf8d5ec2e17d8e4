/* explain.js - the reader of `mdlz explain` reports (cli/explain_html.c
   inlines it; plain ES2020, no library). The page holds its data in inert
   <script> elements: "meta" (JSON) and one per page of text, each the
   base64 of a raw-deflate block (decoded with the browser's own
   DecompressionStream) laid out as
     text[n] | cost u16 (low bytes[n], high bytes[n]) |
     per augmentation: saving i16 (low[n], high[n]) | u32 length | JSON
   where costs and savings are in 1/100 bit and the JSON holds the page's
   retrieval sources [pos, len, document, offset] and tool proposals
   [pos, augmentation, length, text], positions relative to the page. */
"use strict";
(function () {
  const meta = JSON.parse(document.getElementById("meta").textContent);
  const text = document.getElementById("text");
  const tip = document.getElementById("tip");
  const modeSel = document.getElementById("mode");
  const pageNo = document.getElementById("pageno");
  const pageCount = meta.pages.length - 1;
  const COST = [0.5, 1, 2, 3, 4, 6, 8, 12];       /* band limits, bits */
  const SAVE = [-2, -0.5, -0.05, 0.05, 0.5, 2];   /* bits saved */
  const cache = new Map();
  let page = -1, mode = -1, cur = null;
  window.mdlzTiming = { first: null, last: null };

  function band(v, limits) {
    let k = 0;
    while (k < limits.length && v >= limits[k]) k++;
    return k;
  }

  async function decode(p) {
    if (cache.has(p)) return cache.get(p);
    const el = document.getElementById("p" + p);
    const bin = atob(el.textContent.trim());
    const raw = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) raw[i] = bin.charCodeAt(i);
    const ds = new Blob([raw]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    const buf = new Uint8Array(await new Response(ds).arrayBuffer());
    const n = meta.pages[p + 1] - meta.pages[p];
    const d = { n: n, bytes: buf.subarray(0, n), cost: new Uint16Array(n), save: [] };
    let o = n;
    for (let i = 0; i < n; i++) d.cost[i] = buf[o + i] | (buf[o + n + i] << 8);
    o += 2 * n;
    for (let a = 0; a < meta.augs.length; a++) {
      const s = new Int16Array(n);
      for (let i = 0; i < n; i++) s[i] = buf[o + i] | (buf[o + n + i] << 8);
      d.save.push(s);
      o += 2 * n;
    }
    const jl = buf[o] | (buf[o + 1] << 8) | (buf[o + 2] << 16) | (buf[o + 3] << 24);
    const extra = JSON.parse(utf8.decode(buf.subarray(o + 4, o + 4 + jl)));
    d.sources = extra.src;
    d.props = extra.prop;
    if (cache.size > 8) cache.delete(cache.keys().next().value);
    cache.set(p, d);
    return d;
  }

  /* Length of the UTF-8 character at b[i] (1 for a byte that starts none). */
  function charLen(b, i, n) {
    const c = b[i];
    const k = c < 0xc2 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 1;
    if (i + k > n) return 1;
    for (let j = 1; j < k; j++) if ((b[i + j] & 0xc0) !== 0x80) return 1;
    return k;
  }

  const utf8 = new TextDecoder();
  const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };
  /* The character at b[i..i+k), or null if it is not printable. */
  function shown(b, i, k) {
    if (k > 1) return utf8.decode(b.subarray(i, i + k));
    const c = b[i];
    if (c === 10 || c === 9) return String.fromCharCode(c);
    if (c < 32 || c >= 127) return null; /* shown as a dot */
    return String.fromCharCode(c);
  }

  function render(d) {
    const parts = [];
    for (let i = 0; i < d.n;) {
      const k = charLen(d.bytes, i, d.n);
      let v = 0;
      for (let j = i; j < i + k; j++) v += mode < 0 ? d.cost[j] : d.save[mode][j];
      const cls = mode < 0 ? "c" + band(v / 100, COST) : "s" + band(v / 100, SAVE);
      const s = shown(d.bytes, i, k);
      if (s === null) parts.push('<span class="' + cls + ' np" data-i="' + i + '">\u00b7</span>');
      else parts.push('<span class="' + cls + '" data-i="' + i + '">' + (ESC[s] || s) + "</span>");
      i += k;
    }
    text.innerHTML = d.n ? parts.join("") : '<em class="note">(no bytes)</em>';
    void text.offsetHeight; /* include layout in the timing */
  }

  async function show(p, highlight) {
    const t0 = performance.now();
    p = Math.max(0, Math.min(pageCount - 1, p));
    const d = await decode(p);
    if (p !== page || mode !== cur) { page = p; cur = mode; render(d); }
    pageNo.value = String(p + 1);
    if (highlight !== undefined) {
      const el = text.querySelector('span[data-i="' + highlight + '"]');
      if (el) { el.classList.add("hl"); el.scrollIntoView({ block: "center" }); }
    }
    const t1 = performance.now();
    if (window.mdlzTiming.first === null) window.mdlzTiming.first = t1;
    else window.mdlzTiming.last = t1 - t0;
  }

  function pageOf(pos) {
    let lo = 0, hi = pageCount;
    while (hi - lo > 1) { const m = (lo + hi) >> 1; if (meta.pages[m] <= pos) lo = m; else hi = m; }
    return lo;
  }

  function fmt(v) { return (v >= 0 ? "+" : "") + v.toFixed(2); }

  function describe(d, i) {
    const k = charLen(d.bytes, i, d.n), base = meta.pages[page];
    let cost = 0;
    for (let j = i; j < i + k; j++) cost += d.cost[j];
    const bits = cost / 100, hex = [];
    for (let j = i; j < i + k; j++) hex.push("0x" + d.bytes[j].toString(16).padStart(2, "0"));
    const s = shown(d.bytes, i, k);
    const lines = [
      (k > 1 ? "bytes " + (base + i) + "-" + (base + i + k - 1) : "byte " + (base + i)) +
        " \u00b7 " + (s === null ? "not printable" : JSON.stringify(s)) +
        " (" + hex.join(" ") + ")",
      "cost " + bits.toFixed(2) + " bits \u00b7 p = " + Math.pow(2, -bits).toPrecision(3)];
    meta.augs.forEach(function (a, n) {
      let v = 0;
      for (let j = i; j < i + k; j++) v += d.save[n][j];
      lines.push("saving by " + a + ": " + fmt(v / 100) + " bits");
    });
    for (const r of d.sources)
      if (i >= r[0] && i < r[0] + r[1])
        lines.push("source: " + meta.docs[r[2]] + " @ " + (r[3] + i - r[0]));
    for (const q of d.props)
      if (q[0] === i) lines.push(meta.augs[q[1]] + " proposed: " + JSON.stringify(q[3]) + (q[2] > q[3].length ? "\u2026" : ""));
    return lines.join("\n");
  }

  function onHover(ev) {
    const el = ev.target.closest ? ev.target.closest("span[data-i]") : null;
    if (!el || !cache.has(page)) { tip.style.display = "none"; return; }
    tip.textContent = describe(cache.get(page), Number(el.dataset.i));
    tip.style.display = "block";
    const x = Math.min(ev.clientX + 12, window.innerWidth - tip.offsetWidth - 4);
    const y = ev.clientY + 16 + tip.offsetHeight > window.innerHeight ? ev.clientY - tip.offsetHeight - 8 : ev.clientY + 16;
    tip.style.left = Math.max(0, x) + "px";
    tip.style.top = Math.max(0, y) + "px";
  }

  function fromHash() {
    const m = /^#b(\d+)$/.exec(location.hash);
    if (!m) return false;
    const pos = Math.min(Number(m[1]), Math.max(0, meta.bytes - 1));
    const p = pageOf(pos);
    show(p, pos - meta.pages[p]);
    return true;
  }

  text.addEventListener("mouseover", onHover);
  text.addEventListener("click", onHover); /* a tap on a touch screen */
  text.addEventListener("mouseleave", function () { tip.style.display = "none"; });
  document.getElementById("prev").addEventListener("click", function () { show(page - 1); });
  document.getElementById("next").addEventListener("click", function () { show(page + 1); });
  pageNo.addEventListener("change", function () { show(Number(pageNo.value) - 1); });
  modeSel.addEventListener("change", function () {
    mode = Number(modeSel.value);
    document.getElementById("legend-cost").hidden = mode >= 0;
    document.getElementById("legend-save").hidden = mode < 0;
    show(page);
  });
  window.addEventListener("hashchange", fromHash);
  document.getElementById("pages").textContent = String(pageCount);
  if (!fromHash()) show(0);
})();
