package io.seqstream.jobs.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.seqstream.jobs.testing.ShopEvents;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * registry.ssl.truststore.*: an https registry whose certificate (self-signed, made by the JDK's keytool) only the
 * configured truststore trusts. Without it the call fails as an outage, with it the schema is read.
 */
class RegistryClientTlsTest {
    @TempDir
    Path dir;

    private void keytool(String... args) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> cmd = new java.util.ArrayList<>(List.of(keytool.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("keytool %s: %s", args[0], out).isZero();
    }

    @Test
    void anHttpsRegistryIsTrustedThroughTheConfiguredTruststore() throws Exception {
        Path server = dir.resolve("server.p12"), cert = dir.resolve("server.crt"), trust = dir.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", server.toString(), "-storepass", "serverpw");
        keytool("-exportcert", "-alias", "registry", "-keystore", server.toString(), "-storepass", "serverpw", "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "registry", "-file", cert.toString(), "-storetype", "PKCS12", "-keystore",
                trust.toString(), "-storepass", "trustpw");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(server)) {
            ks.load(in, "serverpw".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "serverpw".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(ctx));
        byte[] body = new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsBytes(java.util.Map.of("schema", ShopEvents.SCHEMA.toString()));
        https.createContext("/schemas/ids/1", x -> {
            x.sendResponseHeaders(200, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        });
        https.start();
        try {
            String url = "https://127.0.0.1:" + https.getAddress().getPort();
            RegistrySettings trusted = new RegistrySettings(url, "", trust.toString(), "trustpw", "PKCS12", Duration.ofSeconds(10));

            assertThat(new RegistryClient(trusted).schema(1)).isEqualTo(ShopEvents.SCHEMA);
            assertThatThrownBy(() -> new RegistryClient(RegistrySettings.of(url)).schema(1))
                    .isInstanceOf(RegistryUnavailableException.class);
            RegistrySettings wrongPassword = new RegistrySettings(url, "", trust.toString(), "nope", "PKCS12", Duration.ofSeconds(10));
            assertThatThrownBy(() -> new RegistryClient(wrongPassword).schema(1)).hasMessageContaining("registry truststore");
        } finally {
            https.stop(0);
        }
    }
}
