package io.seqstream.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the build hands the tests (system properties set in deploy/pom.xml). */
final class TestPaths {
    private TestPaths() {
    }

    static Path deployDir() {
        return Path.of(property("deploy.dir"));
    }

    static Path jobJar() {
        return Path.of(property("job.jar"));
    }

    /** Flink's own jars: the JobManager's, TaskManagers' and CLI's classpath. */
    static String clusterClasspath() {
        return read(Path.of(property("cluster.classpath.file")));
    }

    /** This module's classes and dependencies: the broker process's classpath. */
    static String toolsClasspath() {
        return property("tools.classes.dir") + ":" + read(Path.of(property("tools.classpath.file")));
    }

    /** A fresh folder under target/ for one test. */
    static Path workDir(String name) {
        Path d = deployDir().resolve("target").resolve(name + "-" + System.currentTimeMillis());
        try {
            return Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String property(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set: run the tests through Maven (deploy/pom.xml)");
        }
        return v;
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + " (built by mvn -pl deploy package)", e);
        }
    }
}
