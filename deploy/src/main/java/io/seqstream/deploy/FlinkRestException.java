package io.seqstream.deploy;

import java.util.List;

/** A Flink REST call that failed: the request, the HTTP status and Flink's error messages. */
public final class FlinkRestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final List<String> errors;

    public FlinkRestException(String request, int status, List<String> errors) {
        super(request + " failed" + (status > 0 ? " (HTTP " + status + ")" : "") + summary(errors));
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public FlinkRestException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.errors = List.of();
    }

    /** The HTTP status, 0 when no response arrived. */
    public int status() {
        return status;
    }

    /** Flink's "errors" array: often a whole server-side stack trace. */
    public List<String> errors() {
        return errors;
    }

    // Flink returns server-side stack traces; the first line and the "Caused by" lines say what went wrong.
    private static String summary(List<String> errors) {
        if (errors.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(":");
        for (String e : errors) {
            String[] lines = e.split("\\R");
            sb.append("\n  ").append(lines[0]);
            for (String line : lines) {
                if (line.startsWith("Caused by:")) {
                    sb.append("\n  ").append(line);
                }
            }
        }
        return sb.toString();
    }
}
