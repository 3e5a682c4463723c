package io.seqstream.deploy;

import io.seqstream.deploy.cluster.RunDir;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code deploy/submit.sh}: the job's life cycle through Flink's REST API (see {@link FlinkRest}). */
public final class SubmitCli {
    static final String USAGE = """
            usage: submit.sh [--rest URL | --run-dir DIR] COMMAND [options] [-- JOB ARGS...]

            Submits and manages jobs through Flink's REST API: a local cluster (cluster.sh) or any remote one.

            commands:
              upload JAR                 upload a job jar; prints its jar id
              run [options] -- ARGS...   run the job; prints its job id. ARGS go to the job's main, e.g.
                                         -- --config job.properties --model.path model.zip
                --jar JAR                upload this jar first (default: deploy/target/seqstream-job.jar)
                --jar-id ID              run an uploaded jar instead
                --class CLASS            entry class (default: the jar manifest's, PredictionJobMain)
                --parallelism N          parallelism; passed to the job as --parallelism N as well
                --from-savepoint PATH    restore from a savepoint (or retained checkpoint)
                --allow-non-restored-state  skip savepoint state that no operator claims
                --wait                   return once every task is running
              list                       jobs: id, state, name
              status JOB_ID              a job's state
              cancel JOB_ID              cancel (no savepoint)
              stop JOB_ID [--savepoint-dir DIR] [--drain]
                                         stop with a savepoint; prints the savepoint path
              savepoint JOB_ID [--savepoint-dir DIR]
                                         savepoint of a running job, which keeps running
              jars                       uploaded jar ids
              delete-jar JAR_ID

            options:
              --rest URL                 Flink REST address, e.g. http://flink-jm:8081
              --run-dir DIR              a local cluster's run folder (default deploy/run, or $SEQSTREAM_RUN_DIR)
            """;
    static final Duration SAVEPOINT_TIMEOUT = Duration.ofMinutes(10);

    private SubmitCli() {
    }

    public static void main(String[] argv) {
        try {
            System.exit(run(argv));
        } catch (CliArgs.UsageException e) {
            System.err.println("submit.sh: " + e.getMessage() + "\n\n" + USAGE);
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println("submit.sh: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(String[] argv) {
        CliArgs a = CliArgs.parse(argv,
                Set.of("rest", "run-dir", "jar", "jar-id", "class", "parallelism", "from-savepoint", "savepoint-dir"),
                Set.of("allow-non-restored-state", "wait", "drain", "help"));
        if (a.has("help") || a.positionals().isEmpty()) {
            System.out.print(USAGE);
            return a.has("help") ? 0 : 2;
        }
        FlinkRest rest = new FlinkRest(restUrl(a));
        String command = a.positional(0, "command");
        switch (command) {
            case "upload" -> System.out.println(rest.uploadJar(Path.of(a.positional(1, "the jar to upload"))));
            case "run" -> {
                boolean uploaded = a.value("jar-id").isEmpty();
                String jarId = a.value("jar-id").orElseGet(() -> rest.uploadJar(Path.of(a.value("jar").orElseGet(SubmitCli::defaultJar))));
                List<String> jobArgs = new ArrayList<>(a.passThrough());
                Integer parallelism = null;
                if (a.has("parallelism")) {
                    parallelism = a.intValue("parallelism", 1);
                    // The job takes its parallelism from its own config: say it there too (the last flag wins).
                    jobArgs.add("--parallelism");
                    jobArgs.add(String.valueOf(parallelism));
                }
                FlinkRest.RunRequest req = FlinkRest.RunRequest.of(jobArgs).withParallelism(parallelism)
                        .withEntryClass(a.value("class").orElse(null));
                if (a.has("from-savepoint")) {
                    req = req.fromSavepoint(a.value("from-savepoint").get(), a.has("allow-non-restored-state"));
                }
                String jobId;
                try {
                    jobId = rest.runJar(jarId, req);
                } catch (RuntimeException e) {
                    if (uploaded) {
                        deleteQuietly(rest, jarId); // a jar uploaded for a run that failed is of no further use
                    }
                    throw e;
                }
                if (a.has("wait")) {
                    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                    while (!rest.allTasksRunning(jobId)) {
                        rest.awaitJobState(jobId, Set.of("CREATED", "INITIALIZING", "RUNNING"), Duration.ofMinutes(5));
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("job " + jobId + " has tasks not running after 5 min");
                        }
                        sleep(200);
                    }
                }
                System.out.println(jobId);
            }
            case "list" -> {
                for (JobSummary j : rest.jobs()) {
                    System.out.printf("%s  %-12s %s%n", j.id(), j.state(), j.name());
                }
            }
            case "status" -> System.out.println(rest.jobState(a.positional(1, "the job id")));
            case "cancel" -> {
                String jobId = a.positional(1, "the job id");
                rest.cancel(jobId);
                System.out.println(rest.awaitJobState(jobId, Set.of("CANCELED"), Duration.ofMinutes(2)));
            }
            case "stop" -> System.out.println(rest.stopWithSavepoint(a.positional(1, "the job id"),
                    a.value("savepoint-dir").orElse(null), a.has("drain"), SAVEPOINT_TIMEOUT));
            case "savepoint" -> System.out.println(rest.triggerSavepoint(a.positional(1, "the job id"),
                    a.value("savepoint-dir").orElse(null), SAVEPOINT_TIMEOUT));
            case "jars" -> rest.jarIds().forEach(System.out::println);
            case "delete-jar" -> rest.deleteJar(a.positional(1, "the jar id"));
            default -> throw new CliArgs.UsageException("unknown command '" + command + "'");
        }
        return 0;
    }

    private static void deleteQuietly(FlinkRest rest, String jarId) {
        try {
            rest.deleteJar(jarId);
        } catch (RuntimeException ignored) {
            // the run's error is what matters
        }
    }

    private static String restUrl(CliArgs a) {
        Optional<String> rest = a.value("rest");
        if (rest.isPresent()) {
            return rest.get();
        }
        String runDir = a.value("run-dir").or(() -> Optional.ofNullable(System.getenv("SEQSTREAM_RUN_DIR")))
                .orElseThrow(() -> new CliArgs.UsageException("pass --rest URL or --run-dir DIR"));
        return new RunDir(Path.of(runDir)).clusterProperties().getProperty(RunDir.REST_URL);
    }

    private static String defaultJar() {
        return Optional.ofNullable(System.getenv("SEQSTREAM_JOB_JAR"))
                .orElseThrow(() -> new CliArgs.UsageException("no jar: pass --jar JAR or --jar-id ID"));
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
