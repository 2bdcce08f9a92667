/*
 * sago-tui trace view: draws the run embedded in the #trace-data block of this file.
 *
 * Safety: every string that comes from the trace reaches the page through textContent,
 * createTextNode or a property such as `title`. This script never uses innerHTML,
 * insertAdjacentHTML, document.write or eval, so nothing in a trace can become markup
 * or code (and the page's Content-Security-Policy allows no other script anyway).
 *
 * Speed: card bodies, expanders and log details are built when first opened; long lists
 * (cards, timeline rows, cost rows, log rows) are drawn in chunks as they scroll into view;
 * long text shows its first PREVIEW characters with the rest one click away.
 */
"use strict";
(() => {
  const PREVIEW = 2048;
  const CHUNK = 150;
  const payload = JSON.parse(document.getElementById("trace-data").textContent);
  const RUN = payload.summary;
  const RECORDS = payload.records;
  const OFFSETS = RUN.offsets || [];
  const KNOWN = new Set([
    "workflow_start", "workflow_end", "plan_generated", "plan_approval", "task_start",
    "task_end", "task_skip", "file_read", "file_write", "file_refused", "llm_call",
    "verify_run", "cache_hit", "cache_miss", "compression", "error", "warning",
    "fix_attempt", "git_commit", "budget_stop",
  ]);
  const STATUSES = new Set(["passed", "failed", "cached", "skipped", "not_run", "interrupted", "running"]);
  const ICON = {
    passed: "✓", failed: "✗", cached: "↺", skipped: "⊘", not_run: "·", interrupted: "!", running: "…",
  };

  /* ---------- DOM and formatting helpers ---------- */

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function append(parent, ...kids) {
    for (const kid of kids) {
      if (kid === null || kid === undefined || kid === false) continue;
      parent.appendChild(typeof kid === "string" ? document.createTextNode(kid) : kid);
    }
    return parent;
  }
  function button(label, onClick, cls) {
    const b = el("button", cls || "more", label);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  const isNum = (v) => typeof v === "number" && Number.isFinite(v);
  const str = (v) => (v === null || v === undefined ? "" : String(v));
  const status = (s) => (STATUSES.has(s) ? s : "running");
  const typeClass = (t) => "t-" + (KNOWN.has(t) ? t : "other");
  function fmtInt(n) {
    return isNum(n) ? Math.round(n).toLocaleString("en-US") : "0";
  }
  function fmtCost(x) {
    if (!isNum(x)) return "—";
    if (x === 0) return "$0";
    const digits = Math.abs(x) >= 1 ? 2 : Math.abs(x) >= 0.01 ? 3 : 4;
    return "$" + x.toFixed(digits);
  }
  function fmtDur(s) {
    if (!isNum(s)) return "—";
    if (s < 1) return Math.round(s * 1000) + " ms";
    if (s < 60) return s.toFixed(1) + " s";
    const m = Math.floor(s / 60);
    return m + " m " + Math.round(s - m * 60) + " s";
  }
  function fmtBytes(n) {
    if (!isNum(n)) return "";
    if (n < 1024) return n + " B";
    return (n / 1024).toFixed(n < 10240 ? 1 : 0) + " KB";
  }
  function fmtOffset(s) {
    return isNum(s) ? "+" + s.toFixed(s < 100 ? 2 : 1) + " s" : "";
  }
  function plural(n, word) {
    return fmtInt(n) + " " + word + (n === 1 ? "" : "s");
  }
  function shorten(text, max) {
    const flat = str(text).replace(/\s+/g, " ").trim();
    return flat.length > max ? flat.slice(0, max - 1) + "…" : flat;
  }

  /* ---------- long text, lazy expanders, chunked lists ---------- */

  function fillText(pre, text, diff) {
    pre.textContent = "";
    if (!diff) {
      pre.textContent = text;
      return;
    }
    for (const line of text.split("\n")) {
      let cls = null;
      if (line.startsWith("@@")) cls = "hunk";
      else if (line.startsWith("+") && !line.startsWith("+++")) cls = "add";
      else if (line.startsWith("-") && !line.startsWith("---")) cls = "del";
      pre.appendChild(el("span", cls, line + "\n"));
    }
  }
  /** A <pre> with the first PREVIEW characters of `text`; a button shows the rest. */
  function longText(text, diff) {
    const full = str(text);
    const pre = el("pre", diff ? "text diff" : "text");
    if (full.length <= PREVIEW) {
      fillText(pre, full, diff);
      return pre;
    }
    fillText(pre, full.slice(0, PREVIEW) + "\n…", diff);
    const wrap = append(el("div"), pre);
    const more = button("Show all " + fmtInt(full.length) + " characters", () => {
      fillText(pre, full, diff);
      more.remove();
    });
    return append(wrap, more);
  }
  /** A <details> whose content is built the first time it opens. */
  function lazy(label, build, open) {
    const details = append(el("details"), el("summary", null, label));
    let built = false;
    const ensure = () => {
      if (built) return;
      built = true;
      const content = build();
      if (content) details.appendChild(content);
    };
    details.addEventListener("toggle", () => details.open && ensure());
    if (open) {
      details.open = true;
      ensure();
    }
    return details;
  }
  /**
   * Render items 0..total-1 into `container`, CHUNK at a time: the next chunk is drawn when
   * the "Show more" button scrolls near the viewport (or is clicked). Returns ensure(i),
   * which draws everything up to item i (to jump to a card that is not drawn yet).
   */
  function chunked(container, total, render, moreParent) {
    let done = 0;
    const more = button("", () => step());
    const observer =
      "IntersectionObserver" in window
        ? new IntersectionObserver((entries) => {
            if (entries.some((e) => e.isIntersecting) && done < total) step();
          }, { rootMargin: "800px" })
        : null;
    function step() {
      const end = Math.min(total, done + CHUNK);
      const frag = document.createDocumentFragment();
      for (; done < end; done++) append(frag, render(done));
      container.appendChild(frag);
      if (done < total) {
        more.textContent = "Show more (" + fmtInt(total - done) + " left)";
        (moreParent || container).appendChild(more);
        if (observer) {
          observer.unobserve(more); // observing again reports the current state at once
          observer.observe(more);
        }
      } else {
        more.remove();
        if (observer) observer.disconnect();
      }
    }
    step();
    return (i) => {
      while (done <= i && done < total) step();
    };
  }

  /* ---------- one event as a line: kind, text, aside, expanders ---------- */

  function spec(type, d, rec) {
    const s = { cls: "k-info", kind: type, what: "", aside: "", extra: null, open: false };
    switch (type) {
      case "workflow_start":
        s.kind = "run";
        s.what = [d.command, d.model, isNum(d.total_tasks) && d.total_tasks ? d.total_tasks + " tasks" : ""]
          .filter(Boolean).join(" · ");
        s.aside = str(d.project_path);
        s.extra = () => [fieldTable(d.options || {}, "Options")];
        break;
      case "workflow_end":
        s.cls = d.success ? "k-pass" : "k-fail";
        s.kind = "end";
        s.what = ["passed", "cached", "failed", "skipped", "not_run"]
          .filter((k) => d[k]).map((k) => d[k] + " " + k.replace("_", " ")).join(" · ") || "no tasks";
        if (d.reason) s.what += " — " + d.reason;
        s.aside = [fmtInt(d.total_tokens) + " tok", fmtCost(d.cost_usd), fmtDur(d.duration_s)].join(" · ");
        break;
      case "plan_generated":
        s.kind = "plan";
        s.what = str(d.path) + ": " + fmtInt(d.phases) + " phases, " + fmtInt(d.tasks) + " tasks";
        s.aside = d.attempts > 1 ? d.attempts + " attempts" : "";
        if (Array.isArray(d.warnings) && d.warnings.length)
          s.extra = () => [lazy(d.warnings.length + " warnings", () => longText(d.warnings.join("\n")))];
        break;
      case "plan_approval":
        s.kind = "approval";
        s.what = (d.approved || []).length + " approved, " + (d.skipped || []).length + " skipped" +
          (d.approved_by ? " by " + d.approved_by : "");
        if ((d.skipped || []).length) s.what += " (skipped: " + d.skipped.join(", ") + ")";
        s.aside = str(d.plan_hash).slice(0, 12);
        break;
      case "task_start":
        s.kind = "start";
        s.what = (d.wave ? "wave " + d.wave + " · " : "") + (d.files || []).join(", ");
        s.aside = str(d.phase);
        break;
      case "task_end":
        s.cls = d.status === "cached" ? "k-cache" : d.success ? "k-pass" : "k-fail";
        s.kind = "end";
        s.what = str(d.status || (d.success ? "passed" : "failed")) +
          (d.attempts > 1 ? " after " + d.attempts + " attempts" : "") + (d.error ? ": " + shorten(d.error, 160) : "");
        s.aside = [fmtDur(d.duration_s), fmtInt(d.total_tokens) + " tok", fmtCost(d.cost_usd)].join(" · ");
        if (d.error && d.error.length > 160) s.extra = () => [lazy("Error", () => longText(d.error))];
        break;
      case "task_skip":
        s.cls = "k-skip";
        s.kind = "skipped";
        s.what = str(d.reason) || "skipped";
        break;
      case "file_read":
        s.cls = "k-read";
        s.kind = "read";
        s.what = str(d.path);
        s.aside = fmtBytes(d.size_bytes);
        s.extra = () => [lazy("Content", () => longText(d.content_preview))];
        break;
      case "file_write":
        s.cls = "k-write";
        s.kind = d.created ? "create" : "write";
        s.what = str(d.path);
        s.aside = fmtBytes(d.size_bytes) + (d.created === false && !d.diff ? " · unchanged" : "");
        s.extra = () => [
          d.diff ? lazy("Diff", () => longText(d.diff, true)) : null,
          lazy("Content", () => longText(d.content_preview)),
        ];
        break;
      case "file_refused":
        s.cls = "k-error";
        s.kind = "refused";
        s.what = str(d.path) + (d.reason ? " — " + d.reason : "");
        break;
      case "llm_call":
        s.cls = "k-llm";
        s.kind = "llm";
        // The second call of a task is its first fix: number fixes from 1.
        s.what = (d.purpose === "fix" ? "fix #" + Math.max(1, (d.attempt || 2) - 1) : str(d.purpose || "llm") +
          (d.attempt > 1 ? " (retry)" : "")) + " call · " + str(d.model) +
          (d.finish_reason && d.finish_reason !== "stop" ? " · finish: " + d.finish_reason : "");
        s.aside = [
          fmtInt(d.prompt_tokens) + " + " + fmtInt(d.completion_tokens) + " tok" +
            (d.cached_tokens ? " (" + fmtInt(d.cached_tokens) + " cached)" : ""),
          fmtCost(d.cost_usd), fmtDur(isNum(d.duration_s) ? d.duration_s : (rec.duration_ms || 0) / 1000),
        ].join(" · ");
        s.extra = () => [
          lazy("Prompt", () => longText(d.prompt_preview)),
          lazy("Response", () => longText(d.response_preview)),
        ];
        break;
      case "verify_run": {
        const ok = Boolean(d.success);
        s.cls = ok ? "k-pass" : "k-fail";
        s.kind = ok ? "pass" : "fail";
        s.what = str(d.command);
        s.aside = ["exit " + str(d.exit_code === null ? "—" : d.exit_code), fmtDur(d.duration_s),
          d.timed_out ? "timed out" : "", d.category || "", d.attempt > 1 ? "attempt " + d.attempt : ""]
          .filter(Boolean).join(" · ");
        const output = [d.stdout ? d.stdout : "", d.stderr ? "--- stderr ---\n" + d.stderr : ""]
          .filter(Boolean).join("\n");
        if (output) s.extra = () => [lazy("Output", () => longText(output), !ok)];
        break;
      }
      case "cache_hit":
        s.cls = "k-cache";
        s.kind = "cached";
        s.what = "unchanged since its last passing run: no LLM call";
        s.aside = str(d.key).slice(0, 12);
        break;
      case "cache_miss":
        s.cls = "k-cache";
        s.kind = "cache";
        s.what = "runs: " + (str(d.reason) || "not cached");
        break;
      case "compression":
        s.kind = "compress";
        s.what = str(d.strategy) + ": " + fmtInt(d.original_tokens) + " → " + fmtInt(d.compressed_tokens) +
          " tokens (−" + (isNum(d.savings_pct) ? d.savings_pct.toFixed(0) : "?") + "%)";
        break;
      case "error":
        s.cls = "k-error";
        s.kind = "error";
        s.what = str(d.message);
        s.aside = str(d.error_type);
        break;
      case "warning":
        s.cls = "k-warn";
        s.kind = "warning";
        s.what = str(d.message);
        break;
      case "fix_attempt":
        s.cls = "k-fix";
        s.kind = "fix";
        s.what = "#" + str(d.attempt) + (d.category ? " (" + d.category + ")" : "") + ": " + str(d.outcome) +
          (d.reason ? " — " + d.reason : "");
        break;
      case "git_commit":
        s.cls = d.success ? "k-git" : "k-error";
        s.kind = "commit";
        s.what = d.success ? (str(d.sha).slice(0, 10) + " " + str(d.message)).trim() : "failed: " + str(d.error);
        s.aside = plural((d.files || []).length, "file");
        break;
      case "budget_stop":
        s.cls = "k-warn";
        s.kind = "budget";
        s.what = "stopped: " + fmtCost(d.spent_usd) + " spent, next call ~" + fmtCost(d.next_estimate_usd) +
          " would pass --max-cost " + fmtCost(d.max_cost_usd);
        s.aside = str(d.purpose);
        break;
      default:
        s.generic = true;
        s.kind = shorten(type, 20) || "event";
        s.what = shorten(Object.keys(d).map((k) => k + "=" + JSON.stringify(d[k])).join(" "), 200);
        s.extra = () => [lazy("Data", () => longText(JSON.stringify(d, null, 2)))];
    }
    return s;
  }

  function itemNode(type, s) {
    const node = el("div", "item item-" + (s.generic ? "generic" : type));
    const line = append(el("div", "line"), el("span", "kind " + s.cls, s.kind), el("span", "what", s.what));
    if (s.aside) line.appendChild(el("span", "aside", s.aside));
    node.appendChild(line);
    if (s.extra) {
      const sub = el("div", "sub");
      append(sub, ...s.extra());
      if (sub.childNodes.length) node.appendChild(sub);
    }
    return node;
  }
  function eventItem(i) {
    const rec = RECORDS[i] || {};
    const type = str(rec.event_type);
    const d = rec.data && typeof rec.data === "object" ? rec.data : {};
    return itemNode(type, spec(type, d, rec));
  }
  /** Consecutive file reads collapse into one line ("read 4 files"), as in the seed. */
  function readGroup(indices) {
    const files = indices.map((i) => (RECORDS[i].data || {}));
    const size = files.reduce((n, d) => n + (isNum(d.size_bytes) ? d.size_bytes : 0), 0);
    const node = el("div", "item item-file_read");
    append(node, append(el("div", "line"), el("span", "kind k-read", "read"),
      el("span", "what", files.length + " files: " + shorten(files.map((d) => str(d.path)).join(", "), 160)),
      el("span", "aside", fmtBytes(size))));
    node.appendChild(append(el("div", "sub"),
      lazy("Files", () => append(el("div"), ...files.map((d) => lazy(str(d.path) + " · " + fmtBytes(d.size_bytes),
        () => longText(d.content_preview)))))));
    return node;
  }
  function renderEvents(container, indices) {
    const groups = [];
    for (const i of indices) {
      const last = groups[groups.length - 1];
      if (RECORDS[i].event_type === "file_read" && last && last.reads) last.list.push(i);
      else groups.push(RECORDS[i].event_type === "file_read" ? { reads: true, list: [i] } : { list: [i] });
    }
    if (!groups.length) container.appendChild(el("div", "empty", "No events."));
    chunked(container, groups.length, (g) =>
      groups[g].reads && groups[g].list.length > 1 ? readGroup(groups[g].list) : eventItem(groups[g].list[0]));
  }

  /* ---------- header ---------- */

  function renderHeader() {
    const badge = document.getElementById("outcome");
    const interrupted = RUN.interrupted || RUN.outcome === "interrupted";
    badge.className = "badge " + (RUN.outcome === "passed" ? "passed" : interrupted ? "interrupted" : "failed");
    badge.textContent = RUN.interrupted ? "interrupted (no workflow_end)" : RUN.outcome === "passed" ? "passed" : str(RUN.outcome);
    badge.title = str(RUN.reason || RUN.outcome);
    const stats = document.getElementById("stats");
    const counts = RUN.counts || {};
    const total = Math.max(RUN.total_tasks || 0, 1);
    const bar = el("span", "progress");
    bar.title = "tasks by status";
    for (const st of ["passed", "cached", "failed", "interrupted", "skipped", "not_run"]) {
      if (!counts[st]) continue;
      const part = el("span", "bg-" + st);
      part.style.width = (100 * counts[st]) / total + "%";
      bar.appendChild(part);
    }
    const done = (counts.passed || 0) + (counts.cached || 0);
    const stat = (label, value) => append(el("span"), label ? label + " " : "", el("b", null, value));
    const breakdown = ["passed", "cached", "failed", "interrupted", "skipped", "not_run"]
      .filter((k) => counts[k]).map((k) => counts[k] + " " + k.replace("_", " ")).join(" · ");
    append(stats, bar, stat("", done + " / " + (RUN.total_tasks || 0) + " tasks"), el("span", null, breakdown),
      stat("tokens", fmtInt(RUN.tokens) + (RUN.cached_tokens ? " (" + fmtInt(RUN.cached_tokens) + " cached)" : "")),
      stat("cost", fmtCost(RUN.cost_usd) + (RUN.estimated_cost_usd ? " (est. " + fmtCost(RUN.estimated_cost_usd) + ")" : "")),
      stat("duration", fmtDur(RUN.duration_s)),
      RUN.max_parallel > 1 ? stat("parallel", "up to " + RUN.max_parallel) : null,
      RUN.model ? stat("model", RUN.model) : null,
      RUN.started ? stat("started", str(RUN.started).replace("T", " ").slice(0, 19)) : null,
      RUN.run_id ? stat("run", RUN.run_id) : null);
    const notes = document.getElementById("notes");
    if (RUN.interrupted)
      notes.appendChild(el("div", null, "The run ended without a workflow_end event (killed or crashed): " +
        "tasks that never finished are marked interrupted."));
    for (const note of RUN.notes || []) notes.appendChild(el("div", null, note));
  }

  /* ---------- Feed: one card per task, keyed by task id ---------- */

  let ensureCard = () => {};
  function taskMeta(t) {
    const meta = el("span", "meta");
    if (t.status === "skipped" || t.status === "not_run") return meta;
    if (t.status === "cached") return append(meta, "cached · no LLM call");
    const est = isNum(t.estimated_cost_usd) ? t.estimated_cost_usd : null;
    append(meta, el("b", null, fmtDur(t.duration_s)), " · ", el("b", null, fmtInt(t.tokens)), " tok · ",
      el("b", null, fmtCost(t.cost_usd)));
    if (est !== null) append(meta, el("span", t.cost_usd > est * 1.25 ? "over" : null, " (est. " + fmtCost(est) + ")"));
    if (t.attempts > 1) append(meta, " · " + t.attempts + " attempts");
    return meta;
  }
  function card(opts) {
    const c = el("div", "card st-" + opts.status);
    if (opts.id) c.id = opts.id;
    const caret = el("span", "caret", "▸");
    const head = append(el("div", "head"), caret, el("span", "icon s-" + opts.status, ICON[opts.status] || "•"),
      opts.tid ? el("span", "tid", opts.tid) : null, el("span", "name", opts.name),
      opts.phase ? el("span", "phase", opts.phase) : null, opts.meta || null);
    c.appendChild(head);
    if (opts.reason) c.appendChild(el("div", "reason", shorten(opts.reason, 300)));
    let body = null;
    const toggle = (open) => {
      if (open && !body) {
        body = el("div", "body");
        renderEvents(body, opts.events);
        c.appendChild(body);
      } else if (body) {
        body.hidden = !open;
      }
      caret.textContent = open ? "▾" : "▸";
      c.classList.toggle("open", open);
    };
    head.addEventListener("click", () => toggle(!c.classList.contains("open")));
    c.openCard = () => toggle(true);
    if (opts.open) toggle(true);
    return c;
  }
  function renderFeed(panel) {
    const tasks = RUN.tasks || [];
    const list = el("div", "cards");
    panel.appendChild(list);
    if (!tasks.length && !(RUN.run_events || []).length) panel.appendChild(el("div", "empty", "This trace has no events."));
    if ((RUN.run_events || []).length)
      list.appendChild(card({
        status: RUN.interrupted ? "interrupted" : RUN.outcome === "passed" ? "passed" : "failed",
        name: "Run: planning, approval and run-level events", events: RUN.run_events,
        meta: append(el("span", "meta"), fmtInt(RUN.planning_tokens) + " tok · " + fmtCost(RUN.planning_cost_usd) +
          " outside tasks · " + RUN.run_events.length + " events"),
      }));
    let autoOpen = 0;
    ensureCard = chunked(list, tasks.length, (i) => {
      const t = tasks[i];
      const st = status(t.status);
      const open = (st === "failed" || st === "interrupted") && autoOpen++ < 5;
      let reason = "";
      if (st === "failed") reason = t.error;
      else if (st === "skipped" || st === "not_run") reason = t.reason;
      else if (st === "interrupted") reason = "did not finish: the trace ends before this task's task_end";
      return card({
        id: "card-" + i, status: st, tid: t.task_id, name: t.name || t.task_id, phase: t.phase,
        meta: taskMeta(t), reason, events: t.events, open,
      });
    });
  }
  function gotoCard(i) {
    showTab("feed");
    ensureCard(i);
    const c = document.getElementById("card-" + i);
    if (!c) return;
    c.openCard();
    c.scrollIntoView({ block: "start" });
  }

  /* ---------- Timeline: a bar per task on a shared time axis ---------- */

  function renderTimeline(panel) {
    const tasks = RUN.tasks || [];
    const legend = el("div", "legend");
    for (const [cls, label] of [["sw-task", "task running"], ["sw-llm", "LLM call"], ["sw-pass", "verify passed"],
      ["sw-fail", "verify failed"], ["sw-wait", "waiting for what it depends on"]])
      append(legend, append(el("span"), el("i", cls), label));
    append(legend, el("span", null, "bar colour = task status · ◆ cached or skipped (no work) · click a row to open its card"));
    panel.appendChild(legend);
    let span = Math.max(RUN.duration_s || 0, RUN.planning_end || 0, 0.001);
    for (const t of tasks) if (isNum(t.end)) span = Math.max(span, t.end);
    const pct = (s) => Math.max(0, Math.min(100, (100 * s) / span)) + "%";
    const width = (a, b) => Math.max(0, (100 * (b - a)) / span) + "%";
    const box = el("div", "tl");
    panel.appendChild(box);
    const axis = el("div", "tl-axis");
    const rough = span / 8;
    const mag = Math.pow(10, Math.floor(Math.log10(rough)));
    const stepSize = [1, 2, 5, 10].map((m) => m * mag).find((v) => v >= rough) || rough;
    for (let x = 0; x <= span + 1e-9; x += stepSize) {
      const tick = el("span", "tl-tick", stepSize < 1 ? Math.round(x * 1000) + " ms" : +x.toFixed(1) + " s");
      tick.style.left = pct(x);
      axis.appendChild(tick);
    }
    box.appendChild(append(el("div", "tl-row"), el("span"), axis, el("span")));
    if (isNum(RUN.planning_end) && RUN.planning_end > 0) {
      const track = el("div", "tl-track");
      const bar = el("div", "tl-seg llm");
      bar.style.left = "0%";
      bar.style.width = width(0, RUN.planning_end);
      track.appendChild(bar);
      const row = append(el("div", "tl-row"), el("span", "tl-label", "Planning and approval"), track,
        el("span", "tl-dur", fmtDur(RUN.planning_end)));
      row.title = "from the start of the run to the approved plan";
      box.appendChild(row);
    }
    chunked(box, tasks.length, (i) => {
      const t = tasks[i];
      const frag = document.createDocumentFragment();
      if (i === 0 || t.phase !== tasks[i - 1].phase) frag.appendChild(el("div", "tl-phase", t.phase || "(no phase)"));
      const st = status(t.status);
      const track = el("div", "tl-track");
      const tip = [t.task_id + " " + str(t.name), st];
      if (isNum(t.start) && (st === "cached" || st === "skipped" || st === "not_run")) {
        const mark = el("div", "tl-mark bg-" + st);
        mark.style.left = pct(t.start);
        track.appendChild(mark);
        tip.push("at " + fmtOffset(t.start) + (t.reason ? " — " + t.reason : ""));
      } else if (isNum(t.start)) {
        const end = isNum(t.end) ? t.end : t.start;
        if (isNum(t.ready) && t.ready < t.start - 0.0005) {
          const wait = el("div", "tl-wait");
          wait.style.left = pct(t.ready);
          wait.style.width = width(t.ready, t.start);
          track.appendChild(wait);
        }
        const bar = el("div", "tl-bar bg-" + st);
        bar.style.left = pct(t.start);
        bar.style.width = width(t.start, end);
        track.appendChild(bar);
        for (const seg of t.segments || []) {
          const s = el("div", "tl-seg " + (seg.kind === "llm" ? "llm" : "verify") + (seg.ok ? "" : " bad"));
          s.style.left = pct(seg.start);
          s.style.width = width(seg.start, seg.end);
          track.appendChild(s);
        }
        tip.push(fmtOffset(t.start) + " → " + fmtOffset(end) + " (" + fmtDur(end - t.start) + ")");
        if (isNum(t.ready) && (t.after || []).length) {
          tip.push("started when " + t.after.join(", ") + " finished (waited " + fmtDur(Math.max(0, t.start - t.ready)) + ")");
          if ((100 * t.start) / span > 12) {
            const after = el("span", "tl-after", "after " + t.after.join(", "));
            after.style.right = 100 - (100 * (isNum(t.ready) ? Math.min(t.ready, t.start) : t.start)) / span + "%";
            track.appendChild(after);
          }
        }
        if (t.wave) tip.push("wave " + t.wave);
      }
      const label = append(el("span", "tl-label"), el("span", "s-" + st, ICON[st] || "•"), el("span", "tid", t.task_id),
        str(t.name));
      const dur = st === "cached" || st === "skipped" || st === "not_run" ? st.replace("_", " ") : fmtDur(t.duration_s);
      const row = append(el("div", "tl-row task"), label, track, el("span", "tl-dur", dur));
      row.title = tip.join("\n");
      row.addEventListener("click", () => gotoCard(i));
      frag.appendChild(row);
      return frag;
    });
  }

  /* ---------- Cost: estimate vs actual per task and per phase ---------- */

  function renderCost(panel) {
    const tasks = RUN.tasks || [];
    const byKey = new Map(tasks.map((t, i) => [t.key, i]));
    const table = el("table", "cost");
    const head = el("tr");
    for (const [label, n] of [["Task", 0], ["Status", 0], ["Attempts", 1], ["Tokens", 1], ["Estimate", 1],
      ["Actual", 1], ["Δ vs estimate", 1], ["", 0]])
      head.appendChild(el("th", n ? "n" : null, label));
    const body = el("tbody");
    append(table, append(el("thead"), head), body);
    panel.appendChild(table);
    let maxCost = 0;
    for (const t of tasks) maxCost = Math.max(maxCost, t.cost_usd || 0, t.estimated_cost_usd || 0);
    const delta = (act, est) => {
      if (!isNum(est) || est === 0) return el("td", "n", "—");
      const d = act - est;
      return el("td", "n " + (d > est * 0.25 ? "over" : d < 0 ? "under" : ""),
        (d >= 0 ? "+" : "−") + fmtCost(Math.abs(d)) + " (" + (d >= 0 ? "+" : "−") + Math.abs((100 * d) / est).toFixed(0) + "%)");
    };
    const costBar = (act, est) => {
      const barBox = el("div", "costbar");
      if (maxCost > 0 && isNum(est)) {
        const e = el("span", "est");
        e.style.width = (100 * est) / maxCost + "%";
        barBox.appendChild(e);
      }
      if (maxCost > 0) {
        const a = el("span", "act");
        a.style.width = (100 * (act || 0)) / maxCost + "%";
        barBox.appendChild(a);
      }
      return append(el("td"), barBox);
    };
    const row = (cls, cells) => append(el("tr", cls), ...cells);
    const rows = [];
    if (RUN.planning_tokens || RUN.planning_cost_usd)
      rows.push(() => row("phase", [el("td", null, "Planning (calls outside tasks)"), el("td"), el("td"),
        el("td", "n", fmtInt(RUN.planning_tokens)), el("td", "n", "—"), el("td", "n", fmtCost(RUN.planning_cost_usd)),
        el("td", "n", "—"), el("td")]));
    for (const ph of RUN.phases || []) {
      rows.push(() => row("phase", [el("td", null, ph.name || "(no phase)"), el("td", null, ph.tasks.length + " tasks"),
        el("td"), el("td", "n", fmtInt(ph.tokens)), el("td", "n", fmtCost(ph.estimated_cost_usd)),
        el("td", "n", fmtCost(ph.cost_usd)), delta(ph.cost_usd, ph.estimated_cost_usd), el("td")]));
      for (const key of ph.tasks) {
        const t = tasks[byKey.get(key)];
        if (!t) continue;
        const st = status(t.status);
        rows.push(() => {
          const name = append(el("td", "task"), el("span", "tid mono", t.task_id + " "), str(t.name));
          return row(null, [name, el("td", "s-" + st, st.replace("_", " ")), el("td", "n", t.attempts || "—"),
            el("td", "n", fmtInt(t.tokens)), el("td", "n", fmtCost(t.estimated_cost_usd)), el("td", "n", fmtCost(t.cost_usd)),
            delta(t.cost_usd, t.estimated_cost_usd), costBar(t.cost_usd, t.estimated_cost_usd)]);
        });
      }
    }
    rows.push(() => row("total", [el("td", null, "Total"), el("td", null, fmtInt(RUN.total_tasks) + " tasks"), el("td"),
      el("td", "n", fmtInt(RUN.tokens)), el("td", "n", fmtCost(RUN.estimated_cost_usd)), el("td", "n", fmtCost(RUN.cost_usd)),
      el("td", "n", "—"), el("td")]));
    chunked(body, rows.length, (i) => rows[i](), panel);
    panel.appendChild(el("p", "empty", "Estimates are the dry-run estimate made before each task's first call " +
      "(prompt tokens counted, output estimated from the declared files). The total row includes planning."));
  }

  /* ---------- Log: every event in order, a row expands to full detail ---------- */

  function fieldTable(obj, caption) {
    const table = el("table");
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      let cell;
      if (typeof v === "string") cell = v.length > 160 || v.includes("\n") ? longText(v) : el("span", null, v);
      else cell = el("span", "mono", JSON.stringify(v));
      table.appendChild(append(el("tr"), el("td", "key", key), append(el("td"), cell)));
    }
    if (!caption) return table;
    return lazy(caption, () => table);
  }
  function detailNode(i) {
    const rec = RECORDS[i];
    const d = rec.data && typeof rec.data === "object" ? rec.data : {};
    const box = el("div", "detail");
    box.appendChild(el("div", "env", [str(rec.timestamp), "agent " + str(rec.agent), "span " + str(rec.span_id),
      "parent " + str(rec.parent_span_id || "—"), isNum(rec.duration_ms) ? rec.duration_ms + " ms" : ""]
      .filter(Boolean).join(" · ")));
    box.appendChild(fieldTable(d));
    box.appendChild(lazy("Raw JSON", () => longText(JSON.stringify(rec, null, 2))));
    return box;
  }
  function logRow(i) {
    const rec = RECORDS[i];
    const type = str(rec.event_type);
    const d = rec.data && typeof rec.data === "object" ? rec.data : {};
    const s = spec(type, d, rec);
    const bad = (type === "verify_run" || type === "task_end") && !d.success && d.status !== "cached";
    const row = append(el("div", "row " + typeClass(type) + (bad ? " bad" : "")),
      el("span", "time", fmtOffset(OFFSETS[i])), el("span", "type", type),
      el("span", "task", str(d.task_id)), el("span", "agent", str(rec.agent)),
      el("span", "sum", shorten(s.what + (s.aside ? " · " + s.aside : ""), 300)));
    row.title = str(rec.timestamp);
    let detail = null;
    row.addEventListener("click", () => {
      if (!detail) {
        detail = detailNode(i);
        row.after(detail);
      } else {
        detail.hidden = !detail.hidden;
      }
      row.classList.toggle("open", !detail.hidden);
    });
    return row;
  }
  function renderLog(panel) {
    const bar = el("div", "toolbar");
    const search = el("input");
    search.type = "search";
    search.placeholder = "Search events (text in any field)";
    const typeSel = el("select");
    const taskSel = el("select");
    const types = new Map();
    for (const r of RECORDS) types.set(str(r.event_type), (types.get(str(r.event_type)) || 0) + 1);
    typeSel.appendChild(new Option("all event types", ""));
    for (const [t, n] of types) typeSel.appendChild(new Option(t + " (" + n + ")", t));
    taskSel.appendChild(new Option("all tasks", ""));
    taskSel.appendChild(new Option("run (no task)", "\u0000run"));
    for (const t of RUN.tasks || []) taskSel.appendChild(new Option(t.task_id + " " + shorten(t.name, 40), t.key));
    const count = el("span", "count");
    append(bar, search, typeSel, taskSel, count);
    const list = el("div", "log");
    append(panel, bar, list);
    const owner = new Array(RECORDS.length).fill("\u0000run");
    for (const t of RUN.tasks || []) for (const i of t.events) owner[i] = t.key;
    const haystack = [];
    const draw = () => {
      const q = search.value.trim().toLowerCase();
      const type = typeSel.value;
      const task = taskSel.value;
      const rows = [];
      for (let i = 0; i < RECORDS.length; i++) {
        if (type && str(RECORDS[i].event_type) !== type) continue;
        if (task && owner[i] !== task) continue;
        if (q) {
          if (haystack[i] === undefined) haystack[i] = JSON.stringify(RECORDS[i]).toLowerCase();
          if (!haystack[i].includes(q)) continue;
        }
        rows.push(i);
      }
      list.textContent = "";
      count.textContent = "showing " + fmtInt(rows.length) + " of " + fmtInt(RECORDS.length) + " events";
      if (!rows.length) list.appendChild(el("div", "empty", "No matching events."));
      chunked(list, rows.length, (k) => logRow(rows[k]));
    };
    let timer = 0;
    search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(draw, 200);
    });
    typeSel.addEventListener("change", draw);
    taskSel.addEventListener("change", draw);
    draw();
  }

  /* ---------- tabs ---------- */

  const RENDER = { feed: renderFeed, timeline: renderTimeline, cost: renderCost, log: renderLog };
  const drawn = {};
  function showTab(name) {
    for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("active", b.dataset.tab === name);
    for (const key of Object.keys(RENDER)) {
      const panel = document.getElementById("tab-" + key);
      panel.hidden = key !== name;
      if (key === name && !drawn[key]) {
        drawn[key] = true;
        RENDER[key](panel);
      }
    }
  }
  for (const b of document.querySelectorAll("#tabs button")) {
    b.addEventListener("click", () => showTab(b.dataset.tab));
    if (b.dataset.tab === "log") b.appendChild(el("span", "count", fmtInt(RECORDS.length)));
  }
  renderHeader();
  showTab("feed");
})();
