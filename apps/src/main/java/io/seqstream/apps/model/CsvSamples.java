package io.seqstream.apps.model;

import io.seqstream.model.KerasTensor;
import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.InputLayer;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * Model inputs from a CSV file: one sample per line, comma-separated, each input's values flattened
 * row-major (for an input (None, T, F), T*F numbers, time step after time step), the inputs one after
 * another in model input order. Blank lines are skipped. An unknown time axis (axis 1) takes its length
 * from {@code --timesteps}, or else from the length of the first sample line.
 */
final class CsvSamples {
    private final Path file;
    private final Model model;
    private final int[][] sampleShapes; // per input, without the batch axis, time resolved
    private final boolean[] tokens;
    private final int[] vocab; // per input: Embedding vocabulary when it feeds one, else 0

    private CsvSamples(Path file, Model model, int[][] sampleShapes) {
        this.file = file;
        this.model = model;
        this.sampleShapes = sampleShapes;
        int n = model.inputs().size();
        this.tokens = new boolean[n];
        this.vocab = new int[n];
        for (int i = 0; i < n; i++) {
            KerasTensor in = model.inputs().get(i);
            tokens[i] = ((InputLayer) in.node().layer()).intDtype();
            for (KerasTensor.Node node : model.nodes()) {
                if (node.layer() instanceof Embedding e && node.inputs().contains(in))
                    vocab[i] = e.inputDim();
            }
        }
    }

    /** Reads all samples: one tensor per model input, the batch axis = the number of sample lines. */
    static List<Tensor> read(Path file, Model model, OptionalInt timesteps) {
        List<String> lines;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            lines = r.lines().toList();
        } catch (NoSuchFileException e) {
            throw new UserException(file + ": no such file");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UserException(file + ": cannot read: " + e.getMessage(), e);
        }
        int first = -1;
        for (int i = 0; i < lines.size() && first < 0; i++)
            if (!lines.get(i).isBlank())
                first = i;
        if (first < 0)
            throw new UserException(file + ": no samples (the file is empty)");
        int firstCount = fields(stripBom(lines.get(first))).size();
        CsvSamples s = new CsvSamples(file, model, resolveShapes(file, model, timesteps, firstCount, first + 1));
        return s.parse(lines);
    }

    private static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    /** Sample shapes with the time axis fixed from --timesteps or from the first line's length. */
    private static int[][] resolveShapes(Path file, Model model, OptionalInt timesteps, int firstCount, int firstLine) {
        int n = model.inputs().size();
        int[][] shapes = new int[n][];
        int open = -1; // the input whose time axis is unknown
        int known = 0;
        for (int i = 0; i < n; i++) {
            int[] s = model.inputs().get(i).shape();
            shapes[i] = Arrays.copyOfRange(s, 1, s.length);
            for (int a = 0; a < shapes[i].length; a++) {
                if (shapes[i][a] >= 0)
                    continue;
                String name = model.inputs().get(i).node().layer().name();
                if (a != 0) {
                    throw new UserException("model input '" + name + "' has shape " + Tensor.shapeString(s)
                            + ": only its time axis (axis 1) may be unknown to read it from CSV");
                }
                if (timesteps.isPresent()) {
                    shapes[i][0] = timesteps.getAsInt();
                } else if (open >= 0) {
                    throw new UserException("model inputs '" + model.inputs().get(open).node().layer().name() + "' and '" + name
                            + "' both have an unknown time axis: give its length with --timesteps");
                } else {
                    open = i;
                }
            }
            if (i != open)
                known += size(shapes[i]);
        }
        if (timesteps.isPresent()) {
            int t = timesteps.getAsInt();
            if (t <= 0)
                throw new UserException("--timesteps must be positive, got " + t);
            boolean used = false;
            for (int i = 0; i < n; i++) {
                int[] s = model.inputs().get(i).shape();
                boolean ids = ((InputLayer) model.inputs().get(i).node().layer()).intDtype();
                if (s.length >= 3 || (s.length == 2 && (s[1] < 0 || ids))) {
                    used = true;
                    if (s[1] >= 0 && s[1] != t) {
                        throw new UserException(
                                "--timesteps " + t + " does not match model input '" + model.inputs().get(i).node().layer().name()
                                        + "' " + Tensor.shapeString(s) + ", whose time length is fixed at " + s[1]);
                    }
                }
            }
            if (!used)
                throw new UserException("--timesteps was given but the model has no input with a time axis");
        } else if (open >= 0) {
            shapes[open][0] = 1;
            int perStep = size(shapes[open]);
            int rest = firstCount - known;
            if (rest <= 0 || rest % perStep != 0) {
                throw new UserException(file + " line " + firstLine + ": " + firstCount + " numbers do not make whole time steps of "
                        + perStep + " for model input '" + model.inputs().get(open).node().layer().name() + "' "
                        + Tensor.shapeString(model.inputs().get(open).shape())
                        + (known > 0 ? " after the " + known + " values of the other inputs" : "")
                        + "; give the length with --timesteps");
            }
            shapes[open][0] = rest / perStep;
        }
        return shapes;
    }

    private List<Tensor> parse(List<String> lines) {
        int n = sampleShapes.length;
        int perSample = 0;
        for (int[] s : sampleShapes)
            perSample += size(s);
        List<float[]> rows = new ArrayList<>();
        for (int ln = 0; ln < lines.size(); ln++) {
            String line = ln == 0 ? stripBom(lines.get(ln)) : lines.get(ln);
            if (line.isBlank())
                continue;
            List<String> f = fields(line);
            if (f.size() != perSample) {
                throw new UserException(file + " line " + (ln + 1) + ": " + f.size() + " numbers, but the model takes " + perSample
                        + " per sample (" + describeInputs() + ")");
            }
            float[] row = new float[perSample];
            int col = 0;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < size(sampleShapes[i]); k++, col++)
                    row[col] = value(f.get(col), i, ln + 1, col + 1);
            }
            rows.add(row);
        }
        List<Tensor> out = new ArrayList<>();
        int offset = 0;
        for (int i = 0; i < n; i++) {
            int sz = size(sampleShapes[i]);
            float[] data = new float[rows.size() * sz];
            for (int r = 0; r < rows.size(); r++)
                System.arraycopy(rows.get(r), offset, data, r * sz, sz);
            int[] shape = new int[sampleShapes[i].length + 1];
            shape[0] = rows.size();
            System.arraycopy(sampleShapes[i], 0, shape, 1, sampleShapes[i].length);
            out.add(Tensor.wrap(data, shape));
            offset += sz;
        }
        return out;
    }

    private float value(String text, int input, int line, int column) {
        String where = file + " line " + line + " column " + column + ": ";
        float v;
        try {
            v = Float.parseFloat(text);
        } catch (NumberFormatException e) {
            throw new UserException(where + "'" + text + "' is not a number");
        }
        if (!Float.isFinite(v))
            throw new UserException(where + "'" + text + "' is not a finite number");
        if (tokens[input]) {
            if (v != Math.rint(v))
                throw new UserException(where + "'" + text + "' is not a token id (a whole number)");
            if (vocab[input] > 0 && (v < 0 || v >= vocab[input])) {
                throw new UserException(where + "token id " + text + " is outside the vocabulary [0, " + vocab[input] + ")");
            }
        }
        return v;
    }

    private String describeInputs() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < sampleShapes.length; i++) {
            parts.add(model.inputs().get(i).node().layer().name() + " " + Tensor.shapeString(sampleShapes[i]) + " = "
                    + size(sampleShapes[i]));
        }
        return String.join(" + ", parts);
    }

    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        for (String f : line.split(",", -1))
            out.add(f.strip());
        return out;
    }

    private static int size(int[] shape) {
        int n = 1;
        for (int d : shape)
            n *= d;
        return n;
    }
}
