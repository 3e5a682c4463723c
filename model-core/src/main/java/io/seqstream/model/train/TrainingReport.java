package io.seqstream.model.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A self-contained HTML page (inline SVG, no scripts, no network) of a run's training: the loss per epoch of every
 * round (one line per round), the holdout accuracy of the serving model and of each round's candidate with their
 * versions and markers where a candidate was published (the prediction operators swap to it), and a table of the
 * rounds, and the stream's online accuracy per event-time window (how often the predictions the job served were right)
 * with markers where another model version started serving. Every drawn series is an SVG
 * {@code <g class="series" data-series="...">}, every marker a {@code <g class="swap" data-version="...">}.
 * Thread-safe; {@link #write} can be called after every window to keep the page current.
 */
public final class TrainingReport {
    /** One epoch of one training round. */
    public record Epoch(long round, int epoch, double loss) {
    }

    /**
     * One evaluated candidate: accuracy of the serving model ({@code servingVersion}) and of the candidate
     * ({@code candidateVersion}) on the same holdout, and whether the candidate was published.
     */
    public record Round(long round, Instant at, long servingVersion, long candidateVersion, double accuracyBefore, double accuracyAfter,
            boolean published, String note) {
    }

    /**
     * One finished event-time window [{@code start}, {@code end}) of the stream: of {@code total} served predictions
     * that could be judged, {@code right} were right; {@code versions} the model versions that served them.
     */
    public record OnlineWindow(Instant start, Instant end, long right, long total, List<Long> versions) {
        public OnlineWindow {
            versions = List.copyOf(new TreeSet<>(versions));
        }

        /** Right / total; NaN for a window without judged predictions. */
        public double accuracy() {
            return total == 0 ? Double.NaN : (double) right / total;
        }
    }

    /** Windows listed in the table below the online-accuracy chart (the newest). */
    private static final int WINDOWS_IN_TABLE = 24;
    private static final String[] COLORS = { "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22" };
    /** Rounds drawn in colour (and named in the legend) in the loss chart; older ones are grey. */
    private static final int LOSS_ROUNDS_IN_COLOUR = 8;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final String title;
    private final List<Epoch> epochs = new ArrayList<>();
    private final List<Round> rounds = new ArrayList<>();
    private final TreeMap<Instant, OnlineWindow> windows = new TreeMap<>();

    public TrainingReport(String title) {
        this.title = title;
    }

    public synchronized void addEpoch(long round, int epoch, double loss) {
        epochs.add(new Epoch(round, epoch, loss));
    }

    public synchronized void addRound(Round r) {
        rounds.add(r);
    }

    public synchronized List<Round> rounds() {
        return List.copyOf(rounds);
    }

    /** Adds a finished window, or replaces the one with the same end (late predictions counted into it). */
    public synchronized void putWindow(OnlineWindow w) {
        windows.put(w.end(), w);
    }

    /** The finished windows, oldest first. */
    public synchronized List<OnlineWindow> windows() {
        return List.copyOf(windows.values());
    }

    public synchronized void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, html(), StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The page as HTML (what {@link #write} writes), for writers that go through another file system. */
    public synchronized String html() {
        StringBuilder sb = new StringBuilder();
        sb.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>")
                .append("<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}svg{background:#fafafa;border:1px solid #ddd}</style>")
                .append("</head><body><h1>").append(esc(title)).append("</h1>");
        long published = rounds.stream().filter(Round::published).count();
        sb.append(String.format(Locale.ROOT, "<p>%d round%s, %d published", rounds.size(), rounds.size() == 1 ? "" : "s", published));
        if (!rounds.isEmpty()) {
            Round last = rounds.get(rounds.size() - 1);
            sb.append("; last round at ").append(TIME.format(last.at())).append(", serving v")
                    .append(last.published() ? last.candidateVersion() : last.servingVersion()).append(" since");
        }
        if (!windows.isEmpty()) {
            OnlineWindow w = windows.lastEntry().getValue();
            sb.append(String.format(Locale.ROOT, "; online accuracy %.4f in the window ending %s", w.accuracy(), TIME.format(w.end())));
        }
        sb.append("</p>");

        sb.append("<h2>Loss per epoch, one line per round</h2>");
        Map<Long, List<double[]>> lossByRound = new LinkedHashMap<>();
        for (Epoch e : epochs) {
            lossByRound.computeIfAbsent(e.round(), r -> new ArrayList<>()).add(new double[]{ e.epoch(), e.loss() });
        }
        List<Series> loss = new ArrayList<>();
        int n = 0;
        for (Map.Entry<Long, List<double[]>> e : lossByRound.entrySet()) {
            boolean colour = n++ >= lossByRound.size() - LOSS_ROUNDS_IN_COLOUR;
            String candidate = rounds.stream().filter(r -> r.round() == e.getKey()).findFirst().map(r -> " -> v" + r.candidateVersion())
                    .orElse("");
            loss.add(new Series("round " + e.getKey() + candidate, colour ? COLORS[(int) (e.getKey() % COLORS.length)] : "#c8c8c8",
                    e.getValue(), colour, List.of()));
        }
        sb.append(chart(loss, "epoch", "training loss", List.of(), false));

        sb.append("<h2>Holdout accuracy per round: serving model and candidate</h2>");
        List<double[]> before = new ArrayList<>(), after = new ArrayList<>();
        List<String> beforeLabels = new ArrayList<>(), afterLabels = new ArrayList<>();
        List<double[]> swaps = new ArrayList<>();
        for (Round r : rounds) {
            before.add(new double[]{ r.round(), r.accuracyBefore() });
            beforeLabels.add("v" + r.servingVersion());
            after.add(new double[]{ r.round(), r.accuracyAfter() });
            afterLabels.add("v" + r.candidateVersion());
            if (r.published()) {
                swaps.add(new double[]{ r.round(), r.candidateVersion() });
            }
        }
        sb.append(chart(List.of(new Series("serving model", "#d62728", before, true, beforeLabels),
                new Series("candidate", "#2ca02c", after, true, afterLabels)), "training round", "holdout accuracy", swaps, false));
        sb.append("<p>Dashed lines: a published candidate; the prediction operators swap to it between micro-batches.</p>");

        onlineAccuracy(sb);

        sb.append("<h2>Rounds</h2><table><tr><th>round</th><th>time</th><th>serving</th><th>candidate</th><th>accuracy serving</th>"
                + "<th>accuracy candidate</th><th>change</th><th>published</th><th>note</th></tr>");
        for (Round r : rounds) {
            sb.append(String.format(Locale.ROOT,
                    "<tr><td>%d</td><td>%s</td><td>v%d</td><td>v%d</td><td>%.4f</td><td>%.4f</td><td>%+.4f</td>"
                            + "<td>%s</td><td>%s</td></tr>",
                    r.round(), TIME.format(r.at()), r.servingVersion(), r.candidateVersion(),
                    r.accuracyBefore(), r.accuracyAfter(), r.accuracyAfter() - r.accuracyBefore(), r.published() ? "yes" : "no",
                    esc(r.note())));
        }
        sb.append("</table></body></html>\n");
        return sb.toString();
    }

    /** The online accuracy chart (x: window end) with a marker where a version first served, and a table of the newest windows. */
    private void onlineAccuracy(StringBuilder sb) {
        sb.append("<h2>Online accuracy per window: how often the served predictions were right</h2>");
        List<double[]> points = new ArrayList<>();
        List<double[]> swaps = new ArrayList<>();
        java.util.Set<Long> seen = new TreeSet<>();
        for (OnlineWindow w : windows.values()) {
            points.add(new double[]{ w.end().toEpochMilli(), w.accuracy() });
            for (long v : w.versions()) {
                if (seen.add(v) && points.size() > 1) { // not the first window's: nothing to compare
                    swaps.add(new double[]{ w.start().toEpochMilli(), v });
                }
            }
        }
        sb.append(chart(List.of(new Series("online accuracy", "#1f77b4", points, true, List.of())), "window end (UTC)", "online accuracy",
                swaps, true));
        sb.append("<p>Each point: one event-time window of the stream, the share of its judged predictions that were right. "
                + "Dashed lines: another model version started serving in the window that follows.</p>");
        if (windows.isEmpty()) {
            return;
        }
        sb.append("<table><tr><th>window end</th><th>predictions judged</th><th>right</th><th>online accuracy</th><th>served by</th></tr>");
        List<OnlineWindow> newest = new ArrayList<>(windows.descendingMap().values()).subList(0,
                Math.min(WINDOWS_IN_TABLE, windows.size()));
        for (OnlineWindow w : newest) {
            StringBuilder versions = new StringBuilder();
            for (long v : w.versions()) {
                versions.append(versions.length() == 0 ? "v" : ", v").append(v);
            }
            sb.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%d</td><td>%d</td><td>%.4f</td><td>%s</td></tr>", TIME.format(w.end()),
                    w.total(), w.right(), w.accuracy(), versions));
        }
        sb.append("</table>");
    }

    /** A line; {@code labels} (one per point, or none) are written next to the points. */
    private record Series(String name, String color, List<double[]> points, boolean inLegend, List<String> labels) {
    }

    /**
     * {@code markers}: vertical dashed lines at x = [0], labelled "-> v[1]". {@code timeAxis}: x is epoch ms, ticks show
     * UTC times; else whole-number ticks (epochs, rounds).
     */
    private static String chart(List<Series> series, String xLabel, String yLabel, List<double[]> markers, boolean timeAxis) {
        int w = 720, h = 300, left = 60, right = 170, top = 20, bottom = 40;
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (Series s : series) {
            for (double[] p : s.points()) {
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                if (Double.isFinite(p[1])) {
                    minY = Math.min(minY, p[1]);
                    maxY = Math.max(maxY, p[1]);
                }
            }
        }
        StringBuilder sb = new StringBuilder(
                String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">", w, h));
        if (minX == Double.MAX_VALUE || minY == Double.MAX_VALUE)
            return sb.append("<text x=\"20\" y=\"40\">no data yet</text></svg>").toString();
        if (maxX == minX) {
            minX -= 1;
            maxX += 1;
        }
        if (maxY == minY)
            maxY = minY + 1e-3;
        double pad = (maxY - minY) * 0.08;
        minY -= pad;
        maxY += pad;
        final double x0 = minX, x1 = maxX, y0 = minY, y1 = maxY;
        java.util.function.DoubleUnaryOperator px = x -> left + (x - x0) / (x1 - x0) * (w - left - right);
        java.util.function.DoubleUnaryOperator py = y -> h - bottom - (y - y0) / (y1 - y0) * (h - top - bottom);
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", left, h - bottom, w - right,
                h - bottom));
        sb.append(
                String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", left, top, left, h - bottom));
        for (int i = 0; i <= 4; i++) {
            double v = minY + (maxY - minY) * i / 4;
            double y = h - bottom - (h - top - bottom) * i / 4.0;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.3f</text>", left - 4,
                    y + 4, v));
        }
        if (timeAxis) {
            // Five evenly spaced times; seconds only when the chart spans less than a day.
            DateTimeFormatter f = DateTimeFormatter.ofPattern(maxX - minX < 86_400_000 ? "HH:mm:ss" : "MM-dd HH:mm", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);
            for (int i = 0; i <= 4; i++) {
                double x = minX + (maxX - minX) * i / 4;
                sb.append(String.format(Locale.ROOT,
                        "<text class=\"tick\" x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
                        px.applyAsDouble(x), h - bottom + 14, f.format(Instant.ofEpochMilli((long) x))));
            }
        } else {
            // Whole-number ticks on x (epochs, rounds), at most ~10.
            long step = Math.max(1, (long) Math.ceil((maxX - minX) / 10));
            for (long x = (long) Math.ceil(minX); x <= maxX; x += step) {
                sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%d</text>",
                        px.applyAsDouble(x), h - bottom + 14, x));
            }
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>",
                (left + w - right) / 2, h - 6, esc(xLabel)));
        sb.append(String.format(Locale.ROOT,
                "<text x=\"14\" y=\"%d\" font-size=\"12\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>",
                (top + h - bottom) / 2, (top + h - bottom) / 2, esc(yLabel)));
        for (double[] m : markers) {
            double x = px.applyAsDouble(m[0]);
            sb.append(String.format(Locale.ROOT, "<g class=\"swap\" data-version=\"%d\"><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                    + "stroke=\"#555\" stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"%d\" font-size=\"10\">-&gt; v%d</text></g>",
                    (long) m[1], x, top, x,
                    h - bottom, x + 2, top + 10, (long) m[1]));
        }
        int legendY = top + 12;
        for (Series s : series) {
            sb.append("<g class=\"series\" data-series=\"").append(esc(s.name())).append("\">");
            StringBuilder path = new StringBuilder();
            for (int i = 0; i < s.points().size(); i++) {
                double[] p = s.points().get(i);
                if (!Double.isFinite(p[1]))
                    continue;
                double x = px.applyAsDouble(p[0]), y = py.applyAsDouble(p[1]);
                path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>", x, y, s.color()));
                if (i < s.labels().size()) {
                    sb.append(String.format(Locale.ROOT,
                            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" fill=\"%s\" text-anchor=\"middle\">%s</text>", x,
                            y - 5, s.color(), esc(s.labels().get(i))));
                }
            }
            sb.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(s.color()).append("\" stroke-width=\"1.5\"/>");
            if (s.inLegend()) {
                sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"%s\">%s</text>", w - right + 10,
                        legendY, s.color(),
                        esc(s.name())));
                legendY += 16;
            }
            sb.append("</g>");
        }
        return sb.append("</svg>").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
