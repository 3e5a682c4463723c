package io.seqstream.jobs.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Files of the job (model files, the training report, exports) through Flink's {@link FileSystem}: a location is
 * a path ({@code /models/m.zip}, the local file system) or any URI Flink has a file system for ({@code file://},
 * {@code s3://}, {@code gs://}, {@code hdfs://}, ...; the cluster needs the matching plugin).
 */
public final class FlinkFiles {
    private FlinkFiles() {
    }

    /** Checks that {@code location} parses as a Flink path or URI (config validation); returns it trimmed. */
    public static String validLocation(String location) {
        String l = location.trim();
        if (l.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        try {
            new Path(l);
            if (l.contains("://")) {
                URI.create(l);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + l + "' is neither a path nor a file system URI: " + e.getMessage(), e);
        }
        return l;
    }

    /** The whole file at {@code location}. */
    public static byte[] read(String location) throws IOException {
        Path p = new Path(location);
        FileSystem fs = p.getFileSystem();
        if (!fs.exists(p)) {
            throw new java.io.FileNotFoundException(location + " does not exist");
        }
        if (fs.getFileStatus(p).isDir()) {
            throw new IOException(location + " is a directory, not a file");
        }
        try (InputStream in = fs.open(p)) {
            return in.readAllBytes();
        }
    }

    /**
     * Writes {@code bytes} to {@code location}, replacing it. Readers never see half a file: on a file system with
     * renames the bytes go to a sibling {@code .tmp} first; object stores (S3 and the like) publish an object
     * only when it is complete anyway.
     */
    public static void write(String location, byte[] bytes) throws IOException {
        Path target = new Path(location);
        FileSystem fs = target.getFileSystem();
        Path parent = target.getParent();
        if (parent != null && !fs.exists(parent)) {
            fs.mkdirs(parent);
        }
        if (fs.isDistributedFS() && !"hdfs".equals(fs.getUri().getScheme())) {
            writeDirect(fs, target, bytes); // object store: no real rename
            return;
        }
        Path tmp = new Path(location + ".tmp");
        writeDirect(fs, tmp, bytes);
        if (!fs.rename(tmp, target)) {
            fs.delete(target, false);
            if (!fs.rename(tmp, target)) {
                fs.delete(tmp, false);
                writeDirect(fs, target, bytes);
            }
        }
    }

    private static void writeDirect(FileSystem fs, Path p, byte[] bytes) throws IOException {
        try (OutputStream out = fs.create(p, FileSystem.WriteMode.OVERWRITE)) {
            out.write(bytes);
        }
    }
}
