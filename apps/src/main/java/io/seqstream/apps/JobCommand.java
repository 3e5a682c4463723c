package io.seqstream.apps;

import io.seqstream.jobs.PredictionJobMain;
import io.seqstream.jobs.config.ConfigException;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.model.ModelBackend;
import io.seqstream.jobs.model.ModelLoadException;
import io.seqstream.jobs.model.StepModelBackend;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code ./seqstream job [--config FILE] [--key value ...]}: the prediction job on this machine. A user mistake (an
 * unknown key, a bad value, a missing config or model file) is one line on stderr and exit code 2, before Flink
 * starts; the job itself is {@link PredictionJobMain}, which clusters run (a cluster must not see System.exit).
 */
public final class JobCommand {
    static final String USAGE = """
            Usage: seqstream job [--config FILE] [--<job config key> <value> ...]
              The prediction job (jobs/CONFIG.md) on a local Flink in this JVM; model.path is required.
              Keys come from seqstream.* of the Flink configuration, then FILE, then the flags (later wins).
            """;

    private JobCommand() {
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(USAGE);
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobConfig config;
        ModelBackend model;
        try {
            config = JobConfig.fromFlinkAndArgs(env.getConfiguration().toMap(), args);
            model = StepModelBackend.fromConfig(config);
        } catch (ConfigException | ModelLoadException e) {
            System.err.println("seqstream job: " + firstLine(e.getMessage()));
            System.exit(2);
            return;
        }
        PredictionJobMain.run(env, config, model);
    }

    static String firstLine(String message) {
        String m = message == null ? "(no message)" : message;
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
