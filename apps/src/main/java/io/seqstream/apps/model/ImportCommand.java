package io.seqstream.apps.model;

import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.keras.KerasImport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code model import KERAS_FILE [--weights W.h5] -o MODEL_FILE}. */
@Command(name = "import", mixinStandardHelpOptions = true, description = { "Convert a Keras model into a seqstream model file.",
        "KERAS_FILE is a full-model .h5 (Keras 1, 2 or 3), a Keras 3 .keras file, or a model config JSON given with --weights.",
        "The model file's provenance names the source file." })
final class ImportCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "KERAS_FILE", description = "Keras .h5, .keras, or model config .json")
    Path source;

    @Option(names = "--weights", paramLabel = "W.h5", description = "weights (HDF5) for a config JSON")
    Path weights;

    @Option(names = { "-o", "--output" }, required = true, paramLabel = "MODEL_FILE", description = "the seqstream model file to write")
    Path output;

    @Override
    protected void run(PrintWriter out) {
        if (!Files.isRegularFile(source))
            throw new UserException(source + ": no such file");
        if (weights != null && !Files.isRegularFile(weights))
            throw new UserException(weights + ": no such file");
        Model model = weights == null ? KerasImport.load(source) : KerasImport.load(source, weights);
        model.setProvenance(model.provenance().withProperty("imported_by", "model import"));
        ModelFile.save(model, output);
        out.println("imported " + source + " -> " + output + " (model '" + model.name() + "', " + model.layers().size() + " layers, "
                + String.format("%,d", model.countParams()) + " parameters)");
    }
}
