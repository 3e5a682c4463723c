package io.seqstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A port taken between "find free port" and broker start must surface as a BindException (the retry trigger). */
class EmbeddedKafkaBindFailureTest {

    @Test
    @Timeout(60)
    void takenPortFailsWithBindExceptionAndLeavesNoLogDir() throws Exception {
        Path base = Path.of(System.getProperty("java.io.tmpdir"), "bind-failure-test");
        try (ServerSocket taken = new ServerSocket(); ServerSocket other = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            other.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int freeForController = other.getLocalPort();
            other.close();

            // The broker logs the expected bind failure at ERROR with long traces: mute it here only.
            Level kafkaLevel = LogManager.getLogger("kafka").getLevel();
            Configurator.setLevel("kafka", Level.OFF);
            Throwable failure;
            try {
                failure = catchThrowable(() -> EmbeddedKafka.startOnce(base, taken.getLocalPort(), freeForController));
            } finally {
                Configurator.setLevel("kafka", kafkaLevel);
            }

            assertThat(failure).isNotNull();
            assertThat(EmbeddedKafka.findCause(failure, BindException.class)).isNotNull();
        }
        try (Stream<Path> left = Files.list(base)) {
            assertThat(left).as("half-started broker's log dir removed").isEmpty();
        }
    }
}
