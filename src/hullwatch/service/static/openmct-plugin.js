// hullwatch telemetry plugin for Open MCT (https://github.com/nasa/openmct).
//
// Usage, in a page that has loaded openmct.js:
//   <script src="http://127.0.0.1:8000/static/openmct-plugin.js"></script>
//   openmct.install(HullwatchPlugin({ url: "http://127.0.0.1:8000" }));
// The url defaults to the page's own origin (the page served by hullwatch at /openmct/).
//
// It adds a root folder "hullwatch" holding every measurement of the service's
// dictionary (/api/openmct/dictionary): raw channels and the derived series (gas mass,
// leak rate and its 95 % bounds, alarm state, risk index). Historical requests go to
// /api/openmct/history/<key> with start, end and Open MCT's strategy (latest or minmax)
// and size; realtime points come over one WebSocket (/api/openmct/realtime).
"use strict";
(function (global) {
  const NAMESPACE = "hullwatch.taxonomy";
  const ROOT_KEY = "hullwatch";
  const TYPE = "hullwatch.telemetry";

  function HullwatchPlugin(options) {
    const base = ((options && options.url) || global.location.origin).replace(/\/$/, "");
    const stats = { historical: 0, realtime: 0, requests: [], byKey: {} };
    global.hullwatchOpenMct = stats;
    let dictionary = null;
    const getDictionary = () => {
      if (!dictionary) {
        dictionary = fetch(base + "/api/openmct/dictionary").then((r) => {
          if (!r.ok) throw new Error("hullwatch dictionary: " + r.status);
          return r.json();
        });
      }
      return dictionary;
    };

    return function install(openmct) {
      openmct.objects.addRoot({ namespace: NAMESPACE, key: ROOT_KEY });
      openmct.objects.addProvider(NAMESPACE, {
        get(identifier) {
          return getDictionary().then((dict) => {
            if (identifier.key === ROOT_KEY) {
              return { identifier, name: dict.name, type: "folder", location: "ROOT" };
            }
            const m = dict.measurements.find((x) => x.key === identifier.key);
            if (!m) return undefined;
            return {
              identifier,
              name: m.name,
              type: TYPE,
              telemetry: { values: m.values },
              location: NAMESPACE + ":" + ROOT_KEY,
            };
          });
        },
      });
      openmct.composition.addProvider({
        appliesTo: (obj) => obj.identifier.namespace === NAMESPACE && obj.type === "folder",
        load: () =>
          getDictionary().then((dict) =>
            dict.measurements.map((m) => ({ namespace: NAMESPACE, key: m.key }))),
      });
      openmct.types.addType(TYPE, {
        name: "hullwatch measurement",
        description: "A raw channel or a derived series of hullwatch",
        cssClass: "icon-telemetry",
      });

      // Historical telemetry.
      openmct.telemetry.addProvider({
        supportsRequest: (obj) => obj.type === TYPE,
        request(obj, opts) {
          const key = obj.identifier.key;
          const params = new URLSearchParams({ start: String(Math.floor(opts.start)), end: String(Math.ceil(opts.end)) });
          if (opts.strategy === "latest" || opts.strategy === "minmax") params.set("strategy", opts.strategy);
          if (opts.size) params.set("size", String(Math.max(2, Math.min(20000, opts.size))));
          const url = `${base}/api/openmct/history/${encodeURIComponent(key)}?${params}`;
          return fetch(url, { signal: opts.signal }).then((r) => r.json()).then((points) => {
            stats.historical += points.length;
            stats.requests.push({ key, strategy: opts.strategy || "all", points: points.length });
            return points;
          });
        },
      });

      // Realtime telemetry: one socket, subscriptions by key.
      const listeners = {};
      let socket = null;
      let opened = null;
      const send = (text) => {
        if (!socket) {
          socket = new WebSocket(base.replace(/^http/, "ws") + "/api/openmct/realtime");
          opened = new Promise((resolve) => { socket.onopen = resolve; });
          socket.onmessage = (event) => {
            const points = JSON.parse(event.data);  // an array per ingest; else a notice
            if (!Array.isArray(points)) return;
            for (const point of points) {
              stats.realtime += 1;
              stats.byKey[point.id] = (stats.byKey[point.id] || 0) + 1;
              (listeners[point.id] || []).forEach((callback) => callback(point));
            }
          };
          socket.onclose = () => { socket = null; };
        }
        opened.then(() => socket && socket.send(text));
      };
      openmct.telemetry.addProvider({
        supportsSubscribe: (obj) => obj.type === TYPE,
        subscribe(obj, callback) {
          const key = obj.identifier.key;
          listeners[key] = listeners[key] || [];
          listeners[key].push(callback);
          if (listeners[key].length === 1) send("subscribe " + key);
          return function unsubscribe() {
            listeners[key] = (listeners[key] || []).filter((c) => c !== callback);
            if (!listeners[key].length) send("unsubscribe " + key);
          };
        },
      });
    };
  }

  global.HullwatchPlugin = HullwatchPlugin;
})(window);
