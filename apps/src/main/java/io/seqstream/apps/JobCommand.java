package io.seqstream.apps;

import io.seqstream.apps.cli.Cli;
import io.seqstream.apps.cli.JobFlags;
import io.seqstream.jobs.PredictionJobMain;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.model.ModelBackend;
import io.seqstream.jobs.model.StepModelBackend;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./seqstream job [--config FILE] [--key value ...]}: the prediction job on this machine. A user mistake (an
 * unknown key, a bad value, a missing config or model file) is one line on stderr and exit code 2, before Flink
 * starts; the job itself is {@link PredictionJobMain}, which clusters run (a cluster must not see System.exit).
 */
@Command(name = "seqstream job", mixinStandardHelpOptions = true, version = "seqstream job 0.1.0", sortOptions = false, description = {
        "The prediction job (jobs/CONFIG.md) on a local Flink in this JVM; model.path is required.",
        "Keys come from seqstream.* of the Flink configuration, then --config FILE, then the flags (later wins)." }, optionListHeading = "%nOptions:%n")
public final class JobCommand implements Callable<Integer> {
    private JobFlags jobFlags;

    /** The command line, job keys included. */
    static CommandLine commandLine() {
        JobCommand c = new JobCommand();
        CommandLine cli = Cli.commandLine(c);
        c.jobFlags = JobFlags.addTo(cli.getCommandSpec());
        return cli;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    @Override
    public Integer call() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // Config and model are read before Flink starts: a mistake in either is one line (Cli), not a failed job.
        JobConfig config = JobConfig.defaults().withFlinkConfiguration(env.getConfiguration().toMap()).withFlags(jobFlags.values());
        ModelBackend model = StepModelBackend.fromConfig(config);
        PredictionJobMain.run(env, config, model);
        return Cli.OK;
    }
}
