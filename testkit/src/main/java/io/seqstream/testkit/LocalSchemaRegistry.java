package io.seqstream.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/**
 * The smallest stand-in for a Confluent-compatible schema registry, on 127.0.0.1 and an ephemeral port, serving
 * the documented endpoints the job and Avro producers use: {@code GET /schemas/ids/{id}},
 * {@code POST /subjects/{subject}/versions} (same schema under a subject: same id), {@code GET /subjects},
 * {@code GET /subjects/{subject}/versions}, {@code GET /subjects/{subject}/versions/latest}. Errors as the registry
 * writes them: {@code {"error_code": 40403, "message": "Schema not found"}}. Optional basic auth; can be told to
 * fail with 500 to test outages. For tests, the demo and the benchmark (like {@link EmbeddedKafka}): no compatibility
 * rules, no deletes, no persistence.
 */
public final class LocalSchemaRegistry implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<Integer, String> schemas = new LinkedHashMap<>();
    private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();
    private final AtomicInteger schemaGets = new AtomicInteger();
    private volatile String requiredAuth; // "user:password" or null
    private volatile boolean failing;
    private int nextId = 1;

    private LocalSchemaRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public static LocalSchemaRegistry start() {
        try {
            return new LocalSchemaRegistry();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the local schema registry", e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void requireBasicAuth(String userInfo) {
        requiredAuth = userInfo;
    }

    public void failWith500(boolean fail) {
        failing = fail;
    }

    /** GET /schemas/ids/{id} calls answered so far. */
    public int schemaGets() {
        return schemaGets.get();
    }

    /** Registers directly (as a producer's serializer would over HTTP); returns the id. */
    public synchronized int register(String subject, Schema schema) {
        String text = schema.toString();
        for (Map.Entry<Integer, String> e : schemas.entrySet()) {
            if (e.getValue().equals(text)) {
                List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
                if (!versions.contains(e.getKey())) {
                    versions.add(e.getKey());
                }
                return e.getKey();
            }
        }
        int id = nextId++;
        schemas.put(id, text);
        subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    public synchronized Map<String, List<Integer>> subjects() {
        return Map.copyOf(subjects);
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            if (failing) {
                reply(x, 500, Map.of("error_code", 50001, "message", "stand-in told to fail"));
                return;
            }
            if (requiredAuth != null) {
                String h = x.getRequestHeaders().getFirst("Authorization");
                String want = "Basic " + Base64.getEncoder().encodeToString(requiredAuth.getBytes(StandardCharsets.UTF_8));
                if (!want.equals(h)) {
                    reply(x, 401, Map.of("error_code", 401, "message", "Unauthorized"));
                    return;
                }
            }
            String[] p = x.getRequestURI().getPath().split("/");
            String method = x.getRequestMethod();
            synchronized (this) {
                if (method.equals("GET") && p.length == 4 && p[1].equals("schemas") && p[2].equals("ids")) {
                    schemaGets.incrementAndGet();
                    String s = parseId(p[3]) == null ? null : schemas.get(parseId(p[3]));
                    if (s == null) {
                        reply(x, 404, Map.of("error_code", 40403, "message", "Schema " + p[3] + " not found"));
                    } else {
                        reply(x, 200, Map.of("schema", s));
                    }
                } else if (method.equals("GET") && p.length == 2 && p[1].equals("subjects")) {
                    reply(x, 200, new ArrayList<>(subjects.keySet()));
                } else if (p.length >= 4 && p[1].equals("subjects") && p[3].equals("versions")) {
                    String subject = java.net.URLDecoder.decode(p[2], StandardCharsets.UTF_8);
                    if (method.equals("POST") && p.length == 4) {
                        JsonNode body = JSON.readTree(x.getRequestBody());
                        Schema schema = new Schema.Parser().parse(body.get("schema").asText());
                        int id;
                        synchronized (this) {
                            id = register(subject, schema);
                        }
                        reply(x, 200, Map.of("id", id));
                    } else if (!subjects.containsKey(subject)) {
                        reply(x, 404, Map.of("error_code", 40401, "message", "Subject '" + subject + "' not found."));
                    } else if (method.equals("GET") && p.length == 4) {
                        List<Integer> versions = new ArrayList<>();
                        for (int i = 1; i <= subjects.get(subject).size(); i++) {
                            versions.add(i);
                        }
                        reply(x, 200, versions);
                    } else if (method.equals("GET") && p.length == 5 && p[4].equals("latest")) {
                        List<Integer> ids = subjects.get(subject);
                        int id = ids.get(ids.size() - 1);
                        reply(x, 200, Map.of("subject", subject, "version", ids.size(), "id", id, "schema", schemas.get(id)));
                    } else {
                        reply(x, 404, Map.of("error_code", 404, "message", "not served by the stand-in"));
                    }
                } else {
                    reply(x, 404, Map.of("error_code", 404, "message", "not served by the stand-in"));
                }
            }
        } catch (RuntimeException e) {
            reply(x, 422, Map.of("error_code", 42201, "message", String.valueOf(e.getMessage())));
        }
    }

    private static Integer parseId(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void reply(HttpExchange x, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
