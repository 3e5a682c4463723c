package io.seqstream.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * What the in-process single-node KRaft brokers ({@link EmbeddedKafka}, {@link RestartableKafka}) share: the
 * properties every one-broker cluster needs, formatting a log dir, free ports, and waiting for the broker and its
 * topics.
 */
final class Kraft {
    static final String HOST = "127.0.0.1";
    static final int NODE_ID = 1;
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** Upper bound for a producer's {@code transaction.timeout.ms} (a Flink EXACTLY_ONCE sink must stay below it). */
    static final long TRANSACTION_MAX_TIMEOUT_MS = Duration.ofMinutes(15).toMillis();
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private Kraft() {
    }

    /** The properties of a combined broker + controller with its log in {@code dataDir}; listeners are the caller's. */
    static Properties brokerProperties(Path dataDir, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("log.dirs", dataDir.toString());
        // One broker: every replication factor and min ISR must be 1, or groups and transactions stall.
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Few internal partitions: the default 50 each slows the first group join / first transaction.
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("transaction.max.timeout.ms", String.valueOf(TRANSACTION_MAX_TIMEOUT_MS));
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created explicitly; a typo must fail rather than create a stray topic.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        // Records carry event times (often old test times) as timestamps: time-based retention would delete them
        // mid-test.
        p.put("log.retention.ms", "-1");
        return p;
    }

    /** Formats {@code dataDir} as a new single-node KRaft cluster. */
    static void format(Path dataDir) {
        // The Formatter reports each directory on its print stream (System.out by default): silence it.
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(quiet)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(dataDir.toString())
                    .addDirectory(dataDir.toString())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format KRaft log dir " + dataDir, e);
        }
    }

    static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return Admin.create(p);
    }

    /** Blocks until the broker reports itself in describeCluster. */
    static void awaitReady(Admin admin, String bootstrap) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                Collection<Node> nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                if (!nodes.isEmpty()) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Kafka at " + bootstrap, e);
            } catch (ExecutionException | TimeoutException e) {
                last = e;
            }
            sleep(50);
        }
        throw new IllegalStateException("Kafka broker at " + bootstrap + " did not report itself in describeCluster within "
                + READY_TIMEOUT.toSeconds() + " s", last);
    }

    /** Creates a topic (replication factor 1) and waits until every partition has a leader. */
    static void createTopic(Admin admin, String bootstrap, String name, int partitions, Map<String, String> configs) {
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
        try {
            admin.createTopics(List.of(topic)).all().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitLeaders(admin, name, partitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not create topic " + name + " on " + bootstrap, e);
        }
    }

    // createTopics returns once the controller has the topic; the broker's metadata cache may lag a
    // moment (describeTopics then fails with UnknownTopicOrPartition), and clients would see the same.
    private static void awaitLeaders(Admin admin, String name, int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
        while (true) {
            try {
                TopicDescription description = admin.describeTopics(List.of(name)).allTopicNames()
                        .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(name);
                List<TopicPartitionInfo> infos = description.partitions();
                if (infos.size() == partitions && infos.stream().allMatch(p -> p.leader() != null)) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Topic " + name + " has no leader for all " + partitions + " partitions");
            }
            Thread.sleep(20);
        }
    }

    /** A port that was free a moment ago on 127.0.0.1 (bound to port 0, then released). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free port on " + HOST, e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
