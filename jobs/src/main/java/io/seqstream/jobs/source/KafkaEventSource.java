package io.seqstream.jobs.source;

import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.event.Ingested;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The KafkaSource of the events topic, decoding and validating records itself (see {@link EventDecoder}). */
public final class KafkaEventSource {
    private KafkaEventSource() {
    }

    /** An unbounded source: the production job. */
    public static KafkaSource<Ingested> create(JobConfig config, IngestDecoder decoder) {
        return builder(config, decoder).build();
    }

    /** A source that stops at the end offsets seen when the job starts (tests, benchmarks). */
    public static KafkaSource<Ingested> bounded(JobConfig config, IngestDecoder decoder) {
        return builder(config, decoder).setBounded(OffsetsInitializer.latest()).build();
    }

    private static KafkaSourceBuilder<Ingested> builder(JobConfig config, IngestDecoder decoder) {
        KafkaSourceBuilder<Ingested> b = KafkaSource.<Ingested>builder()
                .setProperties(config.kafkaClientProperties()) // first: the settings below take precedence
                .setBootstrapServers(config.bootstrap())
                .setTopics(config.get(ConfigKeys.TOPIC_EVENTS))
                .setGroupId(config.get(ConfigKeys.KAFKA_GROUP_ID))
                .setStartingOffsets(switch (config.get(ConfigKeys.SOURCE_START)) {
                    case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
                    case EARLIEST -> OffsetsInitializer.earliest();
                    case LATEST -> OffsetsInitializer.latest();
                })
                .setDeserializer(new KafkaEventDeserializer(decoder))
                // Producers of events may be transactional too: never read an aborted record.
                .setProperty("isolation.level", "read_committed");
        return b;
    }
}
