package io.seqstream.jobs.retrain;

import io.seqstream.jobs.config.RetrainTarget;
import io.seqstream.jobs.event.ModelInput;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Offline training data for {@code models train}: a CSV file of events, and the cutting of per-key event
 * sequences into one training window.
 *
 * <p>The file format: one event per line, {@code key,token[,label]}, in order per key (lines of different keys
 * may interleave). {@code token} is a token id, {@code label} an optional class id. Blank lines and lines
 * starting with {@code #} are skipped, and so is a first line {@code key,token[,label]} (a header). No quoting:
 * a key must not contain a comma.
 */
public final class EventFiles {
    private EventFiles() {
    }

    /** Events per key, in file order. Errors name the file and line. */
    public static Map<String, List<ModelInput>> readCsv(Path file) {
        Map<String, List<ModelInput>> byKey = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#") || (n == 1 && t.toLowerCase().startsWith("key,token"))) {
                    continue;
                }
                String[] f = t.split(",", -1);
                if (f.length < 2 || f.length > 3 || f[0].isEmpty()) {
                    throw new IllegalArgumentException(file + " line " + n + ": expected key,token[,label], got '" + line + "'");
                }
                int token = parse(f[1], file, n, "token");
                int label = f.length == 3 && !f[2].isBlank() ? parse(f[2], file, n, "label") : -1;
                List<ModelInput> seq = byKey.computeIfAbsent(f[0], k -> new ArrayList<>());
                seq.add(ModelInput.token(f[0], seq.size(), token, label, false));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return byKey;
    }

    private static int parse(String v, Path file, int line, String what) {
        try {
            int i = Integer.parseInt(v.strip());
            if (i < 0) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + " line " + line + ": " + what + " '" + v + "' is not a whole number >= 0");
        }
    }

    /**
     * One training window from whole per-key sequences: each key's events cut into non-overlapping runs of
     * consecutive events (T + 1 for next-event targets, T labelled events for labels; an unlabelled event or a
     * label outside {@code outputSize} breaks a run), sampled uniformly down to {@code sample-size}.
     */
    public static TrainingWindow window(Map<String, List<ModelInput>> byKey, RetrainOptions o, int outputSize, long seed) {
        int len = o.eventsPerSequence();
        boolean labels = o.target() == RetrainTarget.LABEL;
        Reservoir<TrainingSequence> sample = new Reservoir<>(o.sampleSize(), seed);
        for (List<ModelInput> seq : byKey.values()) {
            List<ModelInput> run = new ArrayList<>();
            for (ModelInput e : seq) {
                if (labels && (!e.hasLabel() || e.label >= outputSize)) {
                    run.clear();
                    continue;
                }
                run.add(e);
                if (run.size() == len) {
                    int[] tokens = new int[len];
                    int[] lab = labels ? new int[len] : null;
                    for (int i = 0; i < len; i++) {
                        tokens[i] = run.get(i).token;
                        if (labels) {
                            lab[i] = run.get(i).label;
                        }
                    }
                    sample.offer(new TrainingSequence(0, 0, tokens, lab, run.get(0).eventTime));
                    run.clear();
                }
            }
        }
        return TrainingWindow.of(0, 0, sample.seen(), sample.sample());
    }
}
