package io.seqstream.apps.model;

import io.seqstream.model.ModelSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code model summary FILE}: Keras' summary table. */
@Command(name = "summary", mixinStandardHelpOptions = true, description = "Print the Keras summary table of a model: a seqstream model file, a Keras .h5 or a Keras 3 .keras file.")
final class SummaryCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "the model file")
    Path file;

    @Override
    protected void run(PrintWriter out) {
        out.print(ModelSummary.render(ModelFiles.load(file)));
    }
}
