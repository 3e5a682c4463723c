package io.seqstream.deploy.cluster;

import io.seqstream.deploy.CommandLines;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code deploy/cluster.sh}: start, stop, status of a local cluster; add or stop TaskManagers. */
@Command(name = "cluster.sh", mixinStandardHelpOptions = true, version = "seqstream cluster 0.1.0", description = {
        "A real Flink session cluster on 127.0.0.1 (a JobManager JVM, TaskManager JVMs) and a Kafka broker JVM, from Maven-resolved "
                + "jars. Logs, pid files and the chosen ports are in the run folder." }, subcommands = { ClusterCli.Start.class,
                        ClusterCli.Stop.class, ClusterCli.Status.class, ClusterCli.AddTaskManager.class, ClusterCli.StopTaskManager.class,
                        CommandLine.HelpCommand.class }, optionListHeading = "%nOptions:%n", commandListHeading = "%nCommands:%n")
public final class ClusterCli implements Callable<Integer> {
    @Option(names = "--run-dir", paramLabel = "DIR", scope = ScopeType.INHERIT, description = "run folder (default: deploy/run, or $SEQSTREAM_RUN_DIR)")
    Path runDir;
    /** cluster.sh passes it: the Flink cluster's own classpath, resolved by Maven. */
    @Option(names = "--cluster-classpath-file", paramLabel = "FILE", scope = ScopeType.INHERIT, hidden = true)
    Path clusterClasspathFile;
    @Spec
    CommandSpec spec;

    public static void main(String[] argv) {
        System.exit(CommandLines.of(new ClusterCli()).execute(argv));
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is required: start, stop, status, add-taskmanager or stop-taskmanager");
    }

    /** A subcommand: the run folder and the cluster classpath of the parent's options. */
    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        ClusterCli parent;
        @Spec
        CommandSpec spec;

        Path runDir() {
            return Optional.ofNullable(parent.runDir).or(() -> Optional.ofNullable(System.getenv("SEQSTREAM_RUN_DIR")).map(Path::of))
                    .orElseThrow(() -> new ParameterException(spec.commandLine(), "no run folder: pass --run-dir DIR"));
        }

        String clusterClasspath() {
            Path f = Optional.ofNullable(parent.clusterClasspathFile).orElseThrow(
                    () -> new ParameterException(spec.commandLine(), "--cluster-classpath-file is missing (cluster.sh passes it)"));
            try {
                return Files.readString(f, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the cluster classpath " + f + ": " + e.getMessage(), e);
            }
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        void atLeast(String option, int value, int min) {
            if (value < min) {
                throw new ParameterException(spec.commandLine(), option + " must be at least " + min + ", got " + value);
            }
        }

        @Override
        public final Integer call() {
            int code = run();
            out().flush();
            return code;
        }

        abstract int run();
    }

    @Command(name = "start", mixinStandardHelpOptions = true, sortOptions = false, description = "Start the broker, the JobManager and the "
            + "TaskManagers; wait until ready.", optionListHeading = "%nOptions:%n")
    static final class Start extends Sub {
        @Option(names = "--taskmanagers", paramLabel = "N", description = "TaskManager processes (default: ${DEFAULT-VALUE})")
        int taskManagers = 1;
        @Option(names = "--slots", paramLabel = "N", description = "slots per TaskManager (default: ${DEFAULT-VALUE})")
        int slots = 2;
        @Option(names = "--jm-memory", paramLabel = "SIZE", description = "jobmanager.memory.process.size (default: 1024m)")
        String jmMemory;
        @Option(names = "--tm-memory", paramLabel = "SIZE", description = "taskmanager.memory.process.size (default: 2048m)")
        String tmMemory;
        @Option(names = "--partitions", paramLabel = "N", description = "partitions of the events and predictions topics (default: ${DEFAULT-VALUE})")
        int partitions = 4;
        @Option(names = "--no-kafka", description = "no broker (use your own Kafka: set kafka.bootstrap in the job config)")
        boolean noKafka;
        @Option(names = "--standby-jobmanagers", paramLabel = "N", description = "high availability: a ZooKeeper process and N standby "
                + "JobManagers (default: ${DEFAULT-VALUE})")
        int standbyJobManagers = 0;
        @Option(names = "--flink-conf", paramLabel = "KEY=VALUE", description = "an extra config.yaml entry (repeatable), e.g. --flink-conf "
                + "heartbeat.timeout=30s")
        List<String> flinkConf = new ArrayList<>();

        @Override
        int run() {
            atLeast("--taskmanagers", taskManagers, 1);
            atLeast("--slots", slots, 1);
            atLeast("--partitions", partitions, 1);
            atLeast("--standby-jobmanagers", standbyJobManagers, 0);
            for (String kv : flinkConf) {
                if (kv.indexOf('=') <= 0) {
                    throw new ParameterException(spec.commandLine(), "--flink-conf wants KEY=VALUE, got '" + kv + "'");
                }
            }
            Path dir = runDir();
            ClusterOptions o = new ClusterOptions(dir, clusterClasspath(), System.getProperty("java.class.path")).taskManagers(taskManagers)
                    .slots(slots).eventPartitions(partitions).standbyJobManagers(standbyJobManagers).kafka(!noKafka);
            if (jmMemory != null) {
                o.jobManagerMemory(jmMemory);
            }
            if (tmMemory != null) {
                o.taskManagerMemory(tmMemory);
            }
            for (String kv : flinkConf) {
                int eq = kv.indexOf('=');
                o.flinkConfig(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
            out().println("Starting a local Flink cluster in " + dir.toAbsolutePath() + " ...");
            out().flush();
            long t0 = System.nanoTime();
            LocalCluster c = LocalCluster.start(o);
            out().printf("Started in %.1f s.%n", (System.nanoTime() - t0) / 1e9);
            out().print(c.status().render());
            if (o.kafka) {
                out().println("job config   " + c.runDir().jobProperties() + "  (add --model.path FILE when submitting)");
            }
            return CommandLines.OK;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the processes named by the run folder's pid files (only those).")
    static final class Stop extends Sub {
        @Override
        int run() {
            Path dir = runDir();
            List<String> stopped = LocalCluster.attach(dir, null).stop();
            out().println(
                    stopped.isEmpty() ? "Nothing was running in " + dir.toAbsolutePath() : "Stopped " + String.join(", ", stopped) + ".");
            return CommandLines.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Processes, Flink's /overview, broker reachability; exit code 1 unless healthy.")
    static final class Status extends Sub {
        @Override
        int run() {
            ClusterStatus s = LocalCluster.attach(runDir(), null).status();
            out().print(s.render());
            return s.healthy() ? CommandLines.OK : CommandLines.FAILED;
        }
    }

    @Command(name = "add-taskmanager", mixinStandardHelpOptions = true, description = "Start one more TaskManager.")
    static final class AddTaskManager extends Sub {
        @Override
        int run() {
            String name = LocalCluster.attach(runDir(), clusterClasspath()).addTaskManager();
            out().println("Started " + name + ".");
            return CommandLines.OK;
        }
    }

    @Command(name = "stop-taskmanager", mixinStandardHelpOptions = true, description = "Stop one TaskManager (SIGTERM).")
    static final class StopTaskManager extends Sub {
        @Parameters(paramLabel = "NAME", description = "the TaskManager's name (see status), e.g. taskmanager-1")
        String name;

        @Override
        int run() {
            if (!name.startsWith(LocalCluster.TASKMANAGER_PREFIX)) {
                throw new ParameterException(spec.commandLine(), "'" + name + "' is not a TaskManager name (taskmanager-N)");
            }
            boolean stopped = new RunDir(runDir()).pidFile(name).stop(LocalCluster.STOP_GRACE);
            out().println(stopped ? "Stopped " + name + "." : name + " was not running.");
            return CommandLines.OK;
        }
    }
}
