package io.seqstream.model.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained HTML page (inline SVG, no scripts, no network) of a run's training: the loss per epoch
 * of every fine-tuning, and the holdout accuracy of the serving model and of each candidate over time.
 * Thread-safe; {@link #write} can be called after every window to keep the page current.
 */
public final class TrainingReport {
    /** One epoch of one training round. */
    public record Epoch(long round, int epoch, double loss) {}

    /** One evaluated candidate: accuracy of the serving model and of the candidate on the same holdout. */
    public record Round(long round, Instant at, long candidateVersion, double accuracyBefore, double accuracyAfter, boolean published, String note) {}

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
        sb.append("<h2>Loss per epoch</h2>");
        List<double[]> loss = new ArrayList<>();
        for (int i = 0; i < epochs.size(); i++) loss.add(new double[] {i + 1, epochs.get(i).loss()});
        sb.append(chart(List.of(new Series("training loss (all rounds, epoch by epoch)", "#1f77b4", loss)), "epoch (cumulative)", "loss"));
        sb.append("<h2>Holdout accuracy per round</h2>");
        List<double[]> before = new ArrayList<>(), after = new ArrayList<>();
        for (Round r : rounds) {
            before.add(new double[] {r.round(), r.accuracyBefore()});
            after.add(new double[] {r.round(), r.accuracyAfter()});
        }
        sb.append(chart(List.of(new Series("serving model", "#d62728", before), new Series("candidate", "#2ca02c", after)), "training round", "accuracy"));
        sb.append("<h2>Rounds</h2><table><tr><th>round</th><th>time</th><th>candidate version</th><th>accuracy before</th>"
                + "<th>accuracy after</th><th>published</th><th>note</th></tr>");
        for (Round r : rounds) {
            sb.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%s</td><td>%d</td><td>%.4f</td><td>%.4f</td><td>%s</td><td>%s</td></tr>",
                    r.round(), r.at(), r.candidateVersion(), r.accuracyBefore(), r.accuracyAfter(), r.published() ? "yes" : "no", esc(r.note())));
        }
        sb.append("</table></body></html>\n");
        return sb.toString();
    }

    private record Series(String name, String color, List<double[]> points) {}

    private static String chart(List<Series> series, String xLabel, String yLabel) {
        int w = 640, h = 280, left = 60, right = 20, top = 20, bottom = 40;
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (Series s : series) {
            for (double[] p : s.points()) {
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">", w, h));
        if (minX == Double.MAX_VALUE) return sb.append("<text x=\"20\" y=\"40\">no data yet</text></svg>").toString();
        if (maxX == minX) maxX = minX + 1;
        if (maxY == minY) maxY = minY + 1e-3;
        double pad = (maxY - minY) * 0.05;
        minY -= pad;
        maxY += pad;
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", left, h - bottom, w - right, h - bottom));
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", left, top, left, h - bottom));
        for (int i = 0; i <= 4; i++) {
            double v = minY + (maxY - minY) * i / 4;
            double y = h - bottom - (h - top - bottom) * i / 4.0;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.3f</text>", left - 4, y + 4, v));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>", (left + w - right) / 2, h - 8, esc(xLabel)));
        sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" font-size=\"12\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>",
                (top + h - bottom) / 2, (top + h - bottom) / 2, esc(yLabel)));
        int legendY = top + 12;
        for (Series s : series) {
            StringBuilder path = new StringBuilder();
            for (double[] p : s.points()) {
                double x = left + (p[0] - minX) / (maxX - minX) * (w - left - right);
                double y = h - bottom - (p[1] - minY) / (maxY - minY) * (h - top - bottom);
                path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>", x, y, s.color()));
            }
            sb.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(s.color()).append("\" stroke-width=\"1.5\"/>");
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"%s\">%s</text>", w - right - 220, legendY, s.color(), esc(s.name())));
            legendY += 16;
        }
        return sb.append("</svg>").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
