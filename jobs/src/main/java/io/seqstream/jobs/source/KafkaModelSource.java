package io.seqstream.jobs.source;

import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.retrain.ModelUpdate;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KafkaSource of the models topic for hot swaps: always from the earliest offset when the job does not
 * resume from a checkpoint (the newest valid version wins; older ones are skipped as stale), read_committed,
 * raw records (the operators decode and check them, so a bad record becomes a dead letter). A missing topic
 * is not an error: the source waits for it.
 */
public final class KafkaModelSource {
    /** How often an unbounded models source looks for the topic (and its partitions) when it is missing. */
    static final long DISCOVERY_INTERVAL_MS = 30_000;
    private static final Logger LOG = LoggerFactory.getLogger(KafkaModelSource.class);
    private KafkaModelSource() {
    }

    /**
     * The source for a job; null for a bounded job when the topic does not exist (a bounded Kafka source on a
     * missing topic would never finish).
     */
    public static KafkaSource<ModelUpdate> forJob(JobConfig config, boolean bounded) {
        if (bounded && !topicExists(config)) {
            LOG.info("models topic {} does not exist: this bounded job reads no model updates", config.get(ConfigKeys.TOPIC_MODELS));
            return null;
        }
        return create(config, bounded);
    }

    static boolean topicExists(JobConfig config) {
        Properties p = new Properties();
        p.putAll(config.kafkaClientProperties());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        try (Admin admin = Admin.create(p)) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(config.get(ConfigKeys.TOPIC_MODELS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing the topics of " + config.bootstrap(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the topics of " + config.bootstrap() + ": " + e, e);
        }
    }

    public static KafkaSource<ModelUpdate> create(JobConfig config, boolean bounded) {
        KafkaSourceBuilder<ModelUpdate> b = KafkaSource.<ModelUpdate>builder()
                .setProperties(config.kafkaClientProperties())
                .setBootstrapServers(config.bootstrap())
                // A pattern, not a topic list: a models topic that does not exist (yet) is no error, it is found when created.
                .setTopicPattern(Pattern.compile(Pattern.quote(config.get(ConfigKeys.TOPIC_MODELS))))
                .setGroupId(config.get(ConfigKeys.KAFKA_GROUP_ID) + "-models")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new Deserializer())
                .setProperty("isolation.level", "read_committed")
                // A model snapshot can be megabytes; the consumer default (1 MiB per partition) would still fetch it, but slowly.
                .setProperty("max.partition.fetch.bytes", String.valueOf(64 << 20));
        if (bounded) {
            b.setBounded(OffsetsInitializer.latest());
        } else {
            b.setProperty("partition.discovery.interval.ms", String.valueOf(DISCOVERY_INTERVAL_MS));
        }
        return b.build();
    }

    static final class Deserializer implements KafkaRecordDeserializationSchema<ModelUpdate> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<ModelUpdate> out) {
            out.collect(ModelUpdate.fromKafka(r.topic(), r.partition(), r.offset(), r.key(), r.value()));
        }

        @Override
        public TypeInformation<ModelUpdate> getProducedType() {
            return TypeInformation.of(ModelUpdate.class);
        }
    }
}
