package io.seqstream.deploy.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A pid file of a process this tool started: {@code <pid> <start time in epoch ms>}. The start time makes it
 * safe to act on later: a pid the OS has since given to another process is recognised and left alone.
 */
public final class PidFile {
    // Process start times are read from /proc in clock ticks: allow for the rounding.
    private static final long START_TOLERANCE_MS = 1_000;

    private final Path file;

    public PidFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    /** The name of the process, from the file name ({@code taskmanager-1.pid} -> {@code taskmanager-1}). */
    public String processName() {
        String n = file.getFileName().toString();
        return n.endsWith(".pid") ? n.substring(0, n.length() - 4) : n;
    }

    public void write(ProcessHandle process) {
        long started = process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, process.pid() + " " + started + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pid file " + file, e);
        }
    }

    /** The pid recorded in the file, if the file exists and is well-formed. */
    public Optional<Long> pid() {
        return entry().map(e -> e[0]);
    }

    /** The recorded process, if it is still alive and still the process that was started (same start time). */
    public Optional<ProcessHandle> liveProcess() {
        Optional<long[]> entry = entry();
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        long pid = entry.get()[0];
        long started = entry.get()[1];
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> sameStart(p, started));
    }

    /**
     * Stops the recorded process: SIGTERM, then SIGKILL if it is still alive after {@code grace}.
     * Returns false when there was nothing (of ours) to stop. Removes the file either way.
     */
    public boolean stop(Duration grace) {
        Optional<ProcessHandle> p = liveProcess();
        p.ifPresent(h -> terminate(h, grace));
        delete();
        return p.isPresent();
    }

    /** kill -9: the process gets no chance to clean up (used to simulate a crash). */
    public boolean kill() {
        Optional<ProcessHandle> p = liveProcess();
        p.ifPresent(h -> {
            h.destroyForcibly();
            h.onExit().join();
        });
        delete();
        return p.isPresent();
    }

    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete pid file " + file, e);
        }
    }

    static void terminate(ProcessHandle h, Duration grace) {
        h.destroy();
        try {
            h.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            h.destroyForcibly();
            h.onExit().join();
        } catch (InterruptedException e) {
            h.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("waiting for process " + h.pid() + " failed", e);
        }
    }

    private Optional<long[]> entry() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String[] parts = Files.readString(file, StandardCharsets.UTF_8).trim().split("\\s+");
            return Optional.of(new long[]{ Long.parseLong(parts[0]), parts.length > 1 ? Long.parseLong(parts[1]) : 0L });
        } catch (IOException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    private static boolean sameStart(ProcessHandle p, long startedMillis) {
        if (startedMillis == 0) {
            return false; // unknown start time: cannot prove it is ours, so never touch it
        }
        return p.info().startInstant().map(i -> Math.abs(i.toEpochMilli() - startedMillis) <= START_TOLERANCE_MS).orElse(false);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PidFile p && p.file.equals(file);
    }

    @Override
    public int hashCode() {
        return file.hashCode();
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
