package io.seqstream.deploy.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a background JVM of the cluster: stdin from /dev/null, stdout and stderr appended to
 * {@code logs/<name>.out}, its pid recorded in {@code pids/<name>.pid}. The process outlives the JVM that
 * started it; only its pid file leads back to it.
 */
final class JvmLauncher {
    private JvmLauncher() {
    }

    /** The java of the running JVM, so every process runs the same Java version. */
    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static ProcessHandle launch(RunDir dir, String name, String classpath, List<String> jvmArgs, String mainClass,
            List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(jvmArgs);
        cmd.add("-Dlog.file=" + dir.logFile(name));
        cmd.add("-Dlog4j.configurationFile=" + dir.conf().resolve(FlinkConfFiles.LOG4J).toUri());
        cmd.add("-Djava.io.tmpdir=" + dir.tmp());
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        Path out = dir.outFile(name);
        try {
            Files.createDirectories(out.getParent());
            // The command line heads the .out file: what ran is the first thing to check when a process fails.
            Files.writeString(out, "# " + Instant.now() + " started: " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Process p = new ProcessBuilder(cmd)
                    .directory(dir.root().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .redirectErrorStream(true)
                    .start();
            dir.pidFile(name).write(p.toHandle());
            return p.toHandle();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + mainClass + ")", e);
        }
    }
}
