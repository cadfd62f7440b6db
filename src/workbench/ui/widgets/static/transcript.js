// The transcript view of the coding app: shows a document with its codings and reports what the
// coder selects, clicks and types. It decides nothing: every action goes to Python as a message,
// and Python answers by changing the synced state (codings, selection, suggestions, hits, focus).
// Python sends each batch of changes as one message (initialize, below); the changes it makes are
// drawn together, once, before the next frame (`touch` and `flush`).
//
// State from Python:
//   doc        {id, text, turns: [[start, end, speaker, number], ...]}   (sent once per document)
//   codings    [[id, start, end, code, colour, mine, quote, stale, tip], ...]
//   suggestions[[id, start, end, code, colour, reason], ...]
//   hits       [[start, end], ...]      search hits
//   selection  [start, end] or []       the snapped selection waiting for a code
//   selected   id of the coding chosen in the text ("" for none)
//   focus      [start, end, nonce]      scroll there and flash it
//   flash      [text, nonce]            a short "✔ Gemt" next to the last change
//   grab       nonce                    take the keyboard focus
// Messages to Python: select {start, end}, turn {index}, pick {id}, key {key[, start, end]}, accept {id},
// reject {id}. A selection goes to Python when the task of its mouseup ends; a key pressed before
// that carries the selection itself, so selecting and coding is one message and one answer. Until
// Python's answer, the selection shows snapped here (`snap`, provisional: Python's snap is the truth).

const LANE = 16; // px per margin stripe lane

function esc(s) {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function rgba(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

// First index i with arr[i][1] > x (turns are sorted and disjoint).
function firstEndingAfter(turns, x) {
  let lo = 0, hi = turns.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (turns[mid][1] > x) hi = mid; else lo = mid + 1;
  }
  return lo;
}

const WORD = /[\p{L}\p{N}\p{M}_]/u;

// The selection widened to whole words and trimmed at its ends, as Python's snap_to_words does.
function snap(text, start, end) {
  const word = (i) => i >= 0 && i < text.length && WORD.test(text[i]);
  while (start > 0 && word(start - 1) && word(start)) start--;
  while (end < text.length && word(end) && word(end - 1)) end++;
  while (start < end && !word(start)) start++;
  while (end > start && !word(end - 1)) end--;
  return end > start ? [start, end] : [];
}

function isEditable(node) {
  return node && node.closest && node.closest("input, textarea, select, [contenteditable=true]");
}

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "wb-tr";
  root.tabIndex = 0;
  root.setAttribute("role", "region");
  root.setAttribute("aria-label", "Transskription");
  const scroller = document.createElement("div");
  scroller.className = "wb-tr-scroll";
  const rowsBox = document.createElement("div");
  rowsBox.className = "wb-tr-rows";
  const tip = document.createElement("div");
  tip.className = "wb-tr-tip";
  tip.hidden = true;
  const pop = document.createElement("div");
  pop.className = "wb-tr-pop";
  pop.hidden = true;
  const toast = document.createElement("div");
  toast.className = "wb-tr-toast";
  toast.hidden = true;
  scroller.append(rowsBox);
  root.append(scroller, toast, tip, pop); // the toast beside the view, not in it: showing it needs no layout
  el.appendChild(root);

  let text = "";
  let turns = [];
  let rows = []; // per turn: {row, body, mine, other}
  let items = new Map(); // coding id -> entry
  let itemKeys = new Map(); // coding id -> JSON of the entry, to see what changed
  let sugs = new Map();
  let buckets = []; // per turn: {codings: [], sugs: [], hits: []}
  let hits = [];
  let selection = [];
  let focusRange = null;
  let measuredWidth = 0; // the text's width when the stripes were last measured
  // Where each coding's stripe runs, per turn: {key, spans: Map "a:z" -> [top, bottom]} (px from the row's
  // top), valid while the turn's text flows as it did (`flowKey`). A new coding whose place is known
  // (`premeasure`, when its key is pressed) is then drawn without waiting for a layout.
  let geo = [];

  function setHeight() {
    scroller.style.height = model.get("height") || "560px";
  }

  // ---- which turns an item touches
  function turnsOf(start, end) {
    const out = [];
    for (let i = firstEndingAfter(turns, start); i < turns.length && turns[i][0] < end; i++) out.push(i);
    if (!out.length && turns.length) out.push(Math.min(firstEndingAfter(turns, start), turns.length - 1));
    return out;
  }

  function rebucket() {
    buckets = turns.map(() => ({ codings: [], sugs: [], hits: [] }));
    for (const c of items.values()) for (const t of turnsOf(c[1], c[2])) buckets[t].codings.push(c);
    for (const s of sugs.values()) for (const t of turnsOf(s[1], s[2])) buckets[t].sugs.push(s);
    for (const h of hits) for (const t of turnsOf(h[0], h[1])) buckets[t].hits.push(h);
  }

  // ---- the text of one turn as spans: one span per stretch with the same codings
  function turnHtml(t) {
    const [ts, te] = turns[t];
    const b = buckets[t];
    const cuts = new Set([ts, te]);
    const clamp = (x) => Math.min(Math.max(x, ts), te);
    const marks = [];
    for (const c of b.codings) { cuts.add(clamp(c[1])); cuts.add(clamp(c[2])); }
    for (const s of b.sugs) { cuts.add(clamp(s[1])); cuts.add(clamp(s[2])); }
    for (const h of b.hits) { cuts.add(clamp(h[0])); cuts.add(clamp(h[1])); }
    if (selection.length) { cuts.add(clamp(selection[0])); cuts.add(clamp(selection[1])); }
    if (focusRange) { cuts.add(clamp(focusRange[0])); cuts.add(clamp(focusRange[1])); }
    const points = [...cuts].sort((a, z) => a - z);
    const selectedId = model.get("selected");
    let html = "";
    for (let k = 0; k + 1 < points.length; k++) {
      const a = points[k], z = points[k + 1];
      if (z <= a) continue;
      const mine = [], other = [], sg = [];
      let stale = false, chosen = false, hit = false;
      for (const c of b.codings) {
        if (c[1] <= a && z <= c[2]) {
          (c[5] ? mine : other).push(c);
          if (c[7]) stale = true;
          if (c[0] === selectedId) chosen = true;
        }
        if (c[6] && c[5] && c[1] === a) html += `<sup class="wb-star" data-c="${c[0]}" title="Citat">★</sup>`;
      }
      for (const s of b.sugs) if (s[1] <= a && z <= s[2]) sg.push(s);
      for (const h of b.hits) if (h[0] <= a && z <= h[1]) hit = true;
      const cls = [];
      const style = [];
      if (mine.length) {
        mine.sort((x, y) => (x[2] - x[1]) - (y[2] - y[1])); // innermost first
        const shown = mine.slice(0, 3);
        if (shown.length === 1) style.push(`background:${rgba(shown[0][4], 0.32)}`);
        else {
          const step = 100 / shown.length;
          const bands = shown.map((c, i) => `${rgba(c[4], 0.4)} ${i * step}% ${(i + 1) * step}%`);
          style.push(`background:linear-gradient(to bottom,${bands.join(",")})`);
        }
        cls.push("wb-c");
      }
      if (other.length) {
        cls.push("wb-o");
        style.push(`text-decoration-color:${other[0][4]}`);
      }
      if (sg.length) { cls.push("wb-sg"); style.push(`border-bottom-color:${sg[0][4]}`); }
      if (stale) cls.push("wb-stale");
      if (chosen) cls.push("wb-chosen");
      if (hit) cls.push("wb-hit");
      if (selection.length && selection[0] <= a && z <= selection[1]) cls.push("wb-sel");
      if (focusRange && focusRange[0] <= a && z <= focusRange[1]) cls.push("wb-focus");
      let attrs = `data-s="${a}"`;
      if (cls.length) attrs += ` class="${cls.join(" ")}"`;
      if (style.length) attrs += ` style="${style.join(";")}"`;
      if (mine.length) attrs += ` data-c="${mine.map((c) => c[0]).join(" ")}"`;
      if (other.length) attrs += ` data-o="${other.map((c) => c[0]).join(" ")}"`;
      if (sg.length) attrs += ` data-g="${sg.map((s) => s[0]).join(" ")}"`;
      html += `<span ${attrs}>${esc(text.slice(a, z))}</span>`;
    }
    return html;
  }

  function rowHtml(t) {
    const [, , speaker, number] = turns[t];
    return (
      `<div class="wb-turn" data-t="${t}">` +
      `<div class="wb-gut"><button class="wb-num" data-t="${t}" tabindex="-1" title="Markér hele tur ${number}">${number}</button>` +
      `<div class="wb-spk">${esc(speaker || "")}</div></div>` +
      `<div class="wb-body">${turnHtml(t)}</div>` +
      `<div class="wb-m wb-m-mine"></div><div class="wb-m wb-m-other"></div></div>`
    );
  }

  // ---- margin stripes: one bar per coding beside the lines it covers, in lanes so overlaps stay apart
  // Measuring (layout reads) and painting (writes) are apart, so many turns cost one layout.
  // What moves text within a turn: its width, the margins' lanes and the stars set in it (the colours,
  // underlines and outlines of spans move nothing).
  function flowKey(t) {
    let key = `${measuredWidth}|${lanesShown}`;
    for (const c of buckets[t].codings) if (c[6] && c[5]) key += `|${c[1]}`;
    return key;
  }

  function cached(t) {
    const g = geo[t], key = flowKey(t);
    if (!g || g.key !== key) return null;
    const [ts, te] = turns[t];
    const out = { mine: [], other: [] };
    for (const c of buckets[t].codings) {
      const a = Math.max(c[1], ts), z = Math.min(c[2], te) - 1;
      if (z < a) continue;
      const place = g.spans.get(`${a}:${z}`);
      if (!place) return null;
      out[c[5] ? "mine" : "other"].push({ c, top: place[0], bottom: place[1] });
    }
    return out;
  }

  function measureStripes(t) {
    const r = rows[t];
    const key = flowKey(t);
    const g = (geo[t] = geo[t] && geo[t].key === key ? geo[t] : { key, spans: new Map() });
    const top0 = r.row.getBoundingClientRect().top;
    const spans = r.body.querySelectorAll("span[data-s]");
    const starts = Array.from(spans, (s) => +s.dataset.s);
    const find = (x) => { // the span holding offset x
      let lo = 0, hi = starts.length - 1;
      while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid] <= x) lo = mid; else hi = mid - 1; }
      return spans[lo];
    };
    const [ts, te] = turns[t];
    const out = { mine: [], other: [] };
    for (const c of buckets[t].codings) {
      const a = Math.max(c[1], ts), z = Math.min(c[2], te) - 1;
      if (!spans.length || z < a) continue;
      const first = find(a).getBoundingClientRect(), last = find(z).getBoundingClientRect();
      const place = [first.top - top0, last.bottom - top0];
      g.spans.set(`${a}:${z}`, place);
      out[c[5] ? "mine" : "other"].push({ c, top: place[0], bottom: place[1] });
    }
    return out;
  }

  // The place of the stripe a coding of [start, end) will have, read from the text as it is drawn now
  // (laid out already: this reads, it forces no layout), so that drawing the coding needs no layout.
  // Which words a selection covers does not move the text; `verify` measures again after the frame.
  let premeasured = ""; // the span whose place was read last
  function premeasure(start, end) {
    premeasured = `${start}:${end}`;
    for (const t of turnsOf(start, end)) {
      const r = rows[t];
      if (!r || !geo[t] || geo[t].key !== flowKey(t)) continue;
      const [ts, te] = turns[t];
      const a = Math.max(start, ts), z = Math.min(end, te) - 1;
      const first = charBox(r.body, a), last = charBox(r.body, z);
      if (!first || !last) continue;
      const top0 = r.row.getBoundingClientRect().top;
      geo[t].spans.set(`${a}:${z}`, [first.top - top0, last.bottom - top0]);
    }
  }

  function charBox(body, offset) {
    const spans = body.querySelectorAll("span[data-s]");
    let lo = 0, hi = spans.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (+spans[mid].dataset.s <= offset) lo = mid; else hi = mid - 1; }
    const node = spans[lo] && spans[lo].firstChild;
    const at = node ? offset - +spans[lo].dataset.s : -1;
    if (!node || at < 0 || at >= node.length) return null;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + 1);
    return range.getBoundingClientRect();
  }

  // Stripes drawn from remembered places are measured again once the frame is shown (the layout is
  // done by then, so this costs no waiting) and redrawn where they differ.
  let unverified = new Set();
  function verify() {
    const turnsToCheck = [...unverified].filter((t) => rows[t] && buckets[t]);
    unverified = new Set();
    const before = turnsToCheck.map((t) => rows[t].painted);
    const measured = turnsToCheck.map(measureStripes);
    turnsToCheck.forEach((t, i) => { if (placesOf(measured[i]) !== before[i]) paintStripes(t, measured[i]); });
    lanesChanged();
  }
  const placesOf = (out) => JSON.stringify([out.mine, out.other].map((side) => side.map((b) => [b.c[0], b.top, b.bottom])));

  function paintStripes(t, out) {
    const r = rows[t];
    r.painted = placesOf(out);
    let lanes = 0;
    for (const side of ["mine", "other"]) {
      const bars = out[side].sort((x, y) => x.top - y.top || y.bottom - x.bottom);
      const laneEnds = [];
      let html = "";
      for (const bar of bars) {
        let lane = laneEnds.findIndex((end) => end <= bar.top + 1);
        if (lane < 0) { lane = laneEnds.length; laneEnds.push(0); }
        laneEnds[lane] = bar.bottom;
        const c = bar.c;
        const cls = ["wb-bar", c[5] ? "" : "wb-bar-other", c[7] ? "wb-bar-stale" : "", c[0] === model.get("selected") ? "wb-chosen" : ""];
        const bg = c[5] ? `background:${c[4]}` : `border-color:${c[4]};color:${c[4]}`;
        html +=
          `<div class="${cls.join(" ")}" data-c="${c[0]}" title="${esc(c[8])}" style="left:${lane * LANE}px;top:${bar.top}px;` +
          `height:${Math.max(bar.bottom - bar.top, 14)}px;${bg}"><span>${c[6] ? "★" : ""}${c[7] ? "⚠" : ""}${esc(c[3])}</span></div>`;
      }
      (side === "mine" ? r.mine : r.other).innerHTML = html;
      lanes = Math.max(lanes, laneEnds.length);
      r[side + "Lanes"] = laneEnds.length;
    }
  }

  function redrawStripes() {
    const striped = [];
    for (let t = 0; t < rows.length; t++) if (buckets[t] && buckets[t].codings.length) striped.push(t);
    const measured = striped.map(measureStripes);
    striped.forEach((t, i) => paintStripes(t, measured[i]));
    lanesChanged();
  }

  // New lane widths narrow or widen the text's column, and lines may break elsewhere: every stripe is
  // measured again once the frame is shown (`verify`), not while the coder waits for it.
  let laneRounds = 0; // lane changes in a row: the text's reflow may change the lanes once more, not forever
  function lanesChanged() {
    if (!laneWidths()) { laneRounds = 0; return; }
    if (++laneRounds > 3) return;
    for (let t = 0; t < rows.length; t++) if (buckets[t] && buckets[t].codings.length) unverified.add(t);
    requestAnimationFrame(() => setTimeout(verify, 0));
  }

  let lanesShown = "";
  function laneWidths() {
    let mine = 1, other = 0;
    for (const r of rows) { mine = Math.max(mine, r.mineLanes || 0); other = Math.max(other, r.otherLanes || 0); }
    if (lanesShown === `${mine}:${other}`) return false; // setting them again would lay out every turn anew
    lanesShown = `${mine}:${other}`;
    root.style.setProperty("--wb-mine", `${mine * LANE}px`);
    root.style.setProperty("--wb-other", `${other * LANE}px`);
    return true;
  }

  // ---- drawing
  function drawAll() {
    rebucket();
    const parts = new Array(turns.length);
    for (let t = 0; t < turns.length; t++) parts[t] = rowHtml(t);
    rowsBox.innerHTML = parts.join("");
    rows = Array.from(rowsBox.children, (row) => ({
      row, body: row.children[1], mine: row.children[2], other: row.children[3],
    }));
    measuredWidth = Math.round(rowsBox.getBoundingClientRect().width); // the stripes are measured at this width
    redrawStripes();
    root.dataset.drawn = `${model.get("doc").id || ""}:${items.size}`;
  }

  function redraw(touched, striped) {
    if (!rows.length) return drawAll();
    const shown = [...touched].filter((t) => t >= 0 && t < rows.length);
    if (!shown.length) return;
    rebucket();
    for (const t of shown) rows[t].body.innerHTML = turnHtml(t);
    // a selection, hit or focus only recolours its words: the text stays where it was, and so do the stripes
    const moved = shown.filter((t) => striped.has(t));
    const known = moved.map(cached);
    const measured = moved.map((t, i) => known[i] || measureStripes(t));
    moved.forEach((t, i) => paintStripes(t, measured[i]));
    moved.forEach((t, i) => { if (known[i]) unverified.add(t); });
    if (unverified.size) requestAnimationFrame(() => setTimeout(verify, 0));
    lanesChanged();
    root.dataset.drawn = `${model.get("doc").id || ""}:${items.size}`;
  }

  function loadDoc() {
    const doc = model.get("doc") || {};
    geo = [];
    premeasured = "";
    text = doc.text || "";
    turns = doc.turns || [];
    loadCodings();
    loadSugs();
    hits = model.get("hits") || [];
    selection = model.get("selection") || [];
    focusRange = null;
    shownSelected = model.get("selected");
    pending = "all";
    schedule(() => { scroller.scrollTop = 0; });
  }

  // ---- one redraw for all the changes of one message: the turns they touch are collected and drawn
  // in a microtask, after the message's last change and before the next frame
  let pending = null; // a Set of turns, "all", or null
  let pendingStripes = new Set(); // of those, the turns whose stripes are measured again
  let scheduled = false;
  const afterDraw = [];
  function touch(turnSet, stripes = true) {
    if (pending !== "all") {
      pending = pending || new Set();
      for (const t of turnSet) {
        pending.add(t);
        if (stripes) pendingStripes.add(t);
      }
    }
    schedule();
  }
  function schedule(then) {
    if (then) afterDraw.push(then);
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(flush);
  }
  let draws = 0;
  function flush() {
    scheduled = false;
    const what = pending, striped = pendingStripes;
    pending = null;
    pendingStripes = new Set();
    const t0 = performance.now();
    if (what === "all") drawAll();
    else if (what) redraw(what, striped);
    for (const then of afterDraw.splice(0)) then();
    // how long drawing takes, in the DevTools timeline and performance.getEntriesByName("wb-draw")
    if (++draws % 200 === 0) performance.clearMeasures("wb-draw");
    performance.measure("wb-draw", { start: t0, detail: what === "all" ? "all" : what ? what.size : 0 });
  }

  function loadCodings() {
    const touched = new Set();
    const next = new Map(), nextKeys = new Map();
    for (const c of model.get("codings") || []) {
      if (items.get(c[0]) === c) { next.set(c[0], c); nextKeys.set(c[0], itemKeys.get(c[0])); continue; }
      const key = JSON.stringify(c);
      next.set(c[0], c);
      nextKeys.set(c[0], key);
      if (itemKeys.get(c[0]) !== key) {
        for (const t of turnsOf(c[1], c[2])) touched.add(t);
        const old = items.get(c[0]);
        if (old) for (const t of turnsOf(old[1], old[2])) touched.add(t);
      }
    }
    for (const [id, old] of items) if (!next.has(id)) for (const t of turnsOf(old[1], old[2])) touched.add(t);
    items = next;
    itemKeys = nextKeys;
    return touched;
  }

  function loadSugs() {
    const touched = new Set();
    const next = new Map((model.get("suggestions") || []).map((s) => [s[0], s]));
    const differ = (x, y) => x !== y && JSON.stringify(x) !== JSON.stringify(y);
    for (const [id, s] of sugs) if (differ(s, next.get(id))) for (const t of turnsOf(s[1], s[2])) touched.add(t);
    for (const [id, s] of next) if (differ(s, sugs.get(id))) for (const t of turnsOf(s[1], s[2])) touched.add(t);
    sugs = next;
    pop.hidden = true;
    return touched;
  }

  function rangeTurns(range) {
    return range && range.length >= 2 ? turnsOf(range[0], range[1]) : [];
  }

  function spanAt(offset) {
    const t = turnsOf(offset, offset + 1)[0];
    if (t === undefined || !rows[t]) return null;
    let found = null;
    for (const s of rows[t].body.querySelectorAll("span[data-s]")) if (+s.dataset.s <= offset) found = s;
    return found;
  }

  function showToast(message) {
    // at the top of the view, or above the selection or the place jumped to when they are in view
    // (only then is the layout read: a coding's "Gemt" shows without waiting for one)
    const anchor = (selection.length && spanAt(selection[0])) || (focusRange && spanAt(focusRange[0]));
    let top = 8;
    if (anchor) {
      const box = scroller.getBoundingClientRect(), r = anchor.getBoundingClientRect();
      if (r.bottom > box.top && r.top < box.bottom) top = r.top - root.getBoundingClientRect().top - 26;
    }
    toast.textContent = message;
    toast.style.top = `${Math.max(top, 2)}px`;
    toast.hidden = false;
    clearTimeout(showToast.timer);
    showToast.timer = setTimeout(() => { toast.hidden = true; }, 2500);
  }

  // ---- from the DOM back to body offsets
  function offsetOf(node, off, atEnd) {
    let element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    const span = element && element.closest("span[data-s]");
    if (span && rowsBox.contains(span)) {
      if (node.nodeType === Node.TEXT_NODE) return +span.dataset.s + off;
      return +span.dataset.s + (off > 0 ? span.textContent.length : 0);
    }
    if (element && element.classList && element.classList.contains("wb-body") && node.nodeType !== Node.TEXT_NODE) {
      const child = element.childNodes[off];
      const t = +element.parentElement.dataset.t;
      if (child && child.dataset && child.dataset.s !== undefined) return +child.dataset.s;
      return turns[t][1];
    }
    const row = element && element.closest(".wb-turn");
    if (row) {
      const t = +row.dataset.t;
      return atEnd ? turns[t][1] : turns[t][0];
    }
    return null;
  }

  function onMouseUp(event) {
    if (event.button !== 0) return;
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) return;
    const range = sel.getRangeAt(0);
    if (!rowsBox.contains(range.startContainer) && !rowsBox.contains(range.endContainer)) return;
    let start = offsetOf(range.startContainer, range.startOffset, false);
    let end = offsetOf(range.endContainer, range.endOffset, true);
    if (start === null || end === null) return;
    if (end < start) [start, end] = [end, start];
    if (end > start) {
      dragged = true;
      unsent = [start, end];
      queueMicrotask(sendSelection); // after this task: a key pressed within it takes the selection along
      root.focus({ preventScroll: true });
    }
  }

  let unsent = null; // a selection not yet sent to Python: [start, end] as the coder made it
  let dragged = false; // the browser's own selection is in the text, until a mark from Python replaces it
  function sendSelection() {
    if (!unsent) return;
    const [start, end] = unsent;
    unsent = null;
    model.send({ type: "select", start, end });
  }
  function sendWithSelection(message) {
    let span = selection;
    if (unsent) {
      [message.start, message.end] = unsent;
      unsent = null;
      span = snap(text, message.start, message.end);
    }
    model.send(message);
    // while Python codes it (if the key is a code's): where its stripe will run, read in a task of its own
    // so that the message leaves first, and before the answer changes the text
    if (span.length === 2 && message.key && message.key.length === 1 && premeasured !== `${span[0]}:${span[1]}`) {
      setTimeout(() => premeasure(span[0], span[1]), 0);
    }
    if (span !== selection) model.set("selection", span); // shown here only, until Python answers
  }

  function idsAt(target) {
    const span = target.closest && target.closest("[data-c], [data-o], [data-g]");
    if (!span) return { mine: [], other: [], sugs: [] };
    const list = (name) => (span.dataset[name] ? span.dataset[name].split(" ") : []);
    return { mine: list("c"), other: list("o"), sugs: list("g") };
  }

  function onClick(event) {
    const num = event.target.closest(".wb-num");
    if (num) {
      event.preventDefault();
      sendSelection(); model.send({ type: "turn", index: +num.dataset.t });
      root.focus({ preventScroll: true });
      return;
    }
    const sel = window.getSelection();
    if (sel && !sel.isCollapsed) return; // a drag, handled on mouseup
    const { mine, other, sugs: sg } = idsAt(event.target);
    if (sg.length && !mine.length && !other.length) return openPop(sg[0], event);
    const id = mine[0] || other[0];
    if (id) {
      sendSelection(); model.send({ type: "pick", id });
      root.focus({ preventScroll: true });
    }
  }

  function openPop(id, event) {
    const s = sugs.get(id);
    if (!s) return;
    const box = root.getBoundingClientRect();
    pop.innerHTML =
      `<div class="wb-pop-title">Forslag: <b>${esc(s[3])}</b></div><div class="wb-pop-reason">${esc(s[5])}</div>` +
      `<button class="wb-accept" data-g="${id}">✓ Kod</button> <button class="wb-reject" data-g="${id}">✗ Afvis</button>`;
    pop.style.left = `${Math.min(event.clientX - box.left, box.width - 260)}px`;
    pop.style.top = `${event.clientY - box.top + 14}px`;
    pop.hidden = false;
  }

  pop.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    sendSelection(); model.send({ type: button.classList.contains("wb-accept") ? "accept" : "reject", id: button.dataset.g });
    pop.hidden = true;
    root.focus({ preventScroll: true });
  });

  function onHover(event) {
    if (event.buttons) { tip.hidden = true; return; } // no redrawing while a selection is dragged
    const { mine, other, sugs: sg } = idsAt(event.target);
    const lines = [];
    for (const id of [...mine, ...other]) {
      const c = items.get(id);
      if (c) lines.push(`<div class="${c[5] ? "" : "wb-tip-other"}"><i style="background:${c[4]}"></i>${esc(c[8])}</div>`);
    }
    for (const id of sg) {
      const s = sugs.get(id);
      if (s) lines.push(`<div class="wb-tip-sug">Forslag ${esc(s[3])}: ${esc(s[5])} (klik for at svare)</div>`);
    }
    if (!lines.length) { tip.hidden = true; return; }
    const box = root.getBoundingClientRect();
    tip.innerHTML = lines.join("");
    tip.style.left = `${Math.min(event.clientX - box.left + 12, box.width - 300)}px`;
    tip.style.top = `${event.clientY - box.top + 16}px`;
    tip.hidden = false;
  }

  // ---- keys: handled here and kept from JupyterLab's command-mode shortcuts
  function sendKey(event) {
    if (event.key === "Escape") { pop.hidden = true; sendWithSelection({ type: "key", key: "Escape" }); return true; }
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "z") {
      sendSelection();
      model.send({ type: "key", key: "undo" });
      return true;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return false;
    if (event.key === "Delete" || event.key === "Backspace" || event.key.length === 1) {
      sendWithSelection({ type: "key", key: event.key });
      return true;
    }
    return false;
  }

  root.addEventListener("keydown", (event) => {
    event.stopPropagation();
    if (event.key === "Enter" || event.key === " ") event.preventDefault();
    if (sendKey(event)) event.preventDefault();
  });
  // The whole app (code panel too) keeps keys from the notebook; outside text fields they are shortcuts.
  function guardApp() {
    const app = el.closest(".wb-app");
    if (!app || app.dataset.wbKeys) return;
    app.dataset.wbKeys = "1";
    app.addEventListener("keydown", (event) => {
      event.stopPropagation();
      if (root.contains(event.target) || isEditable(event.target)) return;
      if (event.key === "Enter" && event.shiftKey) { event.preventDefault(); return; }
      if (event.key.length === 1 || event.key === "Escape" || event.key === "Delete" || event.key.toLowerCase() === "z") {
        if (sendKey(event)) event.preventDefault();
      }
    });
  }
  guardApp();
  requestAnimationFrame(guardApp);
  setTimeout(guardApp, 500);

  // JupyterLab's notebook reacts to a mousedown in a cell by taking the focus, which ends a drag
  // selection before it began; the transcript keeps its mouse to itself.
  root.addEventListener("mousedown", (event) => event.stopPropagation());
  root.addEventListener("focusin", (event) => event.stopPropagation());
  rowsBox.addEventListener("mouseup", onMouseUp);
  rowsBox.addEventListener("click", onClick);
  rowsBox.addEventListener("mousemove", onHover);
  rowsBox.addEventListener("mouseleave", () => { tip.hidden = true; });
  root.addEventListener("click", (event) => {
    const bar = event.target.closest(".wb-bar");
    if (bar) { sendSelection(); model.send({ type: "pick", id: bar.dataset.c }); root.focus({ preventScroll: true }); }
  });

  // ---- state changes from Python: each notes what it touches; `flush` draws them together
  let shownSelected = model.get("selected");
  model.on("change:doc", loadDoc);
  model.on("change:codings", () => touch(loadCodings()));
  model.on("change:suggestions", () => touch(loadSugs()));
  model.on("change:hits", () => {
    const touched = new Set(hits.flatMap((h) => turnsOf(h[0], h[1])));
    hits = model.get("hits") || [];
    for (const h of hits) for (const t of turnsOf(h[0], h[1])) touched.add(t);
    touch(touched, false);
  });
  model.on("change:selection", () => {
    const touched = new Set(rangeTurns(selection));
    selection = model.get("selection") || [];
    for (const t of rangeTurns(selection)) touched.add(t);
    // a marked selection waits for a code: its place is read once it is drawn, long before the key
    if (selection.length === 2) schedule(() => premeasure(selection[0], selection[1]));
    if (dragged) { // the coder's own selection gives way to the mark (asking for it would force a layout)
      dragged = false;
      const sel = window.getSelection();
      if (sel && rowsBox.contains(sel.anchorNode)) sel.removeAllRanges();
    }
    touch(touched, false);
  });
  model.on("change:selected", () => {
    const touched = new Set();
    const prev = shownSelected;
    shownSelected = model.get("selected");
    for (const id of [prev, shownSelected]) {
      const c = items.get(id);
      if (c) for (const t of turnsOf(c[1], c[2])) touched.add(t);
    }
    touch(touched);
  });
  model.on("change:focus", () => {
    const f = model.get("focus") || [];
    const touched = new Set(rangeTurns(focusRange));
    focusRange = f.length >= 2 ? [f[0], f[1]] : null;
    for (const t of rangeTurns(focusRange)) touched.add(t);
    touch(touched, false);
    schedule(() => {
      const span = focusRange && spanAt(focusRange[0]);
      if (span) {
        const box = scroller.getBoundingClientRect(), r = span.getBoundingClientRect();
        scroller.scrollTop += r.top - box.top - box.height / 3;
      }
    });
  });
  model.on("change:flash", () => schedule(() => {
    const f = model.get("flash") || [];
    if (f[0]) showToast(f[0]);
    toast.dataset.flash = String(f[1] ?? ""); // which message it shows (tests and the benchmark read it)
  }));
  model.on("change:grab", () => root.focus({ preventScroll: true }));
  model.on("change:height", setHeight);

  // A new width reflows the text, so the stripes are measured again; a new height alone is turns
  // coming into view (content-visibility) and moves no stripe within its turn.
  const resize = new ResizeObserver((entries) => {
    const width = Math.round(entries[entries.length - 1].contentRect.width);
    if (width === measuredWidth) return;
    measuredWidth = width;
    clearTimeout(resize.timer);
    resize.timer = setTimeout(() => redrawStripes(), 150);
  });
  resize.observe(rowsBox);

  setHeight();
  loadDoc();
  flush();
  return () => resize.disconnect();
}

// A batch of changes from Python (TranscriptView.batch): {state: {trait: value}, rows: {name: {set, drop}}}.
// A rows delta is merged into the model's list once per model, keeping the unchanged rows as they are,
// so the views see a change of only those rows; then everything is set at once.
function merge(list, delta) {
  const drop = new Set(delta.drop || []);
  const set = new Map((delta.set || []).map((row) => [row[0], row]));
  const merged = [];
  for (const row of list || []) {
    if (drop.has(row[0])) continue;
    merged.push(set.get(row[0]) || row);
    set.delete(row[0]);
  }
  for (const row of set.values()) merged.push(row);
  return merged;
}

function initialize({ model }) {
  model.on("msg:custom", (msg) => {
    if (!msg || msg.type !== "state") return;
    const next = { ...(msg.state || {}) };
    for (const [name, delta] of Object.entries(msg.rows || {})) next[name] = merge(model.get(name), delta);
    model.set(next);
  });
}

export default { initialize, render };
