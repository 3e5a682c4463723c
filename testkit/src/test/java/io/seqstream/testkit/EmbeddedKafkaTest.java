package io.seqstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EmbeddedKafkaTest {

    private static final String TOPIC = "events";
    private static final int RECORDS = 100;

    @Test
    @Timeout(90)
    void transactionalRoundTripOnLoopbackAndCleanShutdown() throws Exception {
        Path dataDir;
        int port;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(System.getProperty("java.io.tmpdir")))) {
            dataDir = kafka.dataDir();
            String bootstrap = kafka.bootstrapServers();
            assertThat(bootstrap).startsWith("127.0.0.1:");
            port = Integer.parseInt(bootstrap.substring(bootstrap.indexOf(':') + 1));
            assertThat(advertisedHosts(bootstrap)).containsExactly("127.0.0.1");
            assertThat(dataDir).isDirectory();

            kafka.createTopic(TOPIC, 2, Map.of());
            produceTransactionally(bootstrap);

            List<ConsumerRecord<String, String>> records = KafkaTestClients.readCommitted(bootstrap, TOPIC);
            assertThat(records).hasSize(RECORDS);
            for (int partition = 0; partition < 2; partition++) {
                int p = partition;
                List<String> values = records.stream().filter(r -> r.partition() == p).map(ConsumerRecord::value).toList();
                List<String> expected = IntStream.range(0, RECORDS).filter(i -> i % 2 == p).mapToObj(i -> "v-" + i).toList();
                assertThat(values).as("partition %d in order, aborted records invisible", p).containsExactlyElementsOf(expected);
            }
        }
        assertThat(Files.exists(dataDir)).as("log dir deleted").isFalse();
        assertThat(portIsFree(port)).as("port %d released", port).isTrue();
    }

    /** 100 committed records (even i on partition 0, odd on 1), then an aborted batch read_committed must hide. */
    private static void produceTransactionally(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-test");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 2, "k-" + i, "v-" + i));
            }
            producer.commitTransaction();

            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 2, "aborted-" + i, "aborted-" + i));
            }
            producer.flush();
            producer.abortTransaction();
        }
    }

    private static List<String> advertisedHosts(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Collection<Node> nodes = admin.describeCluster().nodes().get();
            List<String> hosts = new ArrayList<>();
            nodes.forEach(n -> hosts.add(n.host()));
            return hosts;
        }
    }

    private static boolean portIsFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // like the broker itself; TIME_WAIT leftovers do not count as "in use"
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
