package io.seqstream.deploy;

/** One job as {@code GET /jobs/overview} lists it. */
public record JobSummary(String id, String name, String state, long startTime) {
    /** Whether the job has ended (finished, failed, cancelled) and will not run again. */
    public boolean terminal() {
        return switch (state) {
            case "FINISHED", "FAILED", "CANCELED" -> true;
            default -> false;
        };
    }
}
