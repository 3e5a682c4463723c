package io.seqstream.apps.model;

import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code model predict FILE --input CSV [--timesteps T]} or {@code --input X0.npy [--input X1.npy ...]}. */
@Command(name = "predict", mixinStandardHelpOptions = true, description = {
        "Run a model on the samples of a CSV file and print one line per sample: the model's outputs, flattened, comma-separated.",
        "Each CSV line is one sample, its values flattened row-major: for an input (None, T, F), T*F numbers, time step after time step.",
        "A model with several inputs takes their values one after another, in input order.",
        "Or give .npy files (float32, or int32/int64 ids), one --input per model input in input order, each (samples, ...)." })
final class PredictCommand extends CliCommand {
    /** Samples per predict call when the batch size is free: bounds memory on large files. */
    private static final int CHUNK = 256;

    @Parameters(index = "0", paramLabel = "FILE", description = "seqstream model file, Keras .h5 or .keras")
    Path file;

    @Option(names = "--input", required = true, paramLabel = "CSV|NPY", description = "a CSV of samples, one per line; or one .npy per model input")
    List<Path> inputs;

    @Option(names = "--timesteps", paramLabel = "T", description = "time length of each sample when the model's time axis is None")
    Integer timesteps;

    @Override
    protected void run(PrintWriter out) {
        Model model = ModelFiles.load(file);
        Path input = inputs.get(0);
        List<Tensor> xs = input.getFileName().toString().endsWith(".npy")
                ? NpyInputs.read(inputs, model)
                : CsvSamples.read(single(inputs), model, timesteps == null ? OptionalInt.empty() : OptionalInt.of(timesteps));
        int n = xs.get(0).dim(0);
        int fixed = model.inputs().get(0).shape()[0];
        int chunk = fixed > 0 ? fixed : CHUNK;
        if (fixed > 0 && n % fixed != 0) {
            throw new UserException("model '" + model.name() + "' has a fixed batch size of " + fixed + ": " + input
                    + " must hold a multiple of " + fixed + " samples, it holds " + n);
        }
        model.resetStates();
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            List<Tensor> batch = new ArrayList<>();
            for (Tensor x : xs)
                batch.add(x.sliceBatch(from, to));
            List<Tensor> ys = model.predict(batch);
            for (int r = 0; r < to - from; r++)
                out.println(line(ys, r, to - from));
        }
    }

    private static Path single(List<Path> inputs) {
        if (inputs.size() != 1)
            throw new UserException("give one CSV file (--input), or one .npy file per model input");
        return inputs.get(0);
    }

    /** Sample r of every output, flattened, in output order. */
    private static String line(List<Tensor> ys, int r, int rows) {
        StringBuilder sb = new StringBuilder();
        for (Tensor y : ys) {
            int per = y.size() / rows;
            for (int k = 0; k < per; k++) {
                if (sb.length() > 0)
                    sb.append(',');
                sb.append(y.data()[r * per + k]);
            }
        }
        return sb.toString();
    }
}
