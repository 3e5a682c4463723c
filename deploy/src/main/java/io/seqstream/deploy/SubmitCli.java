package io.seqstream.deploy;

import io.seqstream.deploy.cluster.RunDir;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code deploy/submit.sh}: the job's life cycle through Flink's REST API (see {@link FlinkRest}). */
@Command(name = "submit.sh", mixinStandardHelpOptions = true, version = "seqstream submit 0.1.0", description = {
        "Submits and manages jobs through Flink's REST API: a local cluster (cluster.sh) or any remote one." }, subcommands = {
                SubmitCli.Upload.class, SubmitCli.Run.class, SubmitCli.ListJobs.class, SubmitCli.Status.class, SubmitCli.Cancel.class,
                SubmitCli.Stop.class, SubmitCli.Savepoint.class, SubmitCli.Jars.class, SubmitCli.DeleteJar.class,
                CommandLine.HelpCommand.class }, optionListHeading = "%nOptions:%n", commandListHeading = "%nCommands:%n")
public final class SubmitCli implements Callable<Integer> {
    static final Duration SAVEPOINT_TIMEOUT = Duration.ofMinutes(10);

    @Option(names = "--rest", paramLabel = "URL", scope = ScopeType.INHERIT, description = "Flink REST address, e.g. http://flink-jm:8081")
    String rest;
    @Option(names = "--run-dir", paramLabel = "DIR", scope = ScopeType.INHERIT, description = "a local cluster's run folder "
            + "(default: deploy/run, or $SEQSTREAM_RUN_DIR)")
    Path runDir;
    @Spec
    CommandSpec spec;

    public static void main(String[] argv) {
        System.exit(CommandLines.of(new SubmitCli()).execute(argv));
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is required: upload, run, list, status, cancel, stop, savepoint, jars "
                + "or delete-jar");
    }

    /** The REST client of --rest, or of the run folder's cluster; neither is a usage error of {@code sub}. */
    FlinkRest flinkRest(CommandSpec sub) {
        if (rest != null) {
            return new FlinkRest(rest);
        }
        Path dir = Optional.ofNullable(runDir).or(() -> Optional.ofNullable(System.getenv("SEQSTREAM_RUN_DIR")).map(Path::of))
                .orElseThrow(() -> new ParameterException(sub.commandLine(), "pass --rest URL or --run-dir DIR"));
        return new FlinkRest(new RunDir(dir).clusterProperties().getProperty(RunDir.REST_URL));
    }

    /** A subcommand: the parent's REST address, the output stream. */
    abstract static class Sub implements Callable<Integer> {
        @CommandLine.ParentCommand
        SubmitCli parent;
        @Spec
        CommandSpec spec;

        FlinkRest rest() {
            return parent.flinkRest(spec);
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        @Override
        public final Integer call() {
            run();
            out().flush();
            return CommandLines.OK;
        }

        abstract void run();
    }

    @Command(name = "upload", mixinStandardHelpOptions = true, description = "Upload a job jar; prints its jar id.")
    static final class Upload extends Sub {
        @Parameters(paramLabel = "JAR", description = "the jar to upload")
        Path jar;

        @Override
        void run() {
            out().println(rest().uploadJar(jar));
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false, description = {
            "Run the job; prints its job id. ARGS (after --) go to the job's main, e.g. -- --config job.properties --model.path model.zip" }, optionListHeading = "%nOptions:%n")
    static final class Run extends Sub {
        @Option(names = "--jar", paramLabel = "JAR", description = "upload this jar first (default: deploy/target/seqstream-job.jar, $SEQSTREAM_JOB_JAR)")
        Path jar;
        @Option(names = "--jar-id", paramLabel = "ID", description = "run an uploaded jar instead")
        String jarId;
        @Option(names = "--class", paramLabel = "CLASS", description = "entry class (default: the jar manifest's, PredictionJobMain)")
        String entryClass;
        @Option(names = "--parallelism", paramLabel = "N", description = "parallelism; passed to the job as --parallelism N as well")
        Integer parallelism;
        @Option(names = "--from-savepoint", paramLabel = "PATH", description = "restore from a savepoint (or retained checkpoint)")
        String fromSavepoint;
        @Option(names = "--allow-non-restored-state", description = "skip savepoint state that no operator claims")
        boolean allowNonRestoredState;
        @Option(names = "--wait", description = "return once every task is running")
        boolean await;
        @Parameters(paramLabel = "ARGS", arity = "0..*", description = "the job's arguments, after --")
        List<String> jobArgs = new ArrayList<>();

        @Override
        void run() {
            if (parallelism != null && parallelism < 1) {
                throw new ParameterException(spec.commandLine(), "--parallelism must be at least 1, got " + parallelism);
            }
            FlinkRest rest = rest();
            Path jarFile = jarId != null ? null : Optional.ofNullable(jar).orElseGet(this::defaultJar);
            boolean uploaded = jarId == null;
            String id = uploaded ? rest.uploadJar(jarFile) : jarId;
            List<String> args = new ArrayList<>(jobArgs);
            if (parallelism != null) {
                // The job takes its parallelism from its own config: say it there too (the last flag wins).
                args.add("--parallelism");
                args.add(String.valueOf(parallelism));
            }
            FlinkRest.RunRequest req = FlinkRest.RunRequest.of(args).withParallelism(parallelism).withEntryClass(entryClass);
            if (fromSavepoint != null) {
                req = req.fromSavepoint(fromSavepoint, allowNonRestoredState);
            }
            String jobId;
            try {
                jobId = rest.runJar(id, req);
            } catch (RuntimeException e) {
                if (uploaded) {
                    deleteQuietly(rest, id); // a jar uploaded for a run that failed is of no further use
                }
                throw e;
            }
            if (await) {
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while (!rest.allTasksRunning(jobId)) {
                    rest.awaitJobState(jobId, Set.of("CREATED", "INITIALIZING", "RUNNING"), Duration.ofMinutes(5));
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("job " + jobId + " has tasks not running after 5 min");
                    }
                    sleep(200);
                }
            }
            out().println(jobId);
        }

        private Path defaultJar() {
            return Optional.ofNullable(System.getenv("SEQSTREAM_JOB_JAR")).map(Path::of)
                    .orElseThrow(() -> new ParameterException(spec.commandLine(), "no jar: pass --jar JAR or --jar-id ID"));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Jobs: id, state, name.")
    static final class ListJobs extends Sub {
        @Override
        void run() {
            for (JobSummary j : rest().jobs()) {
                out().printf("%s  %-12s %s%n", j.id(), j.state(), j.name());
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "A job's state.")
    static final class Status extends Sub {
        @Parameters(paramLabel = "JOB_ID", description = "the job id")
        String jobId;

        @Override
        void run() {
            out().println(rest().jobState(jobId));
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a job (no savepoint).")
    static final class Cancel extends Sub {
        @Parameters(paramLabel = "JOB_ID", description = "the job id")
        String jobId;

        @Override
        void run() {
            FlinkRest rest = rest();
            rest.cancel(jobId);
            out().println(rest.awaitJobState(jobId, Set.of("CANCELED"), Duration.ofMinutes(2)));
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a job with a savepoint; prints the savepoint path.")
    static final class Stop extends Sub {
        @Parameters(paramLabel = "JOB_ID", description = "the job id")
        String jobId;
        @Option(names = "--savepoint-dir", paramLabel = "DIR", description = "where the savepoint goes (default: the cluster's)")
        String savepointDir;
        @Option(names = "--drain", description = "emit the final watermark before stopping")
        boolean drain;

        @Override
        void run() {
            out().println(rest().stopWithSavepoint(jobId, savepointDir, drain, SAVEPOINT_TIMEOUT));
        }
    }

    @Command(name = "savepoint", mixinStandardHelpOptions = true, description = "A savepoint of a running job, which keeps running; prints its path.")
    static final class Savepoint extends Sub {
        @Parameters(paramLabel = "JOB_ID", description = "the job id")
        String jobId;
        @Option(names = "--savepoint-dir", paramLabel = "DIR", description = "where the savepoint goes (default: the cluster's)")
        String savepointDir;

        @Override
        void run() {
            out().println(rest().triggerSavepoint(jobId, savepointDir, SAVEPOINT_TIMEOUT));
        }
    }

    @Command(name = "jars", mixinStandardHelpOptions = true, description = "Uploaded jar ids.")
    static final class Jars extends Sub {
        @Override
        void run() {
            rest().jarIds().forEach(out()::println);
        }
    }

    @Command(name = "delete-jar", mixinStandardHelpOptions = true, description = "Delete an uploaded jar.")
    static final class DeleteJar extends Sub {
        @Parameters(paramLabel = "JAR_ID", description = "the jar id")
        String jarId;

        @Override
        void run() {
            rest().deleteJar(jarId);
        }
    }

    private static void deleteQuietly(FlinkRest rest, String jarId) {
        try {
            rest.deleteJar(jarId);
        } catch (RuntimeException ignored) {
            // the run's error is what matters
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
