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

/**
 * A self-contained HTML page (inline SVG, no scripts, no network) of a run's training: the loss per epoch of every
 * round (one line per round), the holdout accuracy of the serving model and of each round's candidate with their
 * versions and markers where a candidate was published (the prediction operators swap to it), and a table of the
 * rounds. Every drawn series is an SVG {@code <g class="series" data-series="...">}.
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

    private static final String[] COLORS = { "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22" };
    /** Rounds drawn in colour (and named in the legend) in the loss chart; older ones are grey. */
    private static final int LOSS_ROUNDS_IN_COLOUR = 8;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final String title;
    private final List<Epoch> epochs = new ArrayList<>();
    private final List<Round> rounds = new ArrayList<>();

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
        sb.append(chart(loss, "epoch", "training loss", List.of()));

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
                new Series("candidate", "#2ca02c", after, true, afterLabels)), "training round", "holdout accuracy", swaps));
        sb.append("<p>Dashed lines: a published candidate; the prediction operators swap to it between micro-batches.</p>");

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

    /** A line; {@code labels} (one per point, or none) are written next to the points. */
    private record Series(String name, String color, List<double[]> points, boolean inLegend, List<String> labels) {
    }

    /** {@code markers}: vertical dashed lines at x = [0], labelled "-> v[1]". */
    private static String chart(List<Series> series, String xLabel, String yLabel, List<double[]> markers) {
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
        // Whole-number ticks on x (epochs, rounds), at most ~10.
        long step = Math.max(1, (long) Math.ceil((maxX - minX) / 10));
        for (long x = (long) Math.ceil(minX); x <= maxX; x += step) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%d</text>",
                    px.applyAsDouble(x),
                    h - bottom + 14, x));
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
