package io.seqstream.apps.model;

import io.seqstream.model.Model;
import io.seqstream.model.keras.KerasExport;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code model export MODEL -o OUT.keras|OUT.h5}. */
@Command(name = "export", mixinStandardHelpOptions = true, description = {
        "Write a model as a Keras 3 file that keras.models.load_model reads: .keras (native zip) or .h5 (legacy HDF5),",
        "chosen by the output name. MODEL is a seqstream model file (e.g. a retrained version saved from the models topic), .h5 or .keras.",
        "Weights only: no optimizer state or training config (compile the loaded model to train it)." })
final class ExportCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "MODEL", description = "seqstream model file, Keras .h5 or .keras")
    Path file;

    @Option(names = { "-o", "--output" }, required = true, paramLabel = "OUT", description = "the .keras or .h5 file to write")
    Path output;

    @Override
    protected void run(PrintWriter out) {
        Model model = ModelFiles.load(file);
        String n = output.getFileName().toString();
        if (!n.endsWith(".keras") && !n.endsWith(".h5"))
            throw new UserException(output + ": the output name must end in .keras or .h5");
        KerasExport.save(model, output);
        out.println(
                "exported " + file + " -> " + output + " (model '" + model.name() + "', Keras " + KerasExport.KERAS_VERSION + " format)");
    }
}
