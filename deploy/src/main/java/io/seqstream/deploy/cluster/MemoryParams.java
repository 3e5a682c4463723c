package io.seqstream.deploy.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * JVM memory flags and dynamic config of a JobManager or TaskManager, computed from config.yaml by Flink's
 * own {@code BashJavaUtils} exactly as flink-dist's jobmanager.sh / taskmanager.sh do: the first result line
 * is JVM options ({@code -Xmx... -Xms... -XX:MaxMetaspaceSize=...}), the second is {@code -D key=value}
 * arguments for the entry point.
 */
record MemoryParams(List<String> jvmArgs, List<String> dynamicArgs) {
    static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

    static MemoryParams jobManager(Path confDir, String classpath) {
        return compute("GET_JM_RESOURCE_PARAMS", confDir, classpath);
    }

    static MemoryParams taskManager(Path confDir, String classpath) {
        return compute("GET_TM_RESOURCE_PARAMS", confDir, classpath);
    }

    private static MemoryParams compute(String command, Path confDir, String classpath) {
        List<String> cmd = List.of(JvmLauncher.javaBinary(), "-cp", classpath, BASH_JAVA_UTILS, command, "--configDir",
                confDir.toString());
        String output;
        int exit;
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(BASH_JAVA_UTILS + " " + command + " did not finish in 60 s");
            }
            output = new String(out, StandardCharsets.UTF_8);
            exit = p.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + BASH_JAVA_UTILS, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        List<String> results = new ArrayList<>();
        for (String line : output.split("\\R")) {
            if (line.startsWith(RESULT_PREFIX)) {
                results.add(line.substring(RESULT_PREFIX.length()).trim());
            }
        }
        if (exit != 0 || results.size() < 2) {
            throw new IllegalStateException(BASH_JAVA_UTILS + " " + command + " failed (exit " + exit + ") for the config in "
                    + confDir + "; check the memory settings there. Output:\n" + output);
        }
        return new MemoryParams(split(results.get(0)), split(results.get(1)));
    }

    private static List<String> split(String s) {
        return s.isBlank() ? List.of() : Arrays.asList(s.trim().split("\\s+"));
    }
}
