package io.seqstream.deploy.cluster;

import io.seqstream.deploy.CliArgs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code deploy/cluster.sh}: start, stop, status of a local cluster; add or stop TaskManagers. */
public final class ClusterCli {
    static final String USAGE = """
            usage: cluster.sh COMMAND [--run-dir DIR] [options]

            A real Flink session cluster on 127.0.0.1 (a JobManager JVM, TaskManager JVMs) and a Kafka broker JVM,
            from Maven-resolved jars. Logs, pid files and the chosen ports are in the run folder.

            commands:
              start                 start the broker, the JobManager and the TaskManagers; wait until ready
              stop                  stop the processes named by the run folder's pid files (only those)
              status                processes, Flink's /overview, broker reachability; exit 1 unless healthy
              add-taskmanager       start one more TaskManager
              stop-taskmanager NAME stop one TaskManager, e.g. taskmanager-1 (SIGTERM)

            options:
              --run-dir DIR         run folder (default: deploy/run, or $SEQSTREAM_RUN_DIR)
            start options:
              --taskmanagers N      TaskManager processes (default 1)
              --slots N             slots per TaskManager (default 2)
              --jm-memory SIZE      jobmanager.memory.process.size (default 1024m)
              --tm-memory SIZE      taskmanager.memory.process.size (default 2048m)
              --partitions N        partitions of the events and predictions topics (default 4)
              --no-kafka            no broker (use your own Kafka: set kafka.bootstrap in the job config)
              --standby-jobmanagers N  high availability: a ZooKeeper process and N standby JobManagers (default 0)
              --flink-conf KEY=VAL  an extra config.yaml entry (repeatable), e.g. --flink-conf heartbeat.timeout=30s
            """;

    private ClusterCli() {
    }

    public static void main(String[] argv) {
        try {
            System.exit(run(argv));
        } catch (CliArgs.UsageException e) {
            System.err.println("cluster.sh: " + e.getMessage() + "\n\n" + USAGE);
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println("cluster.sh: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(String[] argv) {
        CliArgs a = CliArgs.parse(argv,
                Set.of("run-dir", "cluster-classpath-file", "taskmanagers", "slots", "jm-memory", "tm-memory", "partitions",
                        "flink-conf", "standby-jobmanagers"),
                Set.of("no-kafka", "help"));
        if (a.has("help") || a.positionals().isEmpty()) {
            System.out.print(USAGE);
            return a.has("help") ? 0 : 2;
        }
        Path runDir = Path.of(a.value("run-dir").or(() -> Optional.ofNullable(System.getenv("SEQSTREAM_RUN_DIR")))
                .orElseThrow(() -> new CliArgs.UsageException("no run folder: pass --run-dir DIR")));
        String command = a.positional(0, "command");
        switch (command) {
            case "start" -> {
                ClusterOptions o = new ClusterOptions(runDir, clusterClasspath(a), System.getProperty("java.class.path"))
                        .taskManagers(a.intValue("taskmanagers", 1))
                        .slots(a.intValue("slots", 2))
                        .eventPartitions(a.intValue("partitions", 4))
                        .standbyJobManagers(a.intValue("standby-jobmanagers", 0))
                        .kafka(!a.has("no-kafka"));
                a.value("jm-memory").ifPresent(o::jobManagerMemory);
                a.value("tm-memory").ifPresent(o::taskManagerMemory);
                for (String kv : a.values("flink-conf")) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new CliArgs.UsageException("--flink-conf wants KEY=VALUE, got '" + kv + "'");
                    }
                    o.flinkConfig(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
                }
                System.out.println("Starting a local Flink cluster in " + runDir.toAbsolutePath() + " ...");
                long t0 = System.nanoTime();
                LocalCluster c = LocalCluster.start(o);
                System.out.printf("Started in %.1f s.%n", (System.nanoTime() - t0) / 1e9);
                System.out.print(c.status().render());
                if (o.kafka) {
                    System.out.println("job config   " + c.runDir().jobProperties() + "  (add --model.path FILE when submitting)");
                }
                return 0;
            }
            case "stop" -> {
                List<String> stopped = LocalCluster.attach(runDir, null).stop();
                System.out.println(stopped.isEmpty()
                        ? "Nothing was running in " + runDir.toAbsolutePath()
                        : "Stopped " + String.join(", ", stopped) + ".");
                return 0;
            }
            case "status" -> {
                ClusterStatus s = LocalCluster.attach(runDir, null).status();
                System.out.print(s.render());
                return s.healthy() ? 0 : 1;
            }
            case "add-taskmanager" -> {
                String name = LocalCluster.attach(runDir, clusterClasspath(a)).addTaskManager();
                System.out.println("Started " + name + ".");
                return 0;
            }
            case "stop-taskmanager" -> {
                String name = a.positional(1, "the TaskManager's name (see status)");
                if (!name.startsWith(LocalCluster.TASKMANAGER_PREFIX)) {
                    throw new CliArgs.UsageException("'" + name + "' is not a TaskManager name (taskmanager-N)");
                }
                boolean stopped = new RunDir(runDir).pidFile(name).stop(LocalCluster.STOP_GRACE);
                System.out.println(stopped ? "Stopped " + name + "." : name + " was not running.");
                return 0;
            }
            default -> throw new CliArgs.UsageException("unknown command '" + command + "'");
        }
    }

    private static String clusterClasspath(CliArgs a) {
        Path f = Path.of(a.value("cluster-classpath-file")
                .orElseThrow(() -> new CliArgs.UsageException("--cluster-classpath-file is missing (cluster.sh passes it)")));
        try {
            return Files.readString(f, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the cluster classpath " + f + ": " + e.getMessage(), e);
        }
    }
}
