package io.seqstream.jobs.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.jobs.testing.ShopEvents;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.Prediction;
import io.seqstream.testkit.LocalSchemaRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The HTTP client against the registry stand-in (the endpoints of the Confluent API it serves). */
class RegistryClientTest {

    @Test
    void fetchesSchemasByIdOnceAndRegistersIdempotently() throws Exception {
        try (LocalSchemaRegistry registry = LocalSchemaRegistry.start()) {
            int id = registry.register("shop-events-value", ShopEvents.SCHEMA);
            RegistryClient client = new RegistryClient(RegistrySettings.of(registry.url()));

            assertThat(client.schema(id)).isEqualTo(ShopEvents.SCHEMA);
            assertThat(client.schema(id)).isEqualTo(ShopEvents.SCHEMA);
            assertThat(registry.schemaGets()).isEqualTo(1);
            int p1 = client.register("predictions-value", Prediction.getClassSchema());
            int p2 = new RegistryClient(RegistrySettings.of(registry.url() + "/")).register("predictions-value",
                    Prediction.getClassSchema());
            assertThat(p1).isEqualTo(p2).isNotEqualTo(id);
            assertThat(registry.subjects()).containsKeys("shop-events-value", "predictions-value");
        }
    }

    @Test
    void anUnknownIdIsAnUnknownSchemaErrorAndAnOutageIsNot() {
        try (LocalSchemaRegistry registry = LocalSchemaRegistry.start()) {
            RegistryClient client = new RegistryClient(RegistrySettings.of(registry.url()));

            assertThatThrownBy(() -> client.schema(99)).isInstanceOf(DecodeException.class)
                    .hasMessageContaining("schema id 99 is unknown to the registry").hasMessageContaining("not found")
                    .extracting(e -> ((DecodeException) e).kind()).isEqualTo(ErrorKind.UNKNOWN_SCHEMA);
            registry.failWith500(true);
            assertThatThrownBy(() -> client.schema(1)).isInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining("HTTP 500");
        }
        RegistryClient closed = new RegistryClient(new RegistrySettings("http://127.0.0.1:1", "", "", "", "", Duration.ofSeconds(2)));
        assertThatThrownBy(() -> closed.schema(1)).isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("http://127.0.0.1:1");
    }

    @Test
    void sendsBasicAuthWhenConfigured() throws Exception {
        try (LocalSchemaRegistry registry = LocalSchemaRegistry.start()) {
            int id = registry.register("s", ShopEvents.SCHEMA);
            registry.requireBasicAuth("svc:pw");
            RegistrySettings auth = new RegistrySettings(registry.url(), "svc:pw", "", "", "", null);

            assertThat(new RegistryClient(auth).schema(id)).isEqualTo(ShopEvents.SCHEMA);
            assertThatThrownBy(() -> new RegistryClient(RegistrySettings.of(registry.url())).schema(id))
                    .isInstanceOf(RegistryUnavailableException.class).hasMessageContaining("HTTP 401");
            assertThat(auth.toString()).doesNotContain("pw");
        }
    }
}
