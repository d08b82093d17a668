// The page's one script: post the input to POST /segment?explain=1 and draw the answer.
// Every text from the input or the answer goes into the page with textContent, never as
// markup: a pasted page is data, and must not become part of this one.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const form = $("form");
  const textarea = $("text");
  const fileInput = $("file");
  const go = $("go");
  const statusBox = $("status");
  const problemBox = $("problem");
  const result = $("result");
  const linesList = $("lines");

  // The bytes of an opened file, kept until the textarea is edited: posting them as they are
  // lets the service detect their encoding, as it would for any client.
  let opened = null; // {bytes: Uint8Array, text: string, exact: boolean, name: string}
  let answer = null; // the last successful answer, for the copy button

  const say = (message) => { statusBox.textContent = message; };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function format() {
    return form.querySelector('input[name="format"]:checked').value;
  }

  function setFormat(type) {
    form.querySelector(`input[name="format"][value="${type}"]`).checked = true;
  }

  fileInput.addEventListener("change", async () => {
    const file = fileInput.files[0];
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    setFormat(/\.html?$/i.test(file.name) || file.type === "text/html" ? "text/html" : "text/plain");
    let text;
    let exact = true;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      // Not UTF-8: shown here with replacement characters, sent as bytes for the service to
      // decode, and the result drawn from the pieces it returns.
      text = new TextDecoder("utf-8").decode(bytes);
      exact = false;
    }
    textarea.value = text;
    opened = { bytes, text, exact, name: file.name };
    say(`Opened ${file.name} (${bytes.length} bytes). Press Segment.`);
  });

  textarea.addEventListener("input", () => {
    opened = null;
    fileInput.value = "";
  });

  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });

  async function run() {
    const type = format();
    const body = opened ? opened.bytes : textarea.value;
    // A file's bytes go without a charset, for the service to detect; typed text is UTF-8.
    const contentType = opened ? type : `${type}; charset=utf-8`;
    // The input's own lines, when the answer's line numbers refer to them.
    const exact = !opened || opened.exact;
    const text = type === "text/plain" && exact ? textarea.value : null;

    go.disabled = true;
    result.setAttribute("aria-busy", "true");
    problemBox.hidden = true;
    say("Segmenting…");
    try {
      const response = await fetch("segment?explain=1", {
        method: "POST",
        headers: { "Content-Type": contentType, Accept: "application/json" },
        body,
      });
      const raw = await response.text();
      let data = null;
      try {
        data = JSON.parse(raw);
      } catch {
        data = null;
      }
      if (!response.ok || data === null || typeof data !== "object") {
        showProblem(response, data, raw);
        return;
      }
      answer = data;
      render(data, text);
      const s = data.stats;
      say(`Segmented ${s.lines} lines: ${s.body_lines} of story, ` +
          `${s.teasers} teasers, ${s.removed} removed.`);
    } catch (error) {
      showProblem(null, { title: "The service did not answer", detail: String(error) }, "");
    } finally {
      go.disabled = false;
      result.removeAttribute("aria-busy");
    }
  }

  // An error answer is an RFC 9457 problem: its title and detail say what went wrong.
  function showProblem(response, data, raw) {
    const problem = data && typeof data === "object" ? data : {};
    const status = response ? response.status : null;
    const title = problem.title ||
      (response ? `${response.status} ${response.statusText}`.trim() : "Error");
    const detail = problem.detail || (raw ? raw.slice(0, 500) : "");
    problemBox.replaceChildren(
      el("h2", "problem-title", status ? `${title} (${status})` : title),
      el("p", "problem-detail", detail),
    );
    problemBox.hidden = false;
    result.hidden = true;
    say(`Error: ${title}.`);
  }

  // Every piece of the answer with its role, in input order: title, body paragraphs,
  // teasers (numbered) and removed lines. Lines are numbered from 1.
  function pieces(data) {
    const all = [
      ...(data.title ? [{ role: "title", piece: data.title }] : []),
      ...data.body.map((piece) => ({ role: "body", piece })),
      ...data.teasers.map((piece, i) => ({ role: "teaser", piece, index: i + 1 })),
      ...data.removed.map((piece) => ({ role: "removed", piece })),
    ];
    return all.sort((a, b) => a.piece.line - b.piece.line);
  }

  // The role of each input line: a piece spanning lines (end_line) gives all of them its role.
  function roles(data) {
    const byLine = new Map();
    for (const info of pieces(data)) {
      const end = info.piece.end_line ?? info.piece.line;
      for (let n = info.piece.line; n <= end; n += 1) {
        byLine.set(n, { ...info, first: n === info.piece.line });
      }
    }
    return byLine;
  }

  function badgeText(info) {
    if (info.role === "removed") return `removed: ${info.piece.reason}`;
    if (info.role === "teaser") return `teaser ${info.index}`;
    return info.role;
  }

  function whyText(decision) {
    if (!decision) return "no explanation for this line";
    const score = decision.score === undefined ? "" : ` · model score ${decision.score}`;
    return `${decision.fate}: rule ${decision.rule}${score}`;
  }

  // The line's text with the parts the answer names marked: a title's prefix and suffix
  // (kept out of the headline), a teaser's kicker and title.
  function lineText(line, info) {
    const box = el("span", "text");
    const marks = [];
    if (info && info.role === "title" && info.first) {
      marks.push([info.piece.text, "headline"]);
    } else if (info && info.role === "teaser") {
      if (info.piece.kicker) marks.push([info.piece.kicker, "kicker"]);
      if (info.piece.title) marks.push([info.piece.title, "teaser-title"]);
    }
    let rest = line;
    for (const [part, kind] of marks) {
      const at = rest.indexOf(part);
      if (at < 0) continue;
      box.append(rest.slice(0, at), el("mark", kind, part));
      rest = rest.slice(at + part.length);
    }
    box.append(rest);
    return box;
  }

  // What the service made of a line, under it: a teaser's kicker, title, text and whether
  // it was cut off; a headline's prefix and suffix (a breadcrumb, a site name).
  function parts(info) {
    const piece = info.piece;
    const named = info.role === "teaser"
      ? [
          ["kicker", piece.kicker ?? "none"],
          ["title", piece.title ?? "none"],
          ["text", `${piece.text.length} characters`],
          ["truncated", piece.truncated ? "yes" : "no"],
          ...(piece.label ? [["label", piece.label]] : []),
        ]
      : [["prefix", piece.prefix], ["suffix", piece.suffix]].filter(([, value]) => value);
    if (!named.length) return null;
    const box = el("span", "parts");
    for (const [name, value] of named) {
      const item = el("span", "part");
      item.append(el("span", "part-name", name), " ", el("span", "part-value", value));
      box.append(item);
    }
    return box;
  }

  function row(number, text, info, decision) {
    const role = info ? info.role : text.trim() === "" ? "blank" : "unaccounted";
    const item = el("li", `row role-${role}`);
    if (info && info.role === "removed") item.classList.add(`reason-${info.piece.reason}`);
    item.tabIndex = -1;
    item.dataset.line = String(number);
    item.append(el("span", "num", String(number)));
    item.append(el("span", "badge", info ? badgeText(info) : role));
    item.append(lineText(text, info));
    const named = info && info.first && ["teaser", "title"].includes(info.role) ? parts(info) : null;
    if (named) item.append(named);
    if (role !== "blank") {
      const why = el("span", "why", whyText(decision));
      why.id = `why-${number}`;
      why.setAttribute("role", "tooltip");
      item.setAttribute("aria-describedby", why.id);
      item.append(why);
    }
    return item;
  }

  // With the input's own text every line is shown, blank ones too; without it (HTML, whose
  // lines are those of the text extracted from the markup, or a file that is not UTF-8)
  // each piece of the answer is one row, at its line numbers.
  function rows(data, text) {
    const explain = new Map((data.explain || []).map((d) => [d.line, d]));
    const lines = text === null ? null : text.split(/\r\n|\r|\n/);
    if (data.source === "text" && lines && lines.length === data.stats.lines) {
      const byLine = roles(data);
      const items = lines.map((line, i) => row(i + 1, line, byLine.get(i + 1), explain.get(i + 1)));
      return { note: null, items };
    }
    const items = pieces(data).map((info) => {
      const piece = info.piece;
      const shown = info.role === "title"
        ? [piece.prefix, piece.text, piece.suffix].filter(Boolean).join(" ")
        : info.role === "teaser"
          ? [piece.label, piece.kicker, piece.title, piece.text].filter(Boolean).join(" ")
          : piece.text;
      const item = row(piece.line, shown, { ...info, first: true }, explain.get(piece.line));
      if (piece.end_line) item.querySelector(".num").textContent = `${piece.line}–${piece.end_line}`;
      return item;
    });
    const note = data.source === "html"
      ? "The input was HTML: these are the pieces of the text the service extracted from the " +
        "markup, numbered by the lines of that text; blank lines are not shown."
      : "These are the pieces of the answer, at their line numbers; blank lines are not shown.";
    return { note, items };
  }

  function chip(label, count, className) {
    const item = el("li", `chip ${className}`);
    item.append(el("span", "chip-label", label), " ", el("span", "chip-count", String(count)));
    return item;
  }

  function render(data, text) {
    $("r-title").textContent = data.title ? data.title.text : "none found";
    $("r-language").textContent = `${data.language.code} (confidence ${data.language.confidence})`;
    $("r-fingerprint").textContent = data.fingerprint;
    $("r-lines").textContent = `${data.stats.lines} (source: ${data.source})`;

    const teaserLines = data.teasers.reduce((n, t) => n + (t.end_line ?? t.line) - t.line + 1, 0);
    $("r-roles").replaceChildren(
      chip("title", data.title ? 1 : 0, "role-title"),
      chip("body", data.stats.body_lines, "role-body"),
      chip(`teasers (${teaserLines} lines)`, data.stats.teasers, "role-teaser"),
      chip("removed", data.stats.removed, "role-removed"),
    );
    const reasons = new Map();
    for (const r of data.removed) reasons.set(r.reason, (reasons.get(r.reason) || 0) + 1);
    const byCount = [...reasons].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    $("r-reasons").replaceChildren(
      ...(byCount.length
        ? byCount.map(([reason, n]) => chip(reason, n, `role-removed reason-${reason}`))
        : [el("li", "chip none", "nothing removed")]),
    );

    const { note, items } = rows(data, text);
    $("r-note").textContent = note || "";
    $("r-note").hidden = !note;
    linesList.replaceChildren(...items);
    const first = linesList.querySelector(".row:not(.role-blank)") || linesList.firstElementChild;
    if (first) first.tabIndex = 0;
    problemBox.hidden = true;
    result.hidden = false;
  }

  // One tab stop for the list; the arrow keys move between its lines (a roving tabindex).
  linesList.addEventListener("keydown", (event) => {
    const current = event.target.closest(".row");
    if (!current) return;
    const all = [...linesList.querySelectorAll(".row:not(.role-blank)")];
    const at = all.indexOf(current);
    const target = {
      ArrowDown: all[at + 1], ArrowUp: all[at - 1], Home: all[0], End: all[all.length - 1],
    }[event.key];
    if (!target) return;
    event.preventDefault();
    current.tabIndex = -1;
    target.tabIndex = 0;
    target.focus();
  });

  linesList.addEventListener("focusin", (event) => {
    const current = event.target.closest(".row");
    if (!current) return;
    for (const other of linesList.querySelectorAll('.row[tabindex="0"]')) other.tabIndex = -1;
    current.tabIndex = 0;
  });

  $("copy").addEventListener("click", async () => {
    if (!answer) return;
    const json = JSON.stringify(answer, null, 2);
    try {
      await navigator.clipboard.writeText(json);
    } catch {
      // No clipboard API off a secure origin (plain http to a host name): the old way.
      const scratch = el("textarea", "offscreen");
      scratch.value = json;
      document.body.append(scratch);
      scratch.select();
      const copied = document.execCommand("copy");
      scratch.remove();
      $("copy").focus(); // select() took the focus away from the button
      if (!copied) {
        say("Could not copy: the browser refused access to the clipboard.");
        return;
      }
    }
    say(`Copied the JSON (${json.length} characters).`);
  });
})();
