// hullwatch live dashboard: plots extended in place (Plotly.extendTraces), alarms with
// acknowledgement, a schematic of modules and hatches, and the risk matrix.
// Everything is loaded from this service; nothing from elsewhere.
"use strict";
(function () {
  const MAX_POINTS = 20000;           // points kept per trace in the browser
  const $ = (id) => document.getElementById(id);
  const hw = { modules: [], lastPressure: {}, lastLeak: 0, alarms: new Map(), updates: 0 };
  window.hullwatchDashboard = hw;

  const tokenInput = $("token");
  tokenInput.value = sessionStorage.getItem("hullwatch-token") || "";
  tokenInput.addEventListener("change", () => sessionStorage.setItem("hullwatch-token", tokenInput.value));

  async function getJSON(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(url + ": " + response.status);
    return response.json();
  }
  const fmtTime = (iso) => (iso || "").replace("T", " ").slice(0, 19);
  const layoutBase = (title) => ({
    margin: { l: 55, r: 10, t: 10, b: 35 }, xaxis: { type: "date" }, yaxis: { title: title },
    legend: { font: { size: 10 } }, uirevision: "keep",
  });

  // ---------------------------------------------------------------- pressure plot
  async function initPressure() {
    const histories = await Promise.all(hw.modules.map((m) =>
      getJSON(`/api/history?key=${encodeURIComponent(m + ".pressure")}&strategy=minmax&size=4000`)));
    const traces = hw.modules.map((m, i) => {
      const h = histories[i];
      hw.lastPressure[m] = h.time_ms.length ? h.time_ms[h.time_ms.length - 1] : -Infinity;
      return { name: m, x: h.time_ms, y: h.values, mode: "lines", type: "scatter" };
    });
    await Plotly.newPlot("pressure-plot", traces, layoutBase("mmHg"), { responsive: true, displaylogo: false });
  }

  function extendPressure(msg) {
    const xs = [], ys = [], idx = [];
    hw.modules.forEach((m, i) => {
      const field = msg.modules[m];
      if (!field) return;
      const x = [], y = [];
      msg.time_ms.forEach((t, k) => {
        const v = field.pressure[k];
        if (v !== null && t > hw.lastPressure[m]) { x.push(t); y.push(v); }
      });
      if (x.length) { xs.push(x); ys.push(y); idx.push(i); hw.lastPressure[m] = x[x.length - 1]; }
    });
    if (idx.length) Plotly.extendTraces("pressure-plot", { x: xs, y: ys }, idx, MAX_POINTS);
  }

  // ---------------------------------------------------------------- leak-rate plot
  const leakSelect = $("leak-module");
  async function initLeak() {
    const m = leakSelect.value;
    const keys = ["leak_rate_lo95", "leak_rate_hi95", "leak_rate"].map((f) => encodeURIComponent(m + "." + f));
    const [lo, hi, rate] = await Promise.all(keys.map((k) => getJSON(`/api/history?key=${k}&size=8000`)));
    const last = rate.time_ms.length ? rate.time_ms[rate.time_ms.length - 1] : -Infinity;
    hw.lastLeak = last;
    const traces = [
      { name: "95 % low", x: lo.time_ms, y: lo.values, mode: "lines", line: { width: 0 }, showlegend: false },
      { name: "95 % interval", x: hi.time_ms, y: hi.values, mode: "lines", line: { width: 0 },
        fill: "tonexty", fillcolor: "rgba(192,57,43,0.2)" },
      { name: "leak rate", x: rate.time_ms, y: rate.values, mode: "lines", line: { color: "#c0392b" } },
    ];
    await Plotly.react("leak-plot", traces, layoutBase("kg/day"), { responsive: true, displaylogo: false });
  }

  function extendLeak(msg) {
    const field = msg.modules[leakSelect.value];
    if (!field) return;
    const cols = [[], [], [], [], [], []];
    msg.time_ms.forEach((t, k) => {
      if (t <= hw.lastLeak) return;
      const parts = [field.leak_rate_lo95[k], field.leak_rate_hi95[k], field.leak_rate[k]];
      parts.forEach((v, j) => { if (v !== null) { cols[2 * j].push(t); cols[2 * j + 1].push(v); } });
    });
    if (msg.time_ms.length) hw.lastLeak = Math.max(hw.lastLeak, msg.time_ms[msg.time_ms.length - 1]);
    Plotly.extendTraces("leak-plot", { x: [cols[0], cols[2], cols[4]], y: [cols[1], cols[3], cols[5]] },
      [0, 1, 2], MAX_POINTS);
  }

  // ---------------------------------------------------------------- alarms
  function renderAlarms() {
    const body = document.querySelector("#alarms tbody");
    body.replaceChildren();
    const records = [...hw.alarms.values()].sort((a, b) => b.id - a.id);
    for (const a of records) {
      const tr = document.createElement("tr");
      tr.id = "alarm-" + a.id;
      tr.className = "alarm-row " + a.kind + (a.acknowledged ? " acked" : " unacked");
      const cells = [a.id, fmtTime(a.time), a.kind.replace("_", " "), a.compartment.join(", "), a.message];
      for (const text of cells) {
        const td = document.createElement("td");
        td.textContent = String(text);
        tr.appendChild(td);
      }
      const td = document.createElement("td");
      if (a.acknowledged) {
        td.textContent = "ack " + (a.acknowledged_by || "");
      } else {
        const button = document.createElement("button");
        button.textContent = "acknowledge";
        button.className = "ack";
        button.addEventListener("click", () => acknowledge(a.id));
        td.appendChild(button);
      }
      tr.appendChild(td);
      body.appendChild(tr);
    }
    const active = records.filter((a) => !a.acknowledged).length;
    $("alarm-count").textContent = active + " active";
  }

  async function acknowledge(id) {
    $("ack-error").textContent = "";
    const response = await fetch(`/api/alarms/${id}/acknowledge`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + tokenInput.value },
      body: JSON.stringify({ by: "dashboard" }),
    });
    if (!response.ok) {
      $("ack-error").textContent = `acknowledge failed (${response.status}): ` +
        (response.status === 401 ? "enter the write token" : response.status === 403 ? "wrong token" : "");
      return;
    }
    const record = await response.json();
    hw.alarms.set(record.id, record);
    renderAlarms();
    refreshSchematic();
  }

  // ---------------------------------------------------------------- schematic
  let habitat = null;
  let hatchStates = {};
  function refreshSchematic() {
    if (!habitat) return;
    const svg = $("schematic");
    const ns = "http://www.w3.org/2000/svg";
    const W = 96, H = 34, GX = 118, GY = 44;
    const pos = {};
    let maxX = 0, maxY = 0;
    for (const m of habitat.modules) {
      pos[m.name] = [10 + m.x * GX, 10 + m.y * GY];
      maxX = Math.max(maxX, pos[m.name][0] + W); maxY = Math.max(maxY, pos[m.name][1] + H);
    }
    svg.setAttribute("viewBox", `0 0 ${maxX + 10} ${maxY + 10}`);
    svg.replaceChildren();
    const inAlarm = new Set();
    for (const a of hw.alarms.values()) if (!a.acknowledged) a.compartment.forEach((m) => inAlarm.add(m));
    for (const h of habitat.hatches) {
      const [a, b] = h.between.map((m) => pos[m]);
      const line = document.createElementNS(ns, "line");
      line.setAttribute("x1", a[0] + W / 2); line.setAttribute("y1", a[1] + H / 2);
      line.setAttribute("x2", b[0] + W / 2); line.setAttribute("y2", b[1] + H / 2);
      const state = hatchStates[h.name] || "unknown";
      line.setAttribute("class", "hatch " + state);
      line.setAttribute("stroke", state === "closed" ? "#c0392b" : state === "open" ? "#2e8b57" : "#999");
      line.setAttribute("stroke-width", state === "closed" ? 4 : 2);
      if (state === "closed") line.setAttribute("stroke-dasharray", "5,3");
      const title = document.createElementNS(ns, "title");
      title.textContent = `${h.name}: ${state}`;
      line.appendChild(title);
      svg.appendChild(line);
    }
    for (const m of habitat.modules) {
      const [x, y] = pos[m.name];
      const g = document.createElementNS(ns, "g");
      g.setAttribute("class", "module" + (inAlarm.has(m.name) ? " alarm" : ""));
      g.setAttribute("data-module", m.name);
      const rect = document.createElementNS(ns, "rect");
      rect.setAttribute("x", x); rect.setAttribute("y", y); rect.setAttribute("width", W);
      rect.setAttribute("height", H); rect.setAttribute("rx", 5);
      rect.setAttribute("fill", inAlarm.has(m.name) ? "#ffb3a7" : "#e8eef6");
      rect.setAttribute("stroke", "#1c2430");
      const text = document.createElementNS(ns, "text");
      text.setAttribute("x", x + W / 2); text.setAttribute("y", y + 14);
      text.setAttribute("text-anchor", "middle"); text.setAttribute("font-size", "10");
      text.textContent = m.name;
      const value = document.createElementNS(ns, "text");
      value.setAttribute("x", x + W / 2); value.setAttribute("y", y + 27);
      value.setAttribute("text-anchor", "middle"); value.setAttribute("font-size", "9");
      const p = hw.latestPressure && hw.latestPressure[m.name];
      value.textContent = p == null ? "–" : p.toFixed(1) + " mmHg";
      g.append(rect, text, value);
      svg.appendChild(g);
    }
  }

  // ---------------------------------------------------------------- risk matrix
  function renderRisk(risk) {
    const box = $("risk");
    box.replaceChildren();
    if (!risk || !risk.table) {
      box.textContent = "risk matrix not available" + (risk && risk.reason ? ": " + risk.reason : "");
      return;
    }
    const table = document.createElement("table");
    const current = risk.current || null;
    risk.table.zone_grid.forEach((row, i) => {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.textContent = "L" + (5 - i);
      tr.appendChild(th);
      [...row].forEach((letter, j) => {
        const td = document.createElement("td");
        const zone = risk.table.zones[letter] || { color: "#ccc", name: letter };
        td.style.background = zone.color;
        td.title = `likelihood ${5 - i}, consequence ${j + 1}: ${zone.name}`;
        if (current && current.likelihood === 5 - i && current.consequence === j + 1) {
          td.className = "current"; td.textContent = "●";
        }
        tr.appendChild(td);
      });
      table.appendChild(tr);
    });
    const foot = document.createElement("tr");
    foot.appendChild(document.createElement("th"));
    for (let j = 1; j <= 5; j++) { const th = document.createElement("th"); th.textContent = "C" + j; foot.appendChild(th); }
    table.appendChild(foot);
    box.appendChild(table);
    const note = document.createElement("p");
    note.className = "legend";
    note.textContent = (current ? current.summary || "" : "no current assessment") +
      (risk.table.disclaimer ? " — " + risk.table.disclaimer : "");
    box.appendChild(note);
  }

  // ---------------------------------------------------------------- events
  function addEvents(events) {
    const list = $("events");
    for (const e of events) {
      const li = document.createElement("li");
      const where = e.hatch || (e.compartment || []).join(", ");
      li.textContent = `${fmtTime(e.start)} ${e.kind} ${where}`;
      list.prepend(li);
    }
    while (list.children.length > 300) list.lastChild.remove();
  }

  // ---------------------------------------------------------------- stream
  function applyState(state) {
    if (state.time) $("data-time").textContent = fmtTime(state.time);
    if (state.rows_ingested !== undefined) $("rows").textContent = state.rows_ingested;
    if (state.hatches) hatchStates = state.hatches;
  }

  function onUpdate(msg) {
    hw.updates += 1;
    if (msg.time_ms.length) {
      extendPressure(msg);
      extendLeak(msg);
      hw.latestPressure = hw.latestPressure || {};
      for (const m of hw.modules) {
        const f = msg.modules[m];
        if (!f) continue;
        for (let k = f.pressure.length - 1; k >= 0; k--) if (f.pressure[k] !== null) { hw.latestPressure[m] = f.pressure[k]; break; }
      }
      $("data-time").textContent = fmtTime(msg.time);
    }
    if (msg.rows_ingested) $("rows").textContent = msg.rows_ingested;
    for (const a of msg.alarms) hw.alarms.set(a.id, a);
    if (msg.alarms.length) {
      renderAlarms();
      // Until the operator picks a module, the leak-rate plot follows the latest alarm.
      const module = msg.alarms[msg.alarms.length - 1].compartment[0];
      if (!hw.leakChosen && leakSelect.value !== module) { leakSelect.value = module; initLeak(); }
    }
    addEvents(msg.events);
    hatchStates = msg.hatches || hatchStates;
    if (msg.risk !== undefined && msg.risk !== null) renderRisk(Object.assign({}, hw.risk, { current: msg.risk }));
    refreshSchematic();
  }

  function connect(queue) {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${proto}//${location.host}/api/stream`);
    ws.onopen = () => { $("conn").textContent = "live"; $("conn").className = "good"; };
    ws.onclose = () => {
      $("conn").textContent = "reconnecting"; $("conn").className = "bad";
      setTimeout(() => connect(null), 2000);
    };
    ws.onmessage = (event) => {
      const msg = JSON.parse(event.data);
      if (queue) { queue.push(msg); return; }
      if (msg.type === "update") onUpdate(msg);
      else if (msg.type === "hello") applyState(msg);
      else if (msg.type === "lagged") console.warn("stream lagged: " + msg.dropped + " messages dropped");
    };
    return ws;
  }

  async function refreshCounts() {
    try { applyState(await getJSON("/api/state")); } catch (e) { /* next time */ }
  }

  async function main() {
    const early = [];
    const ws = connect(early);      // messages that arrive while the history loads wait here
    habitat = await getJSON("/api/habitat");
    $("habitat-name").textContent = "— " + habitat.name;
    hw.modules = habitat.modules.map((m) => m.name);
    for (const m of hw.modules) {
      const option = document.createElement("option");
      option.value = m; option.textContent = m;
      leakSelect.appendChild(option);
    }
    const state = await getJSON("/api/state");
    applyState(state);
    const withRate = state.compartments.find((c) => c.leak_rate_kg_per_day !== null);
    leakSelect.value = withRate ? withRate.compartment[0] : hw.modules[0];
    leakSelect.addEventListener("change", () => { hw.leakChosen = true; initLeak(); });
    await Promise.all([initPressure(), initLeak()]);
    for (const a of (await getJSON("/api/alarms")).alarms) hw.alarms.set(a.id, a);
    renderAlarms();
    addEvents((await getJSON("/api/events?limit=100")).events);
    hw.risk = await getJSON("/api/risk");
    renderRisk(hw.risk);
    refreshSchematic();
    ws.onmessage = (event) => {
      const msg = JSON.parse(event.data);
      if (msg.type === "update") onUpdate(msg);
      else if (msg.type === "hello") applyState(msg);
    };
    for (const msg of early) if (msg.type === "update") onUpdate(msg);
    setInterval(refreshCounts, 5000);
    hw.ready = true;
    document.body.dataset.ready = "1";
  }
  main().catch((error) => { console.error(error); $("conn").textContent = "error: " + error.message; });
})();
