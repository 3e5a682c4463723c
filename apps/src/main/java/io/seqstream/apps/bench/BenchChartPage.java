package io.seqstream.apps.bench;

import java.util.List;
import java.util.Locale;

/**
 * The latency-vs-load results as a self-contained page (no network): the data as JSON and a small script that
 * draws the charts as SVG, p50 / p99 / p99.9 of visible latency per load for each mode, and the highest rate each mode
 * kept up with live (the loads' 100 %). Every drawn series is a {@code <g class="series" data-series="...">}, so a headless browser can
 * check what the page shows.
 */
final class BenchChartPage {
    private BenchChartPage() {
    }

    static String html(String title, String subtitle, List<LatencyVsLoad.ModeResult> results) {
        StringBuilder data = new StringBuilder("[");
        for (int i = 0; i < results.size(); i++) {
            LatencyVsLoad.ModeResult r = results.get(i);
            data.append(i == 0 ? "" : ",")
                    .append(String.format(Locale.ROOT, "{\"mode\":%s,\"max\":%.1f,\"drain\":%.1f,\"points\":[", json(r.mode().label()),
                            r.maxPerSecond(), r.drainPerSecond()));
            for (int j = 0; j < r.points().size(); j++) {
                LatencyVsLoad.Point p = r.points().get(j);
                data.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT,
                        "{\"load\":%.3f,\"rate\":%d,\"p50\":%d,\"p99\":%d,\"p999\":%d}", p.load(), p.rate(), p.p50(), p.p99(), p.p999()));
            }
            data.append("]}");
        }
        data.append("]");
        return """
                <!doctype html><html><head><meta charset="utf-8"><title>%s</title>
                <style>body{font-family:sans-serif;margin:24px;color:#222}svg{background:#fafafa;border:1px solid #ddd;margin:4px}
                .legend span{display:inline-block;margin-right:14px;font-size:13px}</style></head><body>
                <h1>%s</h1><p>%s</p>
                <h2>Visible latency (event sent to prediction read) against load</h2><div id="latency"></div>
                <h2>Highest rate kept up with live, per mode (100 %% of the loads above)</h2><div id="throughput"></div>
                <script>
                const DATA = %s;
                const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
                const NS = "http://www.w3.org/2000/svg";
                function el(name, attrs, parent) {
                  const e = document.createElementNS(NS, name);
                  for (const k in attrs) e.setAttribute(k, attrs[k]);
                  if (parent) parent.appendChild(e);
                  return e;
                }
                function text(parent, x, y, s, anchor) {
                  const t = el("text", {x: x, y: y, "font-size": 11, "text-anchor": anchor || "start"}, parent);
                  t.textContent = s;
                }
                // One chart per quantile: x = load (%% of the mode's maximum), y = latency in ms on a log scale.
                function latencyChart(quantile, label) {
                  const w = 420, h = 280, l = 56, r = 12, t = 24, b = 40;
                  const svg = el("svg", {width: w, height: h, "data-chart": quantile}, document.getElementById("latency"));
                  text(svg, w / 2, 14, label, "middle");
                  const all = DATA.flatMap(m => m.points.map(p => Math.max(1, p[quantile])));
                  const ymax = Math.log10(Math.max(10, ...all) * 1.5);
                  const x = load => l + load * (w - l - r);
                  const y = ms => h - b - (Math.log10(Math.max(1, ms)) / ymax) * (h - t - b);
                  el("line", {x1: l, y1: h - b, x2: w - r, y2: h - b, stroke: "#888"}, svg);
                  el("line", {x1: l, y1: t, x2: l, y2: h - b, stroke: "#888"}, svg);
                  for (const ms of [1, 10, 100, 1000, 10000, 100000]) {
                    if (Math.log10(ms) > ymax) break;
                    el("line", {x1: l, y1: y(ms), x2: w - r, y2: y(ms), stroke: "#e4e4e4"}, svg);
                    text(svg, l - 4, y(ms) + 4, ms >= 1000 ? (ms / 1000) + " s" : ms + " ms", "end");
                  }
                  for (const load of [0, 0.25, 0.5, 0.75, 1]) text(svg, x(load), h - b + 14, Math.round(load * 100) + "%%", "middle");
                  text(svg, (w + l) / 2, h - 6, "load (share of the highest rate the mode kept up with)", "middle");
                  DATA.forEach((m, i) => {
                    const g = el("g", {"class": "series", "data-series": m.mode + " " + quantile}, svg);
                    el("polyline", {points: m.points.map(p => x(p.load) + "," + y(p[quantile])).join(" "), fill: "none",
                      stroke: COLORS[i %% COLORS.length], "stroke-width": 2}, g);
                    for (const p of m.points) {
                      const c = el("circle", {cx: x(p.load), cy: y(p[quantile]), r: 3, fill: COLORS[i %% COLORS.length]}, g);
                      el("title", {}, c).textContent = m.mode + ": " + p.rate + " events/s, " + quantile + " " + p[quantile] + " ms";
                    }
                  });
                }
                function throughputChart() {
                  const w = 640, rowH = 26, l = 250, r = 90;
                  const h = DATA.length * rowH + 20;
                  const svg = el("svg", {width: w, height: h, "data-chart": "throughput"}, document.getElementById("throughput"));
                  const max = Math.max(...DATA.map(m => m.max));
                  DATA.forEach((m, i) => {
                    const g = el("g", {"class": "series", "data-series": m.mode + " throughput"}, svg);
                    const y = 10 + i * rowH;
                    text(g, l - 6, y + 14, m.mode, "end");
                    el("rect", {x: l, y: y, width: Math.max(1, (w - l - r) * m.max / max), height: rowH - 8, fill: COLORS[i %% COLORS.length]}, g);
                    text(g, l + (w - l - r) * m.max / max + 4, y + 14, Math.round(m.max).toLocaleString("en") + " /s");
                  });
                }
                latencyChart("p50", "p50");
                latencyChart("p99", "p99");
                latencyChart("p999", "p99.9");
                throughputChart();
                const legend = document.createElement("p");
                legend.className = "legend";
                DATA.forEach((m, i) => {
                  const s = document.createElement("span");
                  s.style.color = COLORS[i %% COLORS.length];
                  s.textContent = "\\u25A0 " + m.mode;
                  legend.appendChild(s);
                });
                document.getElementById("latency").before(legend);
                </script></body></html>
                """
                .formatted(esc(title), esc(title), esc(subtitle), data);
    }

    private static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("<", "\\u003c") + "\"";
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
