package io.seqstream.jobs.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seqstream.schemas.ErrorKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client of the Confluent schema registry REST API (any compatible server): {@code GET /schemas/ids/{id}} for
 * writer schemas, {@code POST /subjects/{subject}/versions} to register the job's output schema. Schemas by id
 * are immutable in a registry, so found ones are cached for good (bounded: beyond the bound, the oldest goes).
 * Serializable (the settings only); the HTTP client is made on first use on each task.
 */
public final class RegistryClient implements SchemaSource {
    private static final long serialVersionUID = 1L;
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** A registry answer larger than this is refused (a schema is kilobytes). */
    static final int MAX_RESPONSE_BYTES = 4 << 20;
    static final int CACHE_SIZE = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistrySettings settings;
    private transient HttpClient http;
    private transient Map<Integer, Schema> cache;

    public RegistryClient(RegistrySettings settings) {
        this.settings = settings;
    }

    public RegistrySettings settings() {
        return settings;
    }

    @Override
    public Schema schema(int id) throws DecodeException {
        Map<Integer, Schema> c = cache();
        Schema s = c.get(id);
        if (s != null) {
            return s;
        }
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(uri("/schemas/ids/" + id)).GET());
        JsonNode body = body(r, "GET /schemas/ids/" + id);
        if (r.statusCode() == 404) {
            throw new DecodeException(ErrorKind.UNKNOWN_SCHEMA, "schema id " + id + " is unknown to the registry " + settings.url()
                    + errorText(body));
        }
        if (r.statusCode() != 200) {
            throw unavailable("GET /schemas/ids/" + id + " answered HTTP " + r.statusCode() + errorText(body), null);
        }
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new DecodeException(ErrorKind.WRONG_SCHEMA, "schema id " + id + " is a " + type + " schema, an Avro schema was expected");
        }
        JsonNode text = body.get("schema");
        if (text == null || !text.isTextual()) {
            throw unavailable("GET /schemas/ids/" + id + ": the answer has no \"schema\" string", null);
        }
        try {
            s = new Schema.Parser().parse(text.textValue());
        } catch (SchemaParseException e) {
            throw new DecodeException(ErrorKind.WRONG_SCHEMA, "schema id " + id + " is not a valid Avro schema: " + e.getMessage());
        }
        if (c.size() >= CACHE_SIZE) {
            c.clear(); // crude but bounded; real topics have a handful of ids
        }
        c.put(id, s);
        return s;
    }

    /** Registers {@code schema} under {@code subject} (or finds it there) and returns its id. */
    public int register(String subject, Schema schema) {
        String path = "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20") + "/versions";
        String payload;
        try {
            payload = JSON.writeValueAsString(Map.of("schema", schema.toString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(uri(path)).header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(payload)));
        JsonNode body = body(r, "POST " + path);
        if (r.statusCode() != 200 || !body.path("id").canConvertToInt()) {
            throw unavailable("POST " + path + " answered HTTP " + r.statusCode() + errorText(body), null);
        }
        int id = body.get("id").intValue();
        cache().put(id, schema);
        return id;
    }

    private URI uri(String path) {
        return URI.create(settings.url() + path);
    }

    private HttpResponse<InputStream> send(HttpRequest.Builder b) {
        b.timeout(settings.timeout()).header("Accept", CONTENT_TYPE + ", application/json");
        settings.basicAuth().ifPresent(ui -> b.header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(ui.getBytes(StandardCharsets.UTF_8))));
        HttpRequest req = b.build();
        try {
            return client().send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unavailable(req.method() + " " + req.uri().getPath() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while asking the registry", e);
        }
    }

    private JsonNode body(HttpResponse<InputStream> r, String what) {
        try (InputStream in = r.body()) {
            byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            if (bytes.length > MAX_RESPONSE_BYTES) {
                throw unavailable(what + ": answer over " + MAX_RESPONSE_BYTES + " bytes", null);
            }
            if (bytes.length == 0) {
                return JSON.createObjectNode();
            }
            return JSON.readTree(bytes);
        } catch (IOException e) {
            if (r.statusCode() != 200) {
                return JSON.createObjectNode(); // an error page that is not JSON: the status says enough
            }
            throw unavailable(what + ": unreadable answer: " + e.getMessage(), e);
        }
    }

    private static String errorText(JsonNode body) {
        JsonNode m = body.get("message");
        return m == null ? "" : " (" + m.asText() + ")";
    }

    private RegistryUnavailableException unavailable(String message, Throwable cause) {
        return new RegistryUnavailableException("schema registry " + settings.url() + ": " + message, cause);
    }

    private Map<Integer, Schema> cache() {
        if (cache == null) {
            cache = new ConcurrentHashMap<>();
        }
        return cache;
    }

    private HttpClient client() {
        if (http == null) {
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(settings.timeout());
            if (settings.truststore().isPresent()) {
                b.sslContext(sslContext());
            }
            http = b.build();
        }
        return http;
    }

    private SSLContext sslContext() {
        try (InputStream in = Files.newInputStream(Path.of(settings.truststoreLocation()))) {
            KeyStore ks = KeyStore.getInstance(settings.truststoreType());
            ks.load(in, settings.truststorePassword().isEmpty() ? null : settings.truststorePassword().toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load the registry truststore " + settings.truststoreLocation() + " ("
                    + settings.truststoreType() + "): " + e.getMessage(), e);
        }
    }
}
