package io.seqstream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * A small client of Flink's REST API (the one the web UI and {@code flink} CLI use): jar upload and run,
 * job listing, cancel, savepoints and stop-with-savepoint. Plain JDK HTTP and Jackson, no Flink classes, so
 * it works against any Flink 2.x cluster, local or remote.
 */
public final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final String baseUrl;
    private final HttpClient http;

    /** {@code baseUrl}: e.g. {@code http://127.0.0.1:8081}. */
    public FlinkRest(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        // Flink's REST server speaks HTTP/1.1 only: no h2c upgrade attempt.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** What to run from an uploaded jar; null fields are left to Flink (e.g. the manifest's Main-Class). */
    public record RunRequest(String entryClass, Integer parallelism, List<String> programArgs, String savepointPath,
            boolean allowNonRestoredState) {
        public RunRequest {
            programArgs = programArgs == null ? List.of() : List.copyOf(programArgs);
        }

        public static RunRequest of(List<String> programArgs) {
            return new RunRequest(null, null, programArgs, null, false);
        }

        public RunRequest withEntryClass(String c) {
            return new RunRequest(c, parallelism, programArgs, savepointPath, allowNonRestoredState);
        }

        public RunRequest withParallelism(Integer p) {
            return new RunRequest(entryClass, p, programArgs, savepointPath, allowNonRestoredState);
        }

        public RunRequest fromSavepoint(String path, boolean allowNonRestored) {
            return new RunRequest(entryClass, parallelism, programArgs, path, allowNonRestored);
        }
    }

    /** {@code GET /overview}: taskmanagers, slots-total, slots-available, jobs-running, flink-version, ... */
    public JsonNode overview() {
        return get("/overview");
    }

    /** {@code GET /taskmanagers}: one entry per registered TaskManager (id, slotsNumber, freeSlots, ...). */
    public List<JsonNode> taskManagers() {
        List<JsonNode> out = new ArrayList<>();
        get("/taskmanagers").path("taskmanagers").forEach(out::add);
        return out;
    }

    /** {@code POST /jars/upload}; returns the jar id to run it with. */
    public String uploadJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("jar " + jar + " does not exist");
        }
        String name = jar.getFileName().toString();
        if (!name.endsWith(".jar")) {
            throw new IllegalArgumentException("Flink accepts only files named *.jar, got " + name);
        }
        String boundary = "seqstream-" + UUID.randomUUID();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"" + name + "\"\r\n"
                + "Content-Type: application/java-archive\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest.BodyPublisher body;
        try {
            body = HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head),
                    HttpRequest.BodyPublishers.ofFile(jar), HttpRequest.BodyPublishers.ofString(tail));
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("jar " + jar + " does not exist", e);
        }
        HttpRequest req = request("/jars/upload").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(body).build();
        JsonNode r = send(req, "POST /jars/upload " + name);
        String file = r.path("filename").asText("");
        if (file.isEmpty()) {
            throw new FlinkRestException("POST /jars/upload " + name + ": no filename in the answer " + r, null);
        }
        return Path.of(file).getFileName().toString(); // the jar id is the stored file's name
    }

    /** {@code GET /jars}: ids of the uploaded jars. */
    public List<String> jarIds() {
        List<String> ids = new ArrayList<>();
        get("/jars").path("files").forEach(f -> ids.add(f.path("id").asText()));
        return ids;
    }

    public void deleteJar(String jarId) {
        send(request("/jars/" + jarId).DELETE().build(), "DELETE /jars/" + jarId);
    }

    /** {@code POST /jars/:id/run}: runs the jar's main on the JobManager; returns the job id. */
    public String runJar(String jarId, RunRequest run) {
        ObjectNode body = JSON.createObjectNode();
        if (run.entryClass() != null) {
            body.put("entryClass", run.entryClass());
        }
        if (run.parallelism() != null) {
            body.put("parallelism", run.parallelism());
        }
        ArrayNode args = body.putArray("programArgsList");
        run.programArgs().forEach(args::add);
        if (run.savepointPath() != null) {
            body.put("savepointPath", run.savepointPath());
            body.put("allowNonRestoredState", run.allowNonRestoredState());
        }
        JsonNode r = post("/jars/" + jarId + "/run", body);
        return r.path("jobid").asText();
    }

    /** {@code GET /jobs/overview}, newest first. */
    public List<JobSummary> jobs() {
        List<JobSummary> out = new ArrayList<>();
        get("/jobs/overview").path("jobs").forEach(j -> out.add(new JobSummary(j.path("jid").asText(), j.path("name").asText(),
                j.path("state").asText(), j.path("start-time").asLong())));
        out.sort((a, b) -> Long.compare(b.startTime(), a.startTime()));
        return out;
    }

    /** The job's state: CREATED, RUNNING, FINISHED, CANCELED, FAILED, ... */
    public String jobState(String jobId) {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** Waits until the job is in one of {@code states}; fails early if it ends in another terminal state. */
    public String awaitJobState(String jobId, Set<String> states, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            state = jobState(jobId);
            if (states.contains(state)) {
                return state;
            }
            if (Set.of("FAILED", "CANCELED", "FINISHED").contains(state)) {
                throw new IllegalStateException("job " + jobId + " is " + state + ", expected " + states + exceptionsOf(jobId));
            }
            sleep(200);
        }
        throw new IllegalStateException("job " + jobId + " is " + state + " after " + timeout.toSeconds() + " s, expected " + states);
    }

    /** Whether the job's tasks are all running (the job state turns RUNNING before its tasks are deployed). */
    public boolean allTasksRunning(String jobId) {
        JsonNode job = get("/jobs/" + jobId);
        if (!"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode v : job.path("vertices")) {
            if (!"RUNNING".equals(v.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /** The parallelism of each vertex (chain of operators) of a job, by vertex name. */
    public Map<String, Integer> vertexParallelism(String jobId) {
        Map<String, Integer> out = new LinkedHashMap<>();
        get("/jobs/" + jobId).path("vertices").forEach(v -> out.put(v.path("name").asText(), v.path("parallelism").asInt()));
        return out;
    }

    /** {@code PATCH /jobs/:id?mode=cancel}. */
    public void cancel(String jobId) {
        send(request("/jobs/" + jobId + "?mode=cancel").method("PATCH", HttpRequest.BodyPublishers.noBody()).build(),
                "PATCH /jobs/" + jobId + "?mode=cancel");
    }

    /**
     * {@code POST /jobs/:id/stop}: takes a savepoint and stops the job (without {@code drain}: keyed state stays as
     * it is, no end-of-input flush). Waits for it and returns the savepoint's path. {@code targetDir} null: the
     * cluster's execution.checkpointing.savepoint-dir.
     */
    public String stopWithSavepoint(String jobId, String targetDir, boolean drain, Duration timeout) {
        ObjectNode body = JSON.createObjectNode();
        if (targetDir != null) {
            body.put("targetDirectory", targetDir);
        }
        body.put("drain", drain);
        String trigger = post("/jobs/" + jobId + "/stop", body).path("request-id").asText();
        return awaitSavepoint(jobId, trigger, timeout);
    }

    /** {@code POST /jobs/:id/savepoints}: a savepoint of a running job, which keeps running. Returns its path. */
    public String triggerSavepoint(String jobId, String targetDir, Duration timeout) {
        ObjectNode body = JSON.createObjectNode();
        if (targetDir != null) {
            body.put("target-directory", targetDir);
        }
        body.put("cancel-job", false);
        String trigger = post("/jobs/" + jobId + "/savepoints", body).path("request-id").asText();
        return awaitSavepoint(jobId, trigger, timeout);
    }

    /** Completed checkpoints of a job so far ({@code GET /jobs/:id/checkpoints}, counts.completed). */
    public long completedCheckpoints(String jobId) {
        return get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
    }

    /** The id of the checkpoint the job last restored from, or empty when it has not restored (a fresh start). */
    public OptionalLong restoredCheckpoint(String jobId) {
        JsonNode restored = get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored");
        return restored.hasNonNull("id") ? OptionalLong.of(restored.get("id").asLong()) : OptionalLong.empty();
    }

    /** The root exception of a job, if any (for error messages). */
    public String rootException(String jobId) {
        JsonNode r = get("/jobs/" + jobId + "/exceptions");
        JsonNode hist = r.path("exceptionHistory").path("entries");
        if (hist.isArray() && !hist.isEmpty()) {
            return hist.get(0).path("stacktrace").asText("");
        }
        return r.path("root-exception").asText("");
    }

    private String awaitSavepoint(String jobId, String triggerId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode r = get("/jobs/" + jobId + "/savepoints/" + triggerId);
            if ("COMPLETED".equals(r.path("status").path("id").asText())) {
                JsonNode op = r.path("operation");
                if (op.hasNonNull("location")) {
                    return op.path("location").asText();
                }
                throw new FlinkRestException("savepoint of job " + jobId, 0,
                        List.of(op.path("failure-cause").path("stack-trace").asText(op.toString())));
            }
            sleep(200);
        }
        throw new IllegalStateException("savepoint of job " + jobId + " not complete after " + timeout.toSeconds() + " s");
    }

    private String exceptionsOf(String jobId) {
        try {
            String e = rootException(jobId);
            return e.isEmpty() ? "" : "; root exception:\n" + e;
        } catch (RuntimeException e) {
            return "";
        }
    }

    private JsonNode get(String path) {
        return send(request(path).GET().build(), "GET " + path);
    }

    private JsonNode post(String path, JsonNode body) {
        HttpRequest req = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        return send(req, "POST " + path);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(REQUEST_TIMEOUT);
    }

    private JsonNode send(HttpRequest req, String what) {
        HttpResponse<String> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new FlinkRestException(what + " to " + baseUrl + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkRestException(what + " interrupted", e);
        }
        JsonNode json = parse(resp.body());
        if (resp.statusCode() / 100 != 2) {
            List<String> errors = new ArrayList<>();
            json.path("errors").forEach(e -> errors.add(e.asText()));
            if (errors.isEmpty() && !resp.body().isBlank()) {
                errors.add(resp.body());
            }
            throw new FlinkRestException(what, resp.statusCode(), errors);
        }
        return json;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("raw", body);
        }
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
